#!/usr/bin/env bash
# Install the Debian 12 system packages for docx -> PDF and workbook rendering (LibreOffice Writer and
# Calc headless, poppler-utils, CJK fonts, Carlito for Calibri metrics) and for live PE_ cells in LibreOffice
# Calc (tests/test_calc_*.py: Python UNO components and LibreOffice's Python with uno). Idempotent; run as root.
set -euo pipefail

have_all() {
    command -v soffice >/dev/null 2>&1 || return 1
    [ -e /usr/lib/libreoffice/program/libsclo.so ] || return 1  # Calc, to render the workbooks
    [ -e /usr/lib/libreoffice/program/pythonloader.py ] || return 1  # python3-uno: Python UNO components
    [ -e /usr/lib/libreoffice/program/unopkg ] || return 1  # installs the pe-eval extension
    [ -e /usr/lib/libreoffice/program/pythonscript.py ] || return 1  # libreoffice-script-provider-python
    /usr/bin/python3 -c "import uno" >/dev/null 2>&1 || return 1  # LibreOffice's Python (Debian: the system one)
    command -v pdftoppm >/dev/null 2>&1 || return 1
    command -v pdffonts >/dev/null 2>&1 || return 1
    command -v fc-list >/dev/null 2>&1 || return 1
    local fonts
    fonts="$(fc-list : family)"
    local family
    for family in "AR PL UMing CN" "AR PL UKai CN" "Noto Sans CJK SC" "Noto Serif CJK SC" "Carlito"; do
        grep -qF "$family" <<<"$fonts" || return 1
    done
}

if have_all; then
    echo "system-packages: already installed"
    exit 0
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends \
    libreoffice-writer-nogui \
    libreoffice-calc-nogui \
    python3-uno \
    libreoffice-script-provider-python \
    poppler-utils \
    fonts-noto-cjk \
    fonts-arphic-uming \
    fonts-arphic-ukai \
    fonts-crosextra-carlito \
    fontconfig
fc-cache -f >/dev/null
have_all || { echo "system-packages: install incomplete" >&2; exit 1; }
echo "system-packages: installed"

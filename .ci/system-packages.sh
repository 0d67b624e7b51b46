#!/usr/bin/env bash
# Install the Debian 12 system packages for docx -> PDF and workbook rendering (LibreOffice Writer and
# Calc headless, poppler-utils, CJK fonts, Carlito for Calibri metrics). Idempotent; run as root.
set -euo pipefail

have_all() {
    command -v soffice >/dev/null 2>&1 || return 1
    [ -e /usr/lib/libreoffice/program/libsclo.so ] || return 1  # Calc, to render the workbooks
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
    poppler-utils \
    fonts-noto-cjk \
    fonts-arphic-uming \
    fonts-arphic-ukai \
    fonts-crosextra-carlito \
    fontconfig
fc-cache -f >/dev/null
have_all || { echo "system-packages: install incomplete" >&2; exit 1; }
echo "system-packages: installed"

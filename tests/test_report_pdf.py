"""The report as PDF (LibreOffice headless) and its first page as PNG (pdftoppm)."""
import os
import shutil
import struct
import subprocess

import pytest

from xladdin.pdf_convert import find_converter, pdf_first_page_png
from xladdin.report import build_report

TOOLS_PRESENT = bool(find_converter() and shutil.which("pdftoppm") and shutil.which("pdffonts"))
# CI installs them (.ci/system-packages.sh): never skip there.
pytestmark = pytest.mark.skipif(
    not TOOLS_PRESENT and not os.environ.get("CI"),
    reason="LibreOffice/poppler-utils not installed (run .ci/system-packages.sh)",
)


def test_report_pdf_and_first_page_png(tmp_path, seed_assessment):
    result = build_report(seed_assessment, tmp_path / "报告.docx", pdf=True)
    assert not [f for f in result.findings if f.code == "RPT-PDF"]
    assert result.pdf_path == tmp_path / "报告.pdf"
    assert result.pdf_path.read_bytes().startswith(b"%PDF")

    fonts = subprocess.run(["pdffonts", str(result.pdf_path)], capture_output=True, text=True, check=True).stdout
    for family in ("UMing", "UKai", "NotoSansCJK", "NotoSerifCJK"):  # 仿宋, 楷体, 黑体, 方正小标宋 aliases
        assert family in fonts, fonts
    assert "DejaVu" not in fonts

    page1 = subprocess.run(["pdftotext", "-l", "1", str(result.pdf_path), "-"], capture_output=True, text=True, check=True)
    text = page1.stdout.replace(" ", "")  # pdftotext drops and adds spaces around Latin text
    assert "2024年度部门整体支出绩效评价报告" in text and "—1—" in text

    png = pdf_first_page_png(result.pdf_path, tmp_path / "page1.png", dpi=60)
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", data[16:24])
    assert abs(width / height - 210 / 297) < 0.01  # A4 portrait
    assert len(data) > 10_000  # a page of text, not a blank page

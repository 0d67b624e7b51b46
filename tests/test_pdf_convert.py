"""Tests for xladdin.files.pdf_convert (LibreOffice headless + poppler on Linux)."""

import os
import shutil
import struct
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from xladdin.files.pdf_convert import (
    ConverterMissing,
    docx_to_pdf,
    find_converter,
    pdf_first_page_png,
)

TEXT = "部门整体支出绩效评价报告：仿宋正文测试。"
TOOLS_PRESENT = bool(find_converter() and shutil.which("pdftoppm") and shutil.which("pdffonts"))
# In CI the tools are installed by .ci/system-packages.sh, so never skip there.
needs_tools = pytest.mark.skipif(
    not TOOLS_PRESENT and not os.environ.get("CI"),
    reason="LibreOffice/poppler-utils not installed (run .ci/system-packages.sh)",
)
posix_only = pytest.mark.skipif(os.name == "nt", reason="Windows falls back to Word")


def make_docx(path: Path, font: str = "仿宋_GB2312") -> Path:
    doc = Document()
    run = doc.add_paragraph().add_run(TEXT)
    run.font.name = font
    run.font.size = Pt(16)
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
    doc.save(path)
    return path


def pdf_font_names(pdf: Path) -> list[str]:
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    return [line.split()[0] for line in out.stdout.splitlines()[2:] if line.strip()]


@needs_tools
def test_converts_chinese_with_fangsong_alias(tmp_path):
    docx = make_docx(tmp_path / "报告.docx")
    pdf = docx_to_pdf(docx)
    assert pdf == tmp_path / "报告.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    fonts = pdf_font_names(pdf)
    assert any("UMing" in name for name in fonts), fonts  # 仿宋_GB2312 alias applied
    assert not any("DejaVu" in name for name in fonts), fonts
    assert sorted(p.name for p in tmp_path.iterdir()) == ["报告.docx", "报告.pdf"]

    png = pdf_first_page_png(pdf, tmp_path / "page1.png")
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", data[16:24])
    assert width > 500 and height > 600
    assert len(data) > 3000  # text was drawn, not a blank page

    with pytest.raises(FileExistsError):
        docx_to_pdf(docx)


@needs_tools
def test_overwrite_replaces_existing_target(tmp_path):
    docx = make_docx(tmp_path / "a.docx")
    target = tmp_path / "out" / "b.pdf"
    target.parent.mkdir()
    target.write_bytes(b"old")
    assert docx_to_pdf(docx, target, overwrite=True) == target
    assert target.read_bytes().startswith(b"%PDF")
    assert [p.name for p in target.parent.iterdir()] == ["b.pdf"]


def test_existing_target_is_not_overwritten(tmp_path):
    docx = make_docx(tmp_path / "a.docx")
    target = tmp_path / "a.pdf"
    target.write_bytes(b"keep")
    with pytest.raises(FileExistsError):
        docx_to_pdf(docx)
    assert target.read_bytes() == b"keep"


@posix_only
def test_converter_missing(tmp_path, monkeypatch):
    monkeypatch.setenv("PE_SOFFICE", str(tmp_path / "no" / "soffice"))
    monkeypatch.setenv("PATH", "")
    assert find_converter() is None
    with pytest.raises(ConverterMissing) as info:
        docx_to_pdf(make_docx(tmp_path / "a.docx"))
    assert "LibreOffice" in str(info.value)
    assert not (tmp_path / "a.pdf").exists()


@needs_tools
def test_unreadable_docx_raises(tmp_path):
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"PK\x03\x04 not a docx")
    with pytest.raises(RuntimeError, match="could not be loaded"):
        docx_to_pdf(bad)
    assert not (tmp_path / "bad.pdf").exists()


@posix_only
def test_converter_failure_is_reported(tmp_path, monkeypatch):
    monkeypatch.setenv("PE_SOFFICE", "/bin/false")
    with pytest.raises(RuntimeError, match="转换PDF失败"):
        docx_to_pdf(make_docx(tmp_path / "a.docx"))
    assert not (tmp_path / "a.pdf").exists()


def test_png_needs_pdftoppm(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", "")
    with pytest.raises(ConverterMissing, match="pdftoppm"):
        pdf_first_page_png(tmp_path / "x.pdf", tmp_path / "x.png")


@posix_only
def test_timeout_kills_converter(tmp_path, monkeypatch):
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\n/bin/sleep 30 &\nwait\n")  # grandchild must die too
    fake.chmod(0o755)
    monkeypatch.setenv("PE_SOFFICE", str(fake))
    with pytest.raises(RuntimeError, match="超时"):
        docx_to_pdf(make_docx(tmp_path / "a.docx"), timeout=0.5)
    assert not (tmp_path / "a.pdf").exists()


@needs_tools
def test_parallel_conversions_use_private_profiles(tmp_path):
    docs = [make_docx(tmp_path / f"d{i}.docx") for i in range(2)]
    with ThreadPoolExecutor(2) as pool:
        pdfs = list(pool.map(docx_to_pdf, docs))
    assert all(p.read_bytes().startswith(b"%PDF") for p in pdfs)

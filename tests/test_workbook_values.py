"""Workbooks opened where the add-in is not: LibreOffice Calc shows the values the product cached."""
import shutil
import subprocess

import pytest

from xladdin.workbook import build_templates

SAMPLE = build_templates.TEMPLATES_DIR / build_templates.sample_name()


@pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftotext")), reason="需要 LibreOffice 和 poppler")
def test_libreoffice_calc_shows_the_cached_total_and_grade(tmp_path):
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(SAMPLE)], check=True, capture_output=True, timeout=180)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / f"{SAMPLE.stem}.pdf"), "-"], check=True,
                          capture_output=True, text=True).stdout
    pages = text.split("\f")
    summary = [page for page in pages if "评价结果汇总" in page]
    assert summary and "93.56" in summary[0] and "优" in summary[0]
    assert "98.67" in summary[0]  # 问卷综合得分, read from 问卷 by a native formula
    guide_title = "部门整体支出绩效评价工作簿"  # only 说明 mentions #NAME?, to explain it
    assert not [page for page in pages if "#NAME?" in page and guide_title not in page]

"""Everything the product prints, as LibreOffice prints it: the demo's reports and workbooks, a blank template of
each shipped ruleset, a static copy and a roll-up of three workbooks — ready to submit.

One LibreOffice run converts the workbooks; the reports' PDFs come from ``pe-eval demo`` itself.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from scoring import assess, fmt2, load_ruleset, sample_evaluation
from xladdin.cli import main
from xladdin.files.pdf_convert import find_converter
from xladdin.workbook import build_templates, self_sheet

TOOLS = bool(find_converter() and shutil.which("pdftotext"))
pytestmark = pytest.mark.skipif(not TOOLS and not os.environ.get("CI"), reason="LibreOffice/poppler not installed")
ERROR_VALUES = re.compile(r"#NAME\?|#VALUE!|#REF!|#DIV/0!|#N/A|Err:\d{3}")
GUIDE_MENTION = "显示 #NAME?"  # 说明 tells what a cell shows without the add-in
NOT_FOR_READERS = ("规则无法计算", "沿用", "评价说明：", "按规则：", "报告未说明扣分依据", "【", "{", "征求意见稿")


def _text(pdf: Path, layout: bool = False) -> str:
    args = ["pdftotext", *(["-layout"] if layout else []), str(pdf), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True, timeout=120).stdout


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> dict[str, Path]:
    """name → PDF of every output."""
    root = tmp_path_factory.mktemp("printed")
    demo = root / "demo"
    assert main(["demo", "--out", str(demo)]) == 0
    books = root / "books"
    books.mkdir()
    for template in sorted(build_templates.TEMPLATES_DIR.glob("*-template.xlsx")):
        shutil.copy(template, books / template.name)
    for sample in ("xundian-2024-sample.xlsx", "self-2020-sample.xlsx"):
        shutil.copy(demo / sample, books / sample)
    assert main(["values", str(books / "xundian-2024-sample.xlsx"), "-o", str(books / "静态副本.xlsx")]) == 0
    batch = root / "batch"
    batch.mkdir()
    for name in ("xundian-2024-sample.xlsx", "self-2020-sample.xlsx", "mof-2013-template.xlsx"):
        shutil.copy(books / name, batch / name)
    main(["batch", str(batch), "--out", str(books / "汇总.xlsx")])
    workbooks = sorted(books.glob("*.xlsx"))
    subprocess.run(
        [str(find_converter()), f"-env:UserInstallation={(root / 'profile').as_uri()}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(books), *map(str, workbooks)],
        capture_output=True, stdin=subprocess.DEVNULL, check=True, timeout=600, env={**os.environ, "TMPDIR": str(root)},
    )
    found = {path.stem: path.with_suffix(".pdf") for path in workbooks}
    found |= {pdf.stem: pdf for pdf in demo.glob("*.pdf")}
    assert all(pdf.is_file() for pdf in found.values()), found
    return found


def test_no_printed_workbook_shows_an_error_value(printed):
    for name, pdf in printed.items():
        text = _text(pdf).replace(GUIDE_MENTION, "")
        assert not ERROR_VALUES.findall(text), name


def test_the_reports_are_final_and_written_for_their_readers(printed):
    reports = {name: pdf for name, pdf in printed.items() if "报告" in name}
    assert len(reports) == 2
    for name, pdf in reports.items():
        text = _text(pdf)
        for words in NOT_FOR_READERS:
            assert words not in text, (name, words)
    seed = _text(next(pdf for name, pdf in reports.items() if name.startswith("xundian"))).replace(" ", "")
    assert "经评价组综合评定得3.36分（分值4分）" in seed.replace("\n", "")


def test_the_self_report_prints_every_score_whole(printed):
    (pdf,) = [pdf for name, pdf in printed.items() if name.startswith("self-2020-sample_绩效自评报告")]
    lines = [line.replace(" ", "") for line in _text(pdf, layout=True).splitlines()]
    card = assess(sample_evaluation("self-2020"), load_ruleset("self-2020")).scorecard
    for result in card.indicators:
        assert any(fmt2(result.score) in line and result.name in line for line in lines), result.name
    assert any(line.startswith("总分") and line.endswith("10092.37优") for line in lines)


def test_the_static_copy_says_so_on_every_page(printed):
    pages = _text(printed["静态副本"]).split("\f")[:-1]
    assert pages and all("静态副本：由「xundian-2024-sample.xlsx」于" in page for page in pages)


def test_the_rollup_prints_titled_and_named(printed):
    pages = _text(printed["汇总"]).split("\f")[:-1]
    summary = [page for page in pages if "部门整体支出绩效评价结果汇总表（汇总）" in page]
    assert 1 <= len(summary) <= 2
    assert all("编制单位：" in page and "编制日期：" in page for page in pages)
    assert load_ruleset("xundian-2024").name[:6] in summary[0]  # rulesets by name (wrapped in their cells)
    assert "（未填单位名称）" in "".join(pages)  # the blank form: its file's name, in 排名 and on its chart bar


def test_the_self_form_prints_no_helper_table():
    for name in ("self-2020-sample.xlsx", "self-2020-template.xlsx", "self-coef-template.xlsx"):
        ws = load_workbook(build_templates.TEMPLATES_DIR / name)[self_sheet.NAME]
        rs = load_ruleset(name.removesuffix("-sample.xlsx").removesuffix("-template.xlsx"))
        last = self_sheet.col(rs)["explain"]
        assert re.fullmatch(rf"'?{self_sheet.NAME}'?!\$A\$1:\${last}\$\d+", ws.print_area), (name, ws.print_area)

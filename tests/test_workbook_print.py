"""The sample workbook as LibreOffice Calc prints it: 决算 and 指标体系 on legible A4 landscape pages.

The PDF is made with Calc headless and read back with poppler (pdfinfo, pdftotext). Column widths
follow the default font's metrics, so Calibri must resolve to the metric-compatible Carlito
(fonts-crosextra-carlito); Calc itself is the Debian package libreoffice-calc-nogui.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from scoring import IDENTITIES, assess, fmt2, load_ruleset, sample_evaluation
from xladdin.workbook import build_templates
from xladdin.files.pdf_convert import FONTS_CONF, find_converter
from xladdin.workbook import accounts, indicators, summary, survey
from xladdin.workbook import report as report_sheet
from xladdin.workbook import style as S

SAMPLE = build_templates.TEMPLATES_DIR / build_templates.sample_name()
A4_LONG, A4_SHORT = 841.89, 595.3  # points
FOOTER = re.compile(r"^\s*(\S+)\s+第\s*(\d+)\s*页\s*$", re.MULTILINE)  # "决算　第 6 页", set by print_setup
PAGE_SIZE = re.compile(r"^Page\s+(\d+) size:\s+([\d.]+) x ([\d.]+) pts", re.MULTILINE)
WORD_BOX = re.compile(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">')
MIN_WORD_HEIGHT = 10.0  # points: an 11-point line printed at 70 % (the box spans ascent and descent, ~1.3 em)


def _fontconfig_env() -> dict[str, str]:
    env = {**os.environ}
    if sys.platform.startswith("linux"):
        env["FONTCONFIG_FILE"] = str(FONTS_CONF)  # the CJK aliases the report PDF uses too
    return env


def _missing() -> str | None:
    """Why the sample cannot be printed here as Excel would lay it out, or None."""
    soffice = find_converter()
    if not soffice:
        return "LibreOffice (soffice) is not installed"
    if not any(Path(os.path.realpath(soffice)).parent.glob("*sclo.*")):
        return "LibreOffice Calc is not installed (Debian: libreoffice-calc-nogui)"
    if not (shutil.which("pdfinfo") and shutil.which("pdftotext")):
        return "poppler-utils (pdfinfo, pdftotext) is not installed"
    if shutil.which("fc-match"):
        font = subprocess.run(["fc-match", "Calibri"], capture_output=True, text=True, env=_fontconfig_env()).stdout
        if "Carlito" not in font:
            return "Calibri does not resolve to Carlito, so column widths would differ from Excel (fonts-crosextra-carlito)"
    return None


MISSING = _missing()
# CI installs the tools (.ci/system-packages.sh), so never skip there: it must list Calc and Carlito too.
needs_calc = pytest.mark.skipif(MISSING is not None and not os.environ.get("CI"), reason=str(MISSING))


def _run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True, timeout=120).stdout


@pytest.fixture(scope="module")
def pdf(tmp_path_factory) -> Path:
    """The sample converted once, with a private LibreOffice profile and temp folder."""
    tmp = tmp_path_factory.mktemp("print")
    scratch = tmp / "tmp"
    scratch.mkdir()
    env = {**_fontconfig_env(), "TMPDIR": str(scratch), "TMP": str(scratch), "TEMP": str(scratch)}
    subprocess.run(
        [str(find_converter()), f"-env:UserInstallation={(tmp / 'profile').as_uri()}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(tmp), str(SAMPLE)],
        capture_output=True, env=env, stdin=subprocess.DEVNULL, check=True, timeout=300,
    )
    produced = tmp / f"{SAMPLE.stem}.pdf"
    assert produced.is_file(), "LibreOffice produced no PDF"
    return produced


@pytest.fixture(scope="module")
def pages(pdf) -> dict[str, list[int]]:
    """Sheet name → its page numbers, from the footer every sheet prints."""
    found: dict[str, list[int]] = {}
    for number, text in enumerate(_run("pdftotext", "-layout", str(pdf), "-").split("\f"), start=1):
        footers = FOOTER.findall(text)
        if footers:
            found.setdefault(footers[-1][0], []).append(number)
    return found


def _text(pdf: Path, numbers: list[int]) -> str:
    return "".join(_run("pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-") for n in numbers)


def _sizes(pdf: Path, numbers: list[int]) -> list[tuple[float, float]]:
    info = _run("pdfinfo", "-f", str(min(numbers)), "-l", str(max(numbers)), str(pdf))
    sizes = {int(n): (float(w), float(h)) for n, w, h in PAGE_SIZE.findall(info)}
    return [sizes[n] for n in numbers]


def _word_heights(pdf: Path, number: int) -> list[float]:
    boxes = WORD_BOX.findall(_run("pdftotext", "-bbox", "-f", str(number), "-l", str(number), str(pdf), "-"))
    return sorted(float(bottom) - float(top) for top, bottom in boxes)


def _assert_legible_landscape(pdf: Path, numbers: list[int]) -> None:
    for (width, height), number in zip(_sizes(pdf, numbers), numbers):
        assert (round(width), round(height)) == (round(A4_LONG), round(A4_SHORT)), f"page {number} is not A4 landscape"
        heights = _word_heights(pdf, number)
        assert heights and heights[len(heights) // 2] >= MIN_WORD_HEIGHT, f"page {number} prints too small: {heights[:5]}"


@needs_calc
def test_accounts_print_on_three_landscape_pages(pdf, pages):
    """收入 with 支出（按功能分类）, then 支出（按支出性质和经济分类）, then the 勾稽检查 on its own page."""
    numbers = pages[accounts.NAME]
    assert len(numbers) == 3, numbers
    _assert_legible_landscape(pdf, numbers)
    first, second, checks = (_text(pdf, [n]) for n in numbers)
    for label in ("收入支出决算总表", "一般公共预算财政拨款收入", "项目（按功能分类）", "本年收入合计", "总计", "4,228,106.35"):
        assert label in first, label
    for label in ("项目（按支出性质和经济分类）", "经济分类支出合计", "5,350,765.53"):
        assert label in second, label
    assert "勾稽检查" in checks and all(identity.code in checks for identity in IDENTITIES)
    assert "勾稽检查" not in first + second


@needs_calc
def test_indicators_print_each_indicator_on_one_page_then_the_reference_texts(pdf, pages):
    """Inputs and results side by side, every indicator once, with its code, score and 计分说明 on one page; then
    the reference texts with 代码 repeated; a merged 一级/二级 label is never split over two pages."""
    numbers = pages[indicators.NAME]
    assert len(numbers) % 2 == 0 and 2 <= len(numbers) <= 12, numbers
    _assert_legible_landscape(pdf, numbers)
    texts = [_text(pdf, [n]) for n in numbers]
    main, reference = texts[:len(texts) // 2], texts[len(texts) // 2:]
    assert all("输入1项目" in t and "计分说明" in t and "评分细则" not in t for t in main)
    assert all("评分细则" in t and "数据来源" in t and "计分说明" not in t for t in reference)
    evaluation = sample_evaluation()
    rs = load_ruleset(evaluation.ruleset)
    card = assess(evaluation, rs).scorecard
    for indicator, result in zip(rs.indicators, card.indicators):
        code = re.compile(rf"(?<![A-Z0-9]){indicator.code}(?![0-9])")
        (page,) = [t for t in main if code.search(t)]
        assert fmt2(result.score) in page and result.explanation[:6] in page.replace("\n", ""), indicator.code
        assert len([t for t in reference if code.search(t)]) == 1, indicator.code
    ws = load_workbook(SAMPLE)[indicators.NAME]
    breaks = {brk.id + 1 for brk in ws.row_breaks.brk}  # the first row of each new page
    for merged in ws.merged_cells.ranges:
        if merged.min_col <= 2 and merged.max_row > merged.min_row:  # 一级 / 二级 labels
            assert not [row for row in breaks if merged.min_row < row <= merged.max_row], str(merged)


@needs_calc
def test_guide_prints_portrait_one_page_wide(pdf, pages):
    """At most two pages: the placeholder list stays on the screen (it is for writing the report)."""
    numbers = pages["说明"]
    assert 1 <= len(numbers) <= 2, numbers
    assert "报告占位符" not in _text(pdf, numbers)
    assert all(width < height for width, height in _sizes(pdf, numbers))
    assert "填写步骤" in _text(pdf, numbers[:1])


def test_summary_counters_are_whole_numbers():
    rs = load_ruleset(sample_evaluation().ruleset)
    ws, lay = load_workbook(SAMPLE)[summary.NAME], summary.layout(rs)
    for row in (lay.incomplete_row, lay.overridden_row, lay.failures_row, lay.missing_row):
        assert ws[f"D{row}"].number_format == "0", row
    assert ws[f"D{lay.survey_row}"].number_format == "0.00"


def test_survey_count_labels_show_in_full():
    """发放问卷（份） and the like wrap in two lines instead of being cut off."""
    ws = load_workbook(SAMPLE)[survey.NAME]
    for ref in ("A3", "C3", "E3", "G3"):
        cell = ws[ref]
        lines = S.wrapped_lines(cell.value, ws.column_dimensions[ref[0]].width)
        assert cell.alignment.wrap_text and lines <= 2, ref
    assert ws.row_dimensions[3].height >= 2 * S.LINE_HEIGHT


def test_every_accounts_amount_is_validated():
    ws = load_workbook(SAMPLE)[accounts.NAME]
    amounts = [dv for dv in ws.data_validations.dataValidation if dv.type == "decimal"]
    assert len(amounts) == 1
    amount = amounts[0]
    assert (amount.operator, amount.formula1) == ("greaterThanOrEqual", "0") and "单位元" in amount.prompt and amount.error
    inputs = [c.coordinate for row in ws.iter_rows() for c in row if c.fill.fgColor.rgb == "00FFF2CC"]
    assert inputs and all(ref in amount.sqref for ref in inputs)
    assert accounts.cell(1, "initial") in amount.sqref and accounts.cell(68, "initial") not in amount.sqref  # printed —


@needs_calc
def test_info_hints_print_whole_and_the_report_sheet_prints_no_placeholders(pdf, pages):
    info_text = _run("pdftotext", "-layout", "-f", str(pages["基本信息"][0]), "-l", str(pages["基本信息"][-1]), str(pdf), "-")
    assert info_text.count("日期，如 2024-01-01") == 2  # 评价时段起, 评价时段止
    (page,) = pages[report_sheet.NAME]
    text = _text(pdf, [page])
    assert "打印请用导出的评价报告" in text and "{" not in text


def test_report_sheet_rows_fit_their_text():
    ws = load_workbook(SAMPLE)[report_sheet.NAME]
    evaluation = sample_evaluation()
    for row in range(report_sheet.FIRST_ROW, ws.max_row + 1):
        text = evaluation.narrative.get(ws[f"A{row}"].value, "")
        needed = S.wrapped_lines(text, report_sheet.TEXT_WIDTH) * S.LINE_HEIGHT
        assert ws.row_dimensions[row].height >= min(needed, report_sheet.MAX_ROW_HEIGHT), row

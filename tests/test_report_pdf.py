"""The report as PDF (LibreOffice headless) and its first page as PNG (pdftoppm)."""
import os
import re
import shutil
import struct
import subprocess
from collections import Counter

import pytest

from scoring import assess, fmt2, load_ruleset, sample_evaluation
from xladdin.files.pdf_convert import find_converter, pdf_first_page_png
from xladdin.report import build_report

TOOLS_PRESENT = bool(find_converter() and shutil.which("pdftoppm") and shutil.which("pdffonts"))
# CI installs them (.ci/system-packages.sh): never skip there.
pytestmark = pytest.mark.skipif(
    not TOOLS_PRESENT and not os.environ.get("CI"),
    reason="LibreOffice/poppler-utils not installed (run .ci/system-packages.sh)",
)


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    """The sample report and its PDF (one LibreOffice run for this module)."""
    evaluation = sample_evaluation()
    out = tmp_path_factory.mktemp("pdf") / "报告.docx"
    return build_report(assess(evaluation, load_ruleset(evaluation.ruleset)), out, pdf=True)


def pdf_pages(pdf) -> list[str]:
    """The text of each page, without the spaces pdftotext adds and drops around Latin text."""
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [page.replace(" ", "") for page in text.split("\f")[:-1]]


def test_report_pdf_and_first_page_png(result, tmp_path):
    assert not [f for f in result.findings if f.code == "RPT-PDF"]
    assert result.pdf_path == result.docx_path.with_suffix(".pdf")
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


def test_the_accounts_table_is_whole_on_one_landscape_page(result):
    """附件6, the report's last page: the 财决01表 from its header to both 总计 lines on one A4 landscape page."""
    pages = pdf_pages(result.pdf_path)
    page = pages[-1]
    assert "附件6" in page and [n for n, text in enumerate(pages) if "栏次" in text] == [len(pages) - 1]
    for amount in ("4,228,106.35", "799,030.74", "3,561.20", "5,354,326.73"):  # lines 1, 74, 86 and 31/88 (总计)
        assert amount in page, amount
    assert page.count("总计") == 2
    size = subprocess.run(["pdfinfo", "-f", str(len(pages)), "-l", str(len(pages)), str(result.pdf_path)],
                          capture_output=True, text=True, check=True).stdout
    width, height = map(float, re.search(r"size:\s+([\d.]+) x ([\d.]+)", size).groups())
    assert (round(width), round(height)) == (842, 595)  # A4 landscape, in points


def test_a_full_body_line_holds_28_characters(result):
    """GB/T 9704's 28 characters a line: the commonest count on pages 3–12 (LibreOffice's rendering)."""
    text = subprocess.run(["pdftotext", "-f", "3", "-l", "12", "-layout", str(result.pdf_path), "-"],
                          capture_output=True, text=True, check=True).stdout
    counts = Counter(len(re.findall(r"[\u4e00-\u9fff，。、；：（）“”]", line)) for line in text.splitlines())
    assert max((n for n in counts if n >= 20), key=counts.__getitem__) == 28
    assert max(counts) <= 29  # no line overfull (one may gain a character from compressed punctuation)


STRETCHED = re.compile(r"(?:[\u4e00-\u9fff，：；。] ){6,}")  # a justified line spread letter by letter


@pytest.fixture(scope="module")
def self_result(tmp_path_factory):
    """The self-evaluation sample's report and its PDF."""
    out = tmp_path_factory.mktemp("pdf") / "自评报告.docx"
    return build_report(assess(sample_evaluation("self-2020"), load_ruleset("self-2020")), out, pdf=True)


def pdf_lines(pdf) -> list[str]:
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [line.replace(" ", "") for line in text.splitlines()]


@pytest.mark.parametrize("which", ["result", "self_result"])
def test_no_score_wraps_and_no_line_is_stretched(which, request):
    built = request.getfixturevalue(which)
    evaluation = sample_evaluation("self-2020" if which == "self_result" else "xundian-2024")
    card = assess(evaluation, load_ruleset(evaluation.ruleset)).scorecard
    lines = pdf_lines(built.pdf_path)
    scores = {fmt2(r.score) for r in card.indicators} | {fmt2(card.total)}
    assert {"93.56", "10.00"} & scores  # the seed's total, the self sample's full scores
    for score in scores:
        assert any(score in line for line in lines), score
    layout = subprocess.run(["pdftotext", "-layout", str(built.pdf_path), "-"], capture_output=True, text=True,
                            check=True).stdout
    assert not [line for line in layout.splitlines() if STRETCHED.search(line)]


def test_the_self_report_annex_prints_whole_scores(self_result):
    """附件1's rows as printed (one line each): score columns as wide as their widest value."""
    layout = subprocess.run(["pdftotext", "-layout", str(self_result.pdf_path), "-"], capture_output=True, text=True,
                            check=True).stdout
    lines = [line.replace(" ", "") for line in layout.splitlines()]
    for row in ("服务对象满意度≥90%93.5%1010.00", "总分10092.37优"):
        assert row in lines, row


def test_the_survey_results_stay_with_the_last_question(result):
    pages = pdf_pages(result.pdf_path)
    (page,) = [text for text in pages if "问卷综合得分" in text]
    assert "您对该部门工作现状的总体评价" in page.replace("\n", "") and "98.67" in page

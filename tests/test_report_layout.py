"""Layout defects seen on the sample's PDF: stranded headings, stretched headings, split table tails."""
import shutil
import subprocess

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt, Twips

from xladdin.files.pdf_convert import find_converter
from xladdin.report import ReportFonts, build_report

FONTS = ReportFonts()
HEADING_STYLES = ("Report Title", "Heading 1", "Heading 2", "Annex Label", "Annex Title")
STRETCHED = (WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.DISTRIBUTE)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    from tests.test_report import sample_assessment

    out = tmp_path_factory.mktemp("layout") / "报告.docx"
    result = build_report(sample_assessment(), out, pdf=bool(find_converter() and shutil.which("pdftotext")))
    return result, Document(out)


def _head_only(paragraph) -> bool:
    """A narrative sub-heading: one run in a heading font."""
    runs = paragraph.runs
    return len(runs) == 1 and runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")) in (FONTS.heading1, FONTS.heading2)


def _headings(doc):
    return [p for p in doc.paragraphs if p.style.name in HEADING_STYLES or (p.style.name == "Normal" and _head_only(p))]


def test_every_heading_keeps_with_next(report):
    _, doc = report
    headings = _headings(doc)
    assert len(headings) > 20
    for paragraph in headings:
        assert paragraph.paragraph_format.keep_with_next or paragraph.style.paragraph_format.keep_with_next, paragraph.text


def test_headings_are_never_stretched(report):
    _, doc = report
    assert doc.styles["Normal"].paragraph_format.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    for name in ("Heading 1", "Heading 2", "Annex Label"):
        assert doc.styles[name].paragraph_format.alignment == WD_ALIGN_PARAGRAPH.LEFT
    for paragraph in _headings(doc):
        own = paragraph.alignment
        alignment = paragraph.style.paragraph_format.alignment if own is None else own
        assert alignment not in STRETCHED, paragraph.text


def test_table_rows_never_split(report):
    _, doc = report
    for table in doc.tables:
        for row in table.rows:
            assert row._tr.trPr.find(qn("w:cantSplit")) is not None


def _pages(result) -> list[str]:
    if result.pdf_path is None:
        pytest.skip("LibreOffice/poppler-utils not installed")
    text = subprocess.run(["pdftotext", str(result.pdf_path), "-"], capture_output=True, text=True, check=True).stdout
    return [page.replace(" ", "") for page in text.split("\f")]


def test_survey_results_are_not_alone_on_a_page(report):
    result, _ = report
    pages = _pages(result)
    page = next(p for p in pages if "问卷综合得分" in p)
    assert "附件4" in page or "标准分" in page  # with the annex header, or with earlier rows under a repeated header
    assert "A." in page  # at least one question's options on the same page


def test_the_accounts_table_is_readable_fits_the_page_width_and_has_a_title_in_proportion(report):
    _, doc = report
    table, section = doc.tables[-1], doc.sections[-1]
    assert "项目（按支出性质和经济分类）" in table._tbl.xml
    assert {sz.get(qn("w:val")) for sz in table._tbl.iter(qn("w:sz"))} == {"15"}  # 7.5 pt, every run
    assert section.orientation == WD_ORIENT.LANDSCAPE
    widths = sum(int(col.get(qn("w:w"))) for col in table._tbl.tblGrid)
    assert section.page_width - section.left_margin - section.right_margin >= Twips(widths) > Mm(250)
    title = next(p for p in doc.paragraphs if p.text.endswith("年收入支出决算总表"))
    assert title.style.font.size == Pt(16) and doc.styles["Annex Title"].font.size == Pt(22)


def test_body_styles_set_characters_closer_so_that_28_fit_a_line(report):
    _, doc = report
    width = Length(doc.sections[0].page_width - doc.sections[0].left_margin - doc.sections[0].right_margin).pt

    def spacing(name: str) -> int:
        return int(doc.styles[name].element.rPr.find(qn("w:spacing")).get(qn("w:val")))

    pitch = 16 + spacing("Normal") / 20
    assert 28 * pitch <= width < 29 * pitch and 28 * 16 > width  # 16 pt alone: 27 a line
    assert spacing("Heading 1") == spacing("Heading 2") == spacing("Plain") == spacing("Normal") < 0
    assert spacing("Table Text") == spacing("Report Title") == spacing("Annex Title") == 0  # not inherited

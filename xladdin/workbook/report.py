"""报告: the narrative sections the user writes, one row each, found by their key (column A, hidden)."""
from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet

from scoring import NARRATIVE_SECTIONS, SECTION_HEADINGS, Assessment

from . import style as S
from .file import WorkbookError, WorkbookFile
from .sheet import BuildJob, Expected, Reading

NAME = "报告"
FIRST_ROW = 3
KEY_COLUMN, TITLE_COLUMN, TEXT_COLUMN = "A", "B", "C"
MAX_SECTIONS = 200  # rows searched for keys; far beyond the sections the report has
TITLE = "评价报告正文（按栏目填写，供生成报告使用；文字中的占位符在报告中替换为数据，打印请用导出的评价报告）"
TEXT_WIDTH = 100
MIN_ROW_HEIGHT, MAX_ROW_HEIGHT = 60, 409  # points: room to start writing; Excel's highest row


def build(ws: Worksheet, job: BuildJob) -> None:
    narrative = job.evaluation.narrative if job.evaluation else {}
    S.title(ws, "B1", TITLE, "C1")
    S.header_row(ws, 2, [(KEY_COLUMN, "键"), (TITLE_COLUMN, "部分"), (TEXT_COLUMN, "内容")])
    for row, section in enumerate(NARRATIVE_SECTIONS, start=FIRST_ROW):
        S.label_cell(ws, f"{KEY_COLUMN}{row}", section.key)
        S.label_cell(ws, f"{TITLE_COLUMN}{row}", section.heading, bold=True)
        text = narrative.get(section.key) or None
        S.input_cell(ws, f"{TEXT_COLUMN}{row}", text, wrap=True)
        lines = S.wrapped_lines(text or "", TEXT_WIDTH)
        ws.row_dimensions[row].height = min(MAX_ROW_HEIGHT, max(MIN_ROW_HEIGHT, lines * S.LINE_HEIGHT + 3))
    S.widths(ws, {KEY_COLUMN: 10, TITLE_COLUMN: 28, TEXT_COLUMN: TEXT_WIDTH})
    ws.column_dimensions[KEY_COLUMN].hidden = True
    ws.freeze_panes = f"A{FIRST_ROW}"
    S.print_setup(ws, landscape=False)
    ws.print_area = f"{TITLE_COLUMN}1:{TEXT_COLUMN}1"  # the texts hold {placeholders}: the report prints them filled


def defined_names(job: BuildJob) -> dict[str, str]:
    return {}


def read(book: WorkbookFile, reading: Reading) -> None:
    """Each section's text from the row whose key cell names it, wherever that row is."""
    ws = book.sheets[NAME]
    known = SECTION_HEADINGS
    rows: dict[str, int] = {}
    for row in range(FIRST_ROW, FIRST_ROW + MAX_SECTIONS):
        key = ws.value(f"{KEY_COLUMN}{row}")
        if key in known:
            if key in rows:
                raise WorkbookError(f"{NAME}!{KEY_COLUMN}{row}：报告栏目「{known[key]}」重复（第{rows[key]}行已有）")
            rows[key] = row
    missing = [known[key] for key in known if key not in rows]
    if missing:
        raise WorkbookError(f"{NAME}工作表缺少栏目「{'」「'.join(missing)}」（隐藏的A列为栏目键）：报告工作表版式不符")
    texts = {}
    for key, row in rows.items():
        reading.provenance[f"narrative.{key}"] = f"{NAME}!{TEXT_COLUMN}{row}"
        text = book.text(NAME, f"{TEXT_COLUMN}{row}")
        if text:
            texts[key] = text
    reading.fields["narrative"] = texts


def expected(assessment: Assessment) -> list[Expected]:
    return []

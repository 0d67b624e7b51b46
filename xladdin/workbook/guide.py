"""说明: what the workbook is and how to fill it; holds the ruleset reference and the layout version,
and writes the ruleset itself into a very hidden sheet (``embed``)."""
from __future__ import annotations

from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from scoring import Assessment, Ruleset, ruleset_json

from . import style as S
from .file import EMBED_CHUNK, EMBED_SHEET, LAYOUT_VERSION, NAME_LAYOUT, NAME_RULESET, NAME_RULESET_REF, WorkbookFile
from .guide_text import COLOURS, PLACEHOLDER_HEADING, guide_sections
from .sheet import BuildJob, Expected, Reading, absolute

NAME = "说明"
RULESET_CELL = "B3"
RULESET_TITLE_CELL = "B4"
LAYOUT_CELL = "B5"
_COLOUR_FILLS = {"input": S.INPUT_FILL, "computed": S.COMPUTED_FILL, "na": S.NA_FILL,
                 "fail": S.FAIL_FILL, "amber": S.AMBER_FILL}


def build(ws: Worksheet, job: BuildJob) -> None:
    rs = job.rs
    S.title(ws, "A1", "部门整体支出绩效评价工作簿", "B1")
    for ref, label, value in (
        (RULESET_CELL, "规则集", job.ruleset_ref),
        (RULESET_TITLE_CELL, "规则集名称", rs.name),
        (LAYOUT_CELL, "工作簿版式", LAYOUT_VERSION),
    ):
        S.label_cell(ws, f"A{ref[1:]}", label, bold=True, fill=S.HEADER_FILL)
        S.label_cell(ws, ref, value, fill=S.COMPUTED_FILL)
    row = 7
    colours = dict((text, key) for key, text in COLOURS)
    for heading, lines in guide_sections(rs):
        S.literal(ws, f"A{row}", heading)
        ws[f"A{row}"].font = S.BOLD
        row += 1
        for line in lines:
            S.literal(ws, f"B{row}", line)
            ws[f"B{row}"].alignment = S.WRAP
            if line in colours:
                S.label_cell(ws, f"A{row}", "示例", fill=_COLOUR_FILLS[colours[line]])
            row += 1
        row += 1
    S.widths(ws, {"A": 16, "B": 110})
    S.fit_rows(ws, range(1, row))
    S.print_setup(ws, landscape=False)
    printed = next((r for r in range(1, row) if ws[f"A{r}"].value == PLACEHOLDER_HEADING), row)
    ws.print_area = f"A1:B{printed - 1}"  # the placeholder list is for the screen


def embed(wb: Workbook, rs: Ruleset) -> None:
    """The ruleset itself in a very hidden sheet, so the workbook needs no ruleset file wherever it goes."""
    ws = wb.create_sheet(EMBED_SHEET)
    ws.sheet_state = "veryHidden"
    text = ruleset_json(rs)
    rows = range(0, len(text), EMBED_CHUNK)
    for row, start in enumerate(rows, start=1):
        S.literal(ws, f"A{row}", text[start:start + EMBED_CHUNK])
    wb.defined_names[NAME_RULESET] = DefinedName(NAME_RULESET, attr_text=f"{absolute(EMBED_SHEET, 'A1')}:$A${len(rows)}")


def defined_names(job: BuildJob) -> dict[str, str]:
    return {NAME_RULESET_REF: RULESET_CELL, NAME_LAYOUT: LAYOUT_CELL}  # NAME_RULESET is set by ``embed``


def read(book: WorkbookFile, reading: Reading) -> None:
    """The ruleset reference is read when the file is opened (it decides how the rest reads)."""
    reading.fields["ruleset"] = book.ruleset_ref
    reading.provenance["ruleset"] = f"{NAME}!{RULESET_CELL}"


def expected(assessment: Assessment) -> list[Expected]:
    return []

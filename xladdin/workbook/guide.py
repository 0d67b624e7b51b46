"""说明: what the workbook is and how to fill it; holds the ruleset reference and the layout version."""
from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet

from scoring import Assessment, Ruleset

from . import style as S
from .file import LAYOUT_VERSION, NAME_LAYOUT, NAME_RULESET, WorkbookFile
from .guide_text import COLOURS, guide_sections
from .sheet import BuildJob, Expected, Reading

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


def defined_names(rs: Ruleset) -> dict[str, str]:
    return {NAME_RULESET: RULESET_CELL, NAME_LAYOUT: LAYOUT_CELL}


def read(book: WorkbookFile, reading: Reading) -> None:
    """The ruleset reference is read when the file is opened (it decides how the rest reads)."""
    reading.fields["ruleset"] = book.ruleset_ref
    reading.provenance["ruleset"] = f"{NAME}!{RULESET_CELL}"


def expected(assessment: Assessment) -> list[Expected]:
    return []

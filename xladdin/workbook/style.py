"""Cell styles and sheet setup for the evaluation workbook (openpyxl).

Yellow = input (unlocked), light blue = computed (locked), grey = not applicable;
red / amber come from conditional formats (failed check / override).
"""
from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable
from typing import Literal

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.header_footer import HeaderFooterItem
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

ValidationKind = Literal["whole", "decimal", "list", "textLength"]
Operator = Literal["between", "equal", "greaterThanOrEqual"]

INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
COMPUTED_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
NA_FILL = PatternFill("solid", fgColor="F2F2F2")
FAIL_FILL = PatternFill("solid", fgColor="FFC7CE", bgColor="FFC7CE")
FAIL_FONT = Font(color="9C0006")
AMBER_FILL = PatternFill("solid", fgColor="FFD966", bgColor="FFD966")
AMBER_FONT = Font(color="7F6000")
MUTED_FONT = Font(color="808080", italic=True)
OK_FONT = Font(color="006100")
THIN = Side(style="thin", color="A6A6A6")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
BOLD = Font(bold=True)
TITLE_FONT = Font(bold=True, size=14)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
UNLOCKED = Protection(locked=False)
LOCKED = Protection(locked=True)

MONEY = "#,##0.00"
AMOUNT = "#,##0.00##"
SCORE = "0.00"
COUNT = "0"
PERCENT = "0.00%"
DATE = "yyyy-mm-dd"
TEXT = "@"


def literal(ws: Worksheet, ref: str, value: object) -> None:
    """Write data as data: a text starting with '=' stays text, never a formula."""
    cell = ws[ref]
    if isinstance(value, str):  # control characters cannot be stored in a sheet: they are dropped
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def input_cell(ws: Worksheet, ref: str, value: object = None, fmt: str | None = None, wrap: bool = False) -> None:
    literal(ws, ref, value)
    cell = ws[ref]
    cell.fill, cell.border, cell.protection = INPUT_FILL, BOX, UNLOCKED
    if fmt:
        cell.number_format = fmt
    if wrap:
        cell.alignment = WRAP


def computed_cell(ws: Worksheet, ref: str, formula: str, fmt: str | None = None, wrap: bool = False) -> None:
    """A formula cell: light blue, locked."""
    cell = ws[ref]
    cell.value = formula
    cell.fill, cell.border, cell.protection = COMPUTED_FILL, BOX, LOCKED
    if fmt:
        cell.number_format = fmt
    if wrap:
        cell.alignment = WRAP


def label_cell(ws: Worksheet, ref: str, text: object, bold: bool = False, wrap: bool = True, fill=None) -> None:
    """Fixed text (headers, names, rule texts): locked, bordered."""
    literal(ws, ref, text)
    cell = ws[ref]
    cell.border, cell.protection = BOX, LOCKED
    cell.alignment = WRAP if wrap else Alignment(vertical="top")
    if bold:
        cell.font = BOLD
    if fill is not None:
        cell.fill = fill


def header_row(ws: Worksheet, row: int, titles: list[tuple[str, str]]) -> None:
    for column, title in titles:
        label_cell(ws, f"{column}{row}", title, bold=True, fill=HEADER_FILL)
        ws[f"{column}{row}"].alignment = CENTER


def na_cell(ws: Worksheet, ref: str, text: str | None = "—") -> None:
    label_cell(ws, ref, text, fill=NA_FILL)
    ws[ref].alignment = CENTER


def title(ws: Worksheet, ref: str, text: str, merge_to: str | None = None) -> None:
    literal(ws, ref, text)
    ws[ref].font = TITLE_FONT
    ws[ref].alignment = Alignment(horizontal="left", vertical="center")
    if merge_to:
        ws.merge_cells(f"{ref}:{merge_to}")


def widths(ws: Worksheet, columns: dict[str, float]) -> None:
    for column, width in columns.items():
        ws.column_dimensions[column].width = width


def protect(ws: Worksheet) -> None:
    """Protect without a password; users may still resize rows and columns."""
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def print_setup(ws: Worksheet, landscape: bool, title_rows: str | None = None, scale: int | None = None) -> None:
    """A4, one page wide; with ``scale`` (percent) instead, for a sheet that manual column breaks split."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.page_setup.scale = scale
    setup = ws.sheet_properties.pageSetUpPr or PageSetupProperties()
    setup.fitToPage = scale is None
    ws.sheet_properties.pageSetUpPr = setup
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.page_margins.header = ws.page_margins.footer = 0.25
    ws.HeaderFooter.oddFooter = _centred("&A　第 &P 页")  # sheet name and page number
    if title_rows:
        ws.print_title_rows = title_rows


def page_header(ws: Worksheet, text: str) -> None:
    ws.HeaderFooter.oddHeader = _centred(text)


def _centred(text: str) -> HeaderFooterItem:
    item = HeaderFooterItem()
    item.center.text = text
    return item


def column_pages(ws: Worksheet, breaks_after: Iterable[str], title_columns: str | None = None,
                 across_first: bool = True) -> None:
    """Manual page breaks after the given columns; pages print across, then down, so each band of rows stays
    together (``across_first``), or down, then across: every page of the first columns before the next ones."""
    for column in breaks_after:
        ws.col_breaks.append(Break(id=column_index_from_string(column)))
    ws.page_setup.pageOrder = "overThenDown" if across_first else "downThenOver"
    if title_columns:
        ws.print_title_cols = title_columns


A4_LANDSCAPE_HEIGHT_PT = 595.3
POINTS_PER_INCH = 72


def row_pages(ws: Worksheet, starts: Iterable[int], first: int, last: int, title_row: int, scale: int) -> list[int]:
    """Manual page breaks so that pages of a landscape sheet at ``scale`` % end only before one of the rows
    ``starts`` (a group too tall for a page breaks where it must); returns the first row of each page after the first.
    Rows without a set height count as one line."""
    margins = (ws.page_margins.top + ws.page_margins.bottom) * POINTS_PER_INCH
    room = (A4_LANDSCAPE_HEIGHT_PT - margins) * 100 / scale - _height(ws, title_row) - ROW_SLACK
    allowed = sorted(set(starts) | {last + 1})
    breaks: list[int] = []
    used = 0.0
    for start, end in zip(allowed, allowed[1:]):
        block = [_height(ws, row) for row in range(start, end)]
        if used and used + sum(block) > room:
            breaks.append(start)
            used = 0.0
        for row, height in zip(range(start, end), block):
            if used + height > room:  # the group alone is taller than a page
                breaks.append(row)
                used = 0.0
            used += height
    for row in breaks:
        ws.row_breaks.append(Break(id=row - 1))
    return breaks


ROW_SLACK = 12.0  # points kept free on each page: rounding of row heights and the scale
DEFAULT_ROW_HEIGHT = 15.0


def _height(ws: Worksheet, row: int) -> float:
    return ws.row_dimensions[row].height or DEFAULT_ROW_HEIGHT


LINE_HEIGHT = 16.0  # points per line of 11-point Chinese text


def text_width(text: str) -> float:
    """Width of ``text`` in column-width units (digits of the 11-point default font).

    A Chinese character takes 2.1, and so do ①, “ and the like, which Chinese fonts print full width.
    """
    return sum(2.1 if unicodedata.east_asian_width(ch) in "WFA" else 1.0 for ch in text)


def wrapped_lines(text: str, width: float) -> int:
    """Lines ``text`` takes in a wrapping cell ``width`` units wide."""
    usable = max(width - 0.5, 1.0)
    return sum(max(1, math.ceil(text_width(part) / usable)) for part in text.split("\n"))


def fit_rows(ws: Worksheet, rows: Iterable[int]) -> None:
    """Heights that show every wrapped text in full: neither Excel nor Calc grows a row on opening.

    Formulas and cells merged over several rows are left out (their text is unknown or spread out).
    """
    spans = {(r.min_row, r.min_col): r for r in ws.merged_cells.ranges}
    tall = {(row, col) for r in ws.merged_cells.ranges if r.max_row > r.min_row
            for row in range(r.min_row, r.max_row + 1) for col in range(r.min_col, r.max_col + 1)}
    for row in rows:
        lines = [wrapped_lines(str(cell.value), _cell_width(ws, cell, spans)) for cell in ws[row]
                 if isinstance(cell, Cell) and _wrapped_text(cell) and (row, cell.column) not in tall]
        if max(lines, default=1) > 1:
            ws.row_dimensions[row].height = max(lines) * LINE_HEIGHT + 3


def _wrapped_text(cell: Cell) -> bool:
    return isinstance(cell.value, str) and cell.data_type != "f" and bool(cell.alignment.wrap_text)


def _cell_width(ws: Worksheet, cell: Cell, spans: dict[tuple[int, int], CellRange]) -> float:
    merged = spans.get((cell.row, cell.column))
    last = merged.max_col if merged else cell.column
    return sum(ws.column_dimensions[get_column_letter(col)].width for col in range(cell.column, last + 1))


def validation(ws: Worksheet, kind: ValidationKind | None, prompt: str, error: str, formula1: str | None = None,
               formula2: str | None = None, operator: Operator | None = None) -> DataValidation:
    """A data validation with a Chinese input prompt and error message (both ≤ 255 characters).

    ``kind`` None accepts any value and only shows the prompt.
    """
    dv = DataValidation(
        type=kind, formula1=formula1, formula2=formula2, operator=operator, allow_blank=True,
        showInputMessage=True, showErrorMessage=True, promptTitle="填写说明", prompt=prompt[:255],
        errorTitle="输入有误", error=error[:255],
    )
    ws.add_data_validation(dv)
    return dv


def choice(ws: Worksheet, options: list[str], prompt: str) -> DataValidation:
    listed = ",".join(options)
    return validation(ws, "list", prompt, f"请从下拉列表中选择：{listed}", formula1=f'"{listed}"')


def decimal_between(ws: Worksheet, low: object, high: object, prompt: str) -> DataValidation:
    return validation(ws, "decimal", prompt, f"请填写{low}至{high}之间的数", str(low), str(high), "between")


def whole_at_least(ws: Worksheet, low: int, prompt: str) -> DataValidation:
    return validation(ws, "whole", prompt, f"请填写不小于{low}的整数", str(low), None, "greaterThanOrEqual")


def decimal_at_least(ws: Worksheet, low: int, prompt: str) -> DataValidation:
    return validation(ws, "decimal", prompt, f"请填写不小于{low}的数", str(low), None, "greaterThanOrEqual")


def highlight(ws: Worksheet, cells: str, formula: str, fill: PatternFill | None, font: Font) -> None:
    """Conditional format: ``formula`` is written for the top-left cell of ``cells``."""
    ws.conditional_formatting.add(cells, FormulaRule(formula=[formula], fill=fill, font=font, stopIfTrue=True))

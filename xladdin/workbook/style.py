"""Cell styles and sheet setup for the evaluation workbook (openpyxl).

Yellow = input (unlocked), light blue = computed (locked), grey = not applicable;
red / amber come from conditional formats (failed check / override).
"""
from __future__ import annotations

from typing import Literal

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.worksheet.datavalidation import DataValidation
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


def print_setup(ws: Worksheet, landscape: bool, title_rows: str | None = None) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    setup = ws.sheet_properties.pageSetUpPr or PageSetupProperties()
    setup.fitToPage = True
    ws.sheet_properties.pageSetUpPr = setup
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    if title_rows:
        ws.print_title_rows = title_rows


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

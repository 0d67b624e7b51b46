"""决算: the 财决01表 收入支出决算总表 as the form prints it, with a live check of every identity."""
from __future__ import annotations

from decimal import Decimal

from openpyxl.styles import Alignment
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from scoring import (
    COLUMN_NAMES,
    COLUMNS,
    IDENTITIES,
    PRINTED_LINES,
    ROWS,
    SECTION_FIRST_COLUMN,
    Accounts,
    Assessment,
    Identity,
    cells,
    line_of,
    parse_number,
    printed_line,
)

from . import info
from . import style as S
from .file import WorkbookError, WorkbookFile
from .sheet import BuildJob, Expected, Reading

NAME = "决算"
FIRST_ROW = 6
SECTIONS = {  # section → (项目 column, 行次 column, 年初/全年/决算 columns)
    "income": ("A", "B", ("C", "D", "E")),
    "function": ("F", "G", ("H", "I", "J")),
    "nature": ("K", "L", ("M", "N", "O")),
}
LAST_COLUMN = "O"
UNIT_CELL, UNIT_FORMULA = "A2", f'="编制单位："&{info.NAME}!{info.cell("unit_name")}'
CHECK_CODE_COLUMN, CHECK_TEXT_COLUMN = "Q", "R"
CHECK_COLUMNS = {"initial": "S", "budget": "T", "final": "U"}
BUTTON_CELL = "W1"  # right of the checks: the installer's 导入决算数据… button (xladdin.IMPORT_BUTTONS)


def cell(number: int, column: str) -> str:
    """Cell of 行次 ``number``, column initial/budget/final (e.g. 第61行决算数 → ``O9``)."""
    section, line = line_of(number)
    return f"{SECTIONS[section][2][COLUMNS.index(column)]}{FIRST_ROW + line - 1}"


def input_values(accounts: Accounts) -> dict[str, object]:
    """Every amount cell (— columns excluded) with its amount in ``accounts`` (None: blank); what the import
    button writes into an open workbook."""
    return {cell(number, column): accounts.get(number, column)
            for number, row in ROWS.items() for column in COLUMNS if column not in row.na}


def check_row(identity: Identity) -> int:
    return FIRST_ROW + IDENTITIES.index(identity)


def check_applies(identity: Identity, column: str) -> bool:
    return column in identity.columns and column not in ROWS[identity.lhs].na


def check_cells() -> list[tuple[Identity, str, str]]:
    """(identity, column, result cell) of every live check, in sheet order."""
    return [
        (identity, column, f"{col}{check_row(identity)}")
        for identity in IDENTITIES
        for column, col in CHECK_COLUMNS.items()
        if check_applies(identity, column)
    ]


def _runs(refs: list[str]) -> list[str]:
    """Join vertically adjacent cells of one column into ranges: E6,E7,E8 → E6:E8."""
    parts: list[list[str]] = []
    for ref in refs:
        letters, number = ref.rstrip("0123456789"), int(ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
        last = parts[-1] if parts else None
        if last and last[0] == letters and int(last[2]) == number - 1:
            last[2] = str(number)
        else:
            parts.append([letters, str(number), str(number)])
    return [f"{c}{a}" if a == b else f"{c}{a}:{c}{b}" for c, a, b in parts]


def check_formula(identity: Identity, column: str) -> str:
    """``PE_CHECK`` of one identity in one column; blank while none of its figures is a number (“—” marks a figure
    the form leaves out), without calling the add-in
    (WPS and LibreOffice, which recalculate cells saved empty, then show nothing rather than #NAME?)."""
    row = check_row(identity)
    figures = [cell(identity.lhs, column), *_runs([cell(number, column) for _, number in identity.terms])]
    args = ",".join([f"${CHECK_CODE_COLUMN}{row}", *figures])
    return f'=IF(COUNT({",".join(figures)})=0,"",PE_CHECK({args}))'



# ── build ─────────────────────────────────────────────────
def build(ws: Worksheet, job: BuildJob) -> None:
    accounts = job.evaluation.accounts if job.evaluation else None
    S.title(ws, "A1", "收入支出决算总表", f"{SECTIONS['function'][2][-1]}1")  # centred over the first printed page
    ws["A1"].alignment = S.CENTER
    ws[UNIT_CELL] = UNIT_FORMULA
    S.literal(ws, "H2", "财决01表")
    S.literal(ws, "O2", "单位：元")
    ws["O2"].alignment = Alignment(horizontal="right")
    S.header_row(ws, 3, [("A", "收入"), ("F", "支出"), ("K", "支出")])  # 支出 twice: the two print on separate pages
    for left, right in (("A", "E"), ("F", "J"), ("K", LAST_COLUMN)):
        ws.merge_cells(f"{left}3:{right}3")
    heads = {"income": "项目", "function": "项目（按功能分类）", "nature": "项目（按支出性质和经济分类）"}
    for section, (name_col, number_col, amount_cols) in SECTIONS.items():
        titles = [(name_col, heads[section]), (number_col, "行次")]
        titles += [(col, COLUMN_NAMES[c]) for col, c in zip(amount_cols, COLUMNS)]
        S.header_row(ws, 4, titles)
        first = SECTION_FIRST_COLUMN[section]
        S.header_row(ws, 5, [(name_col, "栏次"), (number_col, "")] + [(col, str(first + i)) for i, col in enumerate(amount_cols)])
    amount = S.validation(ws, "decimal", "填写金额，单位元，如 4,228,106.35；未发生填0或留空",
                          "金额应为不小于0的数（单位元），如 4,228,106.35；未发生填0或留空", "0", None, "greaterThanOrEqual")
    for line in range(1, PRINTED_LINES + 1):
        row = FIRST_ROW + line - 1
        for section, number in printed_line(line).items():
            _line(ws, row, section, number, accounts, amount)
    _build_checks(ws)
    last = FIRST_ROW + PRINTED_LINES - 1
    amounts = " ".join(f"{cols[0]}{FIRST_ROW}:{cols[2]}{last}" for _, _, cols in SECTIONS.values())
    S.highlight(ws, amounts, f"AND(ISNUMBER(C{FIRST_ROW}),C{FIRST_ROW}<0)", S.FAIL_FILL, S.FAIL_FONT)
    S.widths(ws, {"A": 35, "B": 5, "C": 15, "D": 15, "E": 15, "F": 33, "G": 5, "H": 15, "I": 15, "J": 15,
                  "K": 30, "L": 5, "M": 15, "N": 15, "O": 15, "P": 2, "Q": 11, "R": 100, "S": 15, "T": 15, "U": 15})
    ws.freeze_panes = f"A{FIRST_ROW}"
    _build_print(ws, last)


def _build_print(ws: Worksheet, last: int) -> None:
    """A4 landscape: 收入 with 支出（按功能分类） on one page, 支出（按支出性质和经济分类） on the next,
    the 勾稽检查 on a page of its own."""
    S.fit_rows(ws, range(3, last + 1))
    checks = f"{CHECK_CODE_COLUMN}3:{CHECK_COLUMNS['final']}{check_row(IDENTITIES[-1])}"
    ws.print_area = [f"A1:{LAST_COLUMN}{last}", checks]
    S.print_setup(ws, landscape=True, title_rows="3:5", scale=80)
    S.column_pages(ws, (SECTIONS["function"][2][-1],))


def _line(ws: Worksheet, row: int, section: str, number: int | None, accounts: Accounts | None,
          amount: DataValidation) -> None:
    name_col, number_col, amount_cols = SECTIONS[section]
    account_row = ROWS.get(number) if number else None
    S.label_cell(ws, f"{name_col}{row}", account_row.name if account_row else None, wrap=False)
    if account_row and account_row.indent:
        ws[f"{name_col}{row}"].alignment = Alignment(indent=account_row.indent * 2)
    S.label_cell(ws, f"{number_col}{row}", number)
    ws[f"{number_col}{row}"].alignment = S.CENTER
    for col, column in zip(amount_cols, COLUMNS):
        ref = f"{col}{row}"
        if account_row is None or number is None:
            S.label_cell(ws, ref, None)
        elif column in account_row.na:
            S.na_cell(ws, ref)
        else:
            S.input_cell(ws, ref, accounts.get(number, column) if accounts else None, S.MONEY)
            amount.add(ref)


def _build_checks(ws: Worksheet) -> None:
    code_col, text_col = CHECK_CODE_COLUMN, CHECK_TEXT_COLUMN
    S.header_row(ws, 3, [(code_col, "勾稽检查（✓ 相符；差额 = 左边 − 右边；未录入 = 缺数未检查；空白 = 未填数）")])
    ws.merge_cells(f"{code_col}3:{CHECK_COLUMNS['final']}3")
    columns = list(CHECK_COLUMNS.items())
    S.header_row(ws, 4, [(code_col, "代码"), (text_col, "勾稽关系")] + [(col, COLUMN_NAMES[c]) for c, col in columns])
    numbers = [(col, "栏次 " + "/".join(str(first + i) for first in SECTION_FIRST_COLUMN.values()))
               for i, (_, col) in enumerate(columns)]
    S.header_row(ws, 5, [(code_col, ""), (text_col, "")] + numbers)
    for identity in IDENTITIES:
        row = check_row(identity)
        S.label_cell(ws, f"{code_col}{row}", identity.code)
        S.label_cell(ws, f"{text_col}{row}", identity.text)
        for column, col in CHECK_COLUMNS.items():
            if check_applies(identity, column):
                S.computed_cell(ws, f"{col}{row}", check_formula(identity, column))
                ws[f"{col}{row}"].alignment = Alignment(horizontal="center", vertical="top")
            else:
                S.na_cell(ws, f"{col}{row}")
    first, last = FIRST_ROW, check_row(IDENTITIES[-1])
    left, right = columns[0][1], columns[-1][1]
    results = f"{left}{first}:{right}{last}"
    S.highlight(ws, results, f'{left}{first}="✓"', None, S.OK_FONT)
    S.highlight(ws, results, f'AND({left}{first}<>"",{left}{first}<>"—")', S.FAIL_FILL, S.FAIL_FONT)


def defined_names(job: BuildJob) -> dict[str, str]:
    return {}


# ── read ──────────────────────────────────────────────────
def read(book: WorkbookFile, reading: Reading) -> None:
    ws = book.sheets[NAME]
    for line in range(1, PRINTED_LINES + 1):
        row = FIRST_ROW + line - 1
        for section, number in printed_line(line).items():
            ref = f"{SECTIONS[section][1]}{row}"
            if number is not None and ws.value(ref) != number:
                raise WorkbookError(f"{NAME}!{ref} 应为行次{number}，实际为「{ws.value(ref) or ''}」：决算表版式不符")
    accounts = Accounts()
    for number, account_row in ROWS.items():
        values: list[Decimal | None] = []
        for column in COLUMNS:
            if column in account_row.na:
                values.append(None)
                continue
            ref = cell(number, column)
            values.append(book.parse(NAME, ref, f"第{number}行{COLUMN_NAMES[column]}", parse_number))
            reading.provenance[f"accounts.{number}.{column}"] = f"{NAME}!{ref}"
        if any(v is not None for v in values):
            accounts.rows[number] = values
    reading.fields["accounts"] = accounts


# ── check ─────────────────────────────────────────────────
def expected(assessment: Assessment) -> list[Expected]:
    accounts = assessment.evaluation.accounts
    unit = f"编制单位：{assessment.evaluation.info.unit_name}"
    found = [Expected(f"{NAME}!{UNIT_CELL}", "编制单位", UNIT_FORMULA, unit)]
    for identity, column, ref in check_cells():
        values = [accounts.get(row, column) for row in (identity.lhs, *(r for _, r in identity.terms))]
        found.append(Expected(f"{NAME}!{ref}", f"勾稽检查{identity.code}（{COLUMN_NAMES[column]}）",
                              check_formula(identity, column), cells.check(identity.code, *values)))
    return found

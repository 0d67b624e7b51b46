"""基础数据表: the basic-data table several provinces attach to the 自评表 — 编制数 and 在职人数, 三公经费 by item,
项目支出 and 公用经费 for 上年决算 / 本年预算 / 本年决算 — on its own sheet, present when the form's structure names
the block (``self_form.structure.blocks`` ``basic``; the ruleset's ``rows.basic_block``).

Its check formulas (三公 items against the total, 购置费 + 运行费 against 公务用车, the control and execution
rates) show what the core's BASIC-* findings say; a rule reaches its cells through ``basic.<item>.<column>``.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from openpyxl.worksheet.worksheet import Worksheet

from scoring import (
    BASIC_COLUMNS,
    BASIC_ITEMS,
    BASIC_SUMS,
    STAFF_FIELDS,
    Assessment,
    BasicData,
    Ruleset,
    SelfForm,
    parse_number,
    round2,
)

from . import style as S
from .file import WorkbookFile
from .sheet import BuildJob, Expected, Reading, read_amounts, read_money_unit

NAME = "基础数据表"
MONEY_UNIT = "B2"
STAFF_ROWS = {"quota": 5, "actual": 6}
STAFF_RATE_ROW = 7
HEADER = 9
ITEM_ROWS = {item: HEADER + 1 + i for i, item in enumerate(BASIC_ITEMS)}
COLS = {"last_final": "B", "budget": "C", "final": "D"}
RATE_COL = "E"  # 本年决算 ÷ 本年预算
CHECK_ROWS = {total: HEADER + len(BASIC_ITEMS) + 2 + i for i, total in enumerate(BASIC_SUMS)}
NOTE = ("金额单位见 B2；三公经费合计应等于因公出国（境）费、公务用车购置及运行费、公务接待费之和，公务用车购置及运行费应等于"
        "购置费与运行费之和（下方核对行）；本年决算超过本年预算时列为警告。规则集可用 basic.<项目>.<last_final|budget|final> "
        "和 basic.staff.<quota|actual> 引用本表数据（如三公经费控制率、人员控制率）")


def present(rs: Ruleset) -> bool:
    """Whether a workbook for ``rs`` has this sheet."""
    return rs.form == "self" and rs.rows.basic_block


def cell(ref: str) -> str:
    """The cell of a ``basic.<item>.<column>`` or ``basic.staff.<quota|actual>`` reference, e.g. ``C10``."""
    _, item, column = ref.split(".")
    return f"B{STAFF_ROWS[column]}" if item == "staff" else f"{COLS[column]}{ITEM_ROWS[item]}"


# ── formulas: one declaration for the builder and the check ──
def _rate(numerator: str, denominator: str) -> str:
    return f'=IF(OR({numerator}="",{denominator}="",{denominator}=0),"",{numerator}/{denominator})'


def _check(total: str, column: str) -> str:
    letter = COLS[column]
    parts = ",".join(f"{letter}{ITEM_ROWS[item]}" for item in BASIC_SUMS[total])
    top = f"{letter}{ITEM_ROWS[total]}"
    return f'=IF(OR({top}="",COUNT({parts})=0),"",IF(ROUND({top}-SUM({parts}),2)=0,"✓",ROUND({top}-SUM({parts}),2)))'


def formulas() -> dict[str, str]:
    found = {f"B{STAFF_RATE_ROW}": _rate(f"B{STAFF_ROWS['actual']}", f"B{STAFF_ROWS['quota']}")}
    for row in ITEM_ROWS.values():
        found[f"{RATE_COL}{row}"] = _rate(f"{COLS['final']}{row}", f"{COLS['budget']}{row}")
    for total, row in CHECK_ROWS.items():
        for column, letter in COLS.items():
            found[f"{letter}{row}"] = _check(total, column)
    return found


# ── build ─────────────────────────────────────────────────
def build(ws: Worksheet, job: BuildJob) -> None:
    form = job.evaluation.self_form if job.evaluation else None
    basic = form.basic if form is not None and form.basic is not None else BasicData()
    S.title(ws, "A1", "基础数据表", "E1")
    S.label_cell(ws, "A2", "金额单位", bold=True)
    S.input_cell(ws, MONEY_UNIT, basic.unit)
    S.choice(ws, ["万元", "元"], "基础数据表的金额单位").add(MONEY_UNIT)
    S.header_row(ws, STAFF_ROWS["quota"] - 1, [("A", "人员情况"), ("B", "人数")])
    people = S.whole_at_least(ws, 0, "填写人数（整数），如 25")
    for field, row in STAFF_ROWS.items():
        S.label_cell(ws, f"A{row}", STAFF_FIELDS[field])
        S.input_cell(ws, f"B{row}", getattr(basic.staff, field), S.COUNT)
        people.add(f"B{row}")
    S.label_cell(ws, f"A{STAFF_RATE_ROW}", "人员控制率（在职人数÷编制数）")
    found = formulas()
    S.computed_cell(ws, f"B{STAFF_RATE_ROW}", found[f"B{STAFF_RATE_ROW}"], S.PERCENT)
    S.header_row(ws, HEADER, [("A", "经费项目"), *((COLS[k], t) for k, t in BASIC_COLUMNS.items()),
                              (RATE_COL, "本年决算÷本年预算")])
    money = S.decimal_at_least(ws, 0, "填写金额（单位见 B2），如 12.5")
    for item, row in ITEM_ROWS.items():
        S.label_cell(ws, f"A{row}", BASIC_ITEMS[item])
        for column, letter in COLS.items():
            S.input_cell(ws, f"{letter}{row}", _shown(getattr(basic.line(item), column)), S.AMOUNT)
            money.add(f"{letter}{row}")
        S.computed_cell(ws, f"{RATE_COL}{row}", found[f"{RATE_COL}{row}"], S.PERCENT)
    for total, row in CHECK_ROWS.items():
        S.label_cell(ws, f"A{row}", f"{BASIC_ITEMS[total]}与分项核对")
        for letter in COLS.values():
            S.computed_cell(ws, f"{letter}{row}", found[f"{letter}{row}"], S.MONEY)
    note = max(CHECK_ROWS.values()) + 2
    S.label_cell(ws, f"A{note}", NOTE)
    ws.merge_cells(f"A{note}:E{note}")
    ws.row_dimensions[note].height = 64
    S.widths(ws, {"A": 30, "B": 14, "C": 14, "D": 14, "E": 16})
    S.print_setup(ws, landscape=False)


def _shown(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def defined_names(job: BuildJob) -> dict[str, str]:
    return {}


# ── read ──────────────────────────────────────────────────
def read(book: WorkbookFile, reading: Reading) -> None:
    """The table into ``self_form.basic`` (after the 自评表 sheet has read the form)."""
    data: dict[str, object] = {"unit": read_money_unit(book, NAME, MONEY_UNIT)}
    staff: dict[str, object] = {}
    for field, row in STAFF_ROWS.items():
        ref = f"B{row}"
        reading.provenance[f"basic.staff.{field}"] = f"{NAME}!{ref}"
        value = book.parse(NAME, ref, STAFF_FIELDS[field], parse_number, ("人",), "25")
        if value is not None and (value < 0 or value != value.to_integral_value()):
            book.problem(NAME, ref, f"{STAFF_FIELDS[field]}「{value}」应为不小于0的整数，如 25")
        elif value is not None:
            staff[field] = int(value)
    data["staff"] = staff
    for item, row in ITEM_ROWS.items():
        data[item] = read_amounts(book, reading, NAME, row, COLS, f"basic.{item}",
                                  BASIC_ITEMS[item].removeprefix("其中："), BASIC_COLUMNS)
    basic = BasicData.model_validate(data)
    form = reading.fields.get("self_form")
    if isinstance(form, SelfForm) and not basic.blank:
        reading.fields["self_form"] = form.model_copy(update={"basic": basic})


# ── check ─────────────────────────────────────────────────
def expected(assessment: Assessment) -> list[Expected]:
    form = assessment.evaluation.self_form
    basic = form.basic if form is not None and form.basic is not None else BasicData()
    values = _values(basic)
    found = formulas()
    return [Expected(f"{NAME}!{ref}", _what(ref), formula, values[ref]) for ref, formula in found.items()]


def _what(ref: str) -> str:
    row = int(ref[1:])
    item = next((k for k, r in ITEM_ROWS.items() if r == row), None)
    if item is not None:
        return f"{BASIC_ITEMS[item].removeprefix('其中：')}本年决算÷本年预算"
    total = next((k for k, r in CHECK_ROWS.items() if r == row), None)
    return f"{BASIC_ITEMS[total]}分项核对" if total is not None else "人员控制率"


def _ratio(numerator: Decimal | int | None, denominator: Decimal | int | None) -> float | str:
    if numerator is None or denominator is None or denominator == 0:
        return ""
    return float((Decimal(numerator) / Decimal(denominator)).quantize(Decimal("0.000001"), ROUND_HALF_UP))


def _values(basic: BasicData) -> dict[str, float | str]:
    """What each formula shows, computed by the same arithmetic the findings use."""
    values: dict[str, float | str] = {f"B{STAFF_RATE_ROW}": _ratio(basic.staff.actual, basic.staff.quota)}
    for item, row in ITEM_ROWS.items():
        line = basic.line(item)
        values[f"{RATE_COL}{row}"] = _ratio(line.final, line.budget)
    for total, row in CHECK_ROWS.items():
        for column, letter in COLS.items():
            top = getattr(basic.line(total), column)
            parts = [getattr(basic.line(item), column) for item in BASIC_SUMS[total]]
            if top is None or all(part is None for part in parts):
                values[f"{letter}{row}"] = ""
                continue
            difference = round2(top - sum((part or Decimal(0) for part in parts), Decimal(0)))
            values[f"{letter}{row}"] = "✓" if difference == 0 else float(difference)
    return values

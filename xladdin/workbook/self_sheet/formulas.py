"""The 自评表's formulas: one declaration for the builder (``writing``) and the check (``checking``)."""
from __future__ import annotations

from openpyxl.utils import get_column_letter

from scoring import INCOMPLETE, Indicator, Ruleset

from .. import basic_data
from ..file import NAME_RULESET
from .form_layout import (
    FIXED_HEADER,
    LOOKUP_FIRST_ROW,
    MONEY_UNIT,
    NATURE_CHECK_ROW,
    NATURE_COLS,
    NATURE_ROWS,
    Layout,
    col,
    columns,
    fixed,
    fund_cell,
    row_groups,
    _level1_of,
)


def _source_cell(source: str) -> str:
    kind, line, column = source.split(".")
    if kind == "basic":
        return f"{basic_data.NAME}!{basic_data.cell(source)}"
    if kind != "fund":
        raise ValueError(f"自评表的固定指标只能引用资金情况（fund.…）或基础数据表（basic.…），不能引用「{source}」")
    return fund_cell(line, column)


def _row_args(c: dict[str, str], row: int) -> str:
    """The row's cells as PE_ROW_SCORE takes them; with the optional columns, 计量单位 joined to a bare number and
    指标性质 定性 for a blank 计分方式, as ``TargetRow.effective_*`` do in the core."""
    args = {k: f"{c[k]}{row}" for k in ("level2", "name", "target", "actual", "weight", "method", "entered")}
    args["adjusted"] = f"{c['adjusted']}{row}" if "adjusted" in c else '""'
    if "unit" in c:
        for key in ("target", "actual", "adjusted"):
            args[key] = _with_unit(args[key], f"{c['unit']}{row}") if key in c else args[key]
    if "nature" in c:
        method, nature = args["method"], f"{c['nature']}{row}"
        args["method"] = f'IF(AND(TRIM({method})="",TRIM({nature})="定性"),"定性",{method}&"")'
    keys = ("level2", "name", "target", "actual", "weight", "method", "entered", "adjusted")
    return ",".join([NAME_RULESET, *(args[k] for k in keys)])


def _with_unit(cell: str, unit: str) -> str:
    """``cell`` followed by the unit when it is a bare number (a number, or text of digits and at most one point)."""
    digits = cell
    for char in "0123456789.":
        digits = f'SUBSTITUTE({digits},"{char}","")'
    bare = f'OR(ISNUMBER({cell}),AND(ISNUMBER(--{cell}),{digits}=""))'
    return f'IF({cell}="","",IF(AND(TRIM({unit})<>"",{bare}),{cell}&TRIM({unit}),{cell}))'


def row_formulas(rs: Ruleset, row: int) -> dict[str, str]:
    """A blank row shows "" without calling the add-in: WPS and LibreOffice, which recalculate cells saved
    empty, then show nothing rather than #NAME? there (the inputs run from 二级指标 to 评定得分)."""
    c = col(rs)
    lookup = _lookup_range(rs)
    blank = f'COUNTA({c["level2"]}{row}:{c["entered"]}{row})=0'
    return {
        f"{c['level1']}{row}": f'=IF({c["level2"]}{row}="","",IFERROR(VLOOKUP({c["level2"]}{row},{lookup},2,FALSE),"二级指标有误"))',
        f"{c['score']}{row}": f'=IF({blank},"",PE_ROW_SCORE({_row_args(c, row)}))',
        f"{c['explain']}{row}": f'=IF({blank},"",PE_ROW_EXPLAIN({_row_args(c, row)}))',
    }


def _fixed_formulas(rs: Ruleset, row: int, indicator: Indicator) -> dict[str, str]:
    """Blank while none of the fund cells it reads is filled (a blank form prints no 缺少输入 message)."""
    refs = [_source_cell(ref.source or "") for ref in indicator.rule.inputs()]
    args = ",".join([NAME_RULESET, f'"{indicator.code}"', *(refs + ['""'] * (2 - len(refs))), '""', '""'])
    empty = ",".join(f'{ref}=""' for ref in refs)
    blank = f"AND({empty})" if refs else "FALSE"
    unit = f'IF({MONEY_UNIT}="元","元","万元")'  # the ruleset states amounts in 万元; the core in the block's unit
    return {f"D{row}": f'=IF({blank},"",PE_SCORE({args}))',
            f"F{row}": f'=IF({blank},"",SUBSTITUTE(PE_EXPLAIN({args}),"万元",{unit}))'}


def _earlier_formulas(rs: Ruleset, lay: Layout) -> dict[str, tuple[str, ...]]:
    """What workbooks written before the blank guards hold in the fixed rows and the 一级 checks (still right)."""
    found: dict[str, tuple[str, ...]] = {}
    for indicator in fixed(rs):
        row = lay.fixed_rows[indicator.code]
        refs = [_source_cell(ref.source or "") for ref in indicator.rule.inputs()]
        args = ",".join([NAME_RULESET, f'"{indicator.code}"', *(refs + ['""'] * (2 - len(refs))), '""', '""'])
        found[f"D{row}"], found[f"F{row}"] = (f"=PE_SCORE({args})",), (f"=PE_EXPLAIN({args})",)
    for row in range(lay.level1_header + 1, lay.level1_header + 1 + len(rs.level1)):
        found[f"E{row}"] = (f'=IF(B{row}=C{row},"✓","分值合计"&B{row}&"分，应为"&C{row}&"分")',)
    return found


def _lookup_range(rs: Ruleset) -> str:
    first = get_column_letter(len(columns(rs)) + 2)
    second = get_column_letter(len(columns(rs)) + 3)
    last = LOOKUP_FIRST_ROW + len(row_groups(rs)) - 1
    return f"${first}${LOOKUP_FIRST_ROW}:${second}${last}"


def result_formulas(rs: Ruleset, lay: Layout) -> dict[str, str]:
    c = col(rs)
    rows = f"{lay.first_row}:{{c}}{lay.last_row}"
    weights, scores = (f"{c[k]}{rows.format(c=c[k])}" for k in ("weight", "score"))
    levels = f"{c['level1']}{rows.format(c=c['level1'])}"
    fixed_scores = ",".join(f"D{r}" for r in lay.fixed_rows.values())
    fixed_weights = ",".join(f"C{r}" for r in lay.fixed_rows.values())
    r = lay.results_row
    found = {
        f"{c['weight']}{lay.total_row}": f"=SUM({weights})",
        f"{c['score']}{lay.total_row}": f"=ROUND(SUM({scores}),2)",
        f"C{r}": f"=ROUND(SUM({scores}{',' + fixed_scores if fixed_scores else ''}),2)",
        f"C{r + 2}": f"=SUM({weights}{',' + fixed_weights if fixed_weights else ''})",
        f"C{r + 3}": "=" + _unscored(scores) + (f"+{_unscored(f'D{FIXED_HEADER + 1}:D{FIXED_HEADER + len(lay.fixed_rows)}')}"
                                          if lay.fixed_rows else ""),
    }
    first = lay.level1_header + 1
    untouched = f"COUNTA({c['level2']}{lay.first_row}:{c['level2']}{lay.last_row})=0"  # no row has a 二级 yet
    for i, group in enumerate(rs.level1):
        row = first + i
        own = [(f"C{lay.fixed_rows[ind.code]}", f"D{lay.fixed_rows[ind.code]}") for ind in fixed(rs)
               if _level1_of(rs, ind) == group.code]
        plus_w = "".join(f"+{w}" for w, _ in own)
        also_s = "".join(f",{s}" for _, s in own)
        found[f"B{row}"] = f'=SUMIF({levels},A{row},{weights}){plus_w}'
        found[f"D{row}"] = f'=ROUND(SUM(SUMIF({levels},A{row},{scores}){also_s}),2)'
        found[f"E{row}"] = f'=IF({untouched},"",IF(B{row}=C{row},"✓","分值合计"&B{row}&"分，应为"&C{row}&"分"))'
    checks = f"E{first}:E{first + len(rs.level1) - 1}"
    found[f"C{r + 1}"] = (f'=IF(OR(C{r + 3}>0,COUNTIF({checks},"✓")<{len(rs.level1)}),"{INCOMPLETE}",'
                          f"PE_GRADE(C{r},{NAME_RULESET}))")
    return found


def _unscored(cells: str) -> str:
    """Cells showing a message instead of a score: neither a number nor blank (a blank row shows "")."""
    return f"(ROWS({cells})-COUNT({cells})-COUNTBLANK({cells}))"


def _nature_formulas() -> dict[str, str]:
    found = {}
    for column, letter in NATURE_COLS.items():
        parts, total = f"{letter}{NATURE_ROWS['basic']}:{letter}{NATURE_ROWS['project']}", fund_cell("total", column)
        found[f"{letter}{NATURE_CHECK_ROW}"] = (f'=IF(OR(COUNT({parts})=0,{total}=""),"",'
                                                f'IF(ROUND(SUM({parts})-{total},2)=0,"✓","≠年度资金总额"))')
    return found


def _rate_formula(row: int) -> str:
    return f'=IF(OR(D{row}="",E{row}=""),"",IF(D{row}=0,"",ROUND(E{row}/D{row},4)))'

"""自评表: the self-evaluation form as the paper form lays it out — header, fund block, the ruleset's fixed
indicators (e.g. 预算执行率), the year's goal, the department's own indicator rows, total and grade.

The indicator rows are data: any 二级 of the ruleset's open ones, any name, target, weight.
Spare rows are prepared (``PREPARED_ROWS``); a row inserted inside the table is read too (the
reader scans down to 合计, and everything below is found through defined names).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from scoring import (
    INCOMPLETE,
    NATURE_LINES,
    Assessment,
    Evaluation,
    FormStructure,
    FundBlock,
    Indicator,
    Ruleset,
    RulesetError,
    SelfForm,
    TargetRow,
    cells,
    fmt_points,
    parse_number,
    round2,
    structure_of,
    with_unit,
)

from . import basic_data
from . import style as S
from .file import WorkbookError, WorkbookFile
from .file import NAME_RULESET
from .sheet import BuildJob, Expected, Reading

NAME = "自评表"
PREPARED_ROWS = 40
UNIT_NAME, YEAR, SUPERVISOR, MONEY_UNIT = "B2", "F2", "I2", "I3"
FUND_HEADER = 5
FUND_ROWS = {"total": 6, "fiscal": 7, "other": 8}
FUND_COLS = {"initial": "C", "budget": "D", "final": "E"}
FUND_LABELS = {"total": "年度资金总额", "fiscal": "其中：财政拨款", "other": "其他资金"}
FUND_TITLES = {"initial": "年初预算数", "budget": "全年预算数", "final": "全年执行数"}
# The optional split of the total by nature (基本支出 / 项目支出), beside the fund block, with a check row.
NATURE_ROWS = {"basic": 6, "project": 7}
NATURE_COLS = {"initial": "H", "budget": "I", "final": "J"}
NATURE_CHECK_ROW = 8
FIXED_HEADER = 10
NAME_TOTAL, NAME_GRADE, NAME_REPORTED_TOTAL, NAME_ISSUES = "总分", "等级", "自评总分", "存在的问题及改进措施"
LOOKUP_FIRST_ROW = 5
STRUCTURE_NOTE = ("表样设置：黄色的分值可按本地区的自评表修改（如产出指标55分、效益指标25分），各一级指标的分值合计随即重新核对；"
                  "各一级指标分值之和应等于总分。上一级、二级指标名称、预算执行率的计分方式等见 pe-eval new 所用的规则集（或评价数据 JSON 的 self_form.structure）")
BUTTON_CELLS = ("B3", "D3")  # left free for the buttons the Windows installer adds (xladdin.BUTTONS)
# 一、基本情况 of the 自评报告, below the form (the narrative sections of the same meaning in the evaluation data)
BASIC_SECTIONS = {"functions": "主要职能", "org": "机构设置和人员情况", "funds": "年度预算安排情况"}
BASIC_TITLE = "自评报告“一、基本情况”（年度预算安排情况空白时，报告按资金情况自动生成）"


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    width: float


def columns(rs: Ruleset) -> list[Column]:
    """The indicator table's columns for this ruleset (the coefficient form has two more)."""
    target = [Column("target", "年初指标值", 14), Column("adjusted", "调整指标值", 14)] if rs.rows.adjusted_targets \
        else [Column("target", "年度指标值", 16)]
    entered = "得分系数" if rs.rows.default_method == "系数" else "评定得分（定性）/得分系数"
    optional = [*([Column("nature", "指标性质", 8)] if rs.rows.nature_column else []),
                *([Column("unit", "计量单位", 8)] if rs.rows.unit_column else [])]
    found = [Column("level1", "一级指标", 10), Column("level2", "二级指标", 14), Column("name", "三级指标", 24),
             *optional, *target, Column("actual", "实际完成值", 16),
             Column("weight", "指标权重" if rs.rows.default_method == "系数" else "分值", 9), Column("method", "计分方式", 9),
             Column("entered", entered, 11), Column("score", "得分", 9), Column("reported", "自评得分", 9)]
    if rs.rows.core_column:
        found.append(Column("core", "是否核心指标", 8))
    return [*found, Column("reason", "偏差原因分析及改进措施", 30), Column("explain", "计分说明", 44)]


def col(rs: Ruleset) -> dict[str, str]:
    return {c.key: get_column_letter(i) for i, c in enumerate(columns(rs), start=1)}


def row_groups(rs: Ruleset) -> dict[str, str]:
    """二级 name → 一级 name for every name a row may choose: the open 二级 and the names listed under them."""
    parents = {g.code: g.name for g in rs.level1}
    return {name: parents[g.parent or ""] for g in rs.open_groups for name in (g.name, *g.choices)}


def editable_level1(rs: Ruleset) -> list[str]:
    """Codes of the 一级 whose 分值 the 表样设置 rows let the user change (not one holding a fixed indicator)."""
    held = {_level1_of(rs, i) for i in fixed(rs)}
    return [g.code for g in rs.level1 if g.code not in held]


def fixed(rs: Ruleset) -> list[Indicator]:
    """The ruleset's own 三级 indicators (not the department's rows), e.g. 预算执行率."""
    open_codes = {g.code for g in rs.open_groups}
    return [i for i in rs.indicators if i.parent not in open_codes]


@dataclass(frozen=True)
class Layout:
    fixed_rows: dict[str, int]
    goal_row: int
    header_row: int
    first_row: int
    total_row: int  # 合计
    results_row: int  # 总分; then 等级, 分值合计, 未能计分, 自评总分, 存在的问题
    level1_header: int

    @property
    def last_row(self) -> int:
        return self.total_row - 1


def layout(rs: Ruleset, table_rows: int = PREPARED_ROWS) -> Layout:
    fixed_rows = {ind.code: FIXED_HEADER + 1 + i for i, ind in enumerate(fixed(rs))}
    goal = FIXED_HEADER + len(fixed_rows) + 2
    header = goal + 3
    total = header + 1 + table_rows
    results = total + 2
    return Layout(fixed_rows, goal, header, header + 1, total, results, results + 7)


def basic_rows(rs: Ruleset, lay: Layout) -> dict[str, int]:
    """The rows of the 基本情况 texts, after the 表样设置 block (their title row just above)."""
    first = lay.level1_header + len(rs.level1) + 3
    return {key: first + offset for offset, key in enumerate(BASIC_SECTIONS)}


def _table_rows(evaluation: Evaluation | None) -> int:
    form = evaluation.self_form if evaluation else None
    return max(PREPARED_ROWS, len(form.rows) if form else 0)


def fund_cell(line: str, column: str) -> str:
    return f"{FUND_COLS[column]}{FUND_ROWS[line]}"


def _source_cell(source: str) -> str:
    kind, line, column = source.split(".")
    if kind == "basic":
        return f"{basic_data.NAME}!{basic_data.cell(source)}"
    if kind != "fund":
        raise ValueError(f"自评表的固定指标只能引用资金情况（fund.…）或基础数据表（basic.…），不能引用「{source}」")
    return fund_cell(line, column)


# ── formulas: one declaration for the builder and the check ──
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


def _fixed_blank(indicator: Indicator, form: SelfForm) -> bool:
    """None of the fund amounts the fixed indicator reads is filled: its cells show blank (``_fixed_formulas``)."""
    refs = [(ref.source or "").split(".") for ref in indicator.rule.inputs()]
    return bool(refs) and all(_source_value(form, kind, line, column) is None for kind, line, column in refs)


def _source_value(form: SelfForm, kind: str, line: str, column: str) -> object:
    """The amount a fixed indicator's ``fund.…`` or ``basic.…`` reference reads (None when blank)."""
    if kind == "basic":
        return None if form.basic is None else getattr(form.basic.staff if line == "staff" else form.basic.line(line), column)
    return getattr(form.fund.line(line), column)


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


def _level1_of(rs: Ruleset, indicator: Indicator) -> str:
    return next(g.parent or "" for g in rs.level2 if g.code == indicator.parent)


# ── build ─────────────────────────────────────────────────
def build(ws: Worksheet, job: BuildJob) -> None:
    rs, evaluation = job.rs, job.evaluation
    form = evaluation.self_form if evaluation and evaluation.self_form else SelfForm()
    info = evaluation.info if evaluation else None
    last = get_column_letter(len(columns(rs)))
    lay = layout(rs, _table_rows(evaluation))
    S.title(ws, "A1", "部门整体支出绩效自评表", f"{last}1")
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    for label_ref, label, ref, value in (("A2", "部门\n（单位）\n名称", UNIT_NAME, info.unit_name if info else None),
                                         ("E2", "年度", YEAR, info.year if info else None),
                                         ("H2", "主管部门", SUPERVISOR, info.supervisor if info else None)):
        S.label_cell(ws, label_ref, label, bold=True)
        S.input_cell(ws, ref, value or None)
    ws.merge_cells(f"{UNIT_NAME}:D2")
    ws.merge_cells(f"{SUPERVISOR}:{last}2")
    S.label_cell(ws, "H3", "金额单位", bold=True)
    S.input_cell(ws, MONEY_UNIT, form.fund.unit)
    S.choice(ws, ["万元", "元"], "资金情况的金额单位").add(MONEY_UNIT)
    _build_fund(ws, form.fund)
    _build_nature(ws, form.fund)
    _build_fixed(ws, rs, lay, form)
    _build_goal(ws, lay, form, last)
    _build_rows(ws, rs, lay, form)
    _build_results(ws, rs, lay, form, last)
    _build_basic(ws, rs, lay, evaluation.narrative if evaluation else {}, last)
    _build_lookup(ws, rs)
    S.widths(ws, {get_column_letter(i): column.width for i, column in enumerate(columns(rs), start=1)})
    S.fit_rows(ws, range(2, lay.total_row))
    _fit_explanations(ws, rs, lay, form)
    ws.freeze_panes = f"A{lay.first_row}"
    S.print_setup(ws, landscape=True, title_rows=f"{lay.header_row}:{lay.header_row}")
    _print_form_only(ws, last, lay, len(form.rows))


def _print_form_only(ws: Worksheet, last: str, lay: Layout, used: int) -> None:
    """Print the form, not the 二级→一级 lookup table beside it; in a filled form the spare rows after the one
    below the last used row are hidden (unhide them to add indicators)."""
    ws.print_area = f"A1:{last}{ws.max_row}"
    if used:
        for row in range(lay.first_row + used + 1, lay.total_row):
            ws.row_dimensions[row].hidden = True


def _fit_explanations(ws: Worksheet, rs: Ruleset, lay: Layout, form: SelfForm) -> None:
    """Rows tall enough for their 计分说明 (a formula, so ``fit_rows`` cannot measure it): the same core call."""
    width = next(column.width for column in columns(rs) if column.key == "explain")
    for offset, item in enumerate(form.rows):
        text = _row_value(rs, item)[1]
        height = S.wrapped_lines(text, width) * S.LINE_HEIGHT + 3
        row = lay.first_row + offset
        if height > (ws.row_dimensions[row].height or 0):
            ws.row_dimensions[row].height = height


def _build_fund(ws: Worksheet, fund: FundBlock) -> None:
    S.label_cell(ws, f"A{FUND_HEADER}", "资金情况", bold=True)
    ws.merge_cells(f"A{FUND_HEADER}:A{FUND_ROWS['other']}")
    S.header_row(ws, FUND_HEADER, [("B", "项目"), *((FUND_COLS[k], t) for k, t in FUND_TITLES.items()), ("F", "执行率")])
    money = S.decimal_at_least(ws, 0, "填写金额（单位见“金额单位”），如 1,234.56")
    for line, row in FUND_ROWS.items():
        S.label_cell(ws, f"B{row}", FUND_LABELS[line])
        for column, letter in FUND_COLS.items():
            S.input_cell(ws, f"{letter}{row}", getattr(fund.line(line), column), S.AMOUNT)
            money.add(f"{letter}{row}")
        S.computed_cell(ws, f"F{row}", _rate_formula(row), S.PERCENT)


def _build_nature(ws: Worksheet, fund: FundBlock) -> None:
    """基本支出 / 项目支出 (optional): when typed, they must add up to 年度资金总额 column by column."""
    S.header_row(ws, FUND_HEADER, [("G", "按支出性质（选填）"), *((NATURE_COLS[k], t) for k, t in FUND_TITLES.items())])
    money = S.decimal_at_least(ws, 0, "按支出性质填写金额（单位见“金额单位”）；填写时基本支出与项目支出之和应等于年度资金总额")
    for line, row in NATURE_ROWS.items():
        S.label_cell(ws, f"G{row}", NATURE_LINES[line])
        amounts = fund.line(line) if getattr(fund, line) is not None else None
        for column, letter in NATURE_COLS.items():
            S.input_cell(ws, f"{letter}{row}", getattr(amounts, column) if amounts else None, S.AMOUNT)
            money.add(f"{letter}{row}")
    S.label_cell(ws, f"G{NATURE_CHECK_ROW}", "与年度资金总额核对")
    for ref, formula in _nature_formulas().items():
        S.computed_cell(ws, ref, formula)


def _nature_formulas() -> dict[str, str]:
    found = {}
    for column, letter in NATURE_COLS.items():
        parts, total = f"{letter}{NATURE_ROWS['basic']}:{letter}{NATURE_ROWS['project']}", fund_cell("total", column)
        found[f"{letter}{NATURE_CHECK_ROW}"] = (f'=IF(OR(COUNT({parts})=0,{total}=""),"",'
                                                f'IF(ROUND(SUM({parts})-{total},2)=0,"✓","≠年度资金总额"))')
    return found


def _nature_values(fund: FundBlock) -> dict[str, str]:
    """What the check row shows: the core's FUND-NATURE check, column by column."""
    found = {}
    for column, letter in NATURE_COLS.items():
        total = getattr(fund.total, column)
        parts = [getattr(line, column) for line in (fund.basic, fund.project) if line is not None]
        typed = [p for p in parts if p is not None]
        found[f"{letter}{NATURE_CHECK_ROW}"] = "" if total is None or not typed else \
            "✓" if sum(typed, Decimal(0)) == total else "≠年度资金总额"
    return found


def _rate_formula(row: int) -> str:
    return f'=IF(OR(D{row}="",E{row}=""),"",IF(D{row}=0,"",ROUND(E{row}/D{row},4)))'


def _build_fixed(ws: Worksheet, rs: Ruleset, lay: Layout, form: SelfForm) -> None:
    S.header_row(ws, FIXED_HEADER, [("A", "代码"), ("B", "指标"), ("C", "分值"), ("D", "得分"), ("E", "自评得分"), ("F", "计分说明")])
    for indicator in fixed(rs):
        row = lay.fixed_rows[indicator.code]
        S.label_cell(ws, f"A{row}", indicator.code)
        S.label_cell(ws, f"B{row}", indicator.name)
        S.label_cell(ws, f"C{row}", float(indicator.weight))
        S.input_cell(ws, f"E{row}", _shown(form.reported.get(indicator.code)))
        for ref, formula in _fixed_formulas(rs, row, indicator).items():
            S.computed_cell(ws, ref, formula, S.SCORE if ref.startswith("D") else None, wrap=ref.startswith("F"))
        ws.merge_cells(f"F{row}:{col(rs)['reason']}{row}")
    ws.merge_cells(f"F{FIXED_HEADER}:{col(rs)['reason']}{FIXED_HEADER}")


def _build_goal(ws: Worksheet, lay: Layout, form: SelfForm, last: str) -> None:
    row = lay.goal_row
    S.label_cell(ws, f"A{row}", "年度总体目标", bold=True)
    ws.merge_cells(f"A{row}:A{row + 1}")
    S.header_row(ws, row, [("B", "预期目标"), ("G", "实际完成情况")])
    ws.merge_cells(f"B{row}:F{row}")
    ws.merge_cells(f"G{row}:{last}{row}")
    S.input_cell(ws, f"B{row + 1}", form.goal_expected or None, wrap=True)
    S.input_cell(ws, f"G{row + 1}", form.goal_actual or None, wrap=True)
    ws.merge_cells(f"B{row + 1}:F{row + 1}")
    ws.merge_cells(f"G{row + 1}:{last}{row + 1}")
    ws.row_dimensions[row + 1].height = 64


def _build_rows(ws: Worksheet, rs: Ruleset, lay: Layout, form: SelfForm) -> None:
    c = col(rs)
    S.header_row(ws, lay.header_row, [(c[column.key], column.title) for column in columns(rs)])
    groups = S.choice(ws, list(row_groups(rs)), "选择二级指标")
    methods = S.choice(ws, ["正向", "反向", "等于", "定性", "时限", "系数"],
                       "空白按年度指标值判断：数值→正向（≤为反向，=为等于），日期/天数→时限，文字→定性")
    weights = S.decimal_at_least(ws, 0, "该指标的分值，如 5")
    core = S.choice(ws, ["是", "否"], "是否核心指标")
    nature = S.choice(ws, ["定量", "定性"], "指标性质；定性且计分方式空白时按定性计分（评定得分）") if "nature" in c else None
    names = {g.code: g.name for g in rs.open_groups}
    for index in range(lay.last_row - lay.first_row + 1):
        row = lay.first_row + index
        item = form.rows[index] if index < len(form.rows) else TargetRow()
        values = {"level2": names.get(item.group, item.group) or None, "name": item.name or None,
                  "target": _shown(item.target), "adjusted": _shown(item.adjusted_target), "actual": _shown(item.actual),
                  "weight": _shown(item.weight), "method": item.method or None, "entered": _shown(item.entered),
                  "reported": _shown(item.reported), "core": "是" if item.core else None, "reason": item.reason or None,
                  "unit": item.unit or None, "nature": item.nature or None}
        for key, value in values.items():
            if key in c:
                text = key in ("target", "adjusted", "actual")
                S.input_cell(ws, f"{c[key]}{row}", value, S.TEXT if text else None, wrap=True)
        groups.add(f"{c['level2']}{row}")
        methods.add(f"{c['method']}{row}")
        weights.add(f"{c['weight']}{row}")
        if nature is not None:
            nature.add(f"{c['nature']}{row}")
        if "core" in c:
            core.add(f"{c['core']}{row}")
        for ref, formula in row_formulas(rs, row).items():
            S.computed_cell(ws, ref, formula, S.SCORE if ref.startswith(c["score"]) else None, wrap=True)
    scores = f"{c['score']}{lay.first_row}:{c['score']}{lay.last_row}"
    S.highlight(ws, scores, f'ISTEXT({c["score"]}{lay.first_row})*({c["score"]}{lay.first_row}<>"")', S.FAIL_FILL, S.FAIL_FONT)


def _shown(value: object) -> object:
    """A row value as the cell shows it (numbers stay numbers)."""
    if value is None or value == "":
        return None
    return float(value) if isinstance(value, Decimal) else value


def _build_results(ws: Worksheet, rs: Ruleset, lay: Layout, form: SelfForm, last: str) -> None:
    c = col(rs)
    formulas = result_formulas(rs, lay)
    S.label_cell(ws, f"A{lay.total_row}", "合计", bold=True)
    for key in ("weight", "score"):
        ref = f"{c[key]}{lay.total_row}"
        S.computed_cell(ws, ref, formulas[ref], S.SCORE)
    r = lay.results_row
    labels = ("总分", "等级", "分值合计", "未能计分的指标数", "自评总分（报送）", "存在的问题及改进措施")
    for offset, label in enumerate(labels):
        S.label_cell(ws, f"A{r + offset}", label, bold=True)
        ws.merge_cells(f"A{r + offset}:B{r + offset}")
        ref = f"C{r + offset}"
        if ref in formulas:
            S.computed_cell(ws, ref, formulas[ref], S.SCORE if offset in (0, 2) else None)
    S.input_cell(ws, f"C{r + 4}", _shown(form.reported_total), S.SCORE)
    S.input_cell(ws, f"C{r + 5}", form.issues or None, wrap=True)
    ws.merge_cells(f"C{r + 5}:{last}{r + 5}")
    ws.row_dimensions[r + 5].height = 64
    S.header_row(ws, lay.level1_header, [("A", "一级指标"), ("B", "分值合计"), ("C", "分值"), ("D", "得分"), ("E", "核对")])
    S.label_cell(ws, f"F{lay.level1_header}", STRUCTURE_NOTE)
    ws[f"F{lay.level1_header}"].alignment = S.WRAP
    ws.merge_cells(f"F{lay.level1_header}:{last}{lay.level1_header + len(rs.level1)}")
    weights = S.decimal_between(ws, 0.01, 1000, "本表该一级指标的分值，如 55；各行分值合计随即重新核对")
    editable = editable_level1(rs)
    for i, group in enumerate(rs.level1):
        row = lay.level1_header + 1 + i
        S.label_cell(ws, f"A{row}", group.name)
        if group.code in editable:
            S.input_cell(ws, f"C{row}", float(group.weight), S.SCORE)
            weights.add(f"C{row}")
        else:
            S.label_cell(ws, f"C{row}", float(group.weight))
        for column in "BDE":
            S.computed_cell(ws, f"{column}{row}", formulas[f"{column}{row}"], S.SCORE if column in "BD" else None)


def _build_basic(ws: Worksheet, rs: Ruleset, lay: Layout, narrative: dict[str, str], last: str) -> None:
    rows = basic_rows(rs, lay)
    title = min(rows.values()) - 1
    width = sum(column.width for column in columns(rs)[2:])
    S.header_row(ws, title, [("A", BASIC_TITLE)])
    ws.merge_cells(f"A{title}:{last}{title}")
    ws.row_breaks.append(Break(id=title - 1))  # the report's texts print on a page of their own, never split from their title
    for key, row in rows.items():
        S.label_cell(ws, f"A{row}", BASIC_SECTIONS[key], bold=True)
        ws.merge_cells(f"A{row}:B{row}")
        text = narrative.get(key) or None
        S.input_cell(ws, f"C{row}", text, wrap=True)
        ws.merge_cells(f"C{row}:{last}{row}")
        ws.row_dimensions[row].height = max(64, S.wrapped_lines(text or "", width) * S.LINE_HEIGHT + 3)


def _build_lookup(ws: Worksheet, rs: Ruleset) -> None:
    """二级 → 一级 names, for the 一级指标 column's VLOOKUP (works without the add-in, in WPS too)."""
    first = get_column_letter(len(columns(rs)) + 2)
    second = get_column_letter(len(columns(rs)) + 3)
    S.header_row(ws, LOOKUP_FIRST_ROW - 1, [(first, "二级指标"), (second, "一级指标")])
    for i, (name, parent) in enumerate(row_groups(rs).items()):
        S.label_cell(ws, f"{first}{LOOKUP_FIRST_ROW + i}", name)
        S.label_cell(ws, f"{second}{LOOKUP_FIRST_ROW + i}", parent)
    S.widths(ws, {first: 16, second: 12})


def defined_names(job: BuildJob) -> dict[str, str]:
    r = layout(job.rs, _table_rows(job.evaluation)).results_row  # the rows the sheet was built with
    return {NAME_TOTAL: f"C{r}", NAME_GRADE: f"C{r + 1}", NAME_REPORTED_TOTAL: f"C{r + 4}", NAME_ISSUES: f"C{r + 5}"}


# ── read ──────────────────────────────────────────────────
def _value(value: object) -> str | int | Decimal | None:
    """A typed cell as a row keeps it: floats become exact decimals, dates ISO text."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return parse_number(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.date().isoformat() if isinstance(value, dt.datetime) else value.isoformat()
    return value if isinstance(value, (str, int, Decimal)) else str(value)


def _named_ref(book: WorkbookFile, name: str) -> str:
    target = book.names.get(name, "")
    return target.split("!")[-1].replace("$", "")


def read(book: WorkbookFile, reading: Reading) -> None:
    """The header into ``info``; the fund block, goal, rows, reported scores and texts into ``self_form``."""
    rs = book.ruleset
    reading.fields["info"] = _read_header(book, reading)
    lay = layout(rs, _find_total(book) - layout(rs, 0).first_row)
    rows = [(row, _read_row(book, rs, row)) for row in range(lay.first_row, lay.total_row)]
    reported_total, issues = _named_ref(book, NAME_REPORTED_TOTAL), _named_ref(book, NAME_ISSUES)
    form = SelfForm(
        structure=_read_structure(book, rs, lay, reading),
        fund=_read_fund(book, reading),
        goal_expected=book.text(NAME, f"B{lay.goal_row + 1}"),
        goal_actual=book.text(NAME, f"G{lay.goal_row + 1}"),
        rows=[item for _, item in rows],
        reported={ind.code: value for ind in fixed(rs)
                  if (value := _value(book.raw(NAME, f"E{lay.fixed_rows[ind.code]}"))) is not None},
        reported_total=_value(book.raw(NAME, reported_total)),
        issues=book.text(NAME, issues),
    )
    reading.fields["self_form"] = form
    basic = basic_rows(rs, lay)
    reading.fields["narrative"] = {key: text for key, row in basic.items() if (text := book.text(NAME, f"C{row}"))}
    reading.provenance.update({f"narrative.{key}": f"{NAME}!C{row}" for key, row in basic.items()})
    reading.provenance["self_form.reported_total"] = f"{NAME}!{reported_total}"
    for ind in fixed(rs):
        reading.provenance[f"indicators.{ind.code}.reported"] = f"{NAME}!E{lay.fixed_rows[ind.code]}"
    _row_provenance(rs, form, rows, reading)


def _read_structure(book: WorkbookFile, rs: Ruleset, lay: Layout, reading: Reading) -> FormStructure | None:
    """The 表样设置 rows' 分值 as the form's structure; None when they are the ruleset's own (or cannot be used)."""
    typed: dict[str, Decimal] = {}
    first = ""
    for offset, group in enumerate(rs.level1, start=1):
        ref = f"C{lay.level1_header + offset}"
        if group.code not in editable_level1(rs):
            continue
        weight = book.parse(NAME, ref, f"一级指标「{group.name}」的分值", parse_number, ("分",), "55")
        if weight is None or weight <= 0:
            if weight is not None or book.blank(NAME, ref):
                book.problem(NAME, ref, f"一级指标「{group.name}」的分值应为大于0的数，如 55")
            continue
        if weight != group.weight:
            typed[group.code] = weight
            first = first or ref
    if not typed:
        return None
    total = sum((typed.get(g.code, g.weight) for g in rs.level1), Decimal(0))
    if total != rs.total_weight:
        book.problem(NAME, first, f"表样设置的一级指标分值合计{fmt_points(total)}分，应等于总分{fmt_points(rs.total_weight)}分")
        return None
    try:
        structure = structure_of(rs)
    except RulesetError as exc:
        book.problem(NAME, first, f"本表的一级指标分值不能在表中修改（{'；'.join(exc.problems)}），请修改规则集")
        return None
    names = {g.name: typed[g.code] for g in rs.level1 if g.code in typed}
    top = structure.top
    if top is not None and top.name in names:
        top = top.model_copy(update={"weight": names[top.name]})
    groups = [g.model_copy(update={"weight": names.get(g.name, g.weight)}) for g in structure.groups]
    reading.provenance["self_form.structure"] = f"{NAME}!{first}"
    return structure.model_copy(update={"top": top, "groups": groups})


def _read_header(book: WorkbookFile, reading: Reading) -> dict[str, object]:
    info: dict[str, object] = {"unit_name": book.text(NAME, UNIT_NAME), "supervisor": book.text(NAME, SUPERVISOR)}
    year = book.parse(NAME, YEAR, "年度", parse_number, (), "2024")
    if year is not None:
        if year != year.to_integral_value() or not 2000 <= year <= 2100:
            book.problem(NAME, YEAR, f"年度「{year}」应为2000至2100之间的整数，如 2024")
        else:
            info["year"] = int(year)
    for key, ref in (("unit_name", UNIT_NAME), ("year", YEAR), ("supervisor", SUPERVISOR)):
        reading.provenance[f"info.{key}"] = f"{NAME}!{ref}"
    return info


def _read_fund(book: WorkbookFile, reading: Reading) -> FundBlock:
    unit = book.text(NAME, MONEY_UNIT) or "万元"
    if unit not in ("万元", "元"):
        book.problem(NAME, MONEY_UNIT, f"金额单位「{unit}」应为“万元”或“元”")
        unit = "万元"
    fund: dict[str, object] = {"unit": unit}
    for line, row in FUND_ROWS.items():
        amounts = {}
        for column, letter in FUND_COLS.items():
            ref = f"{letter}{row}"
            reading.provenance[f"fund.{line}.{column}"] = f"{NAME}!{ref}"
            what = f"{FUND_LABELS[line].removeprefix('其中：')}{FUND_TITLES[column]}"
            amounts[column] = book.parse(NAME, ref, what, parse_number)
        fund[line] = amounts
    for line, row in NATURE_ROWS.items():
        split = {}
        for column, letter in NATURE_COLS.items():
            ref = f"{letter}{row}"
            reading.provenance[f"fund.{line}.{column}"] = f"{NAME}!{ref}"
            split[column] = book.parse(NAME, ref, f"{NATURE_LINES[line]}{FUND_TITLES[column]}", parse_number)
        if any(value is not None for value in split.values()):
            fund[line] = split
    return FundBlock.model_validate(fund)


_ROW_KEYS = ("level2", "name", "target", "adjusted", "actual", "weight", "method", "entered", "reported", "core", "reason",
             "unit", "nature")


def _read_row(book: WorkbookFile, rs: Ruleset, row: int) -> TargetRow:
    c = col(rs)
    values: dict[str, object] = {key: _value(book.raw(NAME, f"{c[key]}{row}")) for key in _ROW_KEYS if key in c}
    names = {g.name: g.code for g in rs.open_groups}
    group = str(values.get("level2") or "").strip()
    text = {key: str(values.get(key) or "").strip() for key in ("name", "method", "reason", "unit", "nature")}
    return TargetRow.model_validate({
        "group": names.get(group, group), "name": text["name"], "method": text["method"], "reason": text["reason"],
        "unit": text["unit"], "nature": text["nature"],
        "target": values.get("target"), "adjusted_target": values.get("adjusted"), "actual": values.get("actual"),
        "weight": values.get("weight"), "entered": values.get("entered"), "reported": values.get("reported"),
        "core": str(values.get("core") or "").strip() == "是",
    })


def _row_provenance(rs: Ruleset, form: SelfForm, rows: list[tuple[int, TargetRow]], reading: Reading) -> None:
    """Each coded row's cells, so that a finding names the cell to fix."""
    c = col(rs)
    codes = iter(code for code, _ in form.coded_rows())
    for row, item in rows:
        if item.blank:
            continue
        code = next(codes)
        target = "adjusted" if item.adjusted_target not in (None, "") else "target"
        for field, key in (("name", "name"), ("group", "level2"), ("weight", "weight"), ("method", "method"),
                           ("input1", target), ("input2", "actual"), ("input3", "entered"), ("reported", "reported")):
            reading.provenance[f"indicators.{code}.{field}"] = f"{NAME}!{c[key]}{row}"
        reading.provenance[f"indicators.{code}"] = f"{NAME}!{c['name']}{row}"


def _find_total(book: WorkbookFile) -> int:
    first = layout(book.ruleset, 0).first_row
    sheet = book.sheets[NAME]
    for row in range(first, first + 2_000):
        if sheet.value(f"A{row}") == "合计":
            return row
    raise WorkbookError(f"「{book.path.name}」的{NAME}中找不到指标表的「合计」行（A列）：请勿删除该行")


# ── check ─────────────────────────────────────────────────
@dataclass(frozen=True)
class _RowValue:
    level1: str  # the 一级 name the row's VLOOKUP shows ("" for a blank row)
    weight: float  # what SUM takes from the 分值 cell
    score: float | str  # what PE_ROW_SCORE shows


def expected(assessment: Assessment) -> list[Expected]:
    rs, evaluation = assessment.ruleset, assessment.evaluation
    form = evaluation.self_form or SelfForm()
    c = col(rs)
    lay = layout(rs, _table_rows(evaluation))
    earlier = _earlier_formulas(rs, lay)
    found: list[Expected] = []
    for line, row in FUND_ROWS.items():
        amounts = form.fund.line(line)
        rate = "" if amounts.budget is None or amounts.final is None or amounts.budget == 0 \
            else float((amounts.final / amounts.budget).quantize(Decimal("0.0001"), ROUND_HALF_UP))
        found.append(Expected(f"{NAME}!F{row}", f"{FUND_LABELS[line]}执行率", _rate_formula(row), rate))
    nature = _nature_values(form.fund)
    found += [Expected(f"{NAME}!{ref}", "按支出性质核对", formula, nature[ref], optional=True)
              for ref, formula in _nature_formulas().items()]
    results = {r.code: r for r in assessment.scorecard.indicators}
    for indicator in fixed(rs):
        result = results[indicator.code]
        row = lay.fixed_rows[indicator.code]
        score = float(result.score) if result.score is not None else result.explanation
        explanation = result.explanation
        if _fixed_blank(indicator, form):
            score = explanation = ""
        formulas = _fixed_formulas(rs, row, indicator)
        found += [Expected(f"{NAME}!D{row}", f"{indicator.code}得分", formulas[f"D{row}"], score,
                           earlier=earlier[f"D{row}"]),
                  Expected(f"{NAME}!F{row}", f"{indicator.code}计分说明", formulas[f"F{row}"], explanation,
                           earlier=earlier[f"F{row}"])]
    shown = []
    for index in range(lay.last_row - lay.first_row + 1):
        row = lay.first_row + index
        item = form.rows[index] if index < len(form.rows) else TargetRow()
        value, explain = _row_value(rs, item)
        shown.append(value)
        formulas = row_formulas(rs, row)
        found += [Expected(f"{NAME}!{c[key]}{row}", f"第{row}行{what}", formulas[f"{c[key]}{row}"], shows)
                  for key, what, shows in (("level1", "一级指标", value.level1), ("score", "得分", value.score),
                                           ("explain", "计分说明", explain))]
    values = _result_values(assessment, lay, shown)
    what = {f"C{lay.results_row}": "总分", f"C{lay.results_row + 1}": "等级"}
    found += [Expected(f"{NAME}!{ref}", what.get(ref, f"{NAME}!{ref}"), formula, values[ref], earlier=earlier.get(ref, ()))
              for ref, formula in result_formulas(rs, lay).items()]
    return found


def _row_value(rs: Ruleset, item: TargetRow) -> tuple[_RowValue, str]:
    """What a table row's formulas show: the same core calls the worksheet functions make."""
    names = {g.code: g.name for g in rs.open_groups}
    parents = row_groups(rs)
    group = names.get(item.group, item.group)
    args = (rs, group, item.name, with_unit(item.target, item.unit), item.effective_actual, item.weight,
            item.effective_method, item.entered, with_unit(item.adjusted_target, item.unit))
    level1 = parents.get(group, "二级指标有误") if group else ""
    score, explain = cells.row_cells(*args)
    return _RowValue(level1, _number(item.weight), score), explain


def _result_values(assessment: Assessment, lay: Layout, shown: list[_RowValue]) -> dict[str, float | str]:
    """合计, 总分, 等级, 分值合计, 未能计分 and the 一级 checks, as their formulas compute them."""
    rs, card = assessment.ruleset, assessment.scorecard
    c = col(rs)
    results = {r.code: r for r in card.indicators}
    form = assessment.evaluation.self_form or SelfForm()
    fixed_scores = [results[i.code].score for i in fixed(rs)]
    row_scores = [v.score if isinstance(v.score, float) else 0.0 for v in shown]
    unscored = sum(1 for v in shown if isinstance(v.score, str) and v.score) + \
        sum(results[i.code].score is None and not _fixed_blank(i, form) for i in fixed(rs))
    untouched = not any(v.level1 for v in shown)  # no row has a 二级: the 一级 checks show blank
    r = lay.results_row
    total = _round2(sum(row_scores) + sum(float(s) for s in fixed_scores if s is not None))
    values: dict[str, float | str] = {
        f"{c['weight']}{lay.total_row}": float(sum(v.weight for v in shown)),
        f"{c['score']}{lay.total_row}": _round2(sum(row_scores)),
        f"C{r}": total,
        f"C{r + 2}": sum(v.weight for v in shown) + sum(float(i.weight) for i in fixed(rs)),
        f"C{r + 3}": float(unscored),
    }
    agreeing = 0
    for offset, top in enumerate(rs.level1, start=1):
        row = lay.level1_header + offset
        own = [i for i in fixed(rs) if _level1_of(rs, i) == top.code]
        weight = sum(v.weight for v in shown if v.level1 == top.name) + sum(float(i.weight) for i in own)
        score = sum(s for v, s in zip(shown, row_scores) if v.level1 == top.name) + \
            sum(float(results[i.code].score or 0) for i in own)
        values[f"B{row}"], values[f"D{row}"] = float(weight), _round2(score)
        agrees = weight == float(top.weight)
        values[f"E{row}"] = "" if untouched else "✓" if agrees else \
            f"分值合计{fmt_points(Decimal(repr(weight)))}分，应为{fmt_points(top.weight)}分"
        agreeing += agrees and not untouched
    grade = cells.grade(total, rs)
    values[f"C{r + 1}"] = INCOMPLETE if unscored or agreeing < len(rs.level1) else grade
    return values


def _number(value: object) -> float:
    """What Excel's SUM takes from a typed cell: numbers count, text does not."""
    return float(value) if isinstance(value, (int, Decimal)) else 0.0


def _round2(value: float) -> float:
    """ROUND(…,2) of a sum of cell values (each already a 2-decimal score)."""
    return float(round2(Decimal(repr(value))))

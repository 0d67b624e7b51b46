"""Writing the 自评表: header, fund block, fixed indicators, goal, indicator rows, results and 表样设置, the
基本情况 texts and the 二级→一级 lookup; and the defined names the sheet owns."""
from __future__ import annotations

from decimal import Decimal

from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from scoring import NATURE_LINES, FundBlock, Ruleset, SelfForm, TargetRow

from .. import style as S
from ..sheet import BuildJob
from .checking import _row_value
from .form_layout import (
    BASIC_SECTIONS,
    BASIC_TITLE,
    FIXED_HEADER,
    FUND_COLS,
    FUND_HEADER,
    FUND_LABELS,
    FUND_ROWS,
    FUND_TITLES,
    LOOKUP_FIRST_ROW,
    MONEY_UNIT,
    NAME_GRADE,
    NAME_ISSUES,
    NAME_REPORTED_TOTAL,
    NAME_TOTAL,
    NATURE_CHECK_ROW,
    NATURE_COLS,
    NATURE_ROWS,
    STRUCTURE_NOTE,
    SUPERVISOR,
    UNIT_NAME,
    YEAR,
    Layout,
    basic_rows,
    col,
    columns,
    editable_level1,
    fixed,
    layout,
    row_groups,
    _table_rows,
)
from .formulas import _fixed_formulas, _nature_formulas, _rate_formula, result_formulas, row_formulas


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
    _print_form_only(ws, last, lay, len(form.rows), min(basic_rows(rs, lay).values()) - 2)


def _print_form_only(ws: Worksheet, last: str, lay: Layout, used: int, end: int) -> None:
    """Print the form down to its 表样设置 block (row ``end``): not the 二级→一级 lookup table beside it, nor the
    自评报告's 基本情况 texts below, which the report prints (here they would sit under the table's repeated
    header); in a filled form the spare rows after the one below the last used row are hidden (unhide them to
    add indicators)."""
    ws.print_area = f"A1:{last}{end}"
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

"""The check of the 自评表: every formula cell, and the value the core computes for it (the same calls the
worksheet functions make)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from scoring import (
    INCOMPLETE,
    Assessment,
    FundBlock,
    Indicator,
    Ruleset,
    SelfForm,
    TargetRow,
    cells,
    fmt_points,
    round2,
    with_unit,
)

from ..sheet import Expected
from .form_layout import (
    FUND_LABELS,
    FUND_ROWS,
    NAME,
    NATURE_CHECK_ROW,
    NATURE_COLS,
    Layout,
    col,
    fixed,
    layout,
    row_groups,
    _level1_of,
    _table_rows,
)
from .formulas import (
    _earlier_formulas,
    _fixed_formulas,
    _nature_formulas,
    _rate_formula,
    result_formulas,
    row_formulas,
)


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


def _fixed_blank(indicator: Indicator, form: SelfForm) -> bool:
    """None of the fund amounts the fixed indicator reads is filled: its cells show blank (``_fixed_formulas``)."""
    refs = [(ref.source or "").split(".") for ref in indicator.rule.inputs()]
    return bool(refs) and all(_source_value(form, kind, line, column) is None for kind, line, column in refs)


def _source_value(form: SelfForm, kind: str, line: str, column: str) -> object:
    """The amount a fixed indicator's ``fund.…`` or ``basic.…`` reference reads (None when blank)."""
    if kind == "basic":
        return None if form.basic is None else getattr(form.basic.staff if line == "staff" else form.basic.line(line), column)
    return getattr(form.fund.line(line), column)


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

"""One-line Chinese description of a scoring rule (the 指标体系 sheet's 计分方式 column)."""
from __future__ import annotations

from .numbers import fmt_points
from .rules import CIRCLED, RULE_TYPE_NAMES, RateSpec
from .ruleset import Indicator


def _items(items) -> str:
    return " ".join(f"{CIRCLED[i]}{fmt_points(item.points)}分" for i, item in enumerate(items))


def _rate(rate: RateSpec) -> str:
    names = [ref.label for ref in rate.inputs]
    if rate.formula == "ratio":
        return f"{rate.label}={names[0]}÷{names[1]}"
    if rate.formula == "change":
        return f"{rate.label}=({names[0]}−{names[1]})÷{names[1]}"
    return rate.label


def describe_rule(indicator: Indicator) -> str:
    """E.g. ``达标线性扣分：执行率=项目支出决算数÷项目支出全年预算数，不低于95%得满分，每低1个百分点扣0.2分``."""
    rule, weight = indicator.rule, indicator.weight
    kind = rule.type
    if kind == "checklist":
        detail = _items(rule.items)
    elif kind == "level":
        detail = _items(rule.levels) + "，选一档"
    elif kind == "discretionary":
        detail = f"0至{fmt_points(weight)}分"
    elif kind == "threshold":
        word, gap = ("不低于", "低") if rule.direction == "at_least" else ("不高于", "超")
        detail = (
            f"{_rate(rule.rate)}，{word}{fmt_points(rule.threshold_pct)}%得满分，"
            f"每{gap}1个百分点扣{fmt_points(rule.deduct_per_point)}分，扣完为止"
        )
    elif kind == "band":
        detail = (
            f"{_rate(rule.rate)}，{fmt_points(rule.full_at_pct)}%得满分，"
            f"{fmt_points(rule.zero_at_pct)}%得0分，其间按比例"
        )
    elif kind == "cap":
        word = "不高于" if rule.direction == "at_most" else "不低于"
        detail = f"{_rate(rule.rate)}，{word}{fmt_points(rule.limit_pct)}%得满分，否则0分"
    elif kind == "deduction":
        detail = f"每项扣{fmt_points(rule.per_item)}分，扣完为止"
    elif kind == "veto":
        detail = f"{_items(rule.items)}；存在{rule.veto_text}则不得分"
    else:
        detail = f"{fmt_points(weight)}分×{_rate(rule.rate)}，不超过分值"
    return f"{RULE_TYPE_NAMES[kind]}：{detail}"

"""Score one 三级 indicator from raw inputs, with an optional manual override."""
from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from .base import Record
from .evidence import EvidenceError, parse_number
from .numbers import ZERO, fmt2, fmt_points, round2
from .rules import MissingInput
from .ruleset import Indicator


class IndicatorScore(Record):
    """``score`` is what counts (override if any); ``computed`` is what the rule gives."""

    code: str
    name: str
    weight: Decimal
    score: Decimal | None
    computed: Decimal | None
    override: Decimal | None
    reason: str = ""
    explanation: str
    rule_explanation: str
    error: str | None = None


def score_indicator(
    indicator: Indicator, values: Sequence[object], override: object = None, reason: object = None
) -> IndicatorScore:
    """Apply the indicator's rule; never raises for bad cell values (the error is in the result)."""
    inputs = indicator.rule.inputs()
    padded = list(values)[: len(inputs)] + [None] * (len(inputs) - len(values))
    error = None
    try:
        outcome = indicator.rule.compute(padded, indicator.weight)
        computed, explanation = outcome.score, outcome.explanation
    except MissingInput as missing:
        computed, explanation = None, f"缺少输入：{missing.args[0]}"
    except EvidenceError as exc:
        computed, explanation, error = None, str(exc), str(exc)
    base = dict(
        code=indicator.code, name=indicator.name, weight=indicator.weight,
        computed=computed, rule_explanation=explanation,
    )
    try:
        manual = parse_number(override, "人工得分", suffixes=("分",))
    except EvidenceError as exc:
        return IndicatorScore(**base, score=None, override=None, explanation=str(exc), error=str(exc))
    if manual is None:
        return IndicatorScore(**base, score=computed, override=None, explanation=explanation, error=error)
    why = "" if reason is None else str(reason).strip()
    problem = None
    if not why:
        problem = "填写了人工得分，须同时填写理由"
    elif not ZERO <= manual <= indicator.weight:
        problem = f"人工得分{fmt_points(manual)}应在0至{fmt_points(indicator.weight)}分之间"
    if problem:
        return IndicatorScore(**base, score=None, override=manual, reason=why, explanation=problem, error=problem)
    manual = round2(manual)
    rule_part = f"按规则：{explanation}" if computed is not None else f"规则无法计算（{explanation}）"
    return IndicatorScore(
        **base, score=manual, override=manual, reason=why,
        explanation=f"人工评定{fmt2(manual)}分（理由：{why}）；{rule_part}",
    )

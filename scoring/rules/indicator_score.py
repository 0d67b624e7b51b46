"""Score one 三级 indicator from raw inputs, with an optional manual override."""
from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_DOWN, Decimal

from pydantic import Field

from ..common.base import Record
from ..common.evidence import EvidenceError, parse_number
from ..common.numbers import CENT, ZERO, fmt2, fmt_points, round2
from .indicator_rules import MissingInput
from .ruleset import Indicator

# How an explanation starts when the manual score was used, or when an input is still blank
# (the workbook's formulas test for these prefixes).
OVERRIDDEN = "人工评定"
MISSING_INPUT = "缺少输入"


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
    warnings: list[str] = Field(default_factory=list, description="计分可用但需要核对的输入")


def score_indicator(
    indicator: Indicator, values: Sequence[object], override: object = None, reason: object = None
) -> IndicatorScore:
    """Apply the indicator's rule; never raises for bad cell values (the error is in the result)."""
    inputs = indicator.rule.inputs()
    padded = list(values)[: len(inputs)] + [None] * (len(inputs) - len(values))
    error, warnings = None, []
    try:
        outcome = indicator.rule.compute(padded, indicator.weight)
        warnings = list(outcome.warnings)
        computed = _within(outcome.score, indicator.weight)
        explanation = outcome.explanation + "".join(f"（请核对：{doubt}）" for doubt in warnings)
    except MissingInput as missing:
        computed, explanation = None, f"{MISSING_INPUT}：{missing.args[0]}"
    except EvidenceError as exc:
        computed, explanation, error = None, str(exc), str(exc)
    base = dict(
        code=indicator.code, name=indicator.name, weight=indicator.weight,
        computed=computed, rule_explanation=explanation, warnings=warnings,
    )
    manual, why, problem = _override(override, reason, indicator.weight)
    if problem is not None:  # the override cannot be used: the rule's score stands, and the problem is an error
        fallback = f"暂按规则计分：{explanation}" if computed is not None else f"规则也无法计算（{explanation}）"
        return IndicatorScore(**base, score=computed, override=manual, reason=why,
                              explanation=f"{problem}，{fallback}", error=problem)
    if manual is None:
        return IndicatorScore(**base, score=computed, override=None, explanation=explanation, error=error)
    rule_part = f"按规则：{explanation}" if computed is not None else f"规则无法计算（{explanation}）"
    return IndicatorScore(
        **base, score=manual, override=manual, reason=why,
        explanation=f"{OVERRIDDEN}{fmt2(manual)}分（理由：{why}）；{rule_part}",
    )


def _within(score: Decimal | None, weight: Decimal) -> Decimal | None:
    """A score never above the weight by rounding: full marks of a weight of 54.4862 are 54.48, not 54.49."""
    if score is not None and score > weight:
        return weight.quantize(CENT, rounding=ROUND_DOWN)
    return score


def _override(value: object, reason: object, weight: Decimal) -> tuple[Decimal | None, str, str | None]:
    """The manual score (rounded), its reason, and why it cannot be used (None when it can)."""
    why = "" if reason is None else str(reason).strip()
    try:
        manual = parse_number(value, "人工得分", suffixes=("分",))
    except EvidenceError as exc:
        return None, why, str(exc)
    if manual is None:
        return None, why, None
    if not why:
        return manual, why, f"填写了人工得分{fmt_points(manual)}分但未填写理由，人工得分未采用"
    if not ZERO <= manual <= weight:
        return manual, why, f"人工得分{fmt_points(manual)}应在0至{fmt_points(weight)}分之间，人工得分未采用"
    return round2(manual), why, None

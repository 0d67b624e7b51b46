"""The whole evaluation scored: resolve data bindings, score every indicator, subtotal, grade."""
from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from ..common.base import Record
from ..common.numbers import ZERO, round2
from ..model import sources
from ..model.evaluation import Evaluation
from .indicator_score import IndicatorScore, score_indicator
from .ruleset import Indicator, Ruleset


class SurveySummary(Record):
    total: Decimal
    valid: int
    average: Decimal | None




class Unscored(Record):
    """A 三级 indicator without a score, and why."""

    code: str
    name: str
    reason: str


class Scorecard(Record):
    ruleset: str
    complete: bool = Field(description="每个三级指标都已计分；为 false 时总分只是已计分指标的合计，不评定等级")
    total: Decimal = Field(description="总得分（complete 为 false 时是已计分指标的合计）")
    grade: str | None = Field(description="等级；结果未完成时为 null")
    subtotals: dict[str, Decimal]
    indicators: list[IndicatorScore]
    survey: SurveySummary | None
    incomplete: list[Unscored] = Field(description="未能计分的指标及原因")


def indicator_values(evaluation: Evaluation, indicator: Indicator) -> list[object]:
    """Inputs in rule order: what was entered, else the bound data."""
    entry = evaluation.entry(indicator.code)
    entered = list(entry.inputs) if entry else []
    values: list[object] = []
    for index, ref in enumerate(indicator.rule.inputs()):
        value = entered[index] if index < len(entered) else None
        if value is None and ref.source:
            value = sources.resolve(evaluation, ref.source)
        values.append(value)
    return values


def score_evaluation(evaluation: Evaluation, rs: Ruleset) -> Scorecard:
    """Every indicator's score, the subtotals, total and grade under ``rs``."""
    results = []
    for indicator in rs.indicators:
        entry = evaluation.entry(indicator.code)
        results.append(
            score_indicator(
                indicator,
                indicator_values(evaluation, indicator),
                entry.override if entry else None,
                entry.reason if entry else None,
            )
        )
    by_code = {r.code: r.score or ZERO for r in results}
    subtotals: dict[str, Decimal] = {}
    for group in rs.level2:
        subtotals[group.code] = round2(sum((by_code[i.code] for i in rs.indicators_of(group.code)), ZERO))
    for group in rs.level1:
        subtotals[group.code] = round2(sum((subtotals[g.code] for g in rs.subgroups(group.code)), ZERO))
    total = round2(sum((subtotals[g.code] for g in rs.level1), ZERO))
    survey = evaluation.survey
    unscored = [Unscored(code=r.code, name=r.name, reason=r.explanation) for r in results if r.score is None]
    return Scorecard(
        ruleset=rs.id,
        complete=not unscored,
        total=total,
        grade=None if unscored else rs.grade(total),
        subtotals={g.code: subtotals[g.code] for g in (*rs.level1, *rs.level2)},
        indicators=results,
        survey=SurveySummary(total=survey.total, valid=survey.valid, average=survey.average) if survey else None,
        incomplete=unscored,
    )

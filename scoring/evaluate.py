"""The whole evaluation: resolve data bindings, score every indicator, subtotal, grade, check."""
from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal

from pydantic import Field

from . import sources
from .accounts import check_accounts
from .base import Record
from .crosschecks import cross_checks
from .findings import Finding, most_severe_first
from .indicator_score import IndicatorScore, score_indicator
from .model import BasicInfo, Evaluation
from .narrative_lint import lint_narrative
from .numbers import ZERO, fmt2, round2
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


def check_evaluation(
    evaluation: Evaluation, rs: Ruleset, card: Scorecard, provenance: Mapping[str, str] | None = None
) -> list[Finding]:
    """Everything a reviewer should look at, most severe first; ``card`` is the evaluation's scorecard.

    ``provenance`` (input → ``sheet!cell``) lets a finding name the cell to fix.
    """
    where = provenance or {}
    accounts_used = rs.form == "report" or any(v is not None for row in evaluation.accounts.rows.values() for v in row)
    findings = check_accounts(evaluation.accounts) if accounts_used else []
    if evaluation.survey is not None:
        findings.extend(evaluation.survey.findings())
    known = {i.code for i in rs.indicators}
    seen: set[str] = set()
    for entry in evaluation.indicators:
        if entry.code not in known:
            findings.append(Finding(severity="error", code="IND-UNKNOWN", where=f"指标{entry.code}", message=f"规则集{rs.id}中没有指标{entry.code}"))
        elif entry.code in seen:
            findings.append(Finding(severity="error", code="IND-DUPLICATE", where=f"指标{entry.code}", message=f"指标{entry.code}重复填写"))
        seen.add(entry.code)
    for result in card.indicators:
        override = where.get(f"indicators.{result.code}.override", f"指标{result.code}{result.name}")
        findings.extend(_indicator_findings(result, _input_cell(rs, result, where), override))
        first_input = where.get(f"indicators.{result.code}.input1", f"指标{result.code}{result.name}")
        findings.extend(Finding(severity="warning", code="IND-RANGE", where=first_input, message=f"{result.code}：{doubt}")
                        for doubt in result.warnings)
    findings.extend(_info_findings(evaluation, where, RECOMMENDED_INFO if rs.form == "report" else RECOMMENDED_SELF_INFO))
    findings.extend(cross_checks(evaluation, rs, card, where))
    findings.extend(lint_narrative(evaluation, card, where))
    return most_severe_first(findings)


def _input_cell(rs: Ruleset, result: IndicatorScore, provenance: Mapping[str, str]) -> str:
    """Where to fix an indicator: the input its message names first, else its row, else its name."""
    fallback = provenance.get(f"indicators.{result.code}", f"指标{result.code}{result.name}")
    message = result.error or ""
    named = [(message.find(ref.label), index) for index, ref in enumerate(rs.indicator(result.code).rule.inputs(), start=1)
             if ref.label and ref.label in message]
    if not named:
        return fallback
    return provenance.get(f"indicators.{result.code}.input{min(named)[1]}", fallback)


def _indicator_findings(result: IndicatorScore, where: str, override_where: str) -> list[Finding]:
    """An input that cannot be read or is missing (at ``where``), or a manual score (at ``override_where``)."""
    if result.error:
        return [Finding(severity="error", code="IND-INPUT", where=where, message=f"{result.code}：{result.error}")]
    if result.score is None:
        return [Finding(severity="error", code="IND-MISSING", where=where, message=f"{result.code}未能计分：{result.explanation}")]
    if result.override is None:
        return []
    if result.computed is None:
        return [
            Finding(
                severity="warning", code="IND-OVERRIDE", where=override_where, actual=result.override,
                message=f"{result.code}采用人工得分{fmt2(result.override)}分，规则无法计算（{result.rule_explanation}）；理由：{result.reason}",
            )
        ]
    if result.override != result.computed:
        return [
            Finding(
                severity="warning", code="IND-OVERRIDE", where=override_where,
                expected=result.computed, actual=result.override, difference=result.override - result.computed,
                message=f"{result.code}采用人工得分{fmt2(result.override)}分，按规则计算为{fmt2(result.computed)}分；理由：{result.reason}",
            )
        ]
    return []


_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_valid(code: str) -> bool:
    """GB 32100-2015 统一社会信用代码 check digit."""
    if not re.fullmatch(f"[{_CODE_CHARS}]{{18}}", code):
        return False
    total = sum(_CODE_CHARS.index(c) * w for c, w in zip(code, _CODE_WEIGHTS))
    return _CODE_CHARS[(31 - total % 31) % 31] == code[17]


REQUIRED_INFO = ("unit_name", "year")  # the report's title and every reference need them
RECOMMENDED_INFO = ("credit_code", "supervisor", "staff_quota", "evaluator")
RECOMMENDED_SELF_INFO = ("supervisor",)  # a self-evaluation form's header: 部门（单位）名称, 年度, 主管部门


def _info_findings(evaluation: Evaluation, provenance: Mapping[str, str], recommended: tuple[str, ...]) -> list[Finding]:
    info, found = evaluation.info, []
    for name in (*REQUIRED_INFO, *recommended):
        if getattr(info, name) in (None, ""):
            label = BasicInfo.model_fields[name].description
            required = name in REQUIRED_INFO
            found.append(Finding(
                severity="error" if required else "warning", code="INFO-REQUIRED" if required else "INFO-RECOMMENDED",
                where=provenance.get(f"info.{name}", f"基本信息 {label}"),
                message=f"{label}未填写" + ("：报告标题和文中引用需要它" if required else "（建议填写）"),
            ))
    code = info.credit_code.strip()
    if code and not credit_code_valid(code):
        found.append(Finding(
            severity="warning", code="INFO-CREDIT-CODE", where=provenance.get("info.credit_code", "基本信息 统一社会信用代码"),
            message=f"统一社会信用代码「{code}」未通过 GB 32100 校验（注意字母O与数字0、字母I与数字1）",
        ))
    return found

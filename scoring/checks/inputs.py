"""Findings about an evaluation's own inputs: accounts identities, questionnaire, indicator inputs and manual
scores, and the basic facts (required fields, 统一社会信用代码)."""
from __future__ import annotations

import re
from collections.abc import Mapping

from ..common.findings import Finding
from ..common.numbers import fmt2
from ..model.accounts import check_accounts
from ..model.evaluation import BasicInfo, Evaluation
from ..rules.indicator_score import IndicatorScore
from ..rules.ruleset import Ruleset
from ..rules.scorecard import Scorecard


def input_findings(
    evaluation: Evaluation, rs: Ruleset, card: Scorecard, provenance: Mapping[str, str] | None = None
) -> list[Finding]:
    """What the evaluation's own inputs show: identities, questionnaire, indicators, basic facts.

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
    return findings


def _input_cell(rs: Ruleset, result: IndicatorScore, provenance: Mapping[str, str]) -> str:
    """Where to fix an indicator: the input its message names first, else its row, else its name."""
    fallback = provenance.get(f"indicators.{result.code}", f"指标{result.code}{result.name}")
    message = result.error or (result.explanation if result.score is None else "")
    inputs = rs.indicator(result.code).rule.inputs()
    named = [(message.find(ref.label), index) for index, ref in enumerate(inputs, start=1)
             if ref.label and ref.label in message]
    if not named:
        return fallback
    index = min(named)[1]
    bound = inputs[index - 1].source  # an input bound to data (a fund cell, 决算 line) is fixed where that data is
    return provenance.get(f"indicators.{result.code}.input{index}", provenance.get(bound or "", fallback))


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

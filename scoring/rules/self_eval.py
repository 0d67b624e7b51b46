"""Self-evaluation forms: the department's rows become the evaluation's own 三级 indicators.

``materialize`` turns a self-evaluation ruleset plus the rows into an ordinary ``Ruleset`` (with the
form's own structure, ``self_form.structure``, applied first), so that scoring, subtotals, grades,
the workbook and the report work unchanged. Problems of the rows (a blank weight, an unknown 二级,
weights that do not add up) are findings naming the cell, and they keep the result from being final.
Rows are also reviewed as forms mean them: an unsigned target on a lower-is-better name (SELF-SIGN),
a typed 得分系数 against the figures (REVIEW-COEF), one figure scored by two rules (SELF-TWICE).
The form's figures and reported scores are checked in ``self_form_checks``.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from ..common.evidence import EvidenceError, parse_number
from ..common.findings import Finding
from ..model.evaluation import Evaluation
from ..common.numbers import HUNDRED, ZERO, fmt2, fmt_points, round2
from .indicator_rules import Rule
from .ruleset import Group, Indicator, Ruleset, RulesetError, RowSettings
from .self_structure import apply_structure, with_data_blocks
from ..model.self_form import METHODS, SelfForm, TargetRow
from .rule_base import MONEY_UNITS, InputRef, MissingInput
from .target_rules import SCORE_LABEL, CoefficientRule, DeadlineRule, QualitativeRule, TargetRule
from ..common.targets import Target, is_blank, lower_is_better, parse_target, plain, read_actual

_DIRECTIONS = {"正向": "higher", "反向": "lower", "等于": "equal"}
_EXAMPLE_WEIGHT = "5"


@dataclass(frozen=True)
class Blocker:
    """A row problem that keeps the total from being final: which indicator (or group) and why."""

    code: str
    name: str
    reason: str


@dataclass(frozen=True)
class Materialized:
    """The evaluation's own indicator system, and what is wrong with its rows."""

    ruleset: Ruleset
    findings: list[Finding]
    blockers: list[Blocker]


def row_rule(method: str, target: object, settings: RowSettings, name: str = "") -> Rule:
    """The rule of one row: the chosen 计分方式, else the ruleset's default, else what the target looks like
    (an unsigned number on an indicator whose name says lower is better is 反向: see ``signed_by_name``)."""
    chosen = method.strip()
    if chosen in _DIRECTIONS:
        return TargetRule(type="target", direction=_DIRECTIONS[chosen])
    if chosen == "定性":
        return QualitativeRule(type="qualitative")
    if chosen == "时限":
        return DeadlineRule(type="deadline", late_deduction=settings.late_deduction)
    if chosen == "系数" or (not chosen and settings.default_method == "系数"):
        return CoefficientRule(type="coefficient")
    if chosen:
        raise EvidenceError(f"计分方式「{chosen}」无法识别：应为{'、'.join(METHODS)}之一，或留空按年度指标值判断")
    parsed = parse_target(target)
    if parsed is not None and parsed.kind == "deadline":
        return DeadlineRule(type="deadline", late_deduction=settings.late_deduction)
    if parsed is not None and parsed.kind == "text" and not parsed.strict:
        return QualitativeRule(type="qualitative")
    if signed_by_name(name, parsed):
        return TargetRule(type="target", direction="lower")
    return TargetRule(type="target")  # a strict >95% target gets its message there: write ≥95%


def signed_by_name(name: str, target: Target | None) -> bool:
    """A number target without ≥/≤/= (``5%``) on an indicator whose name says lower is better (预算调整率)."""
    return (target is not None and target.kind == "number" and target.op is None and target.value != 0
            and lower_is_better(name))


def row_weight(value: object) -> Decimal | None:
    """A row's 分值; raises EvidenceError (Chinese) when it is not a positive number."""
    weight = parse_number(value, "分值", suffixes=("分",), example=_EXAMPLE_WEIGHT)
    if weight is not None and weight <= 0:
        raise EvidenceError(f"分值{fmt_points(weight)}应大于0，如{_EXAMPLE_WEIGHT}")
    return weight


class RowError(EvidenceError):
    """A row that cannot become an indicator; ``field`` names the column at fault."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(message)


def row_indicator(rs: Ruleset, code: str, group: str, name: str, weight: object, method: str, target: object) -> Indicator:
    """One row as a 三级 indicator of its open 二级 indicator (given by code or name); raises RowError."""
    if not name.strip():
        raise RowError("name", "三级指标名称未填写，该行不能计分（不用的行请整行清空）")
    found = next((g for g in rs.open_groups if group.strip() in (g.code, g.name, *g.choices)), None)
    if found is None:
        choices = "、".join(name for g in rs.open_groups for name in (g.name, *g.choices))
        raise RowError("group", f"二级指标「{group.strip()}」不是本表可填写的二级指标（可选：{choices}）"
                       if group.strip() else f"二级指标未填写（可选：{choices}）")
    try:
        points = row_weight(weight)
    except EvidenceError as exc:
        raise RowError("weight", str(exc)) from None
    if points is None:
        raise RowError("weight", f"分值未填写，如{_EXAMPLE_WEIGHT}")
    try:
        rule = row_rule(method, target, rs.rows, name)
    except EvidenceError as exc:
        raise RowError("method", str(exc)) from None
    return Indicator(code=code, parent=found.code, name=name.strip(), weight=points, rule=rule,
                     scoring_guide=rule.describe(points))


def materialize(rs: Ruleset, evaluation: Evaluation, provenance: Mapping[str, str]) -> Materialized:
    """The ruleset with the evaluation's rows as 三级 indicators of its open 二级 indicators."""
    form = evaluation.self_form
    findings: list[Finding] = []
    blockers: list[Blocker] = []
    made: list[Indicator] = []
    if form is not None and form.structure is not None:
        try:
            rs = apply_structure(rs, form.structure)
        except RulesetError as exc:
            for problem in exc.problems:
                findings.append(Finding(severity="error", code="SELF-STRUCT", message=problem,
                                        where=provenance.get("self_form.structure", "表样设置")))
                blockers.append(Blocker("表样设置", "表样设置", problem))
    if form is not None:
        rs = with_data_blocks(rs, form)
    for code, row in form.coded_rows() if form else []:
        try:
            indicator = row_indicator(rs, code, row.group, row.name, row.weight, row.effective_method, row.effective_target)
        except RowError as exc:
            _block(findings, blockers, code, row.name.strip() or "（未命名）", _where(provenance, code, exc.field), str(exc))
            continue
        made.append(indicator)
        findings += _row_notes(indicator, row, provenance)
    level2 = tuple(_with_row_weights(group, made) if group.open else group for group in rs.level2)
    open_codes = {g.code for g in rs.open_groups}
    unit = form.fund.unit if form else "万元"
    fixed = tuple(_in_fund_unit(i, unit) for i in rs.indicators if i.parent not in open_codes)  # rows: replaced
    own = rs.model_copy(update={"level2": level2, "indicators": (*fixed, *made)})
    if not made and not blockers:
        _block(findings, blockers, "指标行", "三级指标", "自评表指标行", "尚未填写三级指标：请在自评表中逐行填写二级指标、三级指标、年度指标值、实际完成值和分值")
    elif not blockers:
        for code, name, where, message in _weight_problems(own, rs):
            _block(findings, blockers, code, name, where, message)
    if form is not None:
        findings += _scored_twice(own, form, provenance)
    return Materialized(own, findings, blockers)


def _in_fund_unit(indicator: Indicator, unit: str) -> Indicator:
    """A fixed indicator's fund amounts in the fund block's unit (its 计分说明: 全年执行数1,312.56万元), where the
    ruleset states them in money (a ruleset embedded without a unit keeps the bare figures its workbook shows)."""

    def restated(ref: InputRef) -> bool:
        return (ref.source or "").startswith("fund.") and ref.unit in MONEY_UNITS and ref.unit != unit

    rate = getattr(indicator.rule, "rate", None)
    if rate is None or not any(restated(ref) for ref in rate.inputs):
        return indicator
    inputs = [ref.model_copy(update={"unit": unit}) if restated(ref) else ref for ref in rate.inputs]
    rule = indicator.rule.model_copy(update={"rate": rate.model_copy(update={"inputs": inputs})})
    return indicator.model_copy(update={"rule": rule})


def _with_row_weights(group: Group, made: list[Indicator]) -> Group:
    if group.weight > 0 and not group.weight_from_rows:
        return group  # fixed by the ruleset
    total = sum((i.weight for i in made if i.parent == group.code), ZERO)
    return group.model_copy(update={"weight": total, "weight_from_rows": True})


def _weight_problems(own: Ruleset, declared: Ruleset) -> list[tuple[str, str, str, str]]:
    """Groups whose children's weights do not add up: (code, name, where, message)."""
    problems = []
    fixed = {g.code: g.weight for g in declared.level2 if g.open and g.weight > 0 and not g.weight_from_rows}
    for group in own.open_groups:
        total = sum((i.weight for i in own.indicators_of(group.code)), ZERO)
        if group.code in fixed and total != fixed[group.code]:
            problems.append((group.code, group.name, f"二级指标{group.name}",
                             f"二级指标「{group.name}」分值{fmt_points(group.weight)}分，其下三级指标分值合计{fmt_points(total)}分"))
    open_parents = {g.parent for g in own.open_groups}
    for top in own.level1:
        if top.code not in open_parents:
            continue
        parts = own.subgroups(top.code)
        total = sum((g.weight for g in parts), ZERO)
        if total != top.weight:
            detail = "、".join(f"{g.name}{fmt_points(g.weight)}分" for g in parts)
            problems.append((top.code, top.name, f"一级指标{top.name}",
                             f"一级指标「{top.name}」分值{fmt_points(top.weight)}分，其下三级指标分值合计{fmt_points(total)}分"
                             f"（{detail}）：请调整各行分值"))
    return problems


# ── notes on rows that score: a target's sign taken from the name, a typed coefficient against the figures ──
def _row_notes(indicator: Indicator, row: TargetRow, provenance: Mapping[str, str]) -> list[Finding]:
    notes = []
    target = parse_target(row.effective_target)
    code = indicator.code
    if not row.effective_method.strip() and isinstance(indicator.rule, TargetRule) and signed_by_name(row.name, target):
        assert target is not None
        notes.append(Finding(
            severity="warning", code="SELF-SIGN", where=_where(provenance, code, "input1"),
            message=f"{code}「{row.name.strip()}」的年度指标值“{target.text}”没有写≥或≤；指标名称表明越低越好，已按反向"
                    f"（不超过{plain(target.value or ZERO)}{target.unit}得满分）计分，请写作「≤{target.text.strip()}」"))
    review = _coefficient_review(indicator, row, target)
    if review is not None:
        notes.append(Finding(severity="warning", code="REVIEW-COEF", where=_where(provenance, code, "input3"),
                             expected=review[1], actual=review[0], difference=review[0] - review[1],
                             message=f"{code}「{row.name.strip()}」{review[2]}"))
    return notes


def _coefficient_review(indicator: Indicator, row: TargetRow, target: Target | None) -> tuple[Decimal, Decimal, str] | None:
    """A typed 得分系数 or 评定得分 on a row with a numeric target and actual, against what the figures give:
    (typed score, computed score, message) when they differ by more than a whole-percent coefficient's rounding."""
    if is_blank(row.entered) or target is None or target.kind != "number" or target.strict:
        return None
    try:
        actual = read_actual(row.effective_actual, target)
    except EvidenceError:
        return None
    rule, weight = indicator.rule, indicator.weight
    if actual is None or not isinstance(rule, (CoefficientRule, QualitativeRule)):
        return None
    figures = [row.effective_target, row.effective_actual]
    try:
        typed = rule.compute([*figures, row.entered], weight).score if isinstance(rule, CoefficientRule) \
            else parse_number(row.entered, SCORE_LABEL)
        computed = (rule.compute([*figures, None], weight) if isinstance(rule, CoefficientRule)
                    else TargetRule(type="target").compute(figures, weight)).score
    except (EvidenceError, MissingInput):
        return None
    if typed is None or computed is None or abs(typed - computed) <= max(Decimal("0.01"), weight / 200):
        return None
    what = "得分系数" if isinstance(rule, CoefficientRule) else "评定得分"
    shown = f"{what}{plain(round2(typed / weight * HUNDRED))}%（{fmt2(typed)}分）" if isinstance(rule, CoefficientRule) \
        else f"{what}{fmt2(typed)}分"
    coefficient = f"系数{fmt2(computed / weight * HUNDRED)}%，" if isinstance(rule, CoefficientRule) else ""
    return typed, computed, (f"填写的{shown}与年度指标值{target.text.strip()}、实际完成值{actual.shown}不符："
                             f"按实际完成情况计算为{coefficient}{fmt2(computed)}分，请核对")


_RATE_NAMES = re.compile(r"预算执行率|预算完成率|资金执行率|预算支出率|支出执行率|资金支出率|支出进度")


def _scored_twice(own: Ruleset, form: SelfForm, provenance: Mapping[str, str]) -> list[Finding]:
    """One figure scored by two rules on one form: a row on the execution rate beside the fixed 预算执行率
    indicator, or two rows of the same name scored differently."""
    notes = []
    open_codes = {g.code for g in own.open_groups}
    fixed = [i for i in own.indicators if i.parent not in open_codes and any(
        ref.source in ("fund.total.final", "fund.total.budget") for ref in i.rule.inputs())]
    rows = {i.code: i for i in own.indicators if i.parent in open_codes}
    seen: dict[str, tuple[str, str]] = {}
    for code, row in form.coded_rows():
        made = rows.get(code)
        if made is None:
            continue
        if fixed and _RATE_NAMES.search(row.name):
            notes.append(Finding(
                severity="info", code="SELF-TWICE", where=_where(provenance, code, "name"),
                message=f"{code}「{row.name.strip()}」与固定指标{fixed[0].code}「{fixed[0].name}」是同一数字"
                        f"（全年执行数÷全年预算数），本表按两种规则计分（{made.rule.type_name}、{fixed[0].rule.type_name}）：请核对是否重复计分"))
        target = parse_target(row.effective_target)
        if target is None:
            continue
        how = _method_name(made.rule, target)
        other = seen.setdefault(re.sub(r"\s+", "", row.name), (code, how))
        if other[1] != how:
            notes.append(Finding(
                severity="info", code="SELF-TWICE", where=_where(provenance, code, "name"),
                message=f"{code}与{other[0]}同为「{row.name.strip()}」，但计分方式不同（{how}、{other[1]}）：请核对"))
    return notes


def _method_name(rule: Rule, target: Target) -> str:
    """The 计分方式 a row is scored by, as the form names it (正向, 反向, 等于, 定性, 时限, 系数)."""
    if isinstance(rule, TargetRule):
        direction = rule.direction if rule.direction != "auto" else rule.direction_of(target)
        return next((name for name, value in _DIRECTIONS.items() if value == direction), rule.type_name)
    return {QualitativeRule: "定性", DeadlineRule: "时限", CoefficientRule: "系数"}.get(type(rule), rule.type_name)


def _block(findings: list[Finding], blockers: list[Blocker], code: str, name: str, where: str, message: str) -> None:
    findings.append(Finding(severity="error", code="SELF-ROW", where=where, message=message))
    blockers.append(Blocker(code, name, message))


def _where(provenance: Mapping[str, str], code: str, field: str) -> str:
    return provenance.get(f"indicators.{code}.{field}", f"指标行{code}")

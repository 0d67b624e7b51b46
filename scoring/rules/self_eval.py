"""Self-evaluation forms: the department's rows become the evaluation's own 三级 indicators, and a
submitted form is reviewed (reported scores against the rules' scores).

``materialize`` turns a self-evaluation ruleset plus the rows into an ordinary ``Ruleset``, so that
scoring, subtotals, grades, the workbook and the report work unchanged. Problems of the rows (a
blank weight, an unknown 二级, weights that do not add up) are findings naming the cell, and they
keep the result from being final.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from ..common.evidence import EvidenceError, parse_number
from ..common.findings import Finding
from ..model.evaluation import Evaluation
from ..common.numbers import ZERO, fmt2, fmt_points
from .indicator_rules import Rule
from .ruleset import Group, Indicator, Ruleset, RowSettings
from ..model.self_form import FUND_COLUMNS, FUND_LINES, METHODS, FundBlock
from .target_rules import CoefficientRule, DeadlineRule, QualitativeRule, TargetRule
from ..common.targets import parse_target

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


def row_rule(method: str, target: object, settings: RowSettings) -> Rule:
    """The rule of one row: the chosen 计分方式, else the ruleset's default, else what the target looks like."""
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
    return TargetRule(type="target")  # a strict >95% target gets its message there: write ≥95%


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
    found = next((g for g in rs.open_groups if group.strip() in (g.code, g.name)), None)
    if found is None:
        choices = "、".join(g.name for g in rs.open_groups)
        raise RowError("group", f"二级指标「{group.strip()}」不是本表可填写的二级指标（可选：{choices}）"
                       if group.strip() else f"二级指标未填写（可选：{choices}）")
    try:
        points = row_weight(weight)
    except EvidenceError as exc:
        raise RowError("weight", str(exc)) from None
    if points is None:
        raise RowError("weight", f"分值未填写，如{_EXAMPLE_WEIGHT}")
    try:
        rule = row_rule(method, target, rs.rows)
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
    for code, row in form.coded_rows() if form else []:
        try:
            made.append(row_indicator(rs, code, row.group, row.name, row.weight, row.method, row.effective_target))
        except RowError as exc:
            _block(findings, blockers, code, row.name.strip() or "（未命名）", _where(provenance, code, exc.field), str(exc))
    level2 = tuple(_with_row_weights(group, made) if group.open else group for group in rs.level2)
    open_codes = {g.code for g in rs.open_groups}
    fixed = tuple(i for i in rs.indicators if i.parent not in open_codes)  # rows of an earlier pass are replaced
    own = rs.model_copy(update={"level2": level2, "indicators": (*fixed, *made)})
    if not made and not blockers:
        _block(findings, blockers, "指标行", "三级指标", "自评表指标行", "尚未填写三级指标：请在自评表中逐行填写二级指标、三级指标、年度指标值、实际完成值和分值")
    elif not blockers:
        for code, name, where, message in _weight_problems(own, rs):
            _block(findings, blockers, code, name, where, message)
    return Materialized(own, findings, blockers)


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


def _block(findings: list[Finding], blockers: list[Blocker], code: str, name: str, where: str, message: str) -> None:
    findings.append(Finding(severity="error", code="SELF-ROW", where=where, message=message))
    blockers.append(Blocker(code, name, message))


def _where(provenance: Mapping[str, str], code: str, field: str) -> str:
    return provenance.get(f"indicators.{code}.{field}", f"指标行{code}")


# ── checks of the fund block and of a submitted form ──────────────────
def fund_findings(fund: FundBlock, provenance: Mapping[str, str]) -> list[Finding]:
    """总额 = 财政拨款 + 其他资金 per column (其他资金 blank counts as 0); 执行数 above 全年预算数; negatives."""
    found = []
    for column, label in FUND_COLUMNS.items():
        total, fiscal, other = (getattr(fund.line(line), column) for line in FUND_LINES)
        where = provenance.get(f"fund.total.{column}", f"资金情况 年度资金总额{label}")
        for line, name in FUND_LINES.items():
            value = getattr(fund.line(line), column)
            if value is not None and value < 0:
                found.append(Finding(severity="error", code="FUND-NEG", actual=value,
                                     where=provenance.get(f"fund.{line}.{column}", f"资金情况 {name}{label}"),
                                     message=f"{name.removeprefix('其中：')}{label}不应为负（{fmt2(value)}{fund.unit}）"))
        if total is None or fiscal is None:
            continue
        parts = fiscal + (other or ZERO)
        if parts != total:
            found.append(Finding(
                severity="error", code="FUND-SUM", where=where, expected=parts, actual=total, difference=total - parts,
                message=f"{label}：年度资金总额{fmt2(total)}{fund.unit}≠财政拨款{fmt2(fiscal)}+其他资金{fmt2(other or ZERO)}"
                        f"={fmt2(parts)}{fund.unit}",
            ))
    budget, final = fund.total.budget, fund.total.final
    if budget is not None and final is not None and budget > 0 and final > budget:
        found.append(Finding(
            severity="warning", code="FUND-OVER", where=provenance.get("fund.total.final", "资金情况 全年执行数"),
            message=f"全年执行数{fmt2(final)}{fund.unit}超过全年预算数{fmt2(budget)}{fund.unit}，请核对",
        ))
    return found


def review_findings(evaluation: Evaluation, scores: Mapping[str, Decimal | None], total: Decimal, complete: bool,
                    provenance: Mapping[str, str]) -> list[Finding]:
    """Every reported (submitted) score that differs from the rule's score, and the reported total."""
    found: list[Finding] = []
    for code, score in scores.items():
        entry = evaluation.entry(code)
        if entry is None or entry.reported in (None, ""):
            continue
        where = provenance.get(f"indicators.{code}.reported", f"指标{code}自评得分")
        try:
            reported = parse_number(entry.reported, "自评得分", suffixes=("分",), example="4.5")
        except EvidenceError as exc:
            found.append(Finding(severity="error", code="REVIEW-INPUT", where=where, message=str(exc)))
            continue
        if reported is not None and score is not None and reported != score:
            found.append(Finding(
                severity="warning", code="REVIEW-SCORE", where=where, expected=score, actual=reported,
                difference=reported - score,
                message=f"{code}自评得分{fmt2(reported)}分，按规则计算为{fmt2(score)}分（差{fmt2(reported - score)}分）",
            ))
    form = evaluation.self_form
    if form is not None and form.reported_total not in (None, ""):
        where = provenance.get("self_form.reported_total", "自评总分")
        try:
            reported_total = parse_number(form.reported_total, "自评总分", suffixes=("分",), example="92.5")
        except EvidenceError as exc:
            return [*found, Finding(severity="error", code="REVIEW-INPUT", where=where, message=str(exc))]
        if reported_total is not None and complete and reported_total != total:
            found.append(Finding(
                severity="warning", code="REVIEW-TOTAL", where=where, expected=total, actual=reported_total,
                difference=reported_total - total,
                message=f"自评总分{fmt2(reported_total)}分，按规则计算的总分为{fmt2(total)}分（差{fmt2(reported_total - total)}分）",
            ))
    return found

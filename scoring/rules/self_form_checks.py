"""Checks of a self-evaluation form's figures and of a submitted form: the fund block as the 决算表 is checked
(FUND-*), the 基础数据表's identities (BASIC-*), and the reported scores against the rules' scores (REVIEW-*).
"""
from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from ..common.evidence import EvidenceError, parse_number
from ..common.findings import Finding
from ..common.numbers import HUNDRED, ZERO, fmt2, fmt_points, round2
from ..model.evaluation import Evaluation
from ..model.self_form import (BASIC_COLUMNS, BASIC_ITEMS, BASIC_SUMS, FUND_COLUMNS, FUND_LINES, NATURE_LINES,
                               STAFF_FIELDS, BasicData, FundBlock)


def _nature_findings(fund: FundBlock, provenance: Mapping[str, str]) -> list[Finding]:
    """基本支出 + 项目支出 = 年度资金总额, column by column, when the split by nature is given."""
    found: list[Finding] = []
    if fund.basic is None and fund.project is None:
        return found
    for column, label in FUND_COLUMNS.items():
        total = getattr(fund.total, column)
        parts = [getattr(line, column) if line is not None else None for line in (fund.basic, fund.project)]
        if total is None or all(p is None for p in parts):
            continue
        basic, project = (p or ZERO for p in parts)
        if basic + project != total:
            found.append(Finding(
                severity="error", code="FUND-NATURE", where=provenance.get(f"fund.total.{column}", f"资金情况 年度资金总额{label}"),
                expected=basic + project, actual=total, difference=total - basic - project,
                message=f"{label}：年度资金总额{fmt2(total)}{fund.unit}≠{NATURE_LINES['basic']}{fmt2(basic)}+"
                        f"{NATURE_LINES['project']}{fmt2(project)}={fmt2(basic + project)}{fund.unit}"))
    return found


def fund_findings(fund: FundBlock, provenance: Mapping[str, str], limit_pct: Decimal = Decimal(20)) -> list[Finding]:
    """总额 = 财政拨款 + 其他资金 per column (其他资金 blank counts as 0); 基本支出 + 项目支出 = 总额 when the split is
    given; 执行数 above 全年预算数; 全年预算数 adjusted beyond ``limit_pct`` of 年初预算数 (as the 决算表's
    XCHK-BUDGET-ADJUST); negatives."""
    found = _nature_findings(fund, provenance)
    initial, adjusted = fund.total.initial, fund.total.budget
    if initial is not None and adjusted is not None and initial > 0 and abs(adjusted - initial) * HUNDRED / initial > limit_pct:
        change = (adjusted - initial) * HUNDRED / initial
        found.append(Finding(
            severity="info", code="FUND-ADJUST", where=provenance.get("fund.total.budget", "资金情况 全年预算数"),
            expected=initial, actual=adjusted, difference=adjusted - initial,
            message=f"全年预算数{fmt2(adjusted)}{fund.unit}较年初预算数{fmt2(initial)}{fund.unit}"
                    f"{'增加' if change > 0 else '减少'}{fmt2(abs(change))}%，超过{fmt_points(limit_pct)}%：请在偏差原因中说明预算调整情况"))
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


def basic_findings(basic: BasicData, provenance: Mapping[str, str]) -> list[Finding]:
    """The 基础数据表's identities: a total against its items where both are typed (a blank item counts 0; error
    naming the cells), 本年决算 above 本年预算 (warning), and 在职人数 against 编制数 with the control rate (info)."""
    found: list[Finding] = []

    def cell(item: str, column: str) -> str:
        name = STAFF_FIELDS[column] if item == "staff" else \
            f"{BASIC_ITEMS[item].removeprefix('其中：')}{BASIC_COLUMNS[column]}"
        return provenance.get(f"basic.{item}.{column}", f"基础数据表 {name}")

    for total_item, items in BASIC_SUMS.items():
        for column, label in BASIC_COLUMNS.items():
            total = getattr(basic.line(total_item), column)
            parts = [getattr(basic.line(item), column) for item in items]
            if total is None or all(part is None for part in parts):
                continue
            summed = sum((part or ZERO for part in parts), ZERO)
            if round2(total - summed) != 0:  # as the sheet's check row: ROUND(合计-SUM(分项),2)=0
                names = "+".join(f"{BASIC_ITEMS[item].removeprefix('其中：')}{fmt2(part or ZERO)}" for item, part in zip(items, parts))
                found.append(Finding(
                    severity="error", code="BASIC-SUM", where=cell(total_item, column), expected=summed, actual=total,
                    difference=total - summed,
                    message=f"{label}：{BASIC_ITEMS[total_item]}{fmt2(total)}{basic.unit}≠{names}={fmt2(summed)}{basic.unit}"
                            f"（核对 {'、'.join(cell(item, column) for item in (total_item, *items))}）"))
    for item, name in BASIC_ITEMS.items():
        line = basic.line(item)
        if line.budget is not None and line.final is not None and line.final > line.budget:
            found.append(Finding(
                severity="warning", code="BASIC-OVER", where=cell(item, "final"), expected=line.budget, actual=line.final,
                difference=line.final - line.budget,
                message=f"{name.removeprefix('其中：')}本年决算{fmt2(line.final)}{basic.unit}超过本年预算{fmt2(line.budget)}{basic.unit}"
                        f"（{cell(item, 'budget')}），请核对或说明原因"))
    quota, actual = basic.staff.quota, basic.staff.actual
    if quota is not None and actual is not None and quota > 0:
        rate = round2(Decimal(actual) * HUNDRED / quota)
        found.append(Finding(
            severity="info", code="BASIC-STAFF", where=cell("staff", "actual"), expected=Decimal(quota), actual=Decimal(actual),
            difference=Decimal(actual - quota),
            message=f"人员控制率{fmt2(rate)}%（在职人数{actual}人÷编制数{quota}人）" +
                    ("：在职人数超过编制数，请说明" if actual > quota else "")))
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

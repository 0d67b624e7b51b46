"""Cross-figure checks (codes XCHK-…): figures that must agree across 基本信息, the accounts and the scores.

Which figures are compared:
- 基本信息 against the accounts: the year-end execution progress against 本年支出合计 (84行) 决算数 ÷
  全年预算数 (a note only: progress is usually counted on payments, the accounts on 决算); the key
  projects' spending, which is project spending, can be at most 项目支出 (61行) 决算数.
- A total against its parts: 流动资产 + 固定资产净值 ≤ 资产总额 (other assets may exist, so only parts
  above the total are flagged); 在用固定资产 ≤ 固定资产总额（原值）; 固定资产净值 ≤ 原值.
- Budgets: spending without a 全年预算数 (rows 32–57, 58, 61, 84); 决算数 above 全年预算数 (58, 61, 84);
  全年预算数 far from 年初预算数 (58, 61, 84; a note).
- Scores: the total the rules alone give when overrides change it; partial credit in a checklist that
  no combination of whole criteria gives.
- Government procurement (基本信息): spent above its 年初采购预算, or without one (预算 0).

Tolerances:
- 元 against 元: to the cent, as in scoring/accounts.py (any difference of 0.01 元 or more counts).
- 万元 figures are taken as rounded half up to 0.01 万元, each carrying up to 0.005 万元 of rounding; a
  comparison allows 0.005 万元 per 万元 figure in it. So one 万元 figure agrees with a 元 figure when
  |万元 − 元/10000| ≤ 0.005 万元, and 流动资产 + 固定资产净值 may exceed 资产总额 by 0.015 万元.
- A rate entered in 基本信息 agrees with a computed one when the computed rate, rounded half up to the
  precision entered (at least whole percent), equals it: 98% matches 97.50%–98.49%.
- Budget adjustment: |全年预算数 − 年初预算数| ÷ 年初预算数, in percent rounded half up to 2 decimals,
  above the ruleset's ``budget_adjustment_limit_pct`` (default 20).

A blank 全年预算数 or 年初预算数 counts as 0 when that column has a figure elsewhere in the table (the
部门决算 software prints zero amounts blank); when the whole column is blank it was not entered.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from ..model.accounts import COLUMN_NAMES, ROWS, Accounts
from ..common.evidence import EvidenceError, parse_criteria
from ..common.findings import Finding
from ..rules.indicator_score import IndicatorScore
from ..model.evaluation import BasicInfo, Evaluation
from ..common.numbers import HUNDRED, ZERO, fmt2, fmt_money, fmt_points, round2, to_wan
from ..rules.indicator_rules import ChecklistRule, Criterion, VetoRule
from ..rules.ruleset import Ruleset

if TYPE_CHECKING:
    from ..rules.scorecard import Scorecard

WAN_ROUNDING = Decimal("0.005")  # 万元 of rounding one figure shown to 0.01 万元 may carry
TEN_THOUSAND = Decimal(10000)
FUNCTION_ROWS = tuple(range(32, 58))
MAIN_ROWS = (58, 61, 84)
YEAR_END = re.compile(r"全年|年末|年底|12月")


def cross_checks(
    evaluation: Evaluation, rs: Ruleset, card: Scorecard, provenance: Mapping[str, str]
) -> list[Finding]:
    """Every XCHK finding of ``evaluation`` scored as ``card``."""
    info, accounts = evaluation.info, evaluation.accounts
    return [
        *_progress(info, accounts, provenance),
        *_key_projects(info, accounts, provenance),
        *_asset_bounds(info, provenance),
        *_procurement(info, provenance),
        *_budget_rows(accounts, provenance, rs.budget_adjustment_limit_pct),
        *_override_total(card, provenance),
        *_partial_credit(evaluation, rs, card, provenance),
    ]


# ── where and what ────────────────────────────────────────
def _account_cell(provenance: Mapping[str, str], row: int, column: str) -> str:
    return provenance.get(f"accounts.{row}.{column}", f"决算表第{row}行{COLUMN_NAMES[column]}")


def _info_cell(provenance: Mapping[str, str], name: str) -> str:
    return provenance.get(f"info.{name}", f"基本信息 {_label(name)}")


def _label(name: str) -> str:
    """A BasicInfo field's name without its unit: ``固定资产总额（原值，万元）`` → ``固定资产总额（原值）``."""
    return re.sub(r"（万元）|，万元(?=）)", "", BasicInfo.model_fields[name].description or name)


def _row_name(row: int) -> str:
    """``项目支出（61行）``."""
    return f"{ROWS[row].name.split('、', 1)[-1]}（{row}行）"


def _percent(ratio: Decimal) -> str:
    return f"{fmt2(ratio * HUNDRED)}%"


# ── 基本信息 against the accounts ─────────────────────────
def _progress(info: BasicInfo, accounts: Accounts, provenance: Mapping[str, str]) -> list[Finding]:
    """The last year-end execution progress point against 84行 决算数 ÷ 全年预算数 (a note)."""
    point = next((p for p in reversed(info.execution_progress) if YEAR_END.search(p.label)), None)
    final, budget = accounts.get(84, "final"), accounts.get(84, "budget")
    if point is None or final is None or not budget:
        return []
    rate = final / budget
    exponent = point.rate.as_tuple().exponent
    places = min(exponent if isinstance(exponent, int) else 0, -2)
    if rate.quantize(Decimal(1).scaleb(places), ROUND_HALF_UP) == point.rate:
        return []
    return [Finding(
        severity="info", code="XCHK-PROGRESS",
        where="、".join((f"基本信息 预算执行进度「{point.label}」", _account_cell(provenance, 84, "final"),
                        _account_cell(provenance, 84, "budget"))),
        message=f"预算执行进度「{point.label}」为{_percent(point.rate)}，{_row_name(84)}决算数{fmt_money(final)}元"
        f"÷全年预算数{fmt_money(budget)}元为{_percent(rate)}；执行进度多按支付口径统计，与决算口径不同时请在报告中说明",
        expected=round2(rate * HUNDRED), actual=point.rate * HUNDRED,
        difference=point.rate * HUNDRED - round2(rate * HUNDRED),
    )]


def _key_projects(info: BasicInfo, accounts: Accounts, provenance: Mapping[str, str]) -> list[Finding]:
    """Key projects are project spending: their spending together at most 61行 决算数."""
    spent = [p.spent for p in info.key_projects if p.spent is not None]
    final = accounts.get(61, "final")
    if not spent or final is None:
        return []
    total, limit = sum(spent, ZERO), final / TEN_THOUSAND
    if total - limit <= WAN_ROUNDING * len(spent):
        return []
    return [Finding(
        severity="warning", code="XCHK-KEY-PROJECTS",
        where=f"基本信息 重点项目支出数、{_account_cell(provenance, 61, 'final')}",
        message=f"重点项目支出数合计{fmt2(total)}万元（{len(spent)}个项目），超过{_row_name(61)}决算数"
        f"{fmt_money(final)}元（{fmt2(to_wan(final))}万元）；重点项目支出是项目支出的一部分",
        expected=to_wan(final), actual=total, difference=total - to_wan(final),
    )]


# ── totals against their parts ────────────────────────────
ASSET_BOUNDS = (
    ("XCHK-ASSETS", ("current_assets", "fixed_assets_net"), "total_assets"),
    ("XCHK-FIXED-IN-USE", ("fixed_assets_in_use",), "fixed_assets_total"),
    ("XCHK-FIXED-NET", ("fixed_assets_net",), "fixed_assets_total"),
)


def _asset_bounds(info: BasicInfo, provenance: Mapping[str, str]) -> list[Finding]:
    return [f for code, parts, whole in ASSET_BOUNDS if (f := _not_above(info, provenance, code, parts, whole))]


def _not_above(
    info: BasicInfo, provenance: Mapping[str, str], code: str, parts: Sequence[str], whole: str
) -> Finding | None:
    """A warning when the 万元 fields ``parts`` together exceed ``whole`` beyond their rounding."""
    values: list[Decimal | None] = [getattr(info, name) for name in (*parts, whole)]
    if any(value is None for value in values):
        return None
    *amounts, limit = [value for value in values if value is not None]
    total = sum(amounts, ZERO)
    if total - limit <= WAN_ROUNDING * len(values):
        return None
    shown = "＋".join(f"{_label(name)}{fmt2(amount)}万元" for name, amount in zip(parts, amounts))
    if len(parts) > 1:
        shown += f"＝{fmt2(total)}万元"
    return Finding(
        severity="warning", code=code,
        where="、".join(_info_cell(provenance, name) for name in (whole, *parts)),
        message=f"{shown}，超过{_label(whole)}{fmt2(limit)}万元，多出{fmt2(total - limit)}万元",
        expected=limit, actual=total, difference=total - limit,
    )


# ── budgets ───────────────────────────────────────────────
def _procurement(info: BasicInfo, provenance: Mapping[str, str]) -> list[Finding]:
    """Procurement spent beyond its budget (万元 to 万元: both typed in 基本信息, so compared as typed)."""
    budget, actual = info.procurement_budget, info.procurement_actual
    if budget is None or actual is None or actual <= budget:
        return []
    what = "未编制政府采购预算（年初采购预算为0）" if budget == ZERO else f"超出年初采购预算{fmt2(actual - budget)}万元"
    return [Finding(
        severity="info", code="XCHK-PROCUREMENT",
        where=f"{_info_cell(provenance, 'procurement_budget')}、{_info_cell(provenance, 'procurement_actual')}",
        message=f"政府采购实际{actual.normalize():f}万元，年初采购预算{fmt2(budget)}万元：{what}；"
                "请核对是否调整了采购预算，并在报告的政府采购情况中说明",
        expected=budget, actual=actual, difference=actual - budget,
    )]


def _blank_as_zero(accounts: Accounts, row: int, column: str) -> Decimal | None:
    """The figure; 0 when blank while ``column`` has figures elsewhere; None when the column was not entered."""
    value = accounts.get(row, column)
    if value is None and any(accounts.get(other, column) is not None for other in accounts.rows):
        return ZERO
    return value


def _budget_rows(accounts: Accounts, provenance: Mapping[str, str], limit_pct: Decimal) -> list[Finding]:
    found = [f for row in (*FUNCTION_ROWS, *MAIN_ROWS) if (f := _no_budget(accounts, provenance, row))]
    found += [f for row in MAIN_ROWS if (f := _over_budget(accounts, provenance, row))]
    found += [f for row in MAIN_ROWS if (f := _adjusted(accounts, provenance, row, limit_pct))]
    return found


def _no_budget(accounts: Accounts, provenance: Mapping[str, str], row: int) -> Finding | None:
    """Spending on a row without 全年预算数."""
    final, budget = accounts.get(row, "final"), _blank_as_zero(accounts, row, "budget")
    if final is None or final <= 0 or budget is None or budget > 0:
        return None
    stated = "未填写（按0计）" if accounts.get(row, "budget") is None else "为0"
    return Finding(
        severity="warning", code="XCHK-NO-BUDGET",
        where=f"{_account_cell(provenance, row, 'budget')}、{_account_cell(provenance, row, 'final')}",
        message=f"{_row_name(row)}全年预算数{stated}，决算数却为{fmt_money(final)}元：无预算安排的支出",
        expected=ZERO, actual=final, difference=final,
    )


def _over_budget(accounts: Accounts, provenance: Mapping[str, str], row: int) -> Finding | None:
    final, budget = accounts.get(row, "final"), accounts.get(row, "budget")
    if final is None or not budget or round2(final) <= round2(budget):
        return None
    excess = round2(final) - round2(budget)
    return Finding(
        severity="warning", code="XCHK-OVER-BUDGET",
        where=f"{_account_cell(provenance, row, 'final')}、{_account_cell(provenance, row, 'budget')}",
        message=f"{_row_name(row)}决算数{fmt_money(final)}元超过全年预算数{fmt_money(budget)}元，超支{fmt_money(excess)}元",
        expected=round2(budget), actual=round2(final), difference=excess,
    )


def _adjusted(accounts: Accounts, provenance: Mapping[str, str], row: int, limit_pct: Decimal) -> Finding | None:
    """A note when 全年预算数 departs from 年初预算数 by more than the limit, or was added during the year."""
    budget, initial = accounts.get(row, "budget"), _blank_as_zero(accounts, row, "initial")
    if budget is None or initial is None:
        return None
    change = budget - initial
    if initial <= 0:
        if budget <= 0:
            return None
        how = f"年初预算数为0，全年预算数{fmt_money(budget)}元为年内新增"
    else:
        pct = round2(abs(change) / initial * HUNDRED)
        if pct <= limit_pct:
            return None
        how = (f"全年预算数{fmt_money(budget)}元较年初预算数{fmt_money(initial)}元调{'增' if change > 0 else '减'}"
               f"{fmt_money(abs(change))}元（{fmt2(pct)}%），超过{fmt_points(limit_pct)}%")
    return Finding(
        severity="info", code="XCHK-BUDGET-ADJUST",
        where=f"{_account_cell(provenance, row, 'initial')}、{_account_cell(provenance, row, 'budget')}",
        message=f"{_row_name(row)}{how}", expected=initial, actual=budget, difference=change,
    )


# ── scores ────────────────────────────────────────────────
def _override_used(result: IndicatorScore) -> bool:
    """The manual score counts (an override refused for a missing reason or a bad value carries an error)."""
    return result.override is not None and result.error is None


def _override_total(card: Scorecard, provenance: Mapping[str, str]) -> list[Finding]:
    """What the rules alone give when manual scores change the total."""
    changed = [r for r in card.indicators if _override_used(r) and r.override != r.computed]
    if not changed:
        return []
    where = "、".join(provenance.get(f"indicators.{r.code}.override", f"指标{r.code}人工得分") for r in changed)
    unknown = [r.code for r in card.indicators if r.computed is None]
    if unknown:
        shifts = {r.code: r.override - r.computed for r in changed if r.override is not None and r.computed is not None}
        message = f"{'、'.join(unknown)}按规则无法计算，得不出按规则计算的总得分"
        if shifts:
            message += f"；{'、'.join(shifts)}的人工评定改变总分{sum(shifts.values(), ZERO):+.2f}分"
        return [Finding(severity="info", code="XCHK-OVERRIDE-TOTAL", where=where, message=message)]
    rules_total = round2(sum((r.computed for r in card.indicators if r.computed is not None), ZERO))
    difference = card.total - rules_total
    return [Finding(
        severity="info", code="XCHK-OVERRIDE-TOTAL", where=where,
        message=f"按规则计算总得分{fmt2(rules_total)}分，采用人工评定后为{fmt2(card.total)}分"
        f"（人工评定改变总分{difference:+.2f}分）",
        expected=rules_total, actual=card.total, difference=difference,
    )]


def _whole_sums(items: Sequence[Criterion]) -> set[Decimal]:
    """Every score a combination of whole criteria gives."""
    sums = {ZERO}
    for item in items:
        sums |= {round2(s + item.points) for s in sums}
    return sums


def _partial_credit(
    evaluation: Evaluation, rs: Ruleset, card: Scorecard, provenance: Mapping[str, str]
) -> list[Finding]:
    computed = {r.code: r.computed for r in card.indicators}
    found: list[Finding] = []
    for indicator in rs.indicators:
        rule, entry = indicator.rule, evaluation.entry(indicator.code)
        if not isinstance(rule, (ChecklistRule, VetoRule)) or entry is None or not entry.inputs:
            continue
        try:
            chosen = parse_criteria(entry.inputs[0], len(rule.items))
        except EvidenceError:  # reported as IND-INPUT
            continue
        if not chosen or all(points is None for points in chosen.values()):
            continue
        total = round2(sum((rule.items[n - 1].points if p is None else p for n, p in chosen.items()), ZERO))
        sums = _whole_sums(rule.items)
        if computed.get(indicator.code) != total or total in sums:  # vetoed, unreadable, or a whole combination
            continue
        below, above = max(s for s in sums if s < total), min(s for s in sums if s > total)
        found.append(Finding(
            severity="info", code="XCHK-PARTIAL",
            where=provenance.get(f"indicators.{indicator.code}.input1", f"指标{indicator.code}{indicator.name} {rule.input_label}"),
            message=f"{indicator.code}{rule.input_label}「{entry.inputs[0]}」含部分得分，合计{fmt_points(total)}分，"
            f"整条细则的组合得不到此分（相邻可得{fmt_points(below)}分或{fmt_points(above)}分）"
            + ("" if entry.note else "；请在评价说明中写明部分符合的依据"),
            actual=total,
        ))
    return found

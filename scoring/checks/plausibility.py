"""Plausibility: a figure that cannot be right for what its cell means is a finding naming the cell and the
likely intended value, so that a result built on it is never shown as final without a word.

The rules (README 约定 states them for users); every one is a warning unless said otherwise:

- PLAUS-NEGATIVE: a negative 实际完成值 on a row whose target is a non-negative number (counts, amounts,
  rates, time limits) and whose name is no change (增长、增幅、变化、同比…) — likely the number without its sign.
- PLAUS-RATE: a 实际完成值 above 100% on a row whose target is at most 100% and whose name is no growth or
  over-fulfilment (增长、增幅、提高、超、完成率、执行率…) — likely a tenth (880% → 88%), else at most 100%.
- PLAUS-MAGNITUDE: an amount 1,000 times its target or more, or a thousandth or less (another quantity:
  5,000 times), in the same unit after conversion — likely typed in 元 for 万元 or the other way (÷ or × 10,000),
  or the target's unit is wrong.
- PLAUS-PERCENT (error): a target that is a bare number (``0.9``, ``≥0.9``) against a percent actual (``88%``):
  the two would be compared as 88 and 0.9; the target is to be written as a percent (``≥90%``).
- PLAUS-DATE: a deadline actual dated in another year than the target's (or the evaluation year when the
  target names none) — likely the same day in that year.
- PLAUS-REPORTED: a 自评得分 above its indicator's 分值, a 自评总分 above the form's full marks.
- PLAUS-ENTERED: a 评定得分 on a row scored from its target (正向、反向、等于、时限) is not used; a warning when
  it differs from the rule's score, a note when it agrees.
- PLAUS-METHOD: 计分方式 反向 on a ``≥`` target, or 正向 on a ``≤`` target — scored against what the target says.
- PLAUS-FUND: the fund block 10,000 times off its unit — 100亿元 or more under 万元 (typed in 元), under 1万元
  under 元 (typed in 万元) — or one amount 1,000 times its line's others.
- PLAUS-ACCOUNTS: the 决算 table 10,000 times off: 本年支出合计 under 1万元 or under 5,000元 per 在职人员
  (typed in 万元), or over 1亿元 per 在职人员 (typed in 元 under a 万元 heading); or a part of the year's
  spending on 基本信息 (三公经费, 政府采购) above the whole 本年支出合计 (typed in 元).
- PLAUS-ASSETS: 资产总额 or another balance-sheet figure on 基本信息 (万元) 1,000 times the 本年支出合计 or
  more (typed in 元); 资产总额 a thousandth of it or less (typed in 万元 twice over).
- PLAUS-PERIOD: 评价时段 止 before 起.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal

from ..common.evidence import EvidenceError, parse_number
from ..common.findings import Finding, Severity
from ..common.numbers import fmt2, fmt_money, fmt_points
from ..common.targets import Target, is_blank, parse_target, plain, read_actual
from ..model.evaluation import BasicInfo, Evaluation
from ..model.self_form import FUND_COLUMNS, FUND_LINES, FundBlock, TargetRow
from ..rules.indicator_rules import Rule
from ..rules.ruleset import Ruleset
from ..rules.scorecard import Scorecard
from ..rules.target_rules import DeadlineRule, TargetRule

DOUBT_PREFIX = "PLAUS-"  # the code of every finding made here
WAN = Decimal(10000)
FAR = Decimal(1000)  # a ratio this far from 1 is a unit mistake, not a figure
_CHANGE = re.compile(r"增长|增幅|增速|增加|减少|下降|降低|变化|变动|同比|环比|差异|偏差|节约|节支")
_UNBOUNDED = re.compile(r"增长|增幅|增速|提高|提升|增加|同比|环比|超|完成率|执行率|完成比例|倍")
_YEAR = re.compile(r"^\s*((?:19|20)\d{2})\s*(?:年|[-/.])(?:\s*(\d{1,2})\s*(?:月|[-/.])\s*(\d{1,2}))?")
_HAS_UNIT = re.compile(r"[A-Za-z%\u4e00-\u9fff]")


def plausibility_findings(evaluation: Evaluation, rs: Ruleset, card: Scorecard,
                          provenance: Mapping[str, str] | None = None) -> list[Finding]:
    """Every figure that cannot be right for what its cell means (see the module's rules)."""
    where = provenance or {}
    found = [*_period(evaluation.info, where), *_accounts(evaluation, where)]
    form = evaluation.self_form
    if form is not None:
        scores = {r.code: r.score for r in card.indicators}
        rules = {i.code: i.rule for i in rs.indicators}
        for code, row in form.coded_rows():
            if code in rules:
                found += _row(evaluation.info, rules[code], code, row, scores.get(code), where)
        found += _fund(form.fund, where)
        found += _reported(evaluation, rs, where)
    return found


def _finding(severity: Severity, code: str, where: str, message: str) -> Finding:
    return Finding(severity=severity, code=code, where=where, message=message)


def _times(ratio: Decimal) -> str:
    return f"{ratio:,.0f}"


# ── self-evaluation rows ─────────────────────────────────────
def _row(info: BasicInfo, rule: Rule, code: str, row: TargetRow, score: Decimal | None,
         where: Mapping[str, str]) -> list[Finding]:
    name = row.name.strip()
    target = parse_target(row.effective_target)
    cell = where.get(f"indicators.{code}.input2", f"指标{code}{name} 实际完成值")
    found = [*_method(code, row, target, where), *_entered(code, row, rule, score, where)]
    if target is None or is_blank(row.actual) or target.value is None or target.kind == "text":
        return found
    if isinstance(rule, DeadlineRule) and target.is_date:
        return [*found, *_date(info, code, name, row.actual, target, cell)]
    if not isinstance(rule, TargetRule | DeadlineRule):
        return found
    percent = _percent_mixup(code, name, row.actual, target, cell)
    if percent:
        return [*found, percent]
    try:
        actual = read_actual(row.actual, target)
    except EvidenceError:
        return found  # an unreadable actual is the rule's error already
    if actual is None or not actual.value.is_finite():
        return found
    head = f"{code}{name}：实际完成值「{_typed(row.actual)}」"
    value = actual.value
    far = FAR if target.unit.endswith("元") else FAR * 5  # amounts go astray by 千 and 万, counts by 万
    if value < 0 <= target.value and not _CHANGE.search(name):
        found.append(_finding("warning", "PLAUS-NEGATIVE", cell,
                              f"{head}为负数，而年度指标值「{target.text}」不会为负：是否为「{plain(-value)}{target.unit}」？"))
    elif target.unit == "%" and value > 100 >= target.value and not _UNBOUNDED.search(name):
        likely = f"「{plain(value / 10)}%」（多了一个0）" if value / 10 <= 100 else "不超过100%的数"
        found.append(_finding("warning", "PLAUS-RATE", cell, f"{head}超过100%，而这一比率不会超过100%：是否为{likely}？"))
    elif value > 0 and target.value > 0 and not (far > value / target.value > 1 / far):
        found.append(_finding("warning", "PLAUS-MAGNITUDE", cell, head + _magnitude(row.actual, value, target)))
    return found


def _typed(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _magnitude(typed: object, value: Decimal, target: Target) -> str:
    """What a 1,000-fold gap between an actual and its target most likely is."""
    assert target.value is not None
    ratio = value / target.value
    gap = f"是年度指标值「{target.text}」的{_times(ratio)}倍" if ratio > 1 else f"只有年度指标值「{target.text}」的{_times(1 / ratio)}分之一"
    own_unit = isinstance(typed, str) and bool(_HAS_UNIT.search(typed.replace(target.unit, "") if target.unit else typed))
    if not target.unit.endswith("元"):
        return f"（按{plain(value)}{target.unit}计）{gap}：单位多半有误，请核对两者的单位"
    if ratio > 1 and not own_unit:
        return f"（按{plain(value)}{target.unit}计）{gap}：是否按元填写？应为「{plain(value / WAN)}{target.unit}」"
    if ratio > 1 and target.unit == "元":
        op = {">=": "≥", "<=": "≤", "=": "="}.get(target.op or "", "")
        return f"（按{plain(value)}元计）{gap}：年度指标值的单位是否应为万元？即「{op}{plain(target.value)}万元」"
    if ratio < 1 and own_unit:
        return f"（按{plain(value)}{target.unit}计）{gap}：单位是否应为万元？即「{plain(value * WAN)}{target.unit}」"
    return f"（按{plain(value)}{target.unit}计）{gap}：请核对年度指标值和实际完成值的单位（元、万元）"


def _percent_mixup(code: str, name: str, actual: object, target: Target, cell: str) -> Finding | None:
    """A bare-number target against a percent actual: 0.9 against 88% would compare 88 with 0.9."""
    if target.kind != "number" or target.unit or not isinstance(actual, str) or not actual.strip().endswith(("%", "％")):
        return None
    assert target.value is not None
    likely = f"{plain(target.value * 100)}%" if target.value <= 1 else f"{plain(target.value)}%"
    op = {">=": "≥", "<=": "≤", "=": "="}.get(target.op or "", "")
    return _finding("error", "PLAUS-PERCENT", cell,
                    f"{code}{name}：年度指标值「{target.text}」是不带单位的数，实际完成值「{actual.strip()}」是百分数，"
                    f"两者不能直接比较：如年度指标值指{likely}，请写「{op}{likely}」")


def _date(info: BasicInfo, code: str, name: str, actual: object, target: Target, cell: str) -> list[Finding]:
    """A deadline actual dated in another year than the target's (or the evaluation's)."""
    assert target.value is not None
    year = target.value // 10000 or info.year
    match = _YEAR.match(str(actual))  # a date cell arrives as ISO text
    written = int(match.group(1)) if match else None
    if year is None or written is None or written == year:
        return []
    month_day = f"{int(match.group(2))}月{int(match.group(3))}日" if match and match.group(2) else ""
    likely = f"「{year}年{month_day}」" if month_day else f"{year}年的日期"
    return [_finding("warning", "PLAUS-DATE", cell,
                     f"{code}{name}：实际完成值「{_typed(actual)}」在{written}年，不在{'年度指标值的' if target.value >= 10000 else '评价'}"
                     f"年度{year}年内（按时限计分时只比较月日）：是否为{likely}？")]


def _method(code: str, row: TargetRow, target: Target | None, where: Mapping[str, str]) -> list[Finding]:
    """反向 on a ≥ target, 正向 on a ≤ target."""
    chosen = row.method.strip()
    if target is None or target.kind == "text" or target.is_date or (chosen, target.op) not in (("反向", ">="), ("正向", "<=")):
        return []
    says = "越多越好（正向）" if target.op == ">=" else "越少越好（反向）"
    other = "正向" if chosen == "反向" else "反向"
    return [_finding("warning", "PLAUS-METHOD", where.get(f"indicators.{code}.method", f"指标{code} 计分方式"),
                     f"{code}{row.name.strip()}：计分方式为{chosen}，而年度指标值「{target.text}」是{says}：按{chosen}计分，"
                     f"是否应为{other}或留空？")]


def _entered(code: str, row: TargetRow, rule: Rule, score: Decimal | None, where: Mapping[str, str]) -> list[Finding]:
    """A 评定得分 typed on a row its target scores: not used."""
    if is_blank(row.entered) or not isinstance(rule, TargetRule | DeadlineRule) or score is None:
        return []
    try:
        entered = parse_number(row.entered, "评定得分", suffixes=("分",))
    except EvidenceError:
        entered = None
    how = "时限" if isinstance(rule, DeadlineRule) else (row.method.strip() or "年度指标值")
    agrees = entered is not None and entered == score
    return [_finding("info" if agrees else "warning", "PLAUS-ENTERED", where.get(f"indicators.{code}.input3", f"指标{code} 评定得分"),
                     f"{code}{row.name.strip()}：评定得分「{_typed(row.entered)}」未采用——评定得分只用于定性指标（和得分系数），"
                     f"本行按{how}计分得{fmt2(score)}分" + ("" if agrees else "；如要采用评定得分，请把计分方式改为定性"))]


def _reported(evaluation: Evaluation, rs: Ruleset, where: Mapping[str, str]) -> list[Finding]:
    """A 自评得分 above its 分值; a 自评总分 above the full marks."""
    form = evaluation.self_form
    if form is None:
        return []
    typed = {**form.reported, **{code: row.reported for code, row in form.coded_rows()}}
    found = []
    for indicator in rs.indicators:
        reported = _number(typed.get(indicator.code))
        if reported is not None and reported > indicator.weight:
            found.append(_finding("warning", "PLAUS-REPORTED",
                                  where.get(f"indicators.{indicator.code}.reported", f"指标{indicator.code}自评得分"),
                                  f"{indicator.code}{indicator.name}：自评得分{fmt2(reported)}分超过分值{fmt_points(indicator.weight)}分，"
                                  "自评得分不能超过分值"))
    total = _number(form.reported_total)
    if total is not None and total > rs.total_weight:
        found.append(_finding("warning", "PLAUS-REPORTED", where.get("self_form.reported_total", "自评总分"),
                              f"自评总分{fmt2(total)}分超过满分{fmt_points(rs.total_weight)}分"))
    return found


def _number(value: object) -> Decimal | None:
    try:
        return parse_number(value, "得分", suffixes=("分",)) if not is_blank(value) else None
    except EvidenceError:
        return None  # the review reports it


# ── the fund block ───────────────────────────────────────────
def _fund(fund: FundBlock, where: Mapping[str, str]) -> list[Finding]:
    """The fund block 10,000 times off its unit, or one amount 1,000 times its line's others."""
    found = []
    unit = WAN if fund.unit == "万元" else Decimal(1)
    for line, line_name in FUND_LINES.items():
        values = {c: v for c in FUND_COLUMNS if (v := getattr(fund.line(line), c)) is not None and v > 0}
        for column, value in values.items():
            cell = where.get(f"fund.{line}.{column}", f"资金情况 {line_name}{FUND_COLUMNS[column]}")
            head = f"资金情况{line_name.removeprefix('其中：')}{FUND_COLUMNS[column]}{fmt_money(value)}{fund.unit}"
            others = [v for c, v in values.items() if c != column]
            if line == "total" and value * unit >= WAN * WAN * 100:
                found.append(_finding("warning", "PLAUS-FUND", cell,
                                      f"{head}，即{fmt_money(value * unit / WAN / WAN)}亿元：是否按元填写？应为{fmt_money(value / WAN)}万元"))
            elif line == "total" and value * unit < WAN:
                found.append(_finding("warning", "PLAUS-FUND", cell,
                                      f"{head}不足1万元：是否按万元填写？金额单位应为万元"))
            elif others and all(value >= FAR * v for v in others):
                found.append(_finding("warning", "PLAUS-FUND", cell,
                                      f"{head}是同一行其他金额的{_times(value / max(others))}倍以上：是否按元填写？应为{fmt_money(value / WAN)}{fund.unit}"))
    return found


# ── 决算 and 基本信息 ─────────────────────────────────────────
def _accounts(evaluation: Evaluation, where: Mapping[str, str]) -> list[Finding]:
    """The 决算 table (元) and 基本信息 (万元) 10,000 times apart."""
    info, accounts = evaluation.info, evaluation.accounts
    spent = accounts.get(84, "final")
    if spent is None or spent <= 0:
        return []
    cell = where.get("accounts.84.final", "决算表第84行决算数")
    head = f"决算表本年支出合计（84行）决算数{fmt_money(spent)}元"
    reasons = []
    if spent < WAN:
        reasons.append("不足1万元")
    if info.staff_actual and spent / info.staff_actual < 5000:
        reasons.append(f"在职人员{info.staff_actual}人，人均{fmt_money(spent / info.staff_actual)}元")
    if reasons and info.three_public_current and spent < info.three_public_current * WAN:
        reasons.append(f"少于三公经费{fmt_money(info.three_public_current)}万元")
    if reasons:
        return [_finding("warning", "PLAUS-ACCOUNTS", cell,
                         f"{head}（{'；'.join(reasons)}）：决算表是否按万元填写？决算表的金额单位为元，即{fmt_money(spent * WAN)}元")]
    if info.staff_actual and spent / info.staff_actual > WAN * WAN:
        return [_finding("warning", "PLAUS-ACCOUNTS", cell,
                         f"{head}，在职人员{info.staff_actual}人，人均{fmt_money(spent / info.staff_actual / WAN)}万元："
                         f"是否把万元的金额当作元导入或填写？即{fmt_money(spent / WAN)}元")]
    return [*(p for name in _PARTS_OF_SPENDING if (p := _part(info, name, spent, where))), *_balance(info, spent, where)]


def _balance(info: BasicInfo, spent: Decimal, where: Mapping[str, str]) -> list[Finding]:
    """Balance-sheet figures (万元) 1,000 times the year's spending (元); 资产总额 also a thousandth of it."""
    found = []
    for name in _BALANCE:
        value: Decimal | None = getattr(info, name)
        if value is None or value <= 0:
            continue
        ratio = value * WAN / spent
        if ratio < FAR and (name != "total_assets" or ratio > 1 / FAR):
            continue
        label = (BasicInfo.model_fields[name].description or name).split("（")[0]
        spent_wan = fmt_money(spent / WAN)
        if ratio >= FAR:
            message = (f"{label}{fmt_money(value)}万元是本年支出合计{spent_wan}万元的{_times(ratio)}倍："
                       f"是否按元填写？应为{fmt_money(value / WAN)}万元")
        else:
            message = (f"{label}{fmt_money(value)}万元只有本年支出合计{spent_wan}万元的{_times(1 / ratio)}分之一："
                       f"{label}的单位为万元，是否为{fmt_money(value * WAN)}万元？")
        found.append(_finding("warning", "PLAUS-ASSETS", where.get(f"info.{name}", f"基本信息 {label}"), message))
    return found


_BALANCE = ("total_assets", "current_assets", "fixed_assets_net", "fixed_assets_total", "fixed_assets_in_use", "liabilities")
_PARTS_OF_SPENDING = ("three_public_current", "three_public_previous", "three_public_budget", "procurement_budget",
                      "procurement_actual")


def _part(info: BasicInfo, name: str, spent: Decimal, where: Mapping[str, str]) -> Finding | None:
    """A part of a year's spending (三公经费, 政府采购, in 万元) above the whole 本年支出合计."""
    value: Decimal | None = getattr(info, name)
    if value is None or value * WAN <= spent:
        return None
    label = (BasicInfo.model_fields[name].description or name).split("（")[0]
    return _finding("warning", "PLAUS-ACCOUNTS", where.get(f"info.{name}", f"基本信息 {label}"),
                    f"{label}{fmt_money(value)}万元超过决算表本年支出合计{fmt_money(spent / WAN)}万元：是否按元填写？"
                    f"应为{fmt_money(value / WAN)}万元")


def _period(info: BasicInfo, where: Mapping[str, str]) -> list[Finding]:
    start, end = info.period_start, info.period_end
    if start is None or end is None or end >= start:
        return []
    try:
        likely = end.replace(year=start.year)
    except ValueError:  # 2月29日
        likely = start
    likely = likely if likely >= start else start
    return [_finding("warning", "PLAUS-PERIOD", where.get("info.period_end", "基本信息 评价时段止"),
                     f"评价时段止{end.isoformat()}早于起{start.isoformat()}：是否为{likely.isoformat()}？")]

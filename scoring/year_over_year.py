"""Year over year: an evaluation's key figures and indicator scores (a ``Snapshot``) against last year's.

Indicators are matched by code for third-party reports, and by 二级 indicator and name for
self-evaluation forms (their rows are the department's own, numbered by position).

A change is a large swing (``swing``) when:
  money (万元) and staff (人): 20% of last year's value or more, or from or to zero;
  rates (预算执行率, %): 10 percentage points or more;  问卷得分: 10 points or more;
  the total score: 5 points or more, or another grade;  an indicator's score: 30% of its weight or more.
An indicator is ``revised`` when its weight, name or scoring rule changed (for a self-evaluation row:
its target or scoring method), or when it exists in one year only.
"""
from __future__ import annotations

import sys
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any, Literal, TypeVar

from .assessment import Assessment
from .common.numbers import HUNDRED, fmt2, fmt_points, round2, to_wan

SWING_RELATIVE_PCT = Decimal(20)  # money and staff: change in % of last year's value
SWING_POINTS = {"%": Decimal(10), "分": Decimal(10)}  # rates and the questionnaire score: absolute change
SWING_TOTAL = Decimal(5)
SWING_INDICATOR_SHARE = Decimal("0.3")  # of the indicator's weight


class _Shared:
    """Texts kept once however many snapshots hold them: a batch's main process receives a snapshot per file,
    unpickled through ``__init__`` (see ``__reduce__``), and the indicator names and rules repeat file after file."""

    __slots__ = ()

    def __post_init__(self) -> None:
        for item in fields(self):  # type: ignore[arg-type]
            value = getattr(self, item.name)
            if isinstance(value, str):
                object.__setattr__(self, item.name, sys.intern(value))

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return type(self), tuple(getattr(self, item.name) for item in fields(self))  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Figure(_Shared):
    """A key figure of the evaluated year; ``value`` None when the evaluation does not hold it."""

    key: str
    name: str
    unit: Literal["万元", "人", "%", "分"]
    value: Decimal | None


@dataclass(frozen=True, slots=True)
class IndicatorValue(_Shared):
    """One 三级 indicator's score, with what it is matched by (``key``) and what makes its rule."""

    key: str
    code: str
    group: str  # 二级指标代码
    group_name: str
    name: str
    weight: Decimal
    score: Decimal | None
    rule: str


@dataclass(frozen=True, slots=True)
class Snapshot(_Shared):
    """What a year-over-year comparison or a roll-up needs of one assessment: small, no Excel, no findings."""

    unit_name: str
    credit_code: str
    year: int | None
    ruleset: str
    form: Literal["report", "self"]
    total: Decimal
    grade: str | None
    complete: bool
    figures: tuple[Figure, ...]
    indicators: tuple[IndicatorValue, ...]


@dataclass(frozen=True, slots=True)
class Change:
    """One item in both years: the values, the change, and whether it is a large swing or a revised indicator."""

    key: str
    name: str
    unit: str
    last: Decimal | None
    this: Decimal | None
    change: Decimal | None
    change_pct: Decimal | None = None  # 变化占上年值的百分比（金额、人数）
    swing: bool = False
    revised: list[str] = field(default_factory=list)  # 指标的分值、名称或计分规则的改变，新增或取消
    note: str = ""  # 如等级的变化


@dataclass(frozen=True)
class Comparison:
    last: Snapshot
    this: Snapshot
    total: Change
    figures: list[Change]
    indicators: list[Change]
    notes: list[str] = field(default_factory=list)  # 两个文件本身的差异：单位、年度、规则集

    @property
    def swings(self) -> list[Change]:
        return [c for c in (self.total, *self.figures, *self.indicators) if c.swing]

    @property
    def revised(self) -> list[Change]:
        return [c for c in self.indicators if c.revised]


def snapshot(assessment: Assessment) -> Snapshot:
    """The key figures and indicator scores of an assessment."""
    evaluation, rs, card = assessment.evaluation, assessment.ruleset, assessment.scorecard
    info = evaluation.info
    groups = {g.code: g.name for g in rs.level2}
    targets = {code: row for code, row in evaluation.self_form.coded_rows()} if evaluation.self_form else {}
    scores = {r.code: r.score for r in card.indicators}
    keys = _KeyMaker()
    indicators = []
    for indicator in rs.indicators:
        row = targets.get(indicator.code)
        rule = indicator.describe_rule() if row is None else \
            f"年度指标值{row.effective_target or ''}" + (f"，计分方式{row.method}" if row.method else "")
        key = indicator.code if rs.form == "report" else keys.key(f"{indicator.parent}·{_plain(indicator.name)}")
        indicators.append(IndicatorValue(
            key=key, code=indicator.code, group=indicator.parent, group_name=groups.get(indicator.parent, ""),
            name=indicator.name, weight=indicator.weight, score=scores.get(indicator.code), rule=rule))
    return Snapshot(
        unit_name=info.unit_name, credit_code=info.credit_code.strip(), year=info.year, ruleset=rs.id, form=rs.form,
        total=card.total, grade=card.grade, complete=card.complete,
        figures=tuple(_self_figures(assessment) if rs.form == "self" else _report_figures(assessment)),
        indicators=tuple(indicators),
    )


class _KeyMaker:
    """Keys unique within one evaluation: a second row of the same name in a group gets ``#2``."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}

    def key(self, base: str) -> str:
        self.seen[base] = self.seen.get(base, 0) + 1
        return base if self.seen[base] == 1 else f"{base}#{self.seen[base]}"


def _plain(name: str) -> str:
    return "".join(unicodedata.normalize("NFKC", name).split())


def _rate(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    return round2(part / whole * HUNDRED) if part is not None and whole else None


def _report_figures(assessment: Assessment) -> list[Figure]:
    evaluation = assessment.evaluation
    info, accounts, survey = evaluation.info, evaluation.accounts, evaluation.survey

    def wan(row: int) -> Decimal | None:
        amount = accounts.get(row, "final")
        return None if amount is None else to_wan(amount)

    def count(value: int | None) -> Decimal | None:
        return None if value is None else Decimal(value)

    return [
        Figure(key="income", name="本年收入合计", unit="万元", value=wan(27)),
        Figure(key="expenditure", name="本年支出合计", unit="万元", value=wan(84)),
        Figure(key="execution", name="预算执行率", unit="%", value=_rate(accounts.get(84, "final"), accounts.get(84, "budget"))),
        Figure(key="three_public", name="三公经费", unit="万元",
               value=None if info.three_public_current is None else round2(info.three_public_current)),
        Figure(key="staff_quota", name="编制数", unit="人", value=count(info.staff_quota)),
        Figure(key="staff_actual", name="在职人数", unit="人", value=count(info.staff_actual)),
        Figure(key="survey", name="问卷得分", unit="分",
               value=survey.average if survey is not None and survey.average is not None else None),
    ]


def _self_figures(assessment: Assessment) -> list[Figure]:
    form = assessment.evaluation.self_form
    total = form.fund.total if form else None

    def wan(value: Decimal | None) -> Decimal | None:
        if value is None or form is None:
            return None
        return to_wan(value) if form.fund.unit == "元" else round2(value)

    budget, final = (total.budget, total.final) if total else (None, None)
    return [
        Figure(key="fund_initial", name="年度资金总额（年初预算数）", unit="万元", value=wan(total.initial if total else None)),
        Figure(key="fund_budget", name="年度资金总额（全年预算数）", unit="万元", value=wan(budget)),
        Figure(key="fund_final", name="年度资金总额（全年执行数）", unit="万元", value=wan(final)),
        Figure(key="execution", name="预算执行率", unit="%", value=_rate(final, budget)),
    ]


def compare(last: Snapshot, this: Snapshot) -> Comparison:
    """Every key figure and indicator of ``this`` year against ``last`` year's, large swings and revisions flagged."""
    return Comparison(
        last=last, this=this, total=_total(last, this),
        figures=[_figure(a, b) for a, b in _pairs(last.figures, this.figures)],
        indicators=[_indicator(a, b, this.form) for a, b in _pairs(last.indicators, this.indicators)]
        if last.form == this.form else [],
        notes=_notes(last, this),
    )


Item = TypeVar("Item", Figure, IndicatorValue)


def _pairs(last: Iterable[Item], this: Iterable[Item]) -> list[tuple[Item | None, Item | None]]:
    """Items matched by key, in this year's order, then last year's items that are gone."""
    before = {item.key: item for item in last}
    now = {item.key: item for item in this}
    pairs: list[tuple[Item | None, Item | None]] = [(before.get(key), item) for key, item in now.items()]
    return pairs + [(item, None) for key, item in before.items() if key not in now]


def _difference(last: Decimal | None, this: Decimal | None) -> Decimal | None:
    return None if last is None or this is None else this - last


def _total(last: Snapshot, this: Snapshot) -> Change:
    change = this.total - last.total
    grades = (last.grade or "未完成", this.grade or "未完成")
    note = f"等级由{grades[0]}变为{grades[1]}" if grades[0] != grades[1] else ""
    return Change(key="total", name="总得分", unit="分", last=last.total, this=this.total, change=change,
                  swing=abs(change) >= SWING_TOTAL or bool(note), note=note)


def _figure(last: Figure | None, this: Figure | None) -> Change:
    item = this or last
    assert item is not None
    a, b = (last.value if last else None), (this.value if this else None)
    change = _difference(a, b)
    pct = round2(change / abs(a) * HUNDRED) if change is not None and a and item.unit in ("万元", "人") else None
    if change is None:
        swing = False
    elif item.unit in SWING_POINTS:
        swing = abs(change) >= SWING_POINTS[item.unit]
    else:
        swing = (a == 0) != (b == 0) or (pct is not None and abs(pct) >= SWING_RELATIVE_PCT)
    return Change(key=item.key, name=item.name, unit=item.unit, last=a, this=b, change=change, change_pct=pct, swing=swing)


def _indicator(last: IndicatorValue | None, this: IndicatorValue | None, form: str) -> Change:
    item = this or last
    assert item is not None
    name = f"{item.code} {item.name}" if form == "report" else f"{item.group_name}·{item.name}"  # a row's code is its position
    a, b = (last.score if last else None), (this.score if this else None)
    change = _difference(a, b)
    revised = []
    if last is None:
        revised.append("本年新增")
    elif this is None:
        revised.append("本年取消")
    else:
        if last.weight != this.weight:
            revised.append(f"分值由{fmt_points(last.weight)}分改为{fmt_points(this.weight)}分")
        if _plain(last.name) != _plain(this.name):
            revised.append(f"名称由「{last.name}」改为「{this.name}」")
        if last.rule != this.rule:
            revised.append(f"计分规则由「{last.rule}」改为「{this.rule}」")
    swing = change is not None and abs(change) >= SWING_INDICATOR_SHARE * item.weight
    return Change(key=item.key, name=name, unit="分", last=a, this=b, change=change, swing=swing, revised=revised)


def _notes(last: Snapshot, this: Snapshot) -> list[str]:
    notes = []
    same_code = last.credit_code and last.credit_code == this.credit_code
    if not same_code and _plain(last.unit_name) != _plain(this.unit_name):
        notes.append(f"两个文件的单位不同：上年「{last.unit_name}」，本年「{this.unit_name}」")
    if last.year is not None and this.year is not None and last.year >= this.year:
        notes.append(f"上年文件的评价年度（{last.year}）不早于本年文件（{this.year}）")
    if last.form != this.form:
        notes.append("一个是第三方评价、一个是自评表：只比较总得分和共有的关键数据，不比较指标")
    elif last.ruleset != this.ruleset:
        how = "代码" if this.form == "report" else "二级指标和名称"
        notes.append(f"规则集不同（上年{last.ruleset}，本年{this.ruleset}）：指标按{how}对应")
    if not (last.complete and this.complete):
        notes.append("有一年的结果未完成：总得分只是已计分指标的合计")
    return notes


def describe_change(change: Change) -> str:
    """``93.56 → 88.10（-5.46分）``, ``532.44 → 798.66（+266.22万元，+50.00%）``, ``2.00（未变）``: for text output."""
    def show(value: Decimal | None) -> str:
        if value is None:
            return "—"
        return f"{fmt2(value)}%" if change.unit == "%" else fmt_points(value) if change.unit == "人" else fmt2(value)

    if change.change is None:
        return f"{show(change.last)} → {show(change.this)}"
    if change.change == 0:
        return f"{show(change.this)}（未变）"
    sign = "+" if change.change > 0 else "-"
    amount = fmt_points(abs(change.change)) if change.unit == "人" else fmt2(abs(change.change))
    unit = "个百分点" if change.unit == "%" else change.unit
    pct = f"，{sign}{fmt2(abs(change.change_pct))}%" if change.change_pct is not None else ""
    return f"{show(change.last)} → {show(change.this)}（{sign}{amount}{unit}{pct}）"

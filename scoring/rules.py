"""The nine rule types. Each turns raw cell values into a score and a Chinese explanation.

Conventions: percentages in rule parameters are percentage points (``threshold_pct = 95``);
a computed rate is rounded half up to 2 decimals of a percent *before* it is compared,
so that every figure in the explanation can be re-checked by hand.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, ClassVar, Literal, Union, get_args

from pydantic import Field, model_validator

from .base import Frozen
from .evidence import (
    EvidenceError,
    parse_count,
    parse_criteria,
    parse_number,
    parse_rate,
    parse_yes_no,
)
from .numbers import HUNDRED, ZERO, fmt2, fmt_money, fmt_points, round2

CIRCLED = [chr(0x2460 + i) for i in range(20)]
MONEY_UNITS = ("元", "万元")
MAX_COMPUTED_RATIO = Decimal(1000)


class Strict(Frozen):
    """Ruleset parameters: unknown keys refused, immutable."""


InputKind = Literal["criteria", "level", "yes_no", "score", "count", "number", "rate", "percent"]
"""What a rule input holds; the workbook maps each kind to a validation and a number format.

criteria: met criteria such as ①②④ · level: one level such as ② · yes_no: 是/否 · score: points
between 0 and the weight · count: a whole number · number: an amount or quantity (unit in
``RuleInput.unit``) · rate: a ratio typed as 95% or 0.95 · percent: percentage points typed as 95.
"""


@dataclass(frozen=True)
class Outcome:
    """A rule's result: ``score`` is None when the rule cannot be applied; ``warnings`` are doubts
    about an input that still gave a score (e.g. a rate far outside its plausible range)."""

    score: Decimal | None
    explanation: str
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rate:
    """A rate in percent (2 decimals), the figures it was computed from, and doubts about it."""

    pct: Decimal
    figures: str
    warnings: tuple[str, ...] = ()

    def outcome(self, score: Decimal, explanation: str) -> Outcome:
        return Outcome(score, explanation, self.warnings)


class MissingInput(Exception):
    """An input the rule needs is empty."""


class InputRef(Strict):
    """An input of a rate as the ruleset declares it; ``source`` binds it to data (e.g. ``accounts.61.final``)."""

    label: str
    unit: str = ""
    source: str | None = None


@dataclass(frozen=True)
class RuleInput:
    """One input cell of a rule: its label, what it holds, its unit and optional data binding."""

    label: str
    kind: InputKind
    unit: str = ""
    source: str | None = None
    choices: tuple[str, ...] = ()  # for a level: the marks a cell offers (①, ②, …)
    hint: str = ""  # for a level: what each choice means

    def show(self, value: Decimal) -> str:
        number = fmt_money(value) if self.unit in MONEY_UNITS else f"{value.normalize():f}"
        return f"{self.label}{number}{self.unit}"


class Criterion(Strict):
    text: str
    points: Decimal = Field(ge=0)


class RateSpec(Strict):
    """How a rate is obtained: typed directly, a/b, or the change (a−b)/b."""

    label: str
    formula: Literal["direct", "ratio", "change"] = "direct"
    unit: Literal["ratio", "percent"] = "ratio"
    inputs: list[InputRef] = Field(min_length=1, max_length=2)
    min_pct: Decimal | None = Field(default=None, description="合理范围下限（百分点）；超出时提示核对")
    max_pct: Decimal | None = Field(default=None, description="合理范围上限（百分点）；超出时提示核对")

    @model_validator(mode="after")
    def _arity(self) -> "RateSpec":
        need = 1 if self.formula == "direct" else 2
        if len(self.inputs) != need:
            raise ValueError(f"比率「{self.label}」的计算方式{self.formula}需要{need}个输入，实际{len(self.inputs)}个")
        if self.min_pct is not None and self.max_pct is not None and self.min_pct > self.max_pct:
            raise ValueError(f"比率「{self.label}」的合理范围下限{self.min_pct}%大于上限{self.max_pct}%")
        return self

    def rule_inputs(self) -> list[RuleInput]:
        if self.formula == "direct":
            kind: InputKind = "rate" if self.unit == "ratio" else "percent"
            return [RuleInput(ref.label, kind, ref.unit, ref.source) for ref in self.inputs]
        return [RuleInput(ref.label, "number", ref.unit, ref.source) for ref in self.inputs]

    def describe(self) -> str:
        """E.g. ``执行率=项目支出决算数÷项目支出全年预算数``."""
        names = [ref.label for ref in self.inputs]
        if self.formula == "ratio":
            return f"{self.label}={names[0]}÷{names[1]}"
        if self.formula == "change":
            return f"{self.label}=({names[0]}−{names[1]})÷{names[1]}"
        return self.label

    def evaluate(self, values: Sequence[object]) -> Rate:
        """The rate in percent (rounded to 2 decimals), the figures behind it, and doubts about it."""
        refs = self.rule_inputs()
        if self.formula == "direct":
            ratio = parse_rate(values[0], self.unit, self.label)
            if ratio is None:
                raise MissingInput(self.inputs[0].label)
            pct = round2(ratio * HUNDRED)
            return Rate(pct, "", self._doubts(pct, values[0]))
        numbers = []
        for ref, value in zip(refs, values):
            number = parse_number(value, ref.label)
            if number is None:
                raise MissingInput(ref.label)
            numbers.append(number)
        top, bottom = numbers
        if bottom == 0:
            raise EvidenceError(f"{self.inputs[1].label}为0，无法计算{self.label}")
        ratio = (top - bottom) / bottom if self.formula == "change" else top / bottom
        if abs(ratio) > MAX_COMPUTED_RATIO:
            raise EvidenceError(f"{self.label}超过{MAX_COMPUTED_RATIO * HUNDRED}%，请核对{self.inputs[0].label}与{self.inputs[1].label}")
        figures = f"{refs[0].show(top)}，{refs[1].show(bottom)}，"
        pct = round2(ratio * HUNDRED)
        return Rate(pct, figures, self._doubts(pct, None))

    def _doubts(self, pct: Decimal, typed: object) -> tuple[str, ...]:
        """A bare 1–10 typed for a ratio (5 read as 500%), and a rate outside its plausible range."""
        doubts = []
        bare = typed is not None and not str(typed).strip().endswith(("%", "％"))
        if bare and self.unit == "ratio" and 100 < pct <= 1000:
            shown = str(typed).strip()
            doubts.append(f"{self.label}填写为「{shown}」，按比例理解为{fmt2(pct)}%；如指{shown}%，请填写「{shown}%」")
        low, high = self.min_pct, self.max_pct
        if (low is not None and pct < low) or (high is not None and pct > high):
            span = f"{fmt_points(low) if low is not None else '−∞'}%～{fmt_points(high) if high is not None else '+∞'}%"
            doubts.append(f"{self.label}{fmt2(pct)}%超出合理范围（{span}），请核对")
        return tuple(doubts)


def _numbered(index: int) -> str:
    return CIRCLED[index] if index < len(CIRCLED) else f"({index + 1})"


def _items(items: Sequence[Criterion]) -> str:
    return " ".join(f"{_numbered(i)}{fmt_points(item.points)}分" for i, item in enumerate(items))


def _points_problems(items: Sequence[Criterion], weight: Decimal) -> list[str]:
    total = sum((item.points for item in items), ZERO)
    if total > weight:
        return [f"各细则分值合计{fmt_points(total)}分，超过指标分值{fmt_points(weight)}分"]
    if total < weight:
        return [f"各细则分值合计{fmt_points(total)}分，少于指标分值{fmt_points(weight)}分"]
    return []


class RuleBase(Strict, ABC):
    """The whole contract of a rule type: its inputs, score, explanation, description and parameter checks.

    A subclass that leaves any abstract method out cannot be instantiated, so a half-added
    rule type fails the test that walks every member of ``Rule``.
    """

    type_name: ClassVar[str]  # Chinese name of the rule type, e.g. 逐项计分

    @abstractmethod
    def inputs(self) -> list[RuleInput]:
        """The input cells, in order (at most two)."""

    @abstractmethod
    def compute(self, values: Sequence[object], weight: Decimal) -> Outcome:
        """Score and explanation from raw cell values; raises MissingInput or EvidenceError."""

    @abstractmethod
    def detail(self, weight: Decimal) -> str:
        """The rule's parameters in words (the part of ``describe`` after the type name)."""

    @abstractmethod
    def problems(self, weight: Decimal) -> list[str]:
        """Parameters that do not fit the indicator's weight (Chinese, empty when consistent)."""

    def describe(self, weight: Decimal) -> str:
        """E.g. ``达标线性扣分：执行率=项目支出决算数÷项目支出全年预算数，不低于95%得满分，…``."""
        return f"{self.type_name}：{self.detail(weight)}"


class RateRule(RuleBase, ABC):
    """A rule scored from one rate (typed, a/b or a change); its parameters never conflict with the weight."""

    rate: RateSpec

    def inputs(self) -> list[RuleInput]:
        return self.rate.rule_inputs()

    def problems(self, weight: Decimal) -> list[str]:
        return []


class ChecklistRule(RuleBase):
    """Score = sum of the points of the criteria met; partial credit per criterion allowed."""

    type: Literal["checklist"]
    type_name: ClassVar[str] = "逐项计分"
    items: list[Criterion] = Field(min_length=1, max_length=20)
    input_label: str = "符合的细则"

    def inputs(self) -> list[RuleInput]:
        return [RuleInput(self.input_label, "criteria")]

    def tally(self, value: object) -> tuple[Decimal, str]:
        chosen = parse_criteria(value, len(self.items), self.input_label)
        if chosen is None:
            raise MissingInput(self.input_label)
        total, met, partial, missed = ZERO, [], [], []
        for number, item in enumerate(self.items, start=1):
            mark = _numbered(number - 1)
            if number not in chosen:
                missed.append(f"{mark}（{fmt_points(item.points)}分）")
                continue
            points = chosen[number]
            if points is None:
                total += item.points
                met.append(mark)
            elif points > item.points:
                raise EvidenceError(f"第{number}条细则部分得分{points}超过该条分值{fmt_points(item.points)}")
            else:
                total += points
                partial.append(f"{mark}部分符合得{fmt_points(points)}分（该条{fmt_points(item.points)}分）")
        parts = []
        if met:
            parts.append("符合" + "".join(met))
        parts.extend(partial)
        if missed:
            parts.append("未符合" + "".join(missed))
        return total, "；".join(parts) if parts else "均不符合"

    def compute(self, values: Sequence[object], weight: Decimal) -> Outcome:
        total, detail = self.tally(values[0])
        score = round2(total)
        return Outcome(score, f"{detail}，得{fmt_points(score)}分")

    def detail(self, weight: Decimal) -> str:
        return _items(self.items)

    def problems(self, weight: Decimal) -> list[str]:
        return _points_problems(self.items, weight)


class LevelRule(RuleBase):
    """Pick one graded level, e.g. 1 / 0.5 / 0."""

    type: Literal["level"]
    type_name: ClassVar[str] = "分档评定"
    levels: list[Criterion] = Field(min_length=2, max_length=20)
    input_label: str = "评定档次"

    def inputs(self) -> list[RuleInput]:
        marks = tuple(_numbered(i) for i in range(len(self.levels)))
        meaning = "；".join(f"{mark}{lv.text}（{fmt_points(lv.points)}分）" for mark, lv in zip(marks, self.levels))
        return [RuleInput(self.input_label, "level", choices=marks, hint=meaning)]

    def compute(self, values: Sequence[object], weight: Decimal) -> Outcome:
        chosen = parse_criteria(values[0], len(self.levels), self.input_label)
        if chosen is None:
            raise MissingInput(self.input_label)
        if len(chosen) != 1 or None not in chosen.values():
            raise EvidenceError(f"{self.input_label}只能选择一个档次，如①")
        number = next(iter(chosen))
        level = self.levels[number - 1]
        return Outcome(round2(level.points), f"评定为{_numbered(number - 1)}{level.text}，得{fmt_points(level.points)}分")

    def detail(self, weight: Decimal) -> str:
        return _items(self.levels) + "，选一档"

    def problems(self, weight: Decimal) -> list[str]:
        top = max(level.points for level in self.levels)
        if top != weight:
            return [f"最高档次分值{fmt_points(top)}分，应等于指标分值{fmt_points(weight)}分"]
        return []


class DiscretionaryRule(RuleBase):
    """The evaluator's judgement between 0 and the weight."""

    type: Literal["discretionary"]
    type_name: ClassVar[str] = "酌情评分"
    input_label: str = "评定得分"

    def inputs(self) -> list[RuleInput]:
        return [RuleInput(self.input_label, "score")]

    def compute(self, values: Sequence[object], weight: Decimal) -> Outcome:
        score = parse_number(values[0], self.input_label, suffixes=("分",))
        if score is None:
            raise MissingInput(self.input_label)
        if not ZERO <= score <= weight:
            raise EvidenceError(f"{self.input_label}{fmt_points(score)}应在0至{fmt_points(weight)}分之间")
        score = round2(score)
        return Outcome(score, f"酌情评分（0-{fmt_points(weight)}分），得{fmt_points(score)}分")

    def detail(self, weight: Decimal) -> str:
        return f"0至{fmt_points(weight)}分"

    def problems(self, weight: Decimal) -> list[str]:
        return []


class ThresholdRule(RateRule):
    """Full marks at the threshold; a linear deduction per percentage point beyond it."""

    type: Literal["threshold"]
    type_name: ClassVar[str] = "达标线性扣分"
    threshold_pct: Decimal
    direction: Literal["at_least", "at_most"] = "at_least"
    deduct_per_point: Decimal = Field(gt=0)

    def compute(self, values: Sequence[object], weight: Decimal) -> Outcome:
        rate = self.rate.evaluate(values)
        pct = rate.pct
        head = f"{rate.figures}{self.rate.label}{fmt2(pct)}%"
        thr = fmt_points(self.threshold_pct)
        gap = self.threshold_pct - pct if self.direction == "at_least" else pct - self.threshold_pct
        ok_word, bad_word = ("不低于", "低于") if self.direction == "at_least" else ("不高于", "高于")
        if gap <= 0:
            return rate.outcome(round2(weight), f"{head}，{ok_word}{thr}%，得满分{fmt_points(weight)}分")
        deduction = round2(gap * self.deduct_per_point)
        score = max(ZERO, round2(weight - deduction))
        tail = f"扣{fmt_points(deduction)}分，得{fmt_points(score)}分" if score > 0 else "扣完为止，得0分"
        return rate.outcome(score, f"{head}，{bad_word}{thr}%共{fmt2(gap)}个百分点，{tail}")

    def detail(self, weight: Decimal) -> str:
        word, gap = ("不低于", "低") if self.direction == "at_least" else ("不高于", "超")
        return (
            f"{self.rate.describe()}，{word}{fmt_points(self.threshold_pct)}%得满分，"
            f"每{gap}1个百分点扣{fmt_points(self.deduct_per_point)}分，扣完为止"
        )


class BandRule(RateRule):
    """Full marks at ``full_at_pct``, zero at ``zero_at_pct``, linear in between."""

    type: Literal["band"]
    type_name: ClassVar[str] = "区间比例"
    full_at_pct: Decimal
    zero_at_pct: Decimal

    @model_validator(mode="after")
    def _distinct(self) -> "BandRule":
        if self.full_at_pct == self.zero_at_pct:
            raise ValueError("区间规则的满分点与零分点不能相同")
        return self

    def compute(self, values: Sequence[object], weight: Decimal) -> Outcome:
        rate = self.rate.evaluate(values)
        pct = rate.pct
        head = f"{rate.figures}{self.rate.label}{fmt2(pct)}%"
        full, zero = self.full_at_pct, self.zero_at_pct
        lower_is_better = full < zero
        ok_word, bad_word = ("不高于", "不低于") if lower_is_better else ("不低于", "不高于")
        if (pct <= full) if lower_is_better else (pct >= full):
            return rate.outcome(round2(weight), f"{head}，{ok_word}{fmt_points(full)}%，得满分{fmt_points(weight)}分")
        if (pct >= zero) if lower_is_better else (pct <= zero):
            return rate.outcome(ZERO, f"{head}，{bad_word}{fmt_points(zero)}%，得0分")
        score = round2(weight * (zero - pct) / (zero - full))
        return rate.outcome(
            score,
            f"{head}，介于{fmt_points(full)}%与{fmt_points(zero)}%之间，"
            f"按比例得{fmt_points(weight)}×({fmt_points(zero)}-{fmt2(pct)})/({fmt_points(zero)}-{fmt_points(full)})"
            f"={fmt_points(score)}分",
        )

    def detail(self, weight: Decimal) -> str:
        return (
            f"{self.rate.describe()}，{fmt_points(self.full_at_pct)}%得满分，"
            f"{fmt_points(self.zero_at_pct)}%得0分，其间按比例"
        )


class CapRule(RateRule):
    """Full marks within the limit, zero beyond it."""

    type: Literal["cap"]
    type_name: ClassVar[str] = "限额"
    limit_pct: Decimal
    direction: Literal["at_least", "at_most"] = "at_most"

    def compute(self, values: Sequence[object], weight: Decimal) -> Outcome:
        rate = self.rate.evaluate(values)
        pct = rate.pct
        head = f"{rate.figures}{self.rate.label}{fmt2(pct)}%"
        limit = fmt_points(self.limit_pct)
        if self.direction == "at_most":
            ok, words = pct <= self.limit_pct, ("不高于", "超过")
        else:
            ok, words = pct >= self.limit_pct, ("不低于", "低于")
        if ok:
            return rate.outcome(round2(weight), f"{head}，{words[0]}{limit}%，得满分{fmt_points(weight)}分")
        return rate.outcome(ZERO, f"{head}，{words[1]}{limit}%，不得分")

    def detail(self, weight: Decimal) -> str:
        word = "不高于" if self.direction == "at_most" else "不低于"
        return f"{self.rate.describe()}，{word}{fmt_points(self.limit_pct)}%得满分，否则0分"


class DeductionRule(RuleBase):
    """Deduct a fixed number of points per item found, never below zero."""

    type: Literal["deduction"]
    type_name: ClassVar[str] = "逐项扣分"
    per_item: Decimal = Field(gt=0)
    input_label: str = "扣分事项数"

    def inputs(self) -> list[RuleInput]:
        return [RuleInput(self.input_label, "count", "项")]

    def compute(self, values: Sequence[object], weight: Decimal) -> Outcome:
        count = parse_count(values[0], self.input_label)
        if count is None:
            raise MissingInput(self.input_label)
        if count == 0:
            return Outcome(round2(weight), f"{self.input_label}0项，得满分{fmt_points(weight)}分")
        deduction = round2(self.per_item * count)
        score = max(ZERO, round2(weight - deduction))
        tail = f"得{fmt_points(score)}分" if score > 0 else "扣完为止，得0分"
        return Outcome(
            score,
            f"{self.input_label}{count}项，每项扣{fmt_points(self.per_item)}分，共扣{fmt_points(deduction)}分，{tail}",
        )

    def detail(self, weight: Decimal) -> str:
        return f"每项扣{fmt_points(self.per_item)}分，扣完为止"

    def problems(self, weight: Decimal) -> list[str]:
        if self.per_item > weight:
            return [f"每项扣分{fmt_points(self.per_item)}分超过指标分值{fmt_points(weight)}分"]
        return []


class VetoRule(RuleBase):
    """A checklist plus a veto condition that zeroes the indicator."""

    type: Literal["veto"]
    type_name: ClassVar[str] = "一票否决"
    items: list[Criterion] = Field(min_length=1, max_length=19)
    veto_text: str
    input_label: str = "符合的细则"

    def inputs(self) -> list[RuleInput]:
        return [RuleInput(self.input_label, "criteria"), RuleInput(f"是否{self.veto_text}", "yes_no")]

    def compute(self, values: Sequence[object], weight: Decimal) -> Outcome:
        vetoed = parse_yes_no(values[1], f"是否{self.veto_text}")
        if vetoed is None:
            raise MissingInput(f"是否{self.veto_text}")
        if vetoed:
            return Outcome(ZERO, f"存在{self.veto_text}，该指标不得分")
        checklist = ChecklistRule(type="checklist", items=self.items, input_label=self.input_label)
        total, detail = checklist.tally(values[0])
        score = round2(total)
        return Outcome(score, f"{detail}；未发现{self.veto_text}，得{fmt_points(score)}分")

    def detail(self, weight: Decimal) -> str:
        return f"{_items(self.items)}；存在{self.veto_text}则不得分"

    def problems(self, weight: Decimal) -> list[str]:
        return _points_problems(self.items, weight)


class ProportionalRule(RateRule):
    """Score = weight × rate, never above the weight nor below zero."""

    type: Literal["proportional"]
    type_name: ClassVar[str] = "按比例"

    def compute(self, values: Sequence[object], weight: Decimal) -> Outcome:
        rate = self.rate.evaluate(values)
        pct = rate.pct
        raw = round2(weight * pct / HUNDRED)
        score = min(weight, max(ZERO, raw))
        note = "（不超过分值）" if raw > weight else ""
        return rate.outcome(
            score,
            f"{rate.figures}{self.rate.label}{fmt2(pct)}%，{fmt_points(weight)}×{fmt2(pct)}%={fmt_points(score)}分{note}",
        )

    def detail(self, weight: Decimal) -> str:
        return f"{fmt_points(weight)}分×{self.rate.describe()}，不超过分值"


Rule = Annotated[
    Union[
        ChecklistRule,
        LevelRule,
        DiscretionaryRule,
        ThresholdRule,
        BandRule,
        CapRule,
        DeductionRule,
        VetoRule,
        ProportionalRule,
    ],
    Field(discriminator="type"),
]

RULE_CLASSES: tuple[type[RuleBase], ...] = get_args(get_args(Rule)[0])
RULE_TYPE_NAMES = {get_args(cls.model_fields["type"].annotation)[0]: cls.type_name for cls in RULE_CLASSES}

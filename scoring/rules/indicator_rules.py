"""The rule types. Each turns raw cell values into a score and a Chinese explanation.

The shared base classes live in ``rule_base`` (re-exported here); the rules of self-evaluation
forms (targets and actual values) in ``target_rules``.
"""
from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Annotated, ClassVar, Literal, Union, get_args

from pydantic import Field, model_validator

from ..common.evidence import EvidenceError, parse_count, parse_criteria, parse_number, parse_yes_no
from ..common.numbers import HUNDRED, ZERO, fmt2, fmt_points, round2
from .rule_base import Criterion, MissingInput, Outcome, RateRule, RuleBase, RuleInput
from .rule_base import Strict as Strict
from .rule_base import InputKind as InputKind  # re-exported
from .rule_base import InputRef as InputRef
from .rule_base import Rate as Rate
from .rule_base import RateSpec as RateSpec
from .target_rules import CoefficientRule, DeadlineRule, QualitativeRule, StepRule, TargetRule, TierRule

CIRCLED = [chr(0x2460 + i) for i in range(20)]


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
        return f"{fmt_points(weight)}分×{self.rate.label}（{self.rate.describe()}），不超过分值"


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
        TargetRule,
        QualitativeRule,
        DeadlineRule,
        CoefficientRule,
        StepRule,
        TierRule,
    ],
    Field(discriminator="type"),
]

RULE_CLASSES: tuple[type[RuleBase], ...] = get_args(get_args(Rule)[0])
RULE_TYPE_NAMES = {get_args(cls.model_fields["type"].annotation)[0]: cls.type_name for cls in RULE_CLASSES}

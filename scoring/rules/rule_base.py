"""What every rule type shares: its base classes, its inputs and outcome, and how a rate is obtained.

Conventions: percentages in rule parameters are percentage points (``threshold_pct = 95``);
a computed rate is rounded half up to 2 decimals of a percent *before* it is compared,
so that every figure in the explanation can be re-checked by hand.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar, Literal

from pydantic import Field, model_validator

from ..common.base import Frozen
from ..common.evidence import EvidenceError, parse_number, parse_rate
from ..common.numbers import HUNDRED, fmt2, fmt_money, fmt_points, round2

MONEY_UNITS = ("元", "万元")
MAX_COMPUTED_RATIO = Decimal(1000)


class Strict(Frozen):
    """Ruleset parameters: unknown keys refused, immutable."""


InputKind = Literal[
    "criteria", "level", "yes_no", "score", "count", "number", "rate", "percent", "target", "actual", "band",
]
"""What a rule input holds; the workbook maps each kind to a validation and a number format.

criteria: met criteria such as ①②④ · level: one level such as ② · yes_no: 是/否 · score: points
between 0 and the weight · count: a whole number · number: an amount or quantity (unit in
``RuleInput.unit``) · rate: a ratio typed as 95% or 0.95 · percent: percentage points typed as 95 ·
target: a 年度指标值 such as ≥50个, ≤90万元, 9月底前 or 达成预期指标 · actual: a 实际完成值 such as
48个, 96%, 9月20日 or 按时完成 · band: a 定性 result, one of ``RuleInput.choices``.
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


class RuleBase(Strict, ABC):
    """The whole contract of a rule type: its inputs, score, explanation, description and parameter checks.

    A subclass that leaves any abstract method out cannot be instantiated, so a half-added
    rule type fails the test that walks every member of ``Rule``.
    """

    type_name: ClassVar[str]  # Chinese name of the rule type, e.g. 逐项计分
    row_only: ClassVar[bool] = False  # three inputs: only a self-evaluation row holds them, not the 指标体系 sheet

    @abstractmethod
    def inputs(self) -> list[RuleInput]:
        """The input cells, in order (at most two; three for a ``row_only`` rule)."""

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

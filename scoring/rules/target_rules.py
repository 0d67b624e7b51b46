"""The rules of self-evaluation forms (自评表): a target against its actual value, 定性 bands, deadlines
and score coefficients; and two rate rules the forms use for fixed indicators (按档扣分, 分档取值).

Row rules read the raw values ``[target, actual, entered]`` of a form row; ``scoring.common.targets``
describes how targets and actual values are read. Scores are rounded half up to 2 decimals.
"""
from __future__ import annotations

import operator
import re
from collections.abc import Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import ClassVar, Literal

from pydantic import Field, model_validator

from ..common.evidence import EvidenceError, parse_number, parse_rate
from ..common.numbers import HUNDRED, ZERO, fmt2, fmt_points, round2
from .rule_base import MissingInput, Outcome, RateRule, RuleBase, RuleInput, Strict
from ..common.targets import DURATION_UNITS, Actual, Target, is_blank, on_time, parse_target, plain, read_actual

TARGET_LABEL = "年度指标值"
ACTUAL_LABEL = "实际完成值"
SCORE_LABEL = "评定得分"
COEFFICIENT_LABEL = "得分系数"
_TARGET_INPUT = RuleInput(TARGET_LABEL, "target")
_ACTUAL_INPUT = RuleInput(ACTUAL_LABEL, "actual")


def _target(value: object) -> Target:
    target = parse_target(value)
    if target is None:
        raise MissingInput(TARGET_LABEL)
    return target


def _actual(value: object, target: Target) -> Actual:
    actual = read_actual(value, target, ACTUAL_LABEL)
    if actual is None:
        raise MissingInput(ACTUAL_LABEL)
    return actual


def _number(target: Target, remedy: str) -> Decimal:
    """The target's number (not negative); EvidenceError naming ``remedy`` for a date, text or a negative target."""
    shown = f"{TARGET_LABEL}“{target.text}”"
    if target.is_date:
        raise EvidenceError(f"{shown}是完成时限，不能按数值比较；请{remedy}")
    if target.strict:
        raise EvidenceError(f"{shown}用了大于或小于，不能按比例计分；请写作如「≥95%」，或{remedy}")
    if target.value is None or target.kind == "text":
        raise EvidenceError(f"{shown}不是数值，不能与{ACTUAL_LABEL}比较；请写作如「≥50个」，或{remedy}")
    if target.value < 0:
        raise EvidenceError(f"{shown}为负数，不能按比例计分；请{remedy}")
    return target.value


def _head(target: Target, actual: Actual) -> str:
    return f"{TARGET_LABEL}{target.text}，{ACTUAL_LABEL}{actual.shown}，"


class TargetRule(RuleBase):
    """A number target against its actual value, as 预算绩效管理 systems score it: 正向, 反向 or 等于."""

    type: Literal["target"]
    type_name: ClassVar[str] = "指标值比较"
    direction: Literal["auto", "higher", "lower", "equal"] = Field(
        default="auto", description="auto 按年度指标值的符号：≥或无符号为正向（higher），≤为反向（lower），=为等于（equal）")

    def inputs(self) -> list[RuleInput]:
        return [_TARGET_INPUT, _ACTUAL_INPUT]

    def compute(self, values: Sequence[object], weight: Decimal) -> Outcome:
        target = _target(values[0])
        goal = _number(target, "改按定性评价或时效计分")
        actual = _actual(values[1], target)
        score, how = self._score(self.direction_of(target), goal, actual.value, weight)
        return Outcome(score, f"{_head(target, actual)}{how}", actual.warnings)

    @staticmethod
    def _score(direction: str, goal: Decimal, done: Decimal, weight: Decimal) -> tuple[Decimal, str]:
        """The score and how it was reached, e.g. ``未达到指标值，得5×48÷50=4.8分``."""
        full = round2(weight), f"达到指标值，得满分{fmt_points(weight)}分"
        if not done.is_finite():
            return ZERO, "未按时完成，得0分"
        if direction == "lower":
            if done <= goal:
                return round2(weight), f"未超过指标值，得满分{fmt_points(weight)}分"
            if goal == 0:
                return ZERO, "超过指标值0，得0分"
            if done >= 2 * goal:
                return ZERO, "达到指标值的2倍及以上，得0分"
            score = round2(weight * (1 - (done - goal) / goal))
            formula = f"{fmt_points(weight)}×(1−({plain(done)}−{plain(goal)})÷{plain(goal)})"
            return score, f"超过指标值，得{formula}={fmt_points(score)}分"
        if direction == "equal" and goal == 0:
            return (round2(weight), f"等于指标值，得满分{fmt_points(weight)}分") if done <= 0 else (ZERO, "不等于指标值0，得0分")
        if done >= goal or goal == 0:
            return full
        if done <= 0:
            return ZERO, "未达到指标值，得0分"
        score = round2(weight * done / goal)
        return score, f"未达到指标值，得{fmt_points(weight)}×{plain(done)}÷{plain(goal)}={fmt_points(score)}分"

    def direction_of(self, target: Target) -> Literal["higher", "lower", "equal"]:
        """auto: ≤ is 反向, = and a bare 0 (0起) are 等于, ≥ and other bare numbers 正向."""
        if self.direction != "auto":
            return self.direction
        if target.op == "<=":
            return "lower"
        return "equal" if target.op == "=" or (target.op is None and target.value == 0) else "higher"

    def detail(self, weight: Decimal) -> str:
        higher = "正向（达到年度指标值得满分，否则得分=分值×实际完成值÷年度指标值）"
        lower = "反向（不超过年度指标值得满分，超出时得分=分值×(1−超出部分÷年度指标值)，达到2倍及以上得0分）"
        equal = "等于（年度指标值为0时实际为0得满分、否则0分；大于0时同正向）"
        if self.direction == "auto":
            return f"≥或无符号为{higher}；≤为{lower}；=或无符号的0为{equal}"
        return {"higher": higher, "lower": lower, "equal": equal}[self.direction]

    def problems(self, weight: Decimal) -> list[str]:
        return []


class Band(Strict):
    """A 定性 result and the share of the weight it can score, in percent."""

    name: str = Field(min_length=1)
    min_pct: Decimal = Field(ge=0, le=100)
    max_pct: Decimal = Field(ge=0, le=100)


def _default_bands() -> list[Band]:
    return [
        Band(name="达成年度指标", min_pct=Decimal(80), max_pct=Decimal(100)),
        Band(name="部分达成并具有一定效果", min_pct=Decimal(60), max_pct=Decimal(80)),
        Band(name="未达成且效果较差", min_pct=Decimal(0), max_pct=Decimal(60)),
    ]


# Short forms of the default band names that a form's 实际完成值 column often holds.
_BAND_SYNONYMS = {
    **dict.fromkeys(("达成", "已达成", "达成预期指标", "达到预期", "达到预期指标", "全部达成"), "达成年度指标"),
    **dict.fromkeys(("部分达成", "基本达成"), "部分达成并具有一定效果"),
    "未达成": "未达成且效果较差",
}
_AFTER_BAND = "：:，,；;。（( "


_NUMBER_START = re.compile(r"[+-]?[0-9]")
_FULL_WIDTH_DIGITS = {code: code - 0xFEE0 for code in range(0xFF10, 0xFF1A)}


class QualitativeRule(RuleBase):
    """定性: the evaluator picks a band and scores within it."""

    type: Literal["qualitative"]
    type_name: ClassVar[str] = "定性评价"
    row_only: ClassVar[bool] = True
    bands: list[Band] = Field(default_factory=_default_bands, min_length=2, max_length=10)

    @model_validator(mode="after")
    def _ordered(self) -> "QualitativeRule":
        names = [band.name for band in self.bands]
        for name in names:
            if names.count(name) > 1:
                raise ValueError(f"定性档次“{name}”重复")
        for band in self.bands:
            if band.min_pct > band.max_pct:
                raise ValueError(f"定性档次“{band.name}”的下限{fmt_points(band.min_pct)}%高于上限{fmt_points(band.max_pct)}%")
        for higher, lower in zip(self.bands, self.bands[1:]):
            if lower.max_pct > higher.min_pct:
                raise ValueError(
                    f"定性档次应从高到低排列、互不重叠：“{lower.name}”的上限{fmt_points(lower.max_pct)}%"
                    f"高于“{higher.name}”的下限{fmt_points(higher.min_pct)}%")
        return self

    def inputs(self) -> list[RuleInput]:
        hint = "；".join(f"{band.name}（{self._pct_span(i)}）" for i, band in enumerate(self.bands))
        return [_TARGET_INPUT, RuleInput(ACTUAL_LABEL, "band", choices=tuple(b.name for b in self.bands), hint=hint),
                RuleInput(SCORE_LABEL, "score")]

    def compute(self, values: Sequence[object], weight: Decimal) -> Outcome:
        index = self._band(values[1])
        score = parse_number(values[2], SCORE_LABEL, suffixes=("分",), example="4.5")
        if score is None:
            raise MissingInput(SCORE_LABEL)
        band, (low, high, open_top) = self.bands[index], self._points(index, weight)
        span, excluded = f"{fmt_points(low)}至{fmt_points(high)}分", f"不含{fmt_points(high)}分" if open_top else ""
        if not (low <= score < high if open_top else low <= score <= high):
            note = f"（{excluded}）" if excluded else ""
            raise EvidenceError(f"评定为“{band.name}”，得分应在{span}之间{note}，填写为{plain(score)}")
        target = parse_target(values[0])
        head = f"{TARGET_LABEL}{target.text}，" if target is not None else ""
        note = f"，{excluded}" if excluded else ""
        return Outcome(round2(score), f"{head}评定为“{band.name}”（{span}{note}），得{fmt_points(score)}分")

    def _band(self, value: object) -> int:
        """The band a 实际完成值 names: a band name or a short form, alone or before an explanation."""
        if is_blank(value):
            raise MissingInput(ACTUAL_LABEL)
        text = str(value).strip()
        names = [band.name for band in self.bands]
        known = {**{name: name for name in names}, **{k: v for k, v in _BAND_SYNONYMS.items() if v in names}}
        for word in sorted(known, key=len, reverse=True):
            if text == word or (text.startswith(word) and text[len(word)] in _AFTER_BAND):
                return names.index(known[word])
        if _NUMBER_START.match(text.translate(_FULL_WIDTH_DIGITS)):  # a figure: the target was meant as a number
            raise EvidenceError(
                f"{ACTUAL_LABEL}“{text[:30]}”是数值，但{TARGET_LABEL}不是可比较的数值（如「≥50个」「≤90万元」）："
                f"请改写{TARGET_LABEL}，或把{ACTUAL_LABEL}写作评定结果（{'、'.join(names)}之一）")
        raise EvidenceError(
            f"{ACTUAL_LABEL}“{text[:30]}”应以评定结果开头：{'、'.join(names)}之一，如「{names[0]}：……」")

    def _open_top(self, index: int) -> bool:
        """A band's top is excluded when it is the bottom of the band above."""
        return index > 0 and self.bands[index].max_pct == self.bands[index - 1].min_pct

    def _points(self, index: int, weight: Decimal) -> tuple[Decimal, Decimal, bool]:
        """A band's point range (rounded half up) and whether its top is excluded."""
        band = self.bands[index]
        return round2(weight * band.min_pct / HUNDRED), round2(weight * band.max_pct / HUNDRED), self._open_top(index)

    def _pct_span(self, index: int) -> str:
        band = self.bands[index]
        return f"{fmt_points(band.min_pct)}%～{fmt_points(band.max_pct)}%" + ("，不含上限" if self._open_top(index) else "")

    def detail(self, weight: Decimal) -> str:
        parts = []
        for index, band in enumerate(self.bands):
            low, high, open_top = self._points(index, weight)
            excluded = f"（不含{fmt_points(high)}分）" if open_top else ""
            parts.append(f"{band.name}{fmt_points(low)}至{fmt_points(high)}分{excluded}")
        return "；".join(parts) + "；在评定的档次内给分"

    def problems(self, weight: Decimal) -> list[str]:
        top = self.bands[0]
        if top.max_pct != HUNDRED:
            return [f"最高档次“{top.name}”的上限为{fmt_points(top.max_pct)}%，得不到满分"]
        return []


class DeadlineRule(RuleBase):
    """时效: finished within the target's date or time limit, or not."""

    type: Literal["deadline"]
    type_name: ClassVar[str] = "时效"
    late_deduction: Decimal | None = Field(default=None, gt=0, description="未按时完成扣的分数；省略则不得分")

    def inputs(self) -> list[RuleInput]:
        return [_TARGET_INPUT, _ACTUAL_INPUT]

    def compute(self, values: Sequence[object], weight: Decimal) -> Outcome:
        target = _target(values[0])
        limit = target.kind == "deadline" or (
            target.kind == "number" and target.unit in DURATION_UNITS and target.op in (None, "<="))
        if target.kind == "number" and not limit:
            raise EvidenceError(f"{TARGET_LABEL}“{target.text}”不是时限，应写作如「9月底前」「2天以内」，或改按指标值比较计分")
        if is_blank(values[1]):
            raise MissingInput(ACTUAL_LABEL)
        timely = on_time(values[1])
        if timely is not None:
            shown = str(values[1]).strip()
        elif target.kind == "text":
            raise EvidenceError(f"{TARGET_LABEL}“{target.text}”没有写明时限，{ACTUAL_LABEL}请填写「按时完成」或「逾期」，"
                                f"或把{TARGET_LABEL}写作如「9月底前」")
        else:
            actual = _actual(values[1], target)
            assert target.value is not None
            timely, shown = actual.value <= target.value, actual.shown
        head = f"{TARGET_LABEL}{target.text}，{ACTUAL_LABEL}{shown}，"
        if timely:
            return Outcome(round2(weight), f"{head}按时完成，得满分{fmt_points(weight)}分")
        if self.late_deduction is None:
            return Outcome(ZERO, f"{head}未按时完成，得0分")
        score = max(ZERO, round2(weight - self.late_deduction))
        tail = f"得{fmt_points(score)}分" if score > 0 else "扣完为止，得0分"
        return Outcome(score, f"{head}未按时完成，扣{fmt_points(self.late_deduction)}分，{tail}")

    def detail(self, weight: Decimal) -> str:
        late = "不得分" if self.late_deduction is None else f"扣{fmt_points(self.late_deduction)}分"
        return f"在年度指标值的时限内完成得满分，未按时完成{late}"

    def problems(self, weight: Decimal) -> list[str]:
        return []


class CoefficientRule(RuleBase):
    """得分系数 × 指标权重: the coefficient as entered, else computed from the target and actual value."""

    type: Literal["coefficient"]
    type_name: ClassVar[str] = "得分系数"
    row_only: ClassVar[bool] = True

    def inputs(self) -> list[RuleInput]:
        return [_TARGET_INPUT, _ACTUAL_INPUT, RuleInput(COEFFICIENT_LABEL, "rate")]

    def compute(self, values: Sequence[object], weight: Decimal) -> Outcome:
        entered = parse_rate(values[2], "ratio", COEFFICIENT_LABEL)
        if entered is not None:
            pct = entered * HUNDRED
            if not ZERO <= entered <= 1:
                raise EvidenceError(f"{COEFFICIENT_LABEL}{plain(pct)}%应在0至100%之间，如95%或0.95")
            score = round2(weight * entered)
            return Outcome(score, f"{COEFFICIENT_LABEL}{plain(pct)}%，得{fmt_points(weight)}×{plain(pct)}%={fmt_points(score)}分")
        target = _target(values[0])
        goal = _number(target, f"直接填写{COEFFICIENT_LABEL}，如95%")
        actual = _actual(values[1], target)
        head, done = _head(target, actual) + f"未填写{COEFFICIENT_LABEL}，", actual.value
        lower = target.op == "<="
        if not done.is_finite():
            return Outcome(ZERO, f"{head}未按时完成，系数0%，得0分", actual.warnings)
        if (done <= goal) if lower else (done >= goal or goal == 0):
            return Outcome(round2(weight), f"{head}达到指标值，系数100%，得满分{fmt_points(weight)}分", actual.warnings)
        if lower:
            formula, pct = f"按年度指标值÷实际完成值计算：{plain(goal)}÷{plain(done)}", round2(goal / done * HUNDRED)
        else:
            formula, pct = f"按实际完成值÷年度指标值计算：{plain(done)}÷{plain(goal)}", max(ZERO, round2(done / goal * HUNDRED))
        score = round2(weight * pct / HUNDRED)
        return Outcome(score, f"{head}{formula}={fmt2(pct)}%，得{fmt_points(weight)}×{fmt2(pct)}%={fmt_points(score)}分",
                       actual.warnings)

    def detail(self, weight: Decimal) -> str:
        return (f"得分=分值×{COEFFICIENT_LABEL}（0至100%）；未填写时按实际完成值÷年度指标值计算"
                "（年度指标值为≤时按年度指标值÷实际完成值），不超过100%")

    def problems(self, weight: Decimal) -> list[str]:
        return []


_SHORTFALL_WORDS = {"at_least": ("不低于", "低于", "低"), "at_most": ("不高于", "高于", "超")}


class StepRule(RateRule):
    """Full marks at the threshold; a fixed deduction per step of percentage points beyond it."""

    type: Literal["step"]
    type_name: ClassVar[str] = "按档扣分"
    threshold_pct: Decimal
    direction: Literal["at_least", "at_most"] = "at_least"
    step_pct: Decimal = Field(gt=0)
    deduct_per_step: Decimal = Field(gt=0)
    partial: Literal["whole", "ignore", "pro_rata"] = Field(
        description="不足一档的部分：whole 按一档扣，ignore 不扣，pro_rata 按比例扣")

    def compute(self, values: Sequence[object], weight: Decimal) -> Outcome:
        rate = self.rate.evaluate(values)
        pct = rate.pct
        head = f"{rate.figures}{self.rate.label}{fmt2(pct)}%"
        ok_word, bad_word, _ = _SHORTFALL_WORDS[self.direction]
        thr, step, per = fmt_points(self.threshold_pct), fmt_points(self.step_pct), fmt_points(self.deduct_per_step)
        gap = self.threshold_pct - pct if self.direction == "at_least" else pct - self.threshold_pct
        if gap <= 0:
            return rate.outcome(round2(weight), f"{head}，{ok_word}{thr}%，得满分{fmt_points(weight)}分")
        head = f"{head}，{bad_word}{thr}%共{fmt2(gap)}个百分点，每{step}个百分点扣{per}分"
        if self.partial == "pro_rata":
            deduction = round2(gap * self.deduct_per_step / self.step_pct)
            how = f"不足一档按比例扣，扣{fmt2(gap)}÷{step}×{per}={fmt_points(deduction)}分"
        else:
            steps = (gap / self.step_pct).to_integral_value(ROUND_CEILING if self.partial == "whole" else ROUND_FLOOR)
            deduction = round2(steps * self.deduct_per_step)
            rest = "不足一档按一档计" if self.partial == "whole" else "不足一档的部分不扣分"
            how = f"{rest}，计{int(steps)}档，扣{fmt_points(deduction)}分"
        score = max(ZERO, round2(weight - deduction))
        tail = f"得{fmt_points(score)}分" if score > 0 else "扣完为止，得0分"
        return rate.outcome(score, f"{head}，{how}，{tail}")

    def detail(self, weight: Decimal) -> str:
        ok_word, _, gap_word = _SHORTFALL_WORDS[self.direction]
        step = fmt_points(self.step_pct)
        rest = {"whole": f"不足{step}个百分点按一档计", "ignore": f"不足{step}个百分点不扣分",
                "pro_rata": f"不足{step}个百分点按比例扣"}[self.partial]
        return (f"{self.rate.describe()}，{ok_word}{fmt_points(self.threshold_pct)}%得满分，"
                f"每{gap_word}{step}个百分点扣{fmt_points(self.deduct_per_step)}分（{rest}），扣完为止")


_SYMBOLS = {"=": "=", "<=": "≤", "<": "<", ">=": "≥", ">": ">"}
_COMPARE = {"=": operator.eq, "<=": operator.le, "<": operator.lt, ">=": operator.ge, ">": operator.gt}


class Tier(Strict):
    """One tier: the rate compared with ``pct`` by ``op`` gives ``points``."""

    op: Literal["=", "<=", "<", ">=", ">"]
    pct: Decimal
    points: Decimal = Field(ge=0)

    def matches(self, pct: Decimal) -> bool:
        return bool(_COMPARE[self.op](pct, self.pct))

    def show(self) -> str:
        return f"{_SYMBOLS[self.op]}{fmt_points(self.pct)}%"


class TierRule(RateRule):
    """Points by the first tier the rate falls in; ``otherwise_points`` when none."""

    type: Literal["tiers"]
    type_name: ClassVar[str] = "分档取值"
    tiers: list[Tier] = Field(min_length=1, max_length=20)
    otherwise_points: Decimal = Field(ge=0)

    def compute(self, values: Sequence[object], weight: Decimal) -> Outcome:
        rate = self.rate.evaluate(values)
        head = f"{rate.figures}{self.rate.label}{fmt2(rate.pct)}%"
        for tier in self.tiers:
            if tier.matches(rate.pct):
                return rate.outcome(round2(tier.points), f"{head}，{tier.show()}，得{fmt_points(tier.points)}分")
        return rate.outcome(round2(self.otherwise_points), f"{head}，不在所列各档内，得{fmt_points(self.otherwise_points)}分")

    def detail(self, weight: Decimal) -> str:
        tiers = "，".join(f"{tier.show()}得{fmt_points(tier.points)}分" for tier in self.tiers)
        return f"{self.rate.describe()}，{tiers}，其他得{fmt_points(self.otherwise_points)}分（按顺序取第一个符合的档）"

    def problems(self, weight: Decimal) -> list[str]:
        top = max([tier.points for tier in self.tiers] + [self.otherwise_points])
        if top != weight:
            return [f"最高档分值{fmt_points(top)}分，应等于指标分值{fmt_points(weight)}分"]
        return []

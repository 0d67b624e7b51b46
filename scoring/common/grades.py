"""Grades per 财预〔2020〕10号: 优 ≥ 90%, 良 80%–<90%, 中 60%–<80%, 差 < 60% of the total weight.

A band's minimum is a percentage of the ruleset's total weight (``min_pct``, the default) or an
absolute score (``min``); all bands of one ruleset use the same kind.
"""
from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from pydantic import Field, model_validator

from .base import Frozen
from .numbers import HUNDRED, fmt_points


class GradeBand(Frozen):

    name: str = Field(min_length=1)
    min_pct: Decimal | None = Field(default=None, ge=0, le=100)
    min: Decimal | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _one_minimum(self) -> GradeBand:
        if (self.min_pct is None) == (self.min is None):
            raise ValueError(f"等级「{self.name}」的下限须填写 min_pct（占总分的百分比）或 min（分数）中的一项")
        return self

    @property
    def in_points(self) -> bool:
        """True when the minimum is an absolute score (``min``), not a share of the total."""
        return self.min is not None

    def minimum(self, total_weight: Decimal) -> Decimal:
        """The lowest total earning this grade in a ruleset of ``total_weight`` points."""
        if self.min_pct is None:
            return self.min or Decimal(0)
        return total_weight * self.min_pct / HUNDRED


DEFAULT_GRADES = (
    GradeBand(name="优", min_pct=Decimal(90)),
    GradeBand(name="良", min_pct=Decimal(80)),
    GradeBand(name="中", min_pct=Decimal(60)),
    GradeBand(name="差", min_pct=Decimal(0)),
)


def check_bands(bands: Sequence[GradeBand]) -> None:
    """One kind of minimum, running from the highest down to 0, each minimum distinct."""
    if len({band.in_points for band in bands}) > 1:
        raise ValueError("各等级的下限须统一用 min_pct（占总分的百分比）或统一用 min（分数）填写")
    minimums = [band.minimum(HUNDRED) for band in bands]  # the order is the same under any total
    if not bands or minimums != sorted(set(minimums), reverse=True) or minimums[-1] != 0:
        raise ValueError("等级区间须按下限从高到低排列、下限互不相同，且最后一级下限为0")


def grade_for(total: Decimal, bands: Sequence[GradeBand] = DEFAULT_GRADES, total_weight: Decimal = HUNDRED) -> str:
    """The first grade (bands sorted high → low) whose minimum the total reaches."""
    for band in bands:
        if total >= band.minimum(total_weight):
            return band.name
    return bands[-1].name


def unreachable_bands_warning(bands: Sequence[GradeBand], total_weight: Decimal) -> str | None:
    """A warning when absolute minimums exceed the total (a 100-point band list copied into a smaller ruleset)."""
    over = [band for band in bands if band.in_points and band.minimum(total_weight) > total_weight]
    if not over:
        return None
    names = "、".join(f"{band.name}（min = {fmt_points(band.minimum(total_weight))}）" for band in over)
    return (
        f"等级{names}的下限是绝对分数，超过总分{fmt_points(total_weight)}分，永远评不到；"
        "按总分比例划分等级请改用 min_pct（如 min_pct = 90 即总分的90%）"
    )


INCOMPLETE = "未完成"  # shown where a grade would be while any indicator is unscored

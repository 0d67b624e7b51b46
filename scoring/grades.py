"""Grades per 财预〔2020〕10号: 优 ≥ 90, 良 80–<90, 中 60–<80, 差 < 60."""
from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from .base import Frozen


class GradeBand(Frozen):

    name: str = Field(min_length=1)
    min: Decimal = Field(ge=0)


DEFAULT_GRADES = (
    GradeBand(name="优", min=Decimal(90)),
    GradeBand(name="良", min=Decimal(80)),
    GradeBand(name="中", min=Decimal(60)),
    GradeBand(name="差", min=Decimal(0)),
)


def check_bands(bands: tuple[GradeBand, ...] | list[GradeBand]) -> None:
    """Bands must run from the highest minimum down to 0, each minimum distinct."""
    minimums = [band.min for band in bands]
    if not bands or minimums != sorted(set(minimums), reverse=True) or minimums[-1] != 0:
        raise ValueError("等级区间须按下限从高到低排列、下限互不相同，且最后一级下限为0")


def grade_for(total: Decimal, bands: tuple[GradeBand, ...] | list[GradeBand] = DEFAULT_GRADES) -> str:
    """The grade whose minimum the total reaches (bands sorted high → low)."""
    for band in bands:
        if total >= band.min:
            return band.name
    return bands[-1].name

from decimal import Decimal

import pytest

from scoring import fmt2, fmt_money, fmt_points, round2
from scoring.grades import DEFAULT_GRADES, GradeBand, check_bands, grade_for
from scoring.numbers import to_wan


@pytest.mark.parametrize(
    "value, expected",
    [("2.675", "2.68"), ("98.675", "98.68"), ("2.665", "2.67"), ("0.125", "0.13"), ("-0.125", "-0.13"), ("93.555", "93.56")],
)
def test_round_half_up(value, expected):
    # Python's round(2.675, 2) gives 2.67 (binary float) and round(0.125, 2) gives 0.12 (banker's).
    assert round2(Decimal(value)) == Decimal(expected)


def test_formats():
    assert fmt2(Decimal("91.8")) == "91.80"
    assert fmt_points(Decimal("4.00")) == "4"
    assert fmt_points(Decimal("0.50")) == "0.5"
    assert fmt_money(Decimal("4228106.35")) == "4,228,106.35"
    assert to_wan(Decimal("5324401.58")) == Decimal("532.44")


@pytest.mark.parametrize(
    "total, grade",
    [("59.99", "差"), ("60", "中"), ("79.99", "中"), ("80", "良"), ("89.99", "良"), ("90", "优"), ("100", "优"), ("0", "差")],
)
def test_grade_boundaries(total, grade):
    assert grade_for(Decimal(total), DEFAULT_GRADES) == grade


def test_custom_bands_and_validation():
    bands = (GradeBand(name="A", min=Decimal(85)), GradeBand(name="B", min=Decimal(0)))
    assert grade_for(Decimal("84.99"), bands) == "B"
    assert grade_for(Decimal("85"), bands) == "A"
    with pytest.raises(ValueError, match="从高到低"):
        check_bands((GradeBand(name="B", min=Decimal(0)), GradeBand(name="A", min=Decimal(85))))
    with pytest.raises(ValueError, match="下限为0"):
        check_bands((GradeBand(name="A", min=Decimal(85)),))

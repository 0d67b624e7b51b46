from decimal import Decimal

import pytest
from pydantic import ValidationError

from scoring import fmt2, fmt_money, fmt_points, round2
from scoring.common.grades import DEFAULT_GRADES, GradeBand, check_bands, grade_for, unreachable_bands_warning
from scoring.common.numbers import to_wan


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


@pytest.mark.parametrize(
    "total, grade",
    [("10", "优"), ("9", "优"), ("8.99", "良"), ("8", "良"), ("7.99", "中"), ("6", "中"), ("5.99", "差"), ("0", "差")],
)
def test_default_bands_are_shares_of_the_total_weight(total, grade):
    assert grade_for(Decimal(total), DEFAULT_GRADES, Decimal(10)) == grade


def test_absolute_bands_ignore_the_total_weight():
    bands = (GradeBand(name="合格", min=Decimal(6)), GradeBand(name="不合格", min=Decimal(0)))
    assert grade_for(Decimal(6), bands, Decimal(10)) == grade_for(Decimal(6), bands, Decimal(50)) == "合格"
    assert grade_for(Decimal("5.99"), bands, Decimal(10)) == "不合格"


def test_a_band_states_exactly_one_kind_of_minimum_and_a_ruleset_one_kind_for_all():
    with pytest.raises(ValidationError, match="min_pct（占总分的百分比）或 min（分数）中的一项"):
        GradeBand(name="优", min=Decimal(90), min_pct=Decimal(90))
    with pytest.raises(ValidationError, match="中的一项"):
        GradeBand(name="优")
    with pytest.raises(ValidationError):
        GradeBand(name="优", min_pct=Decimal(101))
    with pytest.raises(ValueError, match="统一用 min_pct"):
        check_bands((GradeBand(name="优", min_pct=Decimal(90)), GradeBand(name="差", min=Decimal(0))))


def test_warning_when_absolute_minimums_exceed_the_total():
    bands = tuple(GradeBand(name=b.name, min=b.minimum(Decimal(100))) for b in DEFAULT_GRADES)
    warning = unreachable_bands_warning(bands, Decimal(10))
    assert warning and warning.startswith("等级优（min = 90）、良（min = 80）、中（min = 60）的下限是绝对分数，超过总分10分")
    assert unreachable_bands_warning(bands, Decimal(100)) is None
    assert unreachable_bands_warning(DEFAULT_GRADES, Decimal(10)) is None

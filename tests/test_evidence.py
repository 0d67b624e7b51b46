"""Evidence parsing: what people really type into cells."""
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring import EvidenceError, parse_count, parse_number, parse_rate, parse_yes_no
from scoring.common.evidence import parse_criteria

D = Decimal


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("4,228,106.35", D("4228106.35")), ("４，２２８，１０６．３５", D("4228106.35")), (" 12 ", D(12)),
        (5220840.38, D("5220840.38")), (0.1 + 0.2, D("0.3")), (7, D(7)), ("-3.5", D("-3.5")),
        ("", None), (None, None), ("—", None), ("-", None), ("－", None), ("/", None),
    ],
)
def test_numbers(raw, expected):
    assert parse_number(raw) == expected


@pytest.mark.parametrize("raw", ["1,2345", "12,34.5", "abc", "1.2.3", "①", True, float("nan"), "1e5", "12元"])
def test_bad_numbers_name_the_value(raw):
    with pytest.raises(EvidenceError, match="「"):
        parse_number(raw)


def test_score_suffix_only_where_allowed():
    assert parse_number("1.8分", suffixes=("分",)) == D("1.8")


@pytest.mark.parametrize(
    "raw, unit, ratio",
    [("95%", "ratio", D("0.95")), ("95％", "percent", D("0.95")), (0.95, "ratio", D("0.95")), ("95", "percent", D("0.95")),
     ("0.95", "ratio", D("0.95")), ("91.8%", "ratio", D("0.918")), ("", "ratio", None)],
)
def test_rates_follow_the_declared_unit(raw, unit, ratio):
    assert parse_rate(raw, unit) == ratio


def test_rate_95_as_ratio_is_rejected_not_guessed():
    with pytest.raises(EvidenceError, match="9500%"):
        parse_rate(95, "ratio", "执行率")


@pytest.mark.parametrize("raw, expected", [("3", 3), ("2项", 2), (0, 0), (2.0, 2), ("", None)])
def test_counts(raw, expected):
    assert parse_count(raw) == expected


@pytest.mark.parametrize("raw", ["-1", "2.5", "两项"])
def test_bad_counts(raw):
    with pytest.raises(EvidenceError):
        parse_count(raw)


@pytest.mark.parametrize(
    "raw, expected",
    [("是", True), ("否", False), ("有", True), ("无", False), ("Y", True), ("n", False), ("√", True), ("×", False),
     (True, True), (0, False), ("", None)],
)
def test_yes_no(raw, expected):
    assert parse_yes_no(raw) is expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("①②④", {1: None, 2: None, 4: None}),
        ("1,2,4", {1: None, 2: None, 4: None}),
        ("1、2、4", {1: None, 2: None, 4: None}),
        ("１，２", {1: None, 2: None}),
        ("①②③=0.7", {1: None, 2: None, 3: D("0.7")}),
        ("③（0.7）", {3: D("0.7")}),
        ("全部", {1: None, 2: None, 3: None, 4: None}),
        ("无", {}),
        (2.0, {2: None}),
        ("", None),
    ],
)
def test_criteria(raw, expected):
    assert parse_criteria(raw, 4) == expected


@pytest.mark.parametrize("raw, message", [("⑤", "第5条细则不存在"), ("①①", "重复"), ("124", "第124条"), ("a", "无法识别"), (1.5, "无法识别")])
def test_bad_criteria(raw, message):
    with pytest.raises(EvidenceError, match=message):
        parse_criteria(raw, 4)


CELL_TEXT = st.text(alphabet="0123456789.,%％，－-—①②③④⑤=()（）、 是否无abc元分项１２", max_size=12)
CELL = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True), CELL_TEXT, st.text(max_size=8),
)


@given(CELL)
def test_parsers_only_raise_evidence_error(value):
    for parse in (parse_number, parse_rate, parse_count, parse_yes_no, lambda v: parse_criteria(v, 4)):
        try:
            parse(value)
        except EvidenceError as exc:
            assert str(exc)  # a Chinese message, never empty


@given(st.decimals(min_value=-10**12, max_value=10**12, places=2))
def test_number_text_round_trip(number):
    assert parse_number(f"{number:,.2f}") == number

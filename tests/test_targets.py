"""Targets (年度指标值) and actual values (实际完成值) of self-evaluation forms, read as the forms write them."""
import datetime as dt
from decimal import Decimal

import pytest

from scoring import EvidenceError, parse_actual, parse_target
from scoring.common.targets import LATE, on_time, read_actual

D = Decimal


@pytest.mark.parametrize("text, kind, op, value, unit", [
    ("≥50个", "number", ">=", "50", "个"),
    ("≤90万元", "number", "<=", "90", "万元"),
    ("=100%", "number", "=", "100", "%"),
    ("≥95%", "number", ">=", "95", "%"),
    ("100%", "number", None, "100", "%"),
    ("50个", "number", None, "50", "个"),
    ("0起", "number", None, "0", "起"),
    ("＞=95%", "number", ">=", "95", "%"),
    (">=95%", "number", ">=", "95", "%"),
    ("不低于95%", "number", ">=", "95", "%"),
    ("不少于3次", "number", ">=", "3", "次"),
    ("大于等于3次", "number", ">=", "3", "次"),
    ("至少3次", "number", ">=", "3", "次"),
    ("95%以上", "number", ">=", "95", "%"),
    ("≤5%", "number", "<=", "5", "%"),
    ("<=5%", "number", "<=", "5", "%"),
    ("不高于5%", "number", "<=", "5", "%"),
    ("不超过10万元", "number", "<=", "10", "万元"),
    ("不多于3个", "number", "<=", "3", "个"),
    ("小于等于3个", "number", "<=", "3", "个"),
    ("10个以下", "number", "<=", "10", "个"),
    ("10个以内", "number", "<=", "10", "个"),
    ("＝100%", "number", "=", "100", "%"),
    ("等于100%", "number", "=", "100", "%"),
    ("≥ ５０ 个", "number", ">=", "50", "个"),
    ("≥1,000人次", "number", ">=", "1000", "人次"),
    ("≥3.5亿元", "number", ">=", "3.5", "亿元"),
    ("2天", "number", None, "2", "天"),
    ("9月底前", "deadline", "<=", "930", "日期"),
    ("9月30日前", "deadline", "<=", "930", "日期"),
    ("12月31日之前", "deadline", "<=", "1231", "日期"),
    ("2024年9月底前", "deadline", "<=", "20240930", "日期"),
    ("2024-09-30前", "deadline", "<=", "20240930", "日期"),
    ("九月底前完成", "deadline", "<=", "930", "日期"),
    ("第三季度末前", "deadline", "<=", "930", "日期"),
    ("上半年", "deadline", "<=", "630", "日期"),
    ("年底前", "deadline", "<=", "1231", "日期"),
    ("2月底前", "deadline", "<=", "229", "日期"),  # no year: the latest possible end of February
    ("2天以内", "deadline", "<=", "2", "天"),
    ("2个工作日内", "deadline", "<=", "2", "天"),
    ("≤2天", "deadline", "<=", "2", "天"),
    ("24小时内", "deadline", "<=", "24", "小时"),
])
def test_targets_as_forms_write_them(text, kind, op, value, unit):
    target = parse_target(text)
    assert (target.kind, target.op, target.value, target.unit) == (kind, op, D(value), unit)
    assert target.text == text.strip()


@pytest.mark.parametrize("text", ["达成预期指标", "有所提升", "按时完成", "及时", "50个左右", "≥95%左右", "1,2345个",
                                  "9月31日前"])
def test_qualitative_and_unreadable_targets_are_text(text):
    target = parse_target(text)
    assert (target.kind, target.op, target.value, target.unit) == ("text", None, None, "")


@pytest.mark.parametrize("text", [">95%", "＞95%", "<5天", "大于50个", "超过90%"])
def test_strict_operators_are_text_that_says_so(text):
    target = parse_target(text)
    assert target.kind == "text" and target.strict


def test_blank_targets_and_cells_that_are_not_text():
    assert [parse_target(v) for v in (None, "", "  ", "—")] == [None] * 4
    assert parse_target(50).value == 50 and parse_target(50).op is None
    date = parse_target(dt.date(2024, 9, 30))
    assert (date.kind, date.value, date.unit) == ("deadline", D(20240930), "日期")
    assert parse_target(True).kind == "text"


@pytest.mark.parametrize("actual, expected", [("96%", "96"), ("96", "96"), (0.96, "96"), (D("0.96"), "96"), (1, "100"),
                                              (96, "96"), (D("1.5"), "1.5"), ("0.96", "0.96")])
def test_percent_conventions(actual, expected):
    assert parse_actual(actual, parse_target("≥95%")) == D(expected)


@pytest.mark.parametrize("target, actual, expected", [
    ("≤90万元", "950,000元", "95"),
    ("≤90万元", "95", "95"),
    ("≤90万元", "95万元", "95"),
    ("≥950000元", "95万元", "950000"),
    ("≥3.5亿元", "35000万元", "3.5"),
    ("≥50个", "４８个", "48"),
    ("≥50个", 48, "48"),
    ("≥5万人次", "52000人次", "5.2"),
    ("≤2天", "1.5天", "1.5"),
    ("2个工作日内", "3", "3"),
])
def test_units_are_converted_exactly(target, actual, expected):
    assert parse_actual(actual, parse_target(target)) == D(expected)


def test_a_converted_actual_shows_both_figures():
    assert read_actual("950,000元", parse_target("≤90万元")).shown == "95万元（950000元）"


def test_a_different_unit_names_both_units():
    with pytest.raises(EvidenceError) as err:
        parse_actual("48人", parse_target("≥50个"))
    assert str(err.value) == "实际完成值的单位“人”与年度指标值的单位“个”不同，应填写如「48个」"
    with pytest.raises(EvidenceError, match="单位“小时”与年度指标值的单位“天”不同"):
        parse_actual("36小时", parse_target("2天以内"))


def test_actuals_that_cannot_be_compared():
    with pytest.raises(EvidenceError, match="“很多”不是数值，应填写如「50个」"):
        parse_actual("很多", parse_target("≥50个"))
    with pytest.raises(EvidenceError, match="不是数值或时限"):
        parse_actual("48", parse_target("达成预期指标"))
    assert parse_actual(None, parse_target("≥50个")) is None and parse_actual("  ", parse_target("≥50个")) is None


@pytest.mark.parametrize("actual, expected", [
    (dt.datetime(2024, 9, 20), "920"), (dt.date(2024, 9, 20), "920"), ("2024-09-20", "920"),
    ("2024-09-20T00:00:00", "920"), ("2024年9月20日", "920"), ("9月20日", "920"), ("9月", "930"), ("9月底", "930"),
    ("8月完成", "831"), ("已于9月中旬完成", "920"), ("10月15日", "1015"),
])
def test_date_actuals(actual, expected):
    assert parse_actual(actual, parse_target("9月底前")) == D(expected)


def test_years_are_compared_when_the_target_states_one():
    target = parse_target("2024年12月31日前")
    assert parse_actual("12月20日", target) == D(20241220)
    assert parse_actual(dt.date(2025, 1, 5), target) == D(20250105)
    assert read_actual("12月20日", target).shown == "2024年12月20日"


@pytest.mark.parametrize("word", ["按时完成", "已按时完成", "是", "提前完成"])
def test_on_time_words_meet_the_deadline(word):
    assert parse_actual(word, parse_target("9月底前")) == D(930)
    assert parse_actual(word, parse_target("2天以内")) == D(2)


@pytest.mark.parametrize("word", ["未按时完成", "逾期", "未完成", "否"])
def test_late_words_are_later_than_any_deadline(word):
    assert parse_actual(word, parse_target("9月底前")) == LATE
    assert on_time(word) is False


@pytest.mark.parametrize("actual", [45565, "9月31日", "下个月", "按时完成了吧"])
def test_a_date_target_needs_a_date(actual):
    with pytest.raises(EvidenceError, match="不是日期，应填写如「9月20日」"):
        parse_actual(actual, parse_target("9月底前"))


def test_on_time_words_only_for_deadlines():
    assert on_time("按时完成") is True and on_time("9月20日") is None and on_time(None) is None
    with pytest.raises(EvidenceError, match="不是数值"):
        parse_actual("按时完成", parse_target("≥50个"))

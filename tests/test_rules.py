"""The nine rule types, their explanations, overrides, and properties over arbitrary input."""
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import Indicator, load_ruleset
from scoring.rules.indicator_score import score_indicator
from scoring.rules.indicator_rules import (
    BandRule, CapRule, ChecklistRule, DeductionRule, DiscretionaryRule, LevelRule, ProportionalRule, ThresholdRule, VetoRule,
)

D = Decimal
RATIO = {"label": "执行率", "formula": "ratio", "inputs": [{"label": "决算数", "unit": "元"}, {"label": "预算数", "unit": "元"}]}
DIRECT = {"label": "实现程度", "inputs": [{"label": "实现程度"}]}


def ind(rule, weight="4"):
    return Indicator(code="X1", parent="X", name="测试", weight=D(weight), rule=rule)


def test_threshold_deduction_matches_the_hand_calculation():
    rule = ThresholdRule(type="threshold", rate=RATIO, threshold_pct=D(95), deduct_per_point=D("0.2"))
    result = score_indicator(ind(rule), ["918", "1000"])
    assert result.score == D("3.36")
    assert result.explanation.endswith("执行率91.80%，低于95%共3.20个百分点，扣0.64分，得3.36分")
    full = score_indicator(ind(rule), ["1000", "1000"])
    assert full.explanation.endswith("执行率100.00%，不低于95%，得满分4分")
    floor = score_indicator(ind(rule), ["1", "1000"])
    assert floor.score == 0 and "扣完为止" in floor.explanation


def test_threshold_at_most():
    rule = ThresholdRule(type="threshold", rate=RATIO, threshold_pct=D(100), direction="at_most", deduct_per_point=D("0.5"))
    assert score_indicator(ind(rule, "5"), ["30", "28"]).score == D("1.43")  # 107.14%: 7.14 × 0.5 = 3.57 off 5


def test_band_linear_between():
    rule = BandRule(type="band", rate=RATIO, full_at_pct=D(100), zero_at_pct=D(120))
    assert score_indicator(ind(rule, "1"), ["110", "100"]).score == D("0.5")
    assert score_indicator(ind(rule, "1"), ["2.40", "2.62"]).score == D(1)
    assert score_indicator(ind(rule, "1"), ["121", "100"]).score == D(0)


def test_cap():
    rule = CapRule(type="cap", rate=RATIO, limit_pct=D(100))
    assert score_indicator(ind(rule, "1"), ["28", "28"]).score == D(1)
    over = score_indicator(ind(rule, "1"), ["29", "28"])
    assert over.score == 0 and "超过100%，不得分" in over.explanation


def test_proportional_never_above_weight():
    rule = ProportionalRule(type="proportional", rate=DIRECT)
    assert score_indicator(ind(rule, "18"), ["91.67%"]).score == D("16.5")
    assert score_indicator(ind(rule, "9"), ["120%"]).score == D(9)


def test_deduction_per_item_floor_zero():
    rule = DeductionRule(type="deduction", per_item=D(1))
    assert score_indicator(ind(rule, "3"), ["1"]).score == D(2)
    assert score_indicator(ind(rule, "3"), ["5"]).score == D(0)


def test_checklist_partial_credit():
    rule = ChecklistRule(type="checklist", items=[{"text": "甲", "points": 1}, {"text": "乙", "points": 1}, {"text": "丙", "points": 1}])
    result = score_indicator(ind(rule, "3"), ["①②③=0.7"])
    assert result.score == D("2.7")
    assert "③部分符合得0.7分（该条1分）" in result.explanation
    too_much = score_indicator(ind(rule, "3"), ["③=1.5"])
    assert too_much.score is None and "超过该条分值" in too_much.error


def test_level_and_discretionary():
    level = LevelRule(type="level", levels=[{"text": "明确", "points": 1}, {"text": "一般", "points": 0.5}, {"text": "不清", "points": 0}])
    assert score_indicator(ind(level, "1"), ["②"]).score == D("0.5")
    assert score_indicator(ind(level, "1"), ["①②"]).error
    disc = DiscretionaryRule(type="discretionary")
    assert score_indicator(ind(disc, "2"), ["1.8分"]).score == D("1.8")
    assert "应在0至2分之间" in score_indicator(ind(disc, "2"), ["2.5"]).error


def test_veto():
    rule = VetoRule(type="veto", veto_text="截留、挤占、挪用、虚列支出等情况", items=[{"text": str(i), "points": 1} for i in range(4)])
    assert score_indicator(ind(rule), ["①②③④", "否"]).score == D(4)
    vetoed = score_indicator(ind(rule), ["①②③④", "是"])
    assert vetoed.score == 0 and "该指标不得分" in vetoed.explanation


def test_an_unusable_override_keeps_the_rule_score_and_is_an_error():
    rule = DiscretionaryRule(type="discretionary")
    no_reason = score_indicator(ind(rule, "2"), ["1"], override="1.5")
    assert no_reason.score == D(1) and "未填写理由" in no_reason.error and "暂按规则计分" in no_reason.explanation
    out_of_range = score_indicator(ind(rule, "2"), ["1"], override="3", reason="复核")
    assert out_of_range.score == D(1) and "应在0至2分之间" in out_of_range.error
    unreadable = score_indicator(ind(rule, "2"), ["1"], override="满分", reason="复核")
    assert unreadable.score == D(1) and unreadable.error
    neither = score_indicator(ind(rule, "2"), [None], override="1.5")
    assert neither.score is None and "规则也无法计算" in neither.explanation
    ok = score_indicator(ind(rule, "2"), ["1"], override="1.5", reason="复核调整")
    assert (ok.score, ok.computed) == (D("1.5"), D(1))
    assert "人工评定1.50分（理由：复核调整）" in ok.explanation


def test_missing_and_bad_inputs_never_raise():
    rule = ThresholdRule(type="threshold", rate=RATIO, threshold_pct=D(95), deduct_per_point=D("0.2"))
    assert score_indicator(ind(rule), []).explanation == "缺少输入：决算数"
    zero = score_indicator(ind(rule), ["1", "0"])
    assert zero.score is None and "为0" in zero.error


CELL = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-10**20, max_value=10**20),
    st.floats(allow_nan=True), st.decimals(allow_nan=False, allow_infinity=False),
    st.text(alphabet="0123456789.,%=①②③④⑤、是否无-—元分 ", max_size=10), st.text(max_size=6),
)
ALL_INDICATORS = [i for name in ("xundian-2024", "mof-2013") for i in load_ruleset(name).indicators]


def test_both_rulesets_cover_all_nine_rule_types():
    assert {i.rule.type for i in ALL_INDICATORS} == {
        "checklist", "level", "discretionary", "threshold", "band", "cap", "deduction", "veto", "proportional",
    }


@settings(max_examples=300)
@given(st.sampled_from(ALL_INDICATORS), CELL, CELL, CELL, st.one_of(st.none(), st.text(max_size=5)))
def test_any_input_gives_a_score_in_range_or_a_message(indicator, a, b, override, reason):
    result = score_indicator(indicator, [a, b], override, reason)
    if result.score is not None:
        assert 0 <= result.score <= indicator.weight
    else:
        assert result.explanation


@given(
    st.decimals(min_value=0, max_value=200, places=2), st.decimals(min_value="0.01", max_value=5, places=2),
    st.decimals(min_value=D("0.01"), max_value=20, places=2), st.sampled_from(["at_least", "at_most"]),
    st.decimals(min_value=0, max_value=10**9, places=2), st.decimals(min_value="0.01", max_value=10**9, places=2),
)
def test_threshold_within_weight_for_any_parameters(threshold, per_point, weight, direction, top, bottom):
    rule = ThresholdRule(type="threshold", rate=RATIO, threshold_pct=threshold, direction=direction, deduct_per_point=per_point)
    result = score_indicator(ind(rule, str(weight)), [str(top), str(bottom)])
    assert result.score is None or 0 <= result.score <= weight


@given(
    st.decimals(min_value=-50, max_value=200, places=1), st.decimals(min_value=-50, max_value=200, places=1),
    st.decimals(min_value=0, max_value=10**6, places=2), st.decimals(min_value="0.01", max_value=10**6, places=2),
)
def test_band_within_weight_for_any_parameters(full, zero, top, bottom):
    if full == zero:
        return
    rule = BandRule(type="band", rate=RATIO, full_at_pct=full, zero_at_pct=zero)
    result = score_indicator(ind(rule, "1"), [str(top), str(bottom)])
    assert result.score is None or 0 <= result.score <= 1

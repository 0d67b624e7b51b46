"""The rules of self-evaluation forms, against hand-computed scores and the worked examples in docs/ruleset-format.md."""
import re
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import TypeAdapter, ValidationError

from scoring import Indicator
from scoring.rules.indicator_score import score_indicator
from scoring.rules.indicator_rules import Rule
from scoring.rules.target_rules import CoefficientRule, DeadlineRule, QualitativeRule, StepRule, TargetRule, TierRule

D = Decimal
DOC = Path(__file__).resolve().parents[1] / "docs" / "ruleset-format.md"


def run(rule, values, weight="5"):
    return score_indicator(Indicator(code="X1", parent="X", name="测试", weight=D(weight), rule=rule), values)


# ── 指标值比较 ──────────────────────────────────────────
TARGET = TargetRule(type="target")


@pytest.mark.parametrize("actual, score", [("48个", "4.8"), ("50个", "5"), ("52", "5"), ("0", "0"), ("-3个", "0"),
                                           ("49.99", "5")])
def test_higher_below_at_and_above_the_target(actual, score):
    assert run(TARGET, ["≥50个", actual]).score == D(score)  # 5×49.99÷50 = 4.999 → 5.00


def test_higher_explains_the_arithmetic():
    assert run(TARGET, ["≥50个", "48个"]).explanation == "年度指标值≥50个，实际完成值48个，未达到指标值，得5×48÷50=4.8分"
    assert run(TARGET, ["≥50个", "52个"]).explanation == "年度指标值≥50个，实际完成值52个，达到指标值，得满分5分"


def test_higher_converts_yuan_to_wan_yuan():
    result = run(TARGET, ["≥100万元", "960,000元"])
    assert result.score == D("4.8")
    assert result.explanation == "年度指标值≥100万元，实际完成值96万元（960000元），未达到指标值，得5×96÷100=4.8分"
    assert run(TARGET, ["≥100万元", "1,000,000元"]).score == D(5)


@pytest.mark.parametrize("actual, score", [("85万元", "5"), ("90万元", "5"), ("99万元", "4.5"), ("100", "4.44"),
                                           ("179.99万元", "0"), ("180万元", "0"), ("200万元", "0")])
def test_lower_at_between_at_double_and_above(actual, score):
    # 99: 5×(1−9÷90) = 4.50; 100: 5×(1−10÷90) = 4.444… → 4.44; 179.99: 5×(1−89.99÷90) = 0.0006 → 0.00
    assert run(TARGET, ["≤90万元", actual]).score == D(score)


def test_lower_explains_the_arithmetic():
    assert run(TARGET, ["≤90万元", "99万元"]).explanation == (
        "年度指标值≤90万元，实际完成值99万元，超过指标值，得5×(1−(99−90)÷90)=4.5分")
    assert run(TARGET, ["≤90万元", "180万元"]).explanation.endswith("达到指标值的2倍及以上，得0分")


def test_lower_with_a_zero_target():
    assert run(TARGET, ["≤0起", "0"]).score == D(5)
    assert run(TARGET, ["≤0起", "1起"]).score == D(0)


@pytest.mark.parametrize("target, actual, score", [
    ("=0起", "0", "5"), ("=0起", "1起", "0"), ("0起", "2起", "0"), ("0起", "0起", "5"),
    ("=100%", "96%", "4.8"), ("=100%", "100%", "5"), ("=100%", 0.96, "4.8"),
])
def test_equal(target, actual, score):
    assert run(TARGET, [target, actual]).score == D(score)


def test_a_percent_that_may_mean_a_hundred_times_more_is_a_warning():
    text = run(TARGET, ["≥95%", "0.96"])
    assert text.score == D("0.05") and text.warnings == ["实际完成值填写为「0.96」，按0.96%计；如指96%，请填写「96%」"]
    cell = run(TARGET, ["≥95%", D("1.05")])  # a 105% cell
    assert cell.warnings == ["实际完成值填写为「1.05」，按1.05%计；如指105%，请填写「105%」"]
    assert run(TARGET, ["≥95%", D("0.05")]).warnings == run(TARGET, ["≥95%", "96"]).warnings == []


def test_an_explicit_direction_overrides_the_sign():
    assert run(TargetRule(type="target", direction="lower"), ["50个", "60个"]).score == D(4)  # 5×(1−10÷50)
    assert run(TargetRule(type="target", direction="higher"), ["≤50个", "40个"]).score == D(4)  # 5×40÷50


def test_a_time_limit_compares_as_a_number():
    assert run(TARGET, ["≤2天", "3天"]).score == D("2.5")  # 5×(1−1÷2)
    late = run(TARGET, ["≤2天", "逾期"])
    assert late.score == 0 and late.explanation == "年度指标值≤2天，实际完成值逾期，未按时完成，得0分"


def test_targets_that_are_not_numbers_are_errors():
    text = run(TARGET, ["达成预期指标", "达成"])
    assert text.score is None
    assert text.error == "年度指标值“达成预期指标”不是数值，不能与实际完成值比较；请写作如「≥50个」，或改按定性评价或时效计分"
    assert "用了大于或小于" in run(TARGET, [">95%", "96%"]).error
    assert "是完成时限" in run(TARGET, ["9月底前", "9月20日"]).error
    assert "为负数" in run(TARGET, ["≥-5%", "1%"]).error


def test_unit_mismatch_and_missing_inputs():
    assert run(TARGET, ["≥50个", "48人"]).error == "实际完成值的单位“人”与年度指标值的单位“个”不同，应填写如「48个」"
    assert run(TARGET, [None, "48"]).explanation == "缺少输入：年度指标值"
    assert run(TARGET, ["≥50个"]).explanation == "缺少输入：实际完成值"


# ── 定性评价 ────────────────────────────────────────────
QUALITATIVE = QualitativeRule(type="qualitative")


@pytest.mark.parametrize("band, score", [
    ("达成年度指标", "1.8"), ("达成年度指标", "2"), ("达成年度指标", "1.6"),  # 80%–100% of 2 = 1.6–2
    ("部分达成并具有一定效果", "1.2"), ("部分达成并具有一定效果", "1.59"),  # 60%–80% = 1.2–1.6, 1.6 excluded
    ("未达成且效果较差", "0"), ("未达成且效果较差", "1.19"),  # 0–60% = 0–1.2, 1.2 excluded
])
def test_qualitative_scores_within_the_band_and_at_its_edges(band, score):
    assert run(QUALITATIVE, ["达成预期指标", band, score], weight="2").score == D(score)


@pytest.mark.parametrize("band, score, message", [
    ("部分达成并具有一定效果", "1.6", "评定为“部分达成并具有一定效果”，得分应在1.2至1.6分之间（不含1.6分），填写为1.6"),
    ("部分达成并具有一定效果", "1.7", "评定为“部分达成并具有一定效果”，得分应在1.2至1.6分之间（不含1.6分），填写为1.7"),
    ("未达成且效果较差", "1.2", "评定为“未达成且效果较差”，得分应在0至1.2分之间（不含1.2分），填写为1.2"),
    ("达成年度指标", "1.59", "评定为“达成年度指标”，得分应在1.6至2分之间，填写为1.59"),
    ("达成年度指标", "2.1", "评定为“达成年度指标”，得分应在1.6至2分之间，填写为2.1"),
])
def test_a_score_outside_its_band_names_the_band_and_its_range(band, score, message):
    assert run(QUALITATIVE, [None, band, score], weight="2").error == message


@pytest.mark.parametrize("actual, band", [
    ("达成", 0), ("已达成", 0), ("达到预期", 0), ("全部达成", 0), ("达成年度指标：全年播出新闻1200条", 0),
    ("部分达成", 1), ("基本达成，进度略滞后", 1), ("未达成", 2), ("未达成且效果较差。原因：……", 2),
])
def test_band_names_short_forms_and_explanations(actual, band):
    low = [D(4), D(3), D(0)][band]  # 80%, 60%, 0% of 5
    assert run(QUALITATIVE, [None, actual, str(low)]).score == low
    assert QUALITATIVE._band(actual) == band


def test_qualitative_explanation_and_missing_inputs():
    result = run(QUALITATIVE, ["达成预期指标", "部分达成", "3.5"])
    assert result.explanation == "年度指标值达成预期指标，评定为“部分达成并具有一定效果”（3至4分，不含4分），得3.5分"
    assert "达成率80%" in run(QUALITATIVE, [None, "达成率80%", "4"]).error
    assert run(QUALITATIVE, ["达成预期指标", None, "4"]).explanation == "缺少输入：实际完成值"
    assert run(QUALITATIVE, ["达成预期指标", "达成"]).explanation == "缺少输入：评定得分"


def test_bands_are_validated():
    with pytest.raises(ValidationError, match="从高到低排列、互不重叠"):
        QualitativeRule(type="qualitative", bands=[{"name": "好", "min_pct": 50, "max_pct": 100},
                                                   {"name": "差", "min_pct": 0, "max_pct": 60}])
    with pytest.raises(ValidationError, match="下限80%高于上限60%"):
        QualitativeRule(type="qualitative", bands=[{"name": "好", "min_pct": 80, "max_pct": 60},
                                                   {"name": "差", "min_pct": 0, "max_pct": 50}])
    with pytest.raises(ValidationError, match="重复"):
        QualitativeRule(type="qualitative", bands=[{"name": "好", "min_pct": 50, "max_pct": 100},
                                                   {"name": "好", "min_pct": 0, "max_pct": 50}])
    capped = QualitativeRule(type="qualitative", bands=[{"name": "好", "min_pct": 50, "max_pct": 90},
                                                        {"name": "差", "min_pct": 0, "max_pct": 50}])
    assert capped.problems(D(5)) == ["最高档次“好”的上限为90%，得不到满分"]
    assert QUALITATIVE.problems(D(5)) == []


# ── 时效 ────────────────────────────────────────────────
DEADLINE = DeadlineRule(type="deadline")
DEDUCT = DeadlineRule(type="deadline", late_deduction=D("0.5"))


@pytest.mark.parametrize("target, actual, on_time", [
    ("9月底前", "9月20日", True), ("9月底前", "2024-09-30", True), ("9月底前", "10月1日", False), ("9月底前", "9月", True),
    ("9月30日前", "9月30日", True), ("9月30日前", "10月", False),
    ("2024年12月31日前", "12月20日", True), ("2024年12月31日前", "2025-01-05", False),
    ("2天以内", "1.5天", True), ("2天以内", "2", True), ("2天以内", "3", False), ("2个工作日内", "2天", True),
    ("2天", "3天", False),
    ("9月底前", "按时完成", True), ("2天以内", "已按时完成", True), ("9月底前", "逾期", False),
    ("按时完成", "按时完成", True), ("按时完成", "未按时完成", False), ("及时", "是", True),
])
def test_deadlines_on_time_or_late(target, actual, on_time):
    assert run(DEADLINE, [target, actual], weight="2").score == (D(2) if on_time else D(0))
    assert run(DEDUCT, [target, actual], weight="2").score == (D(2) if on_time else D("1.5"))


def test_deadline_explanations():
    assert run(DEADLINE, ["9月底前", "9月20日"], "2").explanation == "年度指标值9月底前，实际完成值9月20日，按时完成，得满分2分"
    assert run(DEADLINE, ["9月底前", "10月15日"], "2").explanation == "年度指标值9月底前，实际完成值10月15日，未按时完成，得0分"
    assert run(DEDUCT, ["9月底前", "10月15日"], "2").explanation == (
        "年度指标值9月底前，实际完成值10月15日，未按时完成，扣0.5分，得1.5分")
    big = DeadlineRule(type="deadline", late_deduction=D(3))
    assert run(big, ["9月底前", "逾期"], "2").explanation == (
        "年度指标值9月底前，实际完成值逾期，未按时完成，扣3分，扣完为止，得0分")


def test_deadline_errors():
    assert "不是时限" in run(DEADLINE, ["≥50个", "48个"]).error
    assert "没有写明时限" in run(DEADLINE, ["按时完成", "9月20日"]).error
    assert "不是日期" in run(DEADLINE, ["9月底前", "很快"]).error
    assert run(DEADLINE, ["按时完成", None]).explanation == "缺少输入：实际完成值"
    with pytest.raises(ValidationError):
        DeadlineRule(type="deadline", late_deduction=D(0))


# ── 得分系数 ────────────────────────────────────────────
COEFFICIENT = CoefficientRule(type="coefficient")


@pytest.mark.parametrize("entered", ["95%", 0.95, "0.95", D("0.95")])
def test_an_entered_coefficient_times_the_weight(entered):
    result = run(COEFFICIENT, ["达成预期指标", "达成", entered])
    assert result.score == D("4.75") and result.explanation == "得分系数95%，得5×95%=4.75分"


@pytest.mark.parametrize("entered", ["120%", 1.2, "-5%"])
def test_a_coefficient_outside_0_to_100_percent_is_an_error(entered):
    assert "应在0至100%之间" in run(COEFFICIENT, ["≥50个", "48个", entered]).error


def test_a_blank_coefficient_is_computed_and_capped():
    computed = run(COEFFICIENT, ["≥50个", "48个", None])
    assert computed.score == D("4.8")
    assert computed.explanation == (
        "年度指标值≥50个，实际完成值48个，未填写得分系数，按实际完成值÷年度指标值计算：48÷50=96.00%，得5×96.00%=4.8分")
    assert run(COEFFICIENT, ["≥30个", "29个"]).score == D("4.83")  # 96.67% × 5 = 4.8335
    capped = run(COEFFICIENT, ["≥50个", "52个"])
    assert capped.score == D(5) and "系数100%" in capped.explanation
    lower = run(COEFFICIENT, ["≤90万元", "99万元"])
    assert lower.score == D("4.55")  # 90÷99 = 90.91%, 5×90.91% = 4.5455
    assert "按年度指标值÷实际完成值计算：90÷99=90.91%" in lower.explanation
    assert run(COEFFICIENT, ["≤90万元", "80万元"]).score == D(5)


def test_a_coefficient_that_cannot_be_computed():
    assert "直接填写得分系数" in run(COEFFICIENT, ["9月底前", "9月20日"]).error
    assert run(COEFFICIENT, [None, None, None]).explanation == "缺少输入：年度指标值"
    assert run(COEFFICIENT, ["≥50个", None, None]).explanation == "缺少输入：实际完成值"


# ── 按档扣分 ────────────────────────────────────────────
RATE = {"label": "预算执行率", "inputs": [{"label": "预算执行率"}]}


def step(partial, **more):
    return StepRule(type="step", rate=RATE, threshold_pct=D(95), step_pct=D(5), deduct_per_step=D(2), partial=partial, **more)


@pytest.mark.parametrize("partial, score", [("whole", "6"), ("ignore", "8"), ("pro_rata", "6.8")])
def test_step_partial_choices_on_87_percent(partial, score):
    assert run(step(partial), ["87%"], "10").score == D(score)  # gap 8: 2 steps / 1 step / 8÷5×2 = 3.2


def test_pro_rata_rounds_only_the_deduction():
    rule = StepRule(type="step", rate=RATE, threshold_pct=D(95), step_pct=D(3), deduct_per_step=D(2), partial="pro_rata")
    assert run(rule, ["87.67%"], "10").score == D("5.11")  # 7.33 ÷ 3 × 2 = 4.8866… → 4.89 off 10


@pytest.mark.parametrize("partial", ["whole", "ignore", "pro_rata"])
def test_step_exact_multiples_agree(partial):
    assert run(step(partial), ["85%"], "10").score == D(6)  # gap 10 = 2 steps
    assert run(step(partial), ["95%"], "10").score == D(10)
    assert run(step(partial), ["40%"], "10").score == D(0)  # gap 55: 22 points off 10


def test_step_explanations():
    assert run(step("whole"), ["87%"], "10").explanation == (
        "预算执行率87.00%，低于95%共8.00个百分点，每5个百分点扣2分，不足一档按一档计，计2档，扣4分，得6分")
    assert run(step("ignore"), ["87%"], "10").explanation.endswith("不足一档的部分不扣分，计1档，扣2分，得8分")
    assert run(step("pro_rata"), ["87%"], "10").explanation.endswith("不足一档按比例扣，扣8.00÷5×2=3.2分，得6.8分")
    assert run(step("whole"), ["40%"], "10").explanation.endswith("扣完为止，得0分")


def test_step_at_most_and_required_partial():
    rule = StepRule(type="step", rate=RATE, threshold_pct=D(100), direction="at_most", step_pct=D(5),
                    deduct_per_step=D(2), partial="whole")
    assert run(rule, ["107%"], "10").score == D(6)
    with pytest.raises(ValidationError):
        TypeAdapter(Rule).validate_python(
            {"type": "step", "rate": RATE, "threshold_pct": 95, "step_pct": 5, "deduct_per_step": 2})


# ── 分档取值 ────────────────────────────────────────────
TIERS = TierRule(type="tiers", rate={"label": "变动率", "inputs": [{"label": "变动率"}]}, otherwise_points=D(0), tiers=[
    {"op": "=", "pct": 0, "points": 8}, {"op": "<=", "pct": 10, "points": 6},
    {"op": "<=", "pct": 20, "points": 4}, {"op": "<=", "pct": 30, "points": 2},
])


@pytest.mark.parametrize("rate, points", [("0%", 8), ("0.01%", 6), ("10%", 6), ("10.01%", 4), ("20%", 4), ("20.01%", 2),
                                          ("30%", 2), ("30.01%", 0), ("-5%", 6)])
def test_tiers_at_each_boundary(rate, points):
    assert run(TIERS, [rate], "8").score == D(points)


def test_tier_explanations_and_problems():
    assert run(TIERS, ["10.01%"], "8").explanation == "变动率10.01%，≤20%，得4分"
    assert run(TIERS, ["30.01%"], "8").explanation == "变动率30.01%，不在所列各档内，得0分"
    assert TIERS.problems(D(8)) == []
    assert TIERS.problems(D(10)) == ["最高档分值8分，应等于指标分值10分"]


# ── the worked examples in the docs ─────────────────────
EXAMPLE = re.compile(r"```toml\n(\[indicators\.rule\]\n.*?)```\n+分值(\S+?)，输入(.*?) → 「(.*?)」", re.S)


def _documented():
    section = DOC.read_text(encoding="utf-8").split("## 自评表的计分规则")[1].split("\n## ")[0]
    return EXAMPLE.findall(section)


def test_every_new_rule_type_has_a_worked_example():
    types = {tomllib.loads(toml)["indicators"]["rule"]["type"] for toml, *_ in _documented()}
    assert types == {"target", "qualitative", "deadline", "coefficient", "step", "tiers"}


@pytest.mark.parametrize("toml, weight, inputs, explanation", _documented())
def test_documented_examples_give_the_documented_result(toml, weight, inputs, explanation):
    rule = TypeAdapter(Rule).validate_python(tomllib.loads(toml, parse_float=Decimal)["indicators"]["rule"])
    values = [None if v == "（空白）" else v for v in re.findall(r"`([^`]*)`", inputs)]
    assert run(rule, values, weight).explanation == explanation

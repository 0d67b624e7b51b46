"""The seed report (寻甸县融媒体中心 2024) reproduced from its own data."""
from decimal import Decimal

from scoring import score_evaluation
from scoring.model.accounts import check_accounts

D = Decimal


def _by_code(card):
    return {r.code: r for r in card.indicators}


def test_seed_total_grade_subtotals(seed, xundian):
    card = score_evaluation(seed, xundian)
    assert card.total == D("93.56")
    assert card.grade == "优"
    assert (card.subtotals["A"], card.subtotals["B"], card.subtotals["C"]) == (D("32.6"), D("18.56"), D("42.4"))
    assert card.incomplete == []
    assert len(card.indicators) == 31


def test_seed_questionnaire(seed):
    survey = seed.survey
    assert (survey.issued, survey.returned, survey.valid) == (50, 49, 49)
    assert survey.total == D(4835)
    assert survey.average == D("98.67")  # 4835 / 49 = 98.673… → 98.67
    assert survey.findings() == []


def test_every_accounts_identity_holds_on_seed(seed):
    assert check_accounts(seed.accounts) == []


def test_b11_full_marks_from_basic_expenditure(seed, xundian):
    # 基本支出 决算 4,280,833.67 / 全年预算 4,280,833.67 = 100% ≥ 95% → full 1 point.
    b11 = _by_code(score_evaluation(seed, xundian))["B11"]
    assert b11.computed == D(1) and b11.override is None
    assert "执行率100.00%，不低于95%，得满分1分" in b11.explanation


def test_b12_rule_gives_4_but_report_records_3_36(seed, xundian):
    # 项目支出 决算 1,069,931.86 / 全年预算 1,069,931.86 = 100% → the rule gives 4;
    # the report records 3.36, entered as an override with its reason.
    b12 = _by_code(score_evaluation(seed, xundian))["B12"]
    assert b12.computed == D(4)
    assert b12.score == D("3.36") and b12.override == D("3.36")
    assert "执行率100.00%" in b12.explanation and b12.reason


def test_b13_three_public_control_rate(seed, xundian):
    # 2.40 / 2.62 = 91.60% ≤ 100% → full 1 point.
    b13 = _by_code(score_evaluation(seed, xundian))["B13"]
    assert b13.computed == D(1)
    assert "控制率91.60%，不高于100%，得满分1分" in b13.explanation


def test_b31_staff_control_rate(seed, xundian):
    # 在职 23 / 编制 28 = 82.14% ≤ 100% → full 1 point.
    b31 = _by_code(score_evaluation(seed, xundian))["B31"]
    assert b31.computed == D(1)
    assert "在职人员控制率82.14%" in b31.explanation


def test_c102_from_questionnaire(seed, xundian):
    # 满意率 = 98.67 / 100 → 9 × 98.67% = 8.8803 → 8.88; the report records 8.5 (override).
    c102 = _by_code(score_evaluation(seed, xundian))["C102"]
    assert c102.computed == D("8.88")
    assert c102.score == D("8.5")


def test_departures_are_visible_as_warnings(seed_assessment):
    findings = seed_assessment.findings
    assert not [f for f in findings if f.severity == "error"]
    codes = sorted(f.message.split("采用")[0] for f in findings if f.code == "IND-OVERRIDE")
    assert codes == ["B12", "B42", "C101", "C102", "C103"]
    b12 = next(f for f in findings if f.message.startswith("B12"))
    assert (b12.expected, b12.actual, b12.difference) == (D(4), D("3.36"), D("-0.64"))


def test_credit_code_typo_is_flagged(seed_assessment):
    # The seed prints 12530129MBOR84800T: the letter O is not allowed in a 统一社会信用代码.
    codes = [f.code for f in seed_assessment.findings]
    assert "INFO-CREDIT-CODE" in codes

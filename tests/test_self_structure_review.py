"""Rows scored as forms mean them: a typed 得分系数 against the figures (REVIEW-COEF), an unsigned target on a
lower-is-better name (SELF-SIGN), actuals written like the target, the fund block's checks and a figure scored twice."""
from decimal import Decimal

import pytest

from scoring import assess, load_ruleset, sample_evaluation
from scoring.common.targets import lower_is_better

SELF, COEF = load_ruleset("self-2020"), load_ruleset("self-coef")


def _form(rs, rows, fund=None):
    """The self sample's header with these rows (dicts) and fund block."""
    sample = sample_evaluation("self-2020")
    form = sample.self_form.model_copy(update={"rows": [sample.self_form.rows[0].model_validate(r) for r in rows],
                                               "reported": {}, "reported_total": None})
    if fund is not None:
        form = form.model_copy(update={"fund": form.fund.model_validate(fund)})
    return assess(sample.model_copy(update={"ruleset": rs.id, "self_form": form}), rs)


def _by_code(assessment, code):
    return [f for f in assessment.findings if f.code == code]


def _scores(assessment):
    return {r.code: r.score for r in assessment.scorecard.indicators}


# ── REVIEW-COEF ───────────────────────────────────────────
def test_a_typed_coefficient_of_100_for_an_80_percent_completion_is_a_warning():
    a = _form(COEF, [{"group": "B1", "name": "培训人次", "target": "≥50人次", "actual": "40人次", "weight": 5, "entered": "100%"},
                     {"group": "B1", "name": "发放手册", "target": "≥200册", "actual": "200册", "weight": 5, "entered": "100%"}])
    assert _scores(a)["B1-1"] == Decimal("5.00")  # the typed coefficient is still what the form scores
    found = _by_code(a, "REVIEW-COEF")
    assert len(found) == 1  # 100% typed for 200 of ≥200册: agrees, no warning
    assert (found[0].actual, found[0].expected) == (Decimal("5.00"), Decimal("4.00"))  # 5 × 40 ÷ 50
    assert found[0].message == ("B1-1「培训人次」填写的得分系数100%（5.00分）与年度指标值≥50人次、实际完成值40人次不符："
                                "按实际完成情况计算为系数80.00%，4.00分，请核对")


def test_a_coefficient_within_rounding_and_a_text_target_are_not_reviewed():
    a = _form(COEF, [{"group": "B1", "name": "验收合格率", "target": "≥98%", "actual": "97.6%", "weight": 10, "entered": "100%"},
                     {"group": "B1", "name": "长效机制", "target": "建立健全", "actual": "已建立", "weight": 5, "entered": "90%"}])
    # 97.6 ÷ 98 = 99.59%: 100% is that coefficient rounded to a whole percent (9.96 against 10.00 points)
    assert _by_code(a, "REVIEW-COEF") == []


def test_a_qualitative_score_on_numeric_figures_is_compared_with_the_target_rule():
    a = _form(SELF, [{"group": "A1", "name": "培训人次", "target": "≥50人次", "actual": "40人次", "weight": 5,
                      "method": "定性", "entered": "5"}])
    found = _by_code(a, "REVIEW-COEF")
    assert [(f.actual, f.expected) for f in found] == [(Decimal("5.00"), Decimal("4.00"))]


# ── lower is better by name ───────────────────────────────
def test_an_unsigned_rate_on_a_lower_is_better_name_is_reverse_with_a_warning():
    a = _form(SELF, [{"group": "A2", "name": "预算调整率", "target": "5%", "actual": "1%", "weight": 5},
                     {"group": "A2", "name": "公共文化服务覆盖率", "target": "5%", "actual": "1%", "weight": 5}])
    scores = _scores(a)
    assert scores["A2-1"] == Decimal("5.00")  # 1% ≤ 5%: full marks (as ≤5%)
    assert scores["A2-2"] == Decimal("1.00")  # 覆盖率 stays 正向: 5 × 1 ÷ 5
    found = _by_code(a, "SELF-SIGN")
    assert len(found) == 1 and found[0].message.startswith("A2-1「预算调整率」的年度指标值“5%”没有写≥或≤")
    assert "请写作「≤5%」" in found[0].message


def test_the_worksheet_function_scores_it_the_same_way():
    from scoring import cells

    assert cells.row_score("self-2020", "质量指标", "预算调整率", "5%", "1%", 5, None, None, None) == 5.0
    assert cells.row_score("self-2020", "质量指标", "覆盖率", "5%", "1%", 5, None, None, None) == 1.0


@pytest.mark.parametrize("name", ["预算调整率", "结转结余率", "三公经费控制率", "会计差错率", "群众投诉次数", "安全事故发生次数",
                                  "产品不合格率", "违规违纪件数", "项目逾期天数", "设备故障率"])
def test_names_that_mean_lower_is_better(name):
    assert lower_is_better(name)


@pytest.mark.parametrize("name", ["公共文化服务覆盖率", "投诉办结率", "群众投诉处理率", "验收合格率", "预算执行率",
                                  "事故处理及时率", "损失挽回率", "逾期整改完成率", "群众满意度", "政策知晓率"])
def test_names_that_do_not(name):
    assert not lower_is_better(name)


# ── actuals written like the target ───────────────────────
def test_actuals_written_like_the_target_are_read():
    a = _form(SELF, [{"group": "A3", "name": "投诉办理时限", "target": "2天以内", "actual": "2天以内", "weight": 3},
                     {"group": "A3", "name": "审批时限", "target": "3个工作日内", "actual": "3个工作日内", "weight": 3},
                     {"group": "A3", "name": "活动完成时间", "target": "10月底前", "actual": "10月底前完成", "weight": 4},
                     {"group": "A3", "name": "办结时限", "target": "3个工作日内", "actual": "5个工作日内", "weight": 2}])
    assert _scores(a) | {} == {"A3-1": Decimal("3.00"), "A3-2": Decimal("3.00"), "A3-3": Decimal("4.00"),
                               "A3-4": Decimal("0.00"), "D11": Decimal("9.47")}  # 5 days is beyond 3: late
    assert not [f for f in a.findings if f.code == "SELF-INPUT" or "不同" in f.message]


# ── the fund block ────────────────────────────────────────
def test_fund_checks_adjustment_overspending_and_the_split_by_nature():
    fund = {"unit": "万元", "total": {"initial": "400", "budget": "1000", "final": "1050"},
            "fiscal": {"initial": "400", "budget": "1000", "final": "1050"},
            "basic": {"initial": "300", "budget": "600", "final": "650"},
            "project": {"initial": "100", "budget": "300", "final": "400"}}
    a = _form(SELF, [{"group": "A1", "name": "培训人次", "target": "≥50人次", "actual": "50人次", "weight": 5}], fund)
    adjust, = _by_code(a, "FUND-ADJUST")  # 400 → 1000: +150%, beyond the ruleset's 20%
    assert adjust.severity == "info" and "增加150.00%，超过20%" in adjust.message
    over, = _by_code(a, "FUND-OVER")
    assert over.severity == "warning"
    nature = _by_code(a, "FUND-NATURE")  # budget: 600 + 300 = 900 ≠ 1000; the others agree
    assert [(f.severity, f.expected, f.actual) for f in nature] == [("error", Decimal("900"), Decimal("1000"))]
    assert nature[0].message == "全年预算数：年度资金总额1000.00万元≠基本支出600.00+项目支出300.00=900.00万元"


def test_no_split_no_nature_check_and_a_small_adjustment_is_fine():
    a = _form(SELF, [{"group": "A1", "name": "培训人次", "target": "≥50人次", "actual": "50人次", "weight": 5}])
    assert not _by_code(a, "FUND-NATURE") and not _by_code(a, "FUND-ADJUST")  # 1250 → 1386.40: +10.91%


# ── one figure, two rules ─────────────────────────────────
def test_an_execution_rate_row_beside_the_fixed_indicator_is_noted():
    a = _form(SELF, [{"group": "A1", "name": "预算完成率", "target": "≥95%", "actual": "94.67%", "weight": 5},
                     {"group": "A2", "name": "培训人次", "target": "≥50人次", "actual": "50人次", "weight": 5},
                     {"group": "A1", "name": "培训人次", "target": "≤60人次", "actual": "50人次", "weight": 5}])
    notes = _by_code(a, "SELF-TWICE")
    assert [n.severity for n in notes] == ["info", "info"]
    assert notes[0].message.startswith("A1-1「预算完成率」与固定指标D11「预算执行率」是同一数字")
    assert notes[1].message.startswith("A1-2与A2-1同为「培训人次」，但计分方式不同")

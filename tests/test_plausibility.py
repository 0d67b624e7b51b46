"""Plausibility warnings (scoring.checks.plausibility): each rule on the sample forms as read from their workbooks,
naming the cell and the likely intended value; none on the shipped samples."""
import datetime as dt
from decimal import Decimal

import pytest

from scoring import assess, load_ruleset, sample_evaluation
from xladdin.workbook import build_templates, open_workbook, read_evaluation

SELF_SAMPLE = build_templates.TEMPLATES_DIR / "self-2020-sample.xlsx"
REPORT_SAMPLE = build_templates.TEMPLATES_DIR / build_templates.sample_name()


@pytest.fixture(scope="module")
def self_book():
    evaluation, provenance = read_evaluation(open_workbook(SELF_SAMPLE))
    return evaluation, provenance, load_ruleset("self-2020")


@pytest.fixture(scope="module")
def report_book():
    evaluation, provenance = read_evaluation(open_workbook(REPORT_SAMPLE))
    return evaluation, provenance, load_ruleset("xundian-2024")


def plaus(book, change):
    """The PLAUS findings (severity, cell, message) of the sample with ``change`` applied to a copy."""
    evaluation, provenance, rs = book
    copy = evaluation.model_copy(deep=True)
    change(copy)
    found = assess(copy, rs, provenance=provenance).findings
    return [(f.severity, f.code, f.where, f.message) for f in found if f.code.startswith("PLAUS")]


def row(named, **update):
    def change(evaluation):
        rows = evaluation.self_form.rows
        index = next(i for i, r in enumerate(rows) if r.name == named)
        rows[index] = rows[index].model_copy(update=update)
    return change


def info(**update):
    def change(evaluation):
        evaluation.info = evaluation.info.model_copy(update=update)
    return change


@pytest.mark.parametrize("name", ["xundian-2024", "self-2020"])
def test_the_shipped_samples_raise_no_plausibility_finding(name, self_book, report_book):
    assert plaus(report_book if name == "xundian-2024" else self_book, lambda e: None) == []
    evaluation = sample_evaluation(name)
    assert [f for f in assess(evaluation, load_ruleset(name)).findings if f.code.startswith("PLAUS")] == []


@pytest.mark.parametrize("name, typed, code, cell, says", [
    ("公共文化服务覆盖率", {"actual": "-88%"}, "PLAUS-NEGATIVE", "E29", "实际完成值「-88%」为负数，而年度指标值「≥90%」不会为负：是否为「88%」？"),
    ("送戏下乡演出场次", {"actual": "-54场"}, "PLAUS-NEGATIVE", "E18", "是否为「54场」？"),
    ("公共文化服务覆盖率", {"actual": "880%"}, "PLAUS-RATE", "E29", "实际完成值「880%」超过100%，而这一比率不会超过100%：是否为「88%」（多了一个0）？"),
    ("文化惠民活动经费", {"actual": 1962000}, "PLAUS-MAGNITUDE", "E25",
     "实际完成值「1962000」（按1962000万元计）是年度指标值「≤180万元」的10,900倍：是否按元填写？应为「196.2万元」"),
    ("图书购置单位成本", {"actual": "82.36元"}, "PLAUS-MAGNITUDE", "E26",
     "只有年度指标值「≤85万元」的10,321分之一：单位是否应为万元？即「82.36万元」"),
    ("图书购置单位成本", {"target": "≤85元"}, "PLAUS-MAGNITUDE", "E26",
     "实际完成值「82.36万元」（按823600元计）是年度指标值「≤85元」的9,689倍：年度指标值的单位是否应为万元？即「≤85万元」"),
    ("年度文化惠民活动完成时间", {"actual": "2023-10-20"}, "PLAUS-DATE", "E23",
     "实际完成值「2023-10-20」在2023年，不在评价年度2024年内（按时限计分时只比较月日）：是否为「2024年10月20日」？"),
    ("年度文化惠民活动完成时间", {"actual": "2025-01-15"}, "PLAUS-DATE", "E23", "在2025年，不在评价年度2024年内"),
    ("举办群众文化活动场次", {"reported": "12"}, "PLAUS-REPORTED", "J17", "自评得分12.00分超过分值8分"),
    ("举办群众文化活动场次", {"method": "反向"}, "PLAUS-METHOD", "G17",
     "计分方式为反向，而年度指标值「≥120场」是越多越好（正向）：按反向计分，是否应为正向或留空？"),
    ("文化惠民活动经费", {"method": "正向"}, "PLAUS-METHOD", "G25", "年度指标值「≤180万元」是越少越好（反向）"),
    ("举办群众文化活动场次", {"entered": "5"}, "PLAUS-ENTERED", "H17",
     "评定得分「5」未采用——评定得分只用于定性指标（和得分系数），本行按年度指标值计分得8.00分；如要采用评定得分，请把计分方式改为定性"),
])
def test_a_self_form_figure_that_cannot_be_right_is_a_warning_naming_its_cell(self_book, name, typed, code, cell, says):
    [(severity, found, where, message)] = plaus(self_book, row(name, **typed))
    assert (severity, found, where) == ("warning", code, f"自评表!{cell}")
    assert says in message and name in message


def test_a_bare_number_target_against_a_percent_actual_is_an_error(self_book):
    for target, written in (("≥0.9", "≥90%"), (Decimal("0.9"), "90%")):
        [(severity, code, where, message)] = plaus(self_book, row("公共文化服务覆盖率", target=target))
        assert (severity, code, where) == ("error", "PLAUS-PERCENT", "自评表!E29")
        assert f"年度指标值「{target}」是不带单位的数，实际完成值「88%」是百分数，两者不能直接比较：如年度指标值指90%，请写「{written}」" in message


def test_what_is_plausible_stays_quiet(self_book):
    assert plaus(self_book, row("举办群众文化活动场次", entered="8")) == [
        ("info", "PLAUS-ENTERED", "自评表!H17", "A1-1举办群众文化活动场次：评定得分「8」未采用——评定得分只用于定性指标（和得分系数），本行按年度指标值计分得8.00分")]
    quiet = [row("年度文化惠民活动完成时间", actual="十月二十日"), row("年度文化惠民活动完成时间", actual="2024-10-20"),
             row("公共文化服务覆盖率", actual="100%"), row("公共文化服务覆盖率", name="游客人数增长率", actual="-3%"),
             row("公共文化服务覆盖率", name="任务完成率", actual="105%"), row("文化惠民活动经费", actual=1962000, target="≤1800000元"),
             row("举办群众文化活动场次", method="正向")]
    assert [plaus(self_book, change) for change in quiet] == [[]] * len(quiet)


def test_reported_total_above_full_marks_and_fund_block_off_its_unit(self_book):
    def total(evaluation):
        evaluation.self_form.reported_total = "105"
    assert plaus(self_book, total) == [("warning", "PLAUS-REPORTED", "自评表!C63", "自评总分105.00分超过满分100分")]

    def in_yuan(evaluation):
        fund = evaluation.self_form.fund
        for line in ("total", "fiscal", "other"):
            setattr(fund, line, fund.line(line).model_copy(update={c: v * 10000 for c, v in fund.line(line).model_dump().items()}))
    found = plaus(self_book, in_yuan)
    assert [(s, c, w) for s, c, w, _ in found] == [("warning", "PLAUS-FUND", f"自评表!{c}6") for c in "CDE"]
    assert found[2][3] == "资金情况年度资金总额全年执行数13,125,600.00万元，即1,312.56亿元：是否按元填写？应为1,312.56万元"

    def one_cell(evaluation):
        fund = evaluation.self_form.fund
        fund.other = fund.other.model_copy(update={"final": Decimal("544000")})
    assert [(c, w) for _, c, w, _ in plaus(self_book, one_cell)] == [("PLAUS-FUND", "自评表!E8")]

    def in_wan_under_yuan(evaluation):
        evaluation.self_form.fund = evaluation.self_form.fund.model_copy(update={"unit": "元"})
    assert [m for *_, m in plaus(self_book, in_wan_under_yuan)][0] == "资金情况年度资金总额年初预算数1,250.00元不足1万元：是否按万元填写？金额单位应为万元"


def _scaled(factor):
    def change(evaluation):
        evaluation.accounts.rows = {n: [None if v is None else v * factor for v in values]
                                    for n, values in evaluation.accounts.rows.items()}
    return change


def test_accounts_and_assets_ten_thousand_times_off_their_unit(report_book):
    [(severity, code, where, message)] = plaus(report_book, _scaled(Decimal("0.0001")))
    assert (severity, code, where) == ("warning", "PLAUS-ACCOUNTS", "决算!J32")
    assert message == ("决算表本年支出合计（84行）决算数535.08元（不足1万元；在职人员23人，人均23.26元；少于三公经费2.40万元）："
                       "决算表是否按万元填写？决算表的金额单位为元，即5,350,765.53元")
    [(_, code, where, message)] = plaus(report_book, _scaled(Decimal(10000)))
    assert (code, where) == ("PLAUS-ACCOUNTS", "决算!J32") and "人均232,641.98万元" in message
    [(_, code, where, message)] = plaus(report_book, info(total_assets=Decimal("18532200.00")))
    assert (code, where) == ("PLAUS-ASSETS", "基本信息!B14")
    assert message == "资产总额18,532,200.00万元是本年支出合计535.08万元的34,635倍：是否按元填写？应为1,853.22万元"
    [(_, code, where, message)] = plaus(report_book, info(total_assets=Decimal("0.185322")))
    assert (code, where) == ("PLAUS-ASSETS", "基本信息!B14") and "是否为1,853.22万元？" in message


def test_period_ending_before_it_starts(report_book):
    assert plaus(report_book, info(period_end=dt.date(2023, 12, 31))) == [
        ("warning", "PLAUS-PERIOD", "基本信息!B23", "评价时段止2023-12-31早于起2024-01-01：是否为2024-12-31？")]

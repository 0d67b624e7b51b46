"""Cross-figure checks (XCHK-…): each on a small edit of the seed, and the seed's complete list."""
from decimal import Decimal

import pytest

from scoring import KeyProject, assess

D = Decimal
PROVENANCE = {
    "info.total_assets": "基本信息!B14", "info.current_assets": "基本信息!B15", "info.fixed_assets_net": "基本信息!B16",
    "info.fixed_assets_total": "基本信息!B17", "info.fixed_assets_in_use": "基本信息!B18",
    "info.procurement_budget": "基本信息!B20", "info.procurement_actual": "基本信息!B21",
    "accounts.50.budget": "决算!I27", "accounts.50.final": "决算!J27",
    "accounts.58.initial": "决算!M6", "accounts.58.budget": "决算!N6",
    "accounts.61.initial": "决算!M9", "accounts.61.budget": "决算!N9", "accounts.61.final": "决算!O9",
    "accounts.84.initial": "决算!H32", "accounts.84.budget": "决算!I32", "accounts.84.final": "决算!J32",
    "indicators.A14.input1": "指标体系!H7", "indicators.B22.input1": "指标体系!H23",
    "indicators.B12.override": "指标体系!K19", "indicators.C101.override": "指标体系!K32",
    "indicators.C102.override": "指标体系!K33", "indicators.C103.override": "指标体系!K34",
}


def xchk(evaluation, ruleset, code):
    """The findings with ``code`` of ``evaluation`` assessed with the workbook-like provenance above."""
    return [f for f in assess(evaluation, ruleset, provenance=PROVENANCE).findings if f.code == code]


def only(evaluation, ruleset, code):
    found = xchk(evaluation, ruleset, code)
    assert len(found) == 1, found
    return found[0]


# ── 基本信息 against the accounts ─────────────────────────
def test_year_end_progress_is_compared_at_the_precision_entered(seed, xundian):
    seed.info.execution_progress[-1].rate = D("0.98")
    seed.accounts.set(84, "final", D("5216996.40"))  # 97.500000…% rounds half up to 98%
    assert xchk(seed, xundian, "XCHK-PROGRESS") == []
    seed.accounts.set(84, "final", D("5216996.38"))  # 97.499999…% → 97%
    finding = only(seed, xundian, "XCHK-PROGRESS")
    assert finding.severity == "info"
    assert finding.where == "基本信息 预算执行进度「全年」、决算!J32、决算!I32"
    assert "「全年」为98.00%" in finding.message and "为97.50%" in finding.message
    assert "5,216,996.38元÷全年预算数5,350,765.53元" in finding.message


def test_progress_without_a_year_end_point_is_not_compared(seed, xundian):
    seed.info.execution_progress.pop()
    assert xchk(seed, xundian, "XCHK-PROGRESS") == []


@pytest.mark.parametrize(("spent", "flagged"), [
    (["106.99"], False),  # 1,069,931.86 元 = 106.99 万元
    (["107.00"], True),  # 0.0068 万元 over: beyond one figure's rounding
    (["53.50", "53.50"], False),  # two rounded figures may be 0.01 万元 over
])
def test_key_projects_spend_at_most_the_project_expenditure(seed, xundian, spent, flagged):
    seed.info.key_projects = [KeyProject(name=f"项目{i}", spent=D(s)) for i, s in enumerate(spent)]
    found = xchk(seed, xundian, "XCHK-KEY-PROJECTS")
    assert bool(found) == flagged
    if flagged:
        assert found[0].severity == "warning" and found[0].where == "基本信息 重点项目支出数、决算!O9"
        assert "合计107.00万元" in found[0].message and "决算数1,069,931.86元（106.99万元）" in found[0].message


# ── totals against their parts ────────────────────────────
def test_current_and_fixed_assets_may_not_exceed_total_assets(seed, xundian):
    seed.info.total_assets = D("1832.33")  # parts 1832.34: within three figures' rounding
    assert xchk(seed, xundian, "XCHK-ASSETS") == []
    seed.info.total_assets = D("1832.32")
    finding = only(seed, xundian, "XCHK-ASSETS")
    assert finding.severity == "warning"
    assert finding.where == "基本信息!B14、基本信息!B15、基本信息!B16"
    assert finding.message == "流动资产44.83万元＋固定资产净值1787.51万元＝1832.34万元，超过资产总额1832.32万元，多出0.02万元"


def test_fixed_assets_in_use_may_not_exceed_all_fixed_assets(seed, xundian):
    seed.info.fixed_assets_total, seed.info.fixed_assets_in_use = D("1900"), D("1900.01")
    assert xchk(seed, xundian, "XCHK-FIXED-IN-USE") == []
    seed.info.fixed_assets_in_use = D("1900.02")
    finding = only(seed, xundian, "XCHK-FIXED-IN-USE")
    assert finding.where == "基本信息!B17、基本信息!B18"
    assert finding.message == "在用固定资产总额1900.02万元，超过固定资产总额（原值）1900.00万元，多出0.02万元"


def test_net_fixed_assets_may_not_exceed_their_original_value(seed, xundian):
    seed.info.fixed_assets_total = D("1787.50")
    assert xchk(seed, xundian, "XCHK-FIXED-NET") == []
    seed.info.fixed_assets_total = D("1787.49")
    finding = only(seed, xundian, "XCHK-FIXED-NET")
    assert finding.where == "基本信息!B17、基本信息!B16"
    assert finding.message == "固定资产净值1787.51万元，超过固定资产总额（原值）1787.49万元，多出0.02万元"


# ── budgets ───────────────────────────────────────────────
def test_spending_on_a_functional_row_without_budget(seed, xundian):
    seed.accounts.set(50, "budget", D("0"))
    finding = only(seed, xundian, "XCHK-NO-BUDGET")
    assert finding.severity == "warning" and finding.where == "决算!I27、决算!J27"
    assert finding.message == "住房保障支出（50行）全年预算数为0，决算数却为252,692.00元：无预算安排的支出"


def test_blank_budget_counts_as_zero_only_when_budgets_are_entered(seed, xundian):
    seed.accounts.set(61, "budget", None)
    finding = only(seed, xundian, "XCHK-NO-BUDGET")
    assert finding.where == "决算!N9、决算!O9"
    assert "项目支出（61行）全年预算数未填写（按0计），决算数却为1,069,931.86元" in finding.message
    for row in seed.accounts.rows:
        seed.accounts.set(row, "budget", None)
    assert xchk(seed, xundian, "XCHK-NO-BUDGET") == []


def test_spending_above_the_full_year_budget(seed, xundian):
    seed.accounts.set(61, "budget", D("1000000.00"))
    finding = only(seed, xundian, "XCHK-OVER-BUDGET")
    assert finding.severity == "warning" and finding.where == "决算!O9、决算!N9"
    assert finding.message == "项目支出（61行）决算数1,069,931.86元超过全年预算数1,000,000.00元，超支69,931.86元"
    assert finding.difference == D("69931.86")


def test_budget_adjustment_above_twenty_percent_is_noted(seed, xundian):
    seed.accounts.set(58, "initial", D("3567361.40"))  # +20.00%: at the limit
    assert [f.where for f in xchk(seed, xundian, "XCHK-BUDGET-ADJUST")] == ["决算!M9、决算!N9", "决算!H32、决算!I32"]
    seed.accounts.set(58, "initial", D("3567000.00"))  # +20.01%
    finding = xchk(seed, xundian, "XCHK-BUDGET-ADJUST")[0]
    assert finding.severity == "info" and finding.where == "决算!M6、决算!N6"
    assert finding.message == (
        "基本支出（58行）全年预算数4,280,833.67元较年初预算数3,567,000.00元调增713,833.67元（20.01%），超过20%"
    )


def test_budget_added_during_the_year_is_noted(seed, xundian):
    seed.accounts.set(58, "initial", None)  # blank while the column is entered: 0
    finding = xchk(seed, xundian, "XCHK-BUDGET-ADJUST")[0]
    assert finding.where == "决算!M6、决算!N6"
    assert finding.message == "基本支出（58行）年初预算数为0，全年预算数4,280,833.67元为年内新增"


# ── scores ────────────────────────────────────────────────
def test_total_by_the_rules_when_every_rule_computes(seed, xundian):
    seed.info.fixed_assets_in_use, seed.info.fixed_assets_total = D("95"), D("100")  # B42 computes 1 = its override
    for code in ("C101", "C103"):
        seed.entry(code).inputs = ["90%"]  # 16.20 each; overrides 16.5 and 17.4 stay
    finding = only(seed, xundian, "XCHK-OVERRIDE-TOTAL")
    assert finding.where == "指标体系!K19、指标体系!K32、指标体系!K33、指标体系!K34"
    assert finding.message == "按规则计算总得分93.08分，采用人工评定后为93.56分（人工评定改变总分+0.48分）"
    assert (finding.expected, finding.actual, finding.difference) == (D("93.08"), D("93.56"), D("0.48"))


def test_no_total_note_when_overrides_change_nothing(seed, xundian):
    for entry in seed.indicators:
        entry.override, entry.reason = None, ""
    assert xchk(seed, xundian, "XCHK-OVERRIDE-TOTAL") == []


def test_partial_credit_no_whole_combination_gives(seed, xundian):
    found = [f for f in xchk(seed, xundian, "XCHK-PARTIAL") if f.message.startswith("A14")]
    assert [(f.severity, f.where, f.actual) for f in found] == [("info", "指标体系!H7", D("2.70"))]
    assert found[0].message == "A14符合的细则「①②③=0.7」含部分得分，合计2.7分，整条细则的组合得不到此分（相邻可得2分或3分）"


def test_partial_credit_a_whole_combination_gives_is_not_noted(seed, xundian):
    seed.entry("A15").inputs = ["①②③④=0.5"]  # 2.5 = ①③④ or ①②④
    assert [f for f in xchk(seed, xundian, "XCHK-PARTIAL") if f.message.startswith("A15")] == []


def test_partial_credit_under_a_veto_counts_only_without_the_veto(seed, xundian):
    seed.entry("B22").inputs = ["①②③④=0.5", "否"]
    finding = next(f for f in xchk(seed, xundian, "XCHK-PARTIAL") if f.where == "指标体系!H23")
    assert finding.message == (
        "B22符合的细则「①②③④=0.5」含部分得分，合计3.5分，整条细则的组合得不到此分（相邻可得3分或4分）"
        "；请在评价说明中写明部分符合的依据"
    )
    seed.entry("B22").inputs = ["①②③④=0.5", "是"]
    assert [f for f in xchk(seed, xundian, "XCHK-PARTIAL") if f.message.startswith("B22")] == []


# ── the seed ──────────────────────────────────────────────
def _partial(code, name, text, total, below, above):
    return ("info", "XCHK-PARTIAL", f"指标{code}{name} 符合的细则",
            f"{code}符合的细则「{text}」含部分得分，合计{total}分，整条细则的组合得不到此分（相邻可得{below}分或{above}分）")


@pytest.mark.parametrize("budget, actual, flagged", [
    ("0", "1.396", "未编制政府采购预算"),  # the seed: 1.396万元 bought without a procurement budget
    ("1.2", "1.396", "超出年初采购预算0.20万元"),
    ("1.396", "1.396", None), ("5", "1.396", None), (None, "1.396", None), ("0", None, None), ("0", "0", None),
])
def test_procurement_beyond_its_budget(seed, xundian, budget, actual, flagged):
    seed.info.procurement_budget = None if budget is None else D(budget)
    seed.info.procurement_actual = None if actual is None else D(actual)
    found = xchk(seed, xundian, "XCHK-PROCUREMENT")
    if flagged is None:
        assert found == []
    else:
        (finding,) = found
        assert flagged in finding.message and finding.where == "基本信息!B20、基本信息!B21"
        assert finding.difference == D(actual) - D(budget)


def test_the_seed_gives_only_notes(seed_assessment):
    found = [(f.severity, f.code, f.where, f.message) for f in seed_assessment.findings if f.code.startswith("XCHK-")]
    assert found == [
        ("info", "XCHK-PROGRESS", "基本信息 预算执行进度「全年」、决算表第84行决算数、决算表第84行全年预算数",
         ("预算执行进度「全年」为98.00%，本年支出合计（84行）决算数5,350,765.53元÷全年预算数5,350,765.53元为100.00%；"
          "执行进度多按支付口径统计，与决算口径不同时请在报告中说明")),
        ("info", "XCHK-PROCUREMENT", "基本信息 政府采购预算、基本信息 政府采购实际",
         "政府采购实际1.396万元，年初采购预算0.00万元：未编制政府采购预算（年初采购预算为0）；请核对是否调整了采购预算，"
         "并在报告的政府采购情况中说明"),
        ("info", "XCHK-BUDGET-ADJUST", "决算表第61行年初预算数、决算表第61行全年预算数",
         "项目支出（61行）全年预算数1,069,931.86元较年初预算数481,863.71元调增588,068.15元（122.04%），超过20%"),
        ("info", "XCHK-BUDGET-ADJUST", "决算表第84行年初预算数、决算表第84行全年预算数",
         "本年支出合计（84行）全年预算数5,350,765.53元较年初预算数4,361,592.70元调增989,172.83元（22.68%），超过20%"),
        ("info", "XCHK-OVERRIDE-TOTAL", "指标B12人工得分、指标B42人工得分、指标C101人工得分、指标C102人工得分、指标C103人工得分",
         "B42、C101、C103按规则无法计算，得不出按规则计算的总得分；B12、C102的人工评定改变总分-1.02分"),
        _partial("A14", "绩效目标合理性", "①②③=0.7", "2.7", "2", "3"),
        _partial("A15", "绩效指标明确性", "①②③④=0.6", "2.6", "2.5", "3"),
        _partial("A31", "基本支出预算合理性", "①②=0.5", "1.5", "1", "2"),
        _partial("B21", "财务管理制度健全性及执行情况", "①②③=0.4", "0.9", "0.75", "1"),
        _partial("B23", "财务监控的有效性", "①②=0.3", "0.8", "0.5", "1"),
        _partial("B32", "人力资源管理执行情况", "①②=0.3", "0.8", "0.5", "1"),
        _partial("B51", "业务管理制度健全性及执行情况", "①②③=0.4", "0.9", "0.75", "1"),
    ]

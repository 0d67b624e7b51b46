"""报告文字检查 (RPT-LINT-…): each rule flags what it must and nothing it must not, and what a reviewer finds in the seed."""
from __future__ import annotations

from decimal import Decimal

import pytest

from scoring import FUNDS_TEMPLATE, assess, check_evaluation, fill, placeholder_values
from scoring.narrative.lint import (
    Facts,
    agrees,
    analysed_claims,
    count_claims,
    grade_claims,
    lint_narrative,
    lint_text,
    money_claims,
    parts_claims,
    plan_year_claims,
    policy_claims,
    progress_claims,
    quote,
    rate_claims,
    score_claims,
    staff_claims,
    three_public_claims,
    year_claims,
)

# The seed's data: total 93.56 (优), 问卷 50 issued / 49 returned / 49 valid, 综合得分 98.67,
# 本年收入合计 532.44 万元, 本年支出合计 535.08 万元, 年初预算 436.16 / 436.16, 全年预算 532.44 / 535.08.


@pytest.fixture
def facts(seed_assessment) -> Facts:
    values = placeholder_values(seed_assessment.evaluation, seed_assessment.scorecard)
    return Facts(values, seed_assessment.scorecard.grade, 2024)


def codes(rule, sentence: str, facts: Facts) -> list[str]:
    return [claim.code for claim in rule(sentence, facts)]


@pytest.mark.parametrize("sentence", [
    "经综合评价，该部门整体支出绩效评价等级为“良”。",
    "评价结果为良好。",
    "部门整体支出绩效为“中”。",
    "本次绩效评价等级为差，",
])
def test_grade_flags_a_different_grade(sentence, facts):
    assert codes(grade_claims, sentence, facts) == ["RPT-LINT-GRADE"]


@pytest.mark.parametrize("sentence", [
    "经综合评价，该部门整体支出绩效评价等级为“优”。",
    "评价结果为优秀。",
    "部门整体支出绩效为“{等级}”。",
    "该单位年度考核等级为良好，绩效管理到位。",  # another assessment
    "评价结果中，产出指标得分较高。",  # 中 is not a grade here
    "绩效评价等级为优良。",  # not one of the grades
    "争取作品质量达到优良标准。",
    "评价结果应用于下年度预算安排。",
    "单位自评等级为良。",
    "2023年度绩效评价等级为“良”。",
])
def test_grade_leaves_alone(sentence, facts):
    assert grade_claims(sentence, facts) == []


def test_grade_is_a_note_for_hege_and_skipped_without_grade(facts):
    (claim,) = grade_claims("绩效评价等级为合格。", facts)
    assert claim.severity == "info"
    incomplete = Facts(facts.values, None, facts.year)
    assert grade_claims("绩效评价等级为“良”。", incomplete) == []


@pytest.mark.parametrize("sentence, code", [
    ("经评价，该部门总得分为92.56分。", "RPT-LINT-TOTAL"),
    ("绩效评价综合得分90分，等级为优。", "RPT-LINT-TOTAL"),
    ("根据《部门整体支出绩效评价指标体系》评分，该中心得分93.65分。", "RPT-LINT-TOTAL"),
    ("通过对50份满意度调查问卷统计分析，得分97.5分。", "RPT-LINT-SURVEY"),
])
def test_score_flags_a_different_score(sentence, code, facts):
    assert codes(score_claims, sentence, facts) == [code]


@pytest.mark.parametrize("sentence", [
    "经评价，该部门总得分为93.56分。",
    "该中心评价得分93.6分。",  # stated to one decimal
    "寻甸县委宣传部（含融媒体中心）考核得分为97.81分，按照总分100分计算。",
    "其中决策类指标得分18分。",
    "问卷总得分4835分。",  # the sum of points, not the average
    "通过对50份问卷统计分析，得分98.67分。",
    "该员工得分85分。",  # bare 得分 without 评价/绩效
    "单位自评得分95分，绩效评价得分93.56分。",
    "2023年度绩效评价总得分为88.5分。",
])
def test_score_leaves_alone(sentence, facts):
    assert score_claims(sentence, facts) == []


@pytest.mark.parametrize("sentence, expected", [
    ("本次共发放问卷60份，收回49份，有效问卷49份。", [Decimal(50)]),
    ("发放问卷50份，回收问卷48份，有效问卷数47。", [Decimal(49), Decimal(49)]),
])
def test_counts_flag_a_different_count(sentence, expected, facts):
    assert [claim.expected for claim in count_claims(sentence, facts)] == expected


@pytest.mark.parametrize("sentence", [
    "本次共发放问卷50份，收回49份，有效问卷49份。",
    "回收有效问卷49份，有效问卷率98%。",
    "收回资金60份。",  # not about the 问卷
])
def test_counts_leave_alone(sentence, facts):
    assert count_claims(sentence, facts) == []


@pytest.mark.parametrize("sentence", [
    "2024年实际总收入523.44万元（其中财政拨款522.08万元）。",
    "2024年共支出530万元。",
    "年初预算收入463.16万元，年初预算支出436.16万元。",
    "全年预算支出553.08万元。",
])
def test_money_flags_a_different_amount(sentence, facts):
    assert codes(money_claims, sentence, facts) == ["RPT-LINT-MONEY"]


@pytest.mark.parametrize("sentence", [
    "2024年实际总收入532.44万元，总支出535.08万元。",
    "2024年共收入532万元。",  # whole 万元, within rounding
    "本年收入合计532.4412万元。",
    "年初预算收入436.16万元，全年预算收入532.44万元。",
    "2023年总收入500万元，总支出480万元。",  # another year
    "上年总支出480万元。",
    "广告总收入20万元。",
    "年初预算总支出436.16万元。",
    "在电视、微信等各平台实现了广告收入共计20余万元。",
])
def test_money_leaves_alone(sentence, facts):
    assert money_claims(sentence, facts) == []


def test_years_flag_a_year_after_next_and_spare_plans(facts):
    assert codes(year_claims, "2026年，中心完成宣传合作10余项。", facts) == ["RPT-LINT-YEAR"]
    assert year_claims("2026年，中心完成宣传合作10余项。", facts)[0].severity == "info"
    for sentence in ("2025年，中心将继续拓展新客户。", "财预〔2011〕285号，2023年11月至2024年10月。",
                     "到2035年基本实现现代化。", "共发布短视频2439个。"):
        assert year_claims(sentence, facts) == []


@pytest.mark.parametrize("sentence", [
    "依据《财政部关于印发〈财政支出绩效评价管理暂行办法〉的通知》（财预〔2011〕285号）开展评价。",  # the seed's form
    "根据财预[2011]285号文件要求，组织开展绩效评价。",
    "按照财预（2011）285 号的规定。",
    "参照《财政支出绩效评价管理暂行办法》，设置评价指标。",
    "评价依据：1.《预算法》；2.财预【2011】285号；3.《预算绩效评价共性指标体系框架》（财预〔2013〕53号）。",
])
def test_policy_flags_a_superseded_document_naming_its_replacement(sentence, facts):
    (claim,) = policy_claims(sentence, facts)
    assert claim.code == "RPT-LINT-POLICY" and claim.severity == "warning"
    assert claim.message == ("《财政支出绩效评价管理暂行办法》（财预〔2011〕285号）已由《项目支出绩效评价管理办法》"
                             "（财预〔2020〕10号）取代，请引用现行文件")
    assert "285" in sentence[claim.span[0]:claim.span[1]] or "暂行办法" in sentence[claim.span[0]:claim.span[1]]


@pytest.mark.parametrize("sentence", [
    "依据《项目支出绩效评价管理办法》（财预〔2020〕10号）开展评价。",  # in force
    "依据《预算绩效评价共性指标体系框架》（财预〔2013〕53号）设置指标。",
    "根据《中共中央国务院关于全面实施预算绩效管理的意见》（中发〔2018〕34号）。",
    "《项目支出绩效评价管理办法》（财预〔2020〕10号）印发后，《财政支出绩效评价管理暂行办法》（财预〔2011〕285号）同时废止。",
    "自财预〔2011〕285号印发以来，我县逐步建立绩效评价制度。",  # history
    "原财预〔2011〕285号规定的评价方式已调整。",
    "依据云财预〔2011〕285号文件。",  # a province's 财预, not the ministry's
    "依据财预〔2011〕2850号文件。",  # another serial
    "依据财建〔2011〕285号文件。",  # another issuer
    "依据《财政支出绩效评价管理暂行办法（修订稿）》。",  # not the exact title
    "《寻甸县财政支出绩效评价管理暂行办法》（寻财〔2019〕9号）。",  # a county's own
])
def test_policy_leaves_alone(sentence, facts):
    assert policy_claims(sentence, facts) == []


def test_policy_spares_evaluations_of_years_before_the_replacement(facts):
    sentence = "依据《财政支出绩效评价管理暂行办法》（财预〔2011〕285号）开展评价。"
    assert policy_claims(sentence, Facts(facts.values, facts.grade, 2019)) == []  # evaluated in 2020 or earlier
    assert policy_claims(sentence, Facts(facts.values, facts.grade, None)) == []
    assert len(policy_claims(sentence, Facts(facts.values, facts.grade, 2020))) == 1


def test_agrees_is_rounding_aware():
    assert agrees("532.44", Decimal("532.44")) and agrees("532.4412", Decimal("532.44"))
    assert agrees("532", Decimal("532.44")) and agrees("532.4", Decimal("532.44"))
    assert not agrees("532.43", Decimal("532.44")) and not agrees("531", Decimal("532.44"))


def test_long_sentences_are_quoted_around_the_figure():
    sentence = "甲" * 100 + "总得分为90分" + "乙" * 100
    text = quote(sentence, (100, 107))
    assert text.startswith("…") and text.endswith("…") and "总得分为90分" in text and len(text) < 80


def test_a_finding_quotes_the_sentence_gives_the_figure_and_names_the_cell(seed, xundian):
    seed.narrative["conclusion"] = "（一）评价结果。经评价，该部门总得分为92.56分，评价等级为“良”。"
    del seed.narrative["approach"]  # its citation of a superseded document (tested below)
    card = assess(seed, xundian).scorecard
    findings = [f for f in lint_narrative(seed, card, {"narrative.conclusion": "报告!C14"}) if f.where == "报告!C14"]
    assert [(f.code, f.severity, f.where) for f in findings] == [
        ("RPT-LINT-GRADE", "warning", "报告!C14"), ("RPT-LINT-TOTAL", "warning", "报告!C14"),
    ]
    assert findings[1].message == "报告写“经评价，该部门总得分为92.56分，评价等级为“良”。”，而计算所得评价总得分为93.56分"
    assert findings[1].difference == Decimal("-1.00")
    assert "报告「四、评价结论和绩效分析」" in {f.where for f in lint_narrative(seed, card, {})}
    assert "RPT-LINT-TOTAL" in {f.code for f in check_evaluation(seed, xundian, card)}


def test_what_a_reviewer_finds_in_the_seed_report(seed_assessment):
    """The published report's own text: its 评价依据 cites the 2011 办法, replaced in 2020, for the year 2024; its
    流动资产 44.83万元 lists 89.13万元 of parts (two of them liabilities: 其他应交税费, 应交财政款); its score
    98.67 is over the 49 valid questionnaires, not the 50 it says were analysed; its 2024年工作打算 is for 2025."""
    found = {f.code: f for f in seed_assessment.findings if f.code.startswith("RPT-LINT")}
    assert {code: (f.severity, f.where) for code, f in found.items()} == {
        "RPT-LINT-POLICY": ("warning", "报告「三、评价思路和过程」"),
        "RPT-LINT-PARTS": ("warning", "报告「（七）固定资产情况」"),
        "RPT-LINT-SURVEY": ("warning", "报告「附件1 成本效益分析报告」"),
        "RPT-LINT-PLAN-YEAR": ("info", "报告「附件2 部门职能分解及工作完成情况」"),
    }
    assert "（财预〔2011〕285号）；3.《昆明市" in found["RPT-LINT-POLICY"].message
    assert "（财预〔2020〕10号）取代" in found["RPT-LINT-POLICY"].message
    assert "流动资产年末数为44.83万元，其中库存现金年末数为0万元" in found["RPT-LINT-PARTS"].message
    assert found["RPT-LINT-PARTS"].message.endswith("而“其中”所列4项合计89.13万元，超过总数44.83万元")
    assert "通过对50份社会公众或服务对象满意度调查问卷统计分析" in found["RPT-LINT-SURVEY"].message
    assert found["RPT-LINT-SURVEY"].message.endswith("而问卷得分按有效问卷49份计算（发放50份）")
    assert "“三、2024年工作打算”" in found["RPT-LINT-PLAN-YEAR"].message


def test_filled_text_and_the_funds_template_agree_with_the_data(seed_assessment, facts):
    values = dict(facts.values)
    texts = [*seed_assessment.evaluation.narrative.values(), "\n".join(FUNDS_TEMPLATE)]
    codes = [[f.code for f in lint_text(fill(text, values)[0], facts, "报告")] for text in texts]
    assert sorted(code for text_codes in codes for code in text_codes) == [
        "RPT-LINT-PARTS", "RPT-LINT-PLAN-YEAR", "RPT-LINT-POLICY", "RPT-LINT-SURVEY"]


# ── what a 财政局 reviewer checks: staff, 三公经费 by year, progress, rates, totals and parts ──
# The seed: 编制数 28, 在职（编内）23, 劳务派遣 15; 三公经费 2.40 (2024) and 2.62 (2023); 执行进度 6月末 60.46%,
# 9月末 76.19%, 11月末 85.17%, 全年 98%; 预算执行率 100.00%; 问卷 50 issued, 49 valid.

@pytest.mark.parametrize("sentence, rule, code", [
    ("2024年融媒体中心编制人数为30人，年末实有在编人数为23人，没有超编现象。", staff_claims, "RPT-LINT-STAFF"),
    ("核定事业编制26名。", staff_claims, "RPT-LINT-STAFF"),
    ("其中:编内人员25人，劳务派遣15人。", staff_claims, "RPT-LINT-STAFF"),
    ("其中:编内人员23人，劳务派遣12人。", staff_claims, "RPT-LINT-STAFF"),
    ("2022年三公经费为2.62万元，2024年三公经费为2.4万元。", three_public_claims, "RPT-LINT-THREE-PUBLIC"),  # the seed's
    ("2024年三公经费实际支出2.60万元。", three_public_claims, "RPT-LINT-THREE-PUBLIC"),
    ("2023年“三公”经费为2.4万元。", three_public_claims, "RPT-LINT-THREE-PUBLIC"),
    ("6月末融媒体中心部门预算执行进度达到65.46%，9月末达到76.19%。", progress_claims, "RPT-LINT-PROGRESS"),
    ("预算执行进度：9月末达到70%，全年执行进度为98%。", progress_claims, "RPT-LINT-PROGRESS"),
    ("商品和服务支出按预算进度执行，预算执行率95%。", rate_claims, "RPT-LINT-RATE"),
    ("三、2024年工作打算", plan_year_claims, "RPT-LINT-PLAN-YEAR"),
    ("（二）2023年度工作计划", plan_year_claims, "RPT-LINT-PLAN-YEAR"),
])
def test_reviewer_checks_flag(sentence, rule, code, facts):
    assert codes(rule, sentence, facts) == [code]


@pytest.mark.parametrize("sentence, rule", [
    ("2024年融媒体中心编制人数为28人，年末实有在编人数为23人，没有超编现象。", staff_claims),
    ("核定事业编制28名，其中:管理人员编制4名，专业技术人员编制24名。", staff_claims),
    ("2024年年末在职人员共38人。其中:编内人员23人，劳务派遣15人。", staff_claims),
    ("2023年编制人数为30人。", staff_claims),  # another year
    ("2023年三公经费实际支出2.62万元，2024年三公经费实际支出2.40万元。", three_public_claims),
    ("2024年三公经费预算3万元。", three_public_claims),  # a budget, not spending
    ("2020年三公经费为5万元。", three_public_claims),  # another year, another figure
    ("6月末融媒体中心部门预算执行进度达到60.46%，9月末达到76.19%，11月末达到85.17%，全年执行进度为98%。", progress_claims),
    ("全年预算执行率达到100%。", rate_claims),
    ("全年预算执行率达到100%。", progress_claims),  # a rate, not the 全年 progress
    ("6月末完成全年任务的65%，执行进度正常。", progress_claims),  # not the progress
    ("项目支出预算执行率为95%。", rate_claims),  # another row
    ("预算执行率不低于95%。", rate_claims),  # a target
    ("参照上年度目标责任下达的目标任务和2024年度工作计划编制预算。", plan_year_claims),  # not a heading
    ("三、2025年工作打算", plan_year_claims),
])
def test_reviewer_checks_leave_alone(sentence, rule, facts):
    assert rule(sentence, facts) == []


def test_the_three_public_year_message_names_both_years(facts):
    (claim,) = three_public_claims("2022年三公经费为2.62万元。", facts)
    assert claim.message == "2.62万元是基本信息中2023年的三公经费（评价年度2024年，上年为2023年），年份有误"


@pytest.mark.parametrize("line, total, added", [
    ("流动资产年末数为44.83万元，其中库存现金年末数为0万元，银行存款年末数为44.78万元，其他应交税费年末数为2.82万元，"
     "应交财政款41.53万元，固定资产净值年末数为1787.51万元。", "44.83", "89.13"),
    ("2024年共支出535.08万元。其中：工资福利支出324.13万元；商品和服务支出252.09万元。", "535.08", "576.22"),
    ("基本支出387.97万元（其中人员经费387.64万元，公用经费10.33万元），项目支出33.12万元。", "387.97", "397.97"),
    ("2024年年末在职人员共36人。其中:编内人员23人，劳务派遣15人。", "36", "38"),
])
def test_parts_above_their_total_are_flagged(line, total, added, facts):
    (claim,) = parts_claims(line, facts)
    assert (claim.code, claim.expected, claim.actual) == ("RPT-LINT-PARTS", Decimal(total), Decimal(added))


@pytest.mark.parametrize("line", [
    "2024年实际总收入532.44万元（其中财政拨款收入522.08万元，其他收入10.36万元），总支出535.08万元。",
    "2024年共支出535.08万元。其中：工资福利支出324.13万元；商品和服务支出52.09万元；对个人和家庭的补助78.95万元；资本性支出79.91万元。",
    "基本支出387.97万元（其中人员经费377.64万元，公用经费10.33万元），项目支出33.12万元。",
    "核定事业编制28名，其中:管理人员编制4名，专业技术人员编制24名。",
    "2024年度预算资金421.1万元，其中：文化旅游体育与传媒支出327.23万元，社会保障和就业支出40.62万元，住房保障支出24.35万元，卫生健康支出28.89万元。",  # 421.09: within rounding
    "总收入532.44万元，其中财政拨款522.08万元。",  # one part only: a list may leave parts out
])
def test_parts_within_their_total_are_left_alone(line, facts):
    assert parts_claims(line, facts) == []


def test_the_questionnaires_analysed_are_the_valid_ones(facts):
    (claim,) = analysed_claims("通过对50份社会公众或服务对象满意度调查问卷统计分析，得分98.67分。", facts)
    assert (claim.expected, claim.actual) == (Decimal(49), Decimal(50))
    assert analysed_claims("通过对49份有效问卷统计分析，得分98.67分。", facts) == []
    assert analysed_claims("共发放问卷50份，收回49份。", facts) == []

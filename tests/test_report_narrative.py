"""Placeholders and the sample narrative (scoring.narrative.sections, pure)."""
import subprocess
import sys
from decimal import Decimal

import pytest

from scoring import (
    FUNDS_TEMPLATE,
    NARRATIVE_SECTIONS,
    PLACEHOLDERS,
    SECTION_HEADINGS,
    fill,
    is_known,
    placeholder_values,
    score_evaluation,
)


@pytest.fixture
def values(seed, xundian):
    return placeholder_values(seed, score_evaluation(seed, xundian))


def test_fill_replaces_and_reports_unknown_names():
    text, missing = fill("共收入{本年收入合计_万元}万元，{ 等级 }，{没有这个}。", {"本年收入合计_万元": "532.44", "等级": "优"})
    assert text == "共收入532.44万元，优，【未知占位符：没有这个】。"
    assert missing == ["没有这个"]


def test_fill_marks_known_placeholder_without_data():
    text, missing = fill("编制{编制数}人", {})
    assert text == "编制【缺少数据：编制数】人"
    assert missing == ["编制数"]
    assert "{" not in text and "}" not in text


def test_sample_figures(values):
    expected = {
        "本年收入合计_万元": "532.44", "财政拨款收入_万元": "522.08", "其他收入_万元": "10.36",
        "本年支出合计_万元": "535.08", "基本支出_万元": "428.08", "人员经费_万元": "402.78",
        "公用经费_万元": "25.30", "项目支出_万元": "106.99", "工资福利支出_万元": "324.13",
        "商品和服务支出_万元": "52.09", "对个人和家庭的补助_万元": "78.95", "资本性支出_万元": "79.90",
        "基本支出_年初预算_万元": "387.97", "人员经费_年初预算_万元": "377.64", "公用经费_年初预算_万元": "10.33",
        "文化旅游体育与传媒支出_万元": "441.45", "年末结转和结余_万元": "0.36",
        "总得分": "93.56", "等级": "优", "问卷得分": "98.67", "问卷总分": "4835", "问卷满意率": "98.67%",
        "发放问卷份数": "50", "收回问卷份数": "49", "有效问卷份数": "49",
        "编制数": "28", "在职人数": "23", "劳务派遣人数": "15", "年末人员合计": "38", "在职人员控制率": "82.14%",
        "三公经费本年_万元": "2.40", "三公经费上年_万元": "2.62", "三公经费变动额_万元": "0.22",
        "三公经费变动方向": "下降", "三公经费控制率": "91.60%", "政府采购实际_万元": "1.40",
        "执行进度_6月末": "60.46%", "执行进度_全年": "98.00%", "预算执行率": "100.00%",
        "评价时段": "2024年1月1日至2024年12月31日", "年度": "2024", "上年度": "2023",
        "收入明细": "一般公共预算财政拨款收入522.08万元，其他收入10.36万元",
    }
    assert {k: values[k] for k in expected} == expected


def test_every_value_is_documented_and_only_blank_data_is_missing(values):
    assert all(is_known(name) for name in values)
    assert set(PLACEHOLDERS) - set(values) == {
        "执行进度_<时点>", "固定资产总额_万元", "在用固定资产_万元", "固定资产在用率",
    }
    assert "经济分类支出合计_年初预算_万元" not in PLACEHOLDERS  # the form prints — there


def test_money_rounds_half_up(seed, xundian):
    seed.accounts.set(27, "final", Decimal("1250"))
    values = placeholder_values(seed, score_evaluation(seed, xundian))
    assert values["本年收入合计_万元"] == "0.13"


def test_empty_column_has_no_figures(seed, xundian):
    for number in seed.accounts.rows:
        seed.accounts.set(number, "initial", None)
    values = placeholder_values(seed, score_evaluation(seed, xundian))
    assert "本年收入合计_年初预算_万元" not in values
    assert values["本年收入合计_万元"] == "532.44"


def test_sample_narrative_fills_completely(seed, values):
    assert list(seed.narrative) == [section.key for section in NARRATIVE_SECTIONS]
    for key, text in seed.narrative.items():
        filled, missing = fill(text, values)
        assert missing == [], key
        assert "{" not in filled and "}" not in filled
    filled, missing = fill("\n".join(FUNDS_TEMPLATE), values)
    assert missing == []
    assert "2024年共收入532.44万元。其中：一般公共预算财政拨款收入522.08万元，其他收入10.36万元。" in filled


def test_sample_narrative_keeps_seed_texts(seed, values):
    conclusion, _ = fill(seed.narrative["conclusion"], values)
    assert "寻甸回族彝族自治县融媒体中心得分93.56分，部门整体支出绩效为“优”" in conclusion
    assert "6月末融媒体中心部门预算执行进度达到60.46%，9月末达到76.19%" in conclusion
    annex1, _ = fill(seed.narrative["annex1"], values)
    assert "通过对50份社会公众或服务对象满意度调查问卷统计分析" in annex1
    assert "得分98.67分" in annex1


def test_narrative_module_stays_pure():
    code = "import sys, scoring.narrative.sections; print(sorted(m for m in ('docx', 'openpyxl', 'matplotlib') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_section_headings_are_numbered_by_position():
    from scoring.narrative.sections import _numbered

    assert SECTION_HEADINGS["org"] == "（一）部门机构设置、编制" and SECTION_HEADINGS["goals"] == "二、绩效目标"
    assert SECTION_HEADINGS["suggestions"] == "七、改进措施及建议" and SECTION_HEADINGS["annex2"] == "附件2 部门职能分解及工作完成情况"
    moved = _numbered((("problems", "存在的问题", "chapter"), ("goals", "绩效目标", "chapter")))
    assert [s.heading for s in moved] == ["二、存在的问题", "三、绩效目标"]

"""How the report names the indicator system, and the placeholder aliases users may type."""
import pytest
from docx import Document

from scoring import ALIASES, PLACEHOLDERS, assess, fill, indicator_system_name, is_known, load_ruleset, placeholder_values
from xladdin.report import build_report
from xladdin.workbook.guide_text import PLACEHOLDER_HEADING, guide_sections

FULL = "寻甸县部门整体支出绩效评价指标体系（2024）"
NEUTRAL = "部门整体支出绩效评价指标体系（2024）"


def test_own_unit_keeps_the_full_name(seed, xundian):
    assert seed.info.unit_name == "寻甸回族彝族自治县融媒体中心"
    assert indicator_system_name(seed, xundian) == FULL


@pytest.mark.parametrize("unit", ["寻甸县融媒体中心", "云南省寻甸县财政局"])
def test_any_unit_of_the_place_keeps_the_full_name(seed, xundian, unit):
    seed.info.unit_name = unit
    assert indicator_system_name(seed, xundian) == FULL


@pytest.mark.parametrize("unit", ["禄劝彝族苗族自治县融媒体中心", "融媒体中心", ""])
def test_another_unit_gets_the_name_without_the_place(seed, xundian, unit):
    seed.info.unit_name = unit  # its 主管部门 is still the seed's 寻甸 one: only the unit's name counts
    assert indicator_system_name(seed, xundian) == NEUTRAL


def test_a_ruleset_not_named_after_a_place_keeps_its_name(seed):
    mof = load_ruleset("mof-2013")
    seed.info.unit_name = "禄劝县融媒体中心"
    assert indicator_system_name(seed, mof) == mof.name


def test_report_of_another_unit_does_not_name_xundian(seed, xundian, tmp_path):
    seed.info.unit_name = "禄劝彝族苗族自治县融媒体中心"
    result = build_report(assess(seed, xundian), tmp_path / "报告.docx")
    doc = Document(result.docx_path)
    text = "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])
    assert f"按照《{NEUTRAL}》" in text and FULL not in text  # the seed's own texts still mention 寻甸


@pytest.mark.parametrize("alias", sorted(ALIASES))
def test_alias_fills_like_its_placeholder(seed, xundian, alias):
    values = placeholder_values(seed, assess(seed, xundian).scorecard)
    canonical = ALIASES[alias]
    assert is_known(alias) and canonical in PLACEHOLDERS and alias not in PLACEHOLDERS
    assert fill(f"得{{{alias}}}。", values) == fill(f"得{{{canonical}}}。", values)
    assert fill(f"得{{ {alias} }}。", values)[1] == []


def test_alias_without_data_is_missing_not_unknown():
    assert fill("{总分}", {}) == ("【缺少数据：总分】", ["总分"])


@pytest.mark.parametrize("name", ["总得分数", "年份", "满意率"])
def test_unknown_names_still_error(name):
    assert not is_known(name)
    assert fill(f"{{{name}}}", {"总得分": "93.56"}) == (f"【未知占位符：{name}】", [name])


def test_guide_lists_aliases_next_to_the_placeholder(xundian):
    lines = dict(guide_sections(xundian))[PLACEHOLDER_HEADING]
    assert "{总得分}（也可写{总分}）：绩效评价总得分（两位小数），如93.56" in lines
    assert any(line.startswith("{问卷满意率}（也可写{满意度}、{问卷满意度}）：") for line in lines)


def test_the_last_place_of_a_long_name_decides(seed, xundian):
    rs = xundian.model_copy(update={"name": "云南省昆明市禄劝彝族苗族自治县部门整体支出绩效评价指标体系"})
    assert indicator_system_name(seed, rs) == "部门整体支出绩效评价指标体系"
    seed.info.unit_name = "禄劝县财政局"
    assert indicator_system_name(seed, rs) == rs.name

"""Rulesets: the shipped ones are valid; mistakes in a user's TOML are named in Chinese."""
import copy
import tomllib
from decimal import Decimal

import pytest

from scoring import RulesetError, load_ruleset, shipped_rulesets
from scoring.ruleset import RULESET_DIR, parse_ruleset


@pytest.fixture
def raw():
    return tomllib.loads((RULESET_DIR / "xundian-2024.toml").read_text(encoding="utf-8"), parse_float=Decimal)


def _problems(data):
    with pytest.raises(RulesetError) as info:
        parse_ruleset(data, "测试")
    return info.value.problems


def test_shipped_rulesets():
    assert shipped_rulesets() == ["mof-2013", "xundian-2024"]
    xundian = load_ruleset("xundian-2024")
    assert (len(xundian.level1), len(xundian.level2), len(xundian.indicators)) == (3, 9, 31)
    assert sum(i.weight for i in xundian.indicators) == 100
    mof = load_ruleset("mof-2013")
    assert [g.name for g in mof.level1] == ["投入", "过程", "产出", "效果"]
    assert sum(i.weight for i in mof.indicators) == 100


def test_xundian_texts_are_verbatim_from_the_seed(seed_text):
    for indicator in load_ruleset("xundian-2024").indicators:
        assert f"{indicator.code}{indicator.name}（" in seed_text
        for text in (indicator.definition, indicator.scoring_guide, indicator.data_source):
            assert text and text in seed_text, (indicator.code, text)


def test_weights_must_add_up(raw):
    raw["indicators"][0]["weight"] = Decimal(3)
    raw["indicators"][0]["rule"]["items"][0]["points"] = Decimal("1.5")
    problems = _problems(raw)
    assert "指标A1部门目标分值12分，但下级指标（A11、A12、A13、A14、A15）分值合计13分" in problems


def test_criterion_points_exceeding_weight(raw):
    raw["indicators"][0]["rule"]["items"][0]["points"] = Decimal(1)
    assert "指标A11：各细则分值合计2.5分，超过指标分值2分" in _problems(raw)


def test_unknown_rule_type_and_field(raw):
    raw["indicators"][2]["rule"]["type"] = "lottery"
    raw["indicators"][3]["colour"] = "red"
    problems = _problems(raw)
    assert any(p.startswith("indicators[A13].rule：未知规则类型「lottery」") for p in problems)
    assert "indicators[A14].colour：未知字段" in problems


def test_unknown_data_reference_and_parent(raw):
    b11 = next(i for i in raw["indicators"] if i["code"] == "B11")
    b11["rule"]["rate"]["inputs"][0]["source"] = "accounts.999.final"
    raw["indicators"][0]["parent"] = "Z9"
    problems = _problems(raw)
    assert any("未知的数据引用「accounts.999.final」" in p for p in problems)
    assert "三级指标A11的上级「Z9」不是二级指标" in problems


def test_missing_field_and_bad_number(raw):
    broken = copy.deepcopy(raw)
    del broken["indicators"][0]["name"]
    broken["level1"][0]["weight"] = "三十五"
    problems = _problems(broken)
    assert "indicators[A11].name：缺少必填项" in problems
    assert "level1[A].weight：应为数字" in problems


def test_user_file(tmp_path):
    path = tmp_path / "我的规则.toml"
    path.write_text((RULESET_DIR / "mof-2013.toml").read_text(encoding="utf-8").replace('id = "mof-2013"', 'id = "mine"'), encoding="utf-8")
    assert load_ruleset(str(path)).id == "mine"
    path.write_text("id = [", encoding="utf-8")
    with pytest.raises(RulesetError, match="TOML 格式错误"):
        load_ruleset(str(path))


def test_hostile_files(tmp_path):
    big = tmp_path / "big.toml"
    big.write_bytes(b"#" * 3_000_000)
    with pytest.raises(RulesetError, match="文件过大"):
        load_ruleset(str(big))
    binary = tmp_path / "bin.toml"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(RulesetError, match="UTF-8"):
        load_ruleset(str(binary))
    with pytest.raises(RulesetError, match="没有名为「nope」的规则集"):
        load_ruleset("nope")

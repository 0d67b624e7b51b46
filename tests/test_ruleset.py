"""Rulesets: the shipped ones are valid; mistakes in a user's TOML are named in Chinese."""
import copy
import re
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest

from scoring import RulesetError, cells, load_ruleset, shipped_rulesets
from scoring.rules.ruleset import RULESET_DIR, parse_ruleset
from xladdin.cli import main

DOC = Path(__file__).resolve().parents[1] / "docs" / "ruleset-format.md"


@pytest.fixture
def raw():
    return tomllib.loads((RULESET_DIR / "xundian-2024.toml").read_text(encoding="utf-8"), parse_float=Decimal)


@pytest.fixture
def example_text():
    """The complete example of docs/ruleset-format.md (total_weight 10, no [[grades]])."""
    return re.findall(r"```toml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)[-1]


def _parse(text):
    return parse_ruleset(tomllib.loads(text, parse_float=Decimal), "测试")


def _with_grades(text, key, bands):
    """``text`` with [[grades]] whose minimums are given as ``key`` (min_pct or min)."""
    return text + "".join(f'\n[[grades]]\nname = "{name}"\n{key} = {value}\n' for name, value in bands)


def _problems(data):
    with pytest.raises(RulesetError) as info:
        parse_ruleset(data, "测试")
    return info.value.problems


def test_shipped_rulesets():
    assert shipped_rulesets() == ["mof-2013", "self-2020", "self-coef", "self-top80", "xundian-2024"]
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


@pytest.mark.parametrize("total, grade", [("10", "优"), ("9", "优"), ("8.5", "良"), ("6", "中"), ("5.9", "差"), ("0", "差")])
def test_documented_example_grades_as_shares_of_its_total(example_text, total, grade):
    assert _parse(example_text).grade(Decimal(total)) == grade


@pytest.mark.parametrize("name", ["xundian-2024", "mof-2013"])
@pytest.mark.parametrize(
    "total, grade", [("93.56", "优"), ("90", "优"), ("89.99", "良"), ("80", "良"), ("79.99", "中"), ("60", "中"), ("59.99", "差")]
)
def test_shipped_rulesets_grade_as_before(name, total, grade):
    assert load_ruleset(name).grade(Decimal(total)) == grade


def test_bands_in_percent_or_in_points(example_text):
    percent = _with_grades(example_text, "min_pct", [("达标", 70), ("不达标", 0)])
    points = _with_grades(example_text, "min", [("达标", 7), ("不达标", 0)])
    for text in (percent, points):
        rs = _parse(text)
        assert (rs.grade(Decimal(7)), rs.grade(Decimal("6.99"))) == ("达标", "不达标")
        assert rs.grade_warning() is None


def test_grade_band_mistakes_are_named_in_chinese(raw):
    raw["grades"][1] = {"name": "良", "min": 80, "min_pct": 80}
    raw["grades"][2] = {"name": "中", "min_percent": 60}
    problems = _problems(raw)
    assert "grades[2]：等级「良」的下限须填写 min_pct（占总分的百分比）或 min（分数）中的一项" in problems
    assert "grades[3].min_percent：未知字段" in problems
    raw["grades"][1], raw["grades"][2] = {"name": "良", "min_pct": 80}, {"name": "中", "min": 60}
    assert any("统一用 min_pct" in p for p in _problems(raw))
    raw["grades"][2] = {"name": "中", "min_pct": 160}
    assert "grades[3].min_pct：应不大于100" in _problems(raw)


def test_ruleset_command_warns_of_absolute_bands_above_the_total(tmp_path, example_text, capsys):
    path = tmp_path / "十分制.toml"
    path.write_text(_with_grades(example_text, "min", [("优", 90), ("良", 80), ("中", 60), ("差", 0)]), encoding="utf-8")
    assert main(["ruleset", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith("满分10分，校验通过。")
    assert lines[1].startswith("警告：等级优（min = 90）、良（min = 80）、中（min = 60）的下限是绝对分数，超过总分10分，永远评不到")
    assert main(["ruleset", "xundian-2024"]) == 0
    assert "警告" not in capsys.readouterr().out


def test_worksheet_grade_uses_shares_of_the_total(tmp_path, example_text):
    path = tmp_path / "ex.toml"
    path.write_text(example_text, encoding="utf-8")
    assert [cells.grade(total, str(path)) for total in (10, 8.5, 5.9)] == ["优", "良", "差"]


def test_a_ruleset_with_too_many_indicators_is_refused_clearly():
    from scoring.rules.ruleset import MAX_INDICATORS

    data = {
        "id": "huge", "name": "过大", "total_weight": MAX_INDICATORS + 1,
        "level1": [{"code": "A", "name": "一级", "weight": MAX_INDICATORS + 1}],
        "level2": [{"code": "A1", "parent": "A", "name": "二级", "weight": MAX_INDICATORS + 1}],
        "indicators": [{"code": f"X{i}", "parent": "A1", "name": f"指标{i}", "weight": 1,
                        "rule": {"type": "discretionary"}} for i in range(MAX_INDICATORS + 1)],
    }
    with pytest.raises(RulesetError, match=f"最多{MAX_INDICATORS}项"):
        parse_ruleset(data, "huge")

"""Workbooks carry their own ruleset, and a 自评表's structure (一级 groups, weights, a level above them, the
预算执行率 part) is data: the shipped self rulesets are presets of it, and a JSON ``self_form.structure`` replaces them."""
import json
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from scoring import assess, load_ruleset, parse_evaluation, sample_evaluation
from scoring.model.self_form import FormStructure
from scoring.rules.ruleset import RULESET_DIR
from scoring.rules.self_structure import apply_structure, structure_of
from xladdin.cli import main
from xladdin.workbook import assess_workbook, workbook_bytes
from xladdin.workbook.file import EMBED_CHUNK, EMBED_SHEET

SELF = load_ruleset("self-2020")


# ── the ruleset travels with the workbook ─────────────────
def _custom_toml(tmp_path, rid="my-form"):
    text = (RULESET_DIR / "self-2020.toml").read_text(encoding="utf-8")
    path = tmp_path / "my.toml"
    path.write_text(text.replace('id = "self-2020"', f'id = "{rid}"').replace("weight = 50", "weight = 45", 1)
                    .replace('name = "效益指标"\nweight = 30', 'name = "效益指标"\nweight = 35'), encoding="utf-8")
    return path


def test_a_workbook_from_a_custom_toml_scores_the_same_without_the_toml(tmp_path, capsys):
    toml = _custom_toml(tmp_path)
    rs = load_ruleset(str(toml))
    assert [g.weight for g in rs.level1] == [45, 35, 10, 10]
    sample = sample_evaluation("self-2020")
    rows = [r.model_copy(update={"weight": 3}) if r.name == "举办群众文化活动场次" else
            r.model_copy(update={"weight": 11}) if r.name == "带动文旅消费金额" else r for r in sample.self_form.rows]
    evaluation = sample.model_copy(update={"self_form": sample.self_form.model_copy(update={"rows": rows})})
    path = tmp_path / "w.xlsx"
    path.write_bytes(workbook_bytes(rs, evaluation, str(toml)))
    assert main(["score", str(path), "--json"]) == 0
    before = json.loads(capsys.readouterr().out)
    toml.unlink()
    assert main(["score", str(path), "--json"]) == 0
    after = json.loads(capsys.readouterr().out)
    # 举办 8 → 3 and 带动 6 → 11 points, both at full marks: the sample's 92.37
    assert after == before and after["complete"] and after["total"] == 92.37
    assert main(["check", str(path)]) == 0  # the saved values agree with the embedded ruleset's
    capsys.readouterr()
    assert main(["batch", str(tmp_path), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert [(r["规则集"], r["总得分"], r["等级"]) for r in rows] == [("my-form", "92.37", "优")]
    assert main(["report", str(path), "--out", str(tmp_path / "r.docx")]) in (0, 1)  # a draft or not, it is written
    assert (tmp_path / "r.docx").stat().st_size > 10_000
    other = _custom_toml(tmp_path, "other-form")
    assert main(["score", "--ruleset", str(other), str(path)]) == 2  # a different ruleset is still refused
    assert "不能改用规则集「other-form」" in capsys.readouterr().err


def test_new_from_a_toml_then_delete_it_then_score(tmp_path, capsys):
    toml = _custom_toml(tmp_path)
    path = tmp_path / "w.xlsx"
    assert main(["new", "--ruleset", str(toml), str(path)]) == 0
    capsys.readouterr()
    main(["score", str(path), "--json"])
    before = capsys.readouterr().out
    toml.unlink()
    main(["score", str(path), "--json"])
    assert capsys.readouterr().out == before and '"ruleset": "my-form"' in before


def test_the_embedded_ruleset_is_a_very_hidden_sheet_split_into_cells(tmp_path):
    build_path = tmp_path / "x.xlsx"
    rs = load_ruleset("mof-2013")
    build_path.write_bytes(workbook_bytes(rs))
    wb = load_workbook(build_path)
    ws = wb[EMBED_SHEET]
    assert ws.sheet_state == "veryHidden"
    text = "".join(c.value for c in ws["A"] if c.value)
    assert 12_000 < len(text) <= EMBED_CHUNK  # the largest shipped ruleset (12,980 characters) fits one cell
    assert assess_workbook(build_path).ruleset == rs


def test_a_large_ruleset_is_split_below_excels_cell_limit(tmp_path, monkeypatch):
    from xladdin.workbook import guide

    monkeypatch.setattr(guide, "EMBED_CHUNK", 1_000)
    rs = load_ruleset("xundian-2024")
    path = tmp_path / "x.xlsx"
    path.write_bytes(workbook_bytes(rs, sample_evaluation()))
    cells = [c.value for c in load_workbook(path)[EMBED_SHEET]["A"] if c.value]
    assert len(cells) > 10 and max(len(v) for v in cells) == 1_000
    card = assess_workbook(path).scorecard
    assert (card.total, card.grade) == (Decimal("93.56"), "优")


def test_a_damaged_embedded_ruleset_is_refused_in_chinese(tmp_path, capsys):
    path = tmp_path / "w.xlsx"
    path.write_bytes(workbook_bytes(SELF))
    wb = load_workbook(path)
    wb[EMBED_SHEET]["A1"] = '{"id": "self-2020"'
    wb.save(path)
    assert main(["score", str(path)]) == 2
    assert "保存的规则集已损坏" in capsys.readouterr().err


def test_json_ruleset_may_be_the_whole_ruleset_object(tmp_path, capsys):
    from scoring.rules.ruleset import ruleset_data

    data = json.loads(sample_evaluation("self-2020").model_dump_json())
    data["ruleset"] = ruleset_data(SELF)
    evaluation = parse_evaluation(json.dumps(data, ensure_ascii=False))
    assert evaluation.ruleset == "self-2020" and json.loads(evaluation.model_dump_json())["ruleset"]["id"] == "self-2020"
    path = tmp_path / "e.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert main(["score", str(path), "--json"]) == 0
    card = json.loads(capsys.readouterr().out)
    assert (card["total"], card["grade"]) == (92.37, "优")
    main(["schema"])
    schema = json.loads(capsys.readouterr().out)
    assert {"type": "string"} in schema["properties"]["ruleset"]["anyOf"]


# ── the structure: presets and JSON ───────────────────────
@pytest.mark.parametrize("rid", ["self-2020", "self-coef", "self-top80"])
def test_each_shipped_self_ruleset_is_a_preset_of_the_structure(rid):
    rs = load_ruleset(rid)
    assert apply_structure(rs, structure_of(rs)) == rs


def _with(structure: dict, weights: dict[str, int], budget="1000", final="880"):
    """The self sample with a structure, some rows reweighted and a fund block of ``final`` of ``budget`` 万元."""
    sample = sample_evaluation("self-2020")
    form = sample.self_form
    names = {g.code: g.name for g in SELF.open_groups}  # the preset's codes mean nothing under another structure
    rows = [r.model_copy(update={"weight": weights.get(r.name, r.weight), "group": names[r.group]}) for r in form.rows]
    fund = form.fund.model_validate({"unit": "万元", "total": {"budget": budget, "final": final},
                                     "fiscal": {"budget": budget, "final": final}})
    form = form.model_copy(update={"structure": FormStructure.model_validate(structure), "rows": rows, "fund": fund,
                                   "reported": {}, "reported_total": None})
    return sample.model_copy(update={"self_form": form})


GROUPS_55_25_10 = {"groups": [{"name": "产出指标", "weight": 55}, {"name": "效益指标", "weight": 25},
                              {"name": "满意度指标", "weight": 10}],
                   "execution": {"weight": 10, "method": "proportional"}}
# 举办群众文化活动场次 8 → 13 (产出 55), 群众文化活动参与人次 10 → 5 (效益 25)
REWEIGHTED = {"举办群众文化活动场次": 13, "群众文化活动参与人次": 5}


def test_groups_55_25_10_with_a_proportional_execution_part():
    a = assess(_with(GROUPS_55_25_10, REWEIGHTED), SELF)
    assert not [f for f in a.findings if f.code.startswith("SELF")]
    card = a.scorecard
    assert {g.code: g.weight for g in a.ruleset.level1} == {"A": 55, "B": 25, "C": 10, "D": 10}
    scores = {r.code: r.score for r in card.indicators}
    assert scores["D11"] == Decimal("8.80")  # 10 × 880 ÷ 1000 = 10 × 88%
    # the sample's rows, 13 and 5 points at full marks instead of 8 and 10: 44.88 + 5 = 49.88; 28.02 − 5 = 23.02
    assert (card.subtotals["A"], card.subtotals["B"], card.subtotals["C"]) == (Decimal("49.88"), Decimal("23.02"), 10)
    assert card.complete and card.total == Decimal("91.70")  # 49.88 + 23.02 + 10 + 8.80


def test_the_old_weights_under_the_new_structure_are_a_self_row_error():
    a = assess(_with(GROUPS_55_25_10, {}), SELF)
    errors = [f.message for f in a.findings if f.code == "SELF-ROW"]
    assert any("产出指标」分值55分，其下三级指标分值合计50分" in m for m in errors)
    assert not a.scorecard.complete and a.scorecard.grade is None


TOP_85 = {"top": {"name": "年度绩效目标", "weight": 85},
          "groups": [{"name": "产出指标", "weight": 55}, {"name": "效益指标", "weight": 20}, {"name": "满意度指标", "weight": 10}],
          "execution": {"name": "预算执行", "weight": 15, "method": "steps", "position": "first",
                        "threshold_pct": 95, "step_pct": 5, "deduct_per_step": 2}}


def test_a_top_level_of_85_above_three_groups_plus_15_for_execution():
    # 产出 55 (sample 50 + 5), 效益 20 (sample 30 − 10: 参与人次 10 → 0 is not allowed, so 10 → 5 and 带动 6 → 1)
    a = assess(_with(TOP_85, REWEIGHTED | {"带动文旅消费金额": 1}), SELF)
    assert not [f for f in a.findings if f.code.startswith("SELF")], a.findings
    rs = a.ruleset
    assert [(g.code, g.name, g.weight) for g in rs.level1] == [("A", "预算执行", 15), ("B", "年度绩效目标", 85)]
    assert [(g.code, g.name, g.weight) for g in rs.subgroups("B")] == [
        ("B1", "产出指标", 55), ("B2", "效益指标", 20), ("B3", "满意度指标", 10)]
    card = a.scorecard
    scores = {r.code: r.score for r in card.indicators}
    assert scores["A11"] == Decimal("11.00")  # 88%: 7 points below 95%, two steps of 5 (the part counts whole) × 2
    # rows keep their 二级 choice (数量指标 → under 产出指标): 49.88 + (28.02 − 5 − 5) + 10 = 77.90
    assert card.subtotals["B1"] == Decimal("49.88") and card.subtotals["B2"] == Decimal("18.02")
    assert card.subtotals["B"] == Decimal("77.90") and card.total == Decimal("88.90") and card.complete


def test_a_structure_that_does_not_add_up_is_named():
    bad = {**TOP_85, "top": {"name": "年度绩效目标", "weight": 80}}
    a = assess(_with(bad, REWEIGHTED), SELF)
    problems = [f.message for f in a.findings if f.code == "SELF-STRUCT"]
    assert problems == ["「年度绩效目标」分值80分，其下一级指标分值合计85分（产出指标55分、效益指标20分、满意度指标10分）"]
    assert not a.scorecard.complete


def test_tiers_and_no_execution_part():
    tiers = {**GROUPS_55_25_10, "execution": {"weight": 10, "method": "tiers", "otherwise_points": 0,
                                              "tiers": [{"pct": 95, "points": 10}, {"pct": 85, "points": 8}]}}
    a = assess(_with(tiers, REWEIGHTED), SELF)
    assert {r.code: r.score for r in a.scorecard.indicators}["D11"] == Decimal("8.00")  # 88% ≥ 85% → 8
    none = {"groups": [{"name": "产出指标", "weight": 60}, {"name": "效益指标", "weight": 30}, {"name": "满意度指标", "weight": 10}],
            "execution": {"method": "none"}}
    a = assess(_with(none, {"举办群众文化活动场次": 13, "图书购置单位成本": 9}), SELF)
    assert [g.code for g in a.ruleset.level1] == ["A", "B", "C"] and a.ruleset.total_weight == 100
    assert a.scorecard.complete and "D11" not in {r.code for r in a.scorecard.indicators}


def test_the_worksheet_functions_read_the_embedded_ruleset_from_one_cell_or_many():
    from scoring import cells, ruleset_json

    text = ruleset_json(load_ruleset("self-coef"))
    chunks = [[text[i:i + 300]] for i in range(0, len(text), 300)]
    for given in (text, [[text]], chunks):
        assert cells.grade(92, given) == "优" and cells.grade(85, given) == "良"
        assert cells.row_score(given, "数量指标", "培训人次", "≥50人次", "40人次", 5, None, None, None) == 4.0
    assert cells.grade(85, [[text[:-1]]]).startswith("不是有效的规则集数据")

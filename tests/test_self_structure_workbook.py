"""The 表样设置 rows on the 自评表 sheet: the 一级 分值 are inputs; changing them re-checks the rows live (formulas)
and in the core, which agree; every shipped preset round-trips (new → fill → score equals the JSON route)."""
import json
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from scoring import assess, load_ruleset, sample_evaluation
from xladdin.cli import main
from xladdin.workbook import assess_workbook, expected_cells, self_sheet, workbook_bytes

from formula_engine import calculate, same

SELF = load_ruleset("self-2020")
ROWS = [  # 二级, 三级, 年度指标值, 实际完成值, 分值 → hand-computed score with 产出55/效益25
    ("数量指标", "培训人次", "≥500人次", "450人次", 15, Decimal("13.5")),  # 15 × 450 ÷ 500
    ("数量指标", "发放手册", "≥2000册", "2100册", 8, Decimal("8")),
    ("质量指标", "验收合格率", "100%", "98%", 8, Decimal("7.84")),
    ("时效指标", "完成时间", "6月底前", "6月20日", 8, Decimal("8")),
    ("成本指标", "人均培训成本", "≤200元", "230元", 8, Decimal("6.8")),  # 8 × (1 − 30 ÷ 200)
    ("成本指标", "项目成本", "≤50万元", "480000元", 8, Decimal("8")),
    ("社会效益指标", "受益群众", "≥1万人", "1.2万人", 5, Decimal("5")),
    ("社会效益指标", "投诉次数", "=0次", "0次", 6, Decimal("6")),
    ("经济效益指标", "带动增收", "≥100万元", "90万元", 6, Decimal("5.4")),
    ("社会效益指标", "政策知晓率", "≥80%", "84%", 8, Decimal("8")),
    ("服务对象满意度指标", "学员满意度", "≥90%", "95%", 10, Decimal("10")),
]


def _fill(path, rs, level1: dict[str, int], rows=ROWS):
    wb = load_workbook(path)
    ws = wb[self_sheet.NAME]
    lay, c = self_sheet.layout(rs), self_sheet.col(rs)
    ws[self_sheet.UNIT_NAME], ws[self_sheet.YEAR] = "示例县农业农村局", 2024
    for line in ("total", "fiscal"):
        for column, amount in zip(("initial", "budget", "final"), (480, 500, 440)):
            ws[self_sheet.fund_cell(line, column)] = amount
    for offset, (group, name, target, actual, weight, _) in enumerate(rows):
        for key, value in (("level2", group), ("name", name), ("target", target), ("actual", actual), ("weight", weight)):
            ws[f"{c[key]}{lay.first_row + offset}"] = value
            ws[f"{c[key]}{lay.first_row + offset}"].data_type = "s" if isinstance(value, str) else "n"
    for offset, group in enumerate(rs.level1, start=1):
        if group.name in level1:
            ws[f"C{lay.level1_header + offset}"] = level1[group.name]
    wb.save(path)


def test_change_the_level1_weights_in_the_block_and_rows_summing_to_them_are_final(tmp_path, capsys):
    path = tmp_path / "自评.xlsx"
    assert main(["new", "--ruleset", "self-2020", str(path)]) == 0
    _fill(path, SELF, {"产出指标": 55, "效益指标": 25})
    capsys.readouterr()
    assessment = assess_workbook(path)
    assert [f for f in assessment.findings if f.code.startswith(("SELF", "WB-INPUT"))] == []
    assert main(["score", str(path), "--json"]) == 0
    card = json.loads(capsys.readouterr().out)
    assert {r["name"]: Decimal(str(r["score"])) for r in card["indicators"]} == \
        {row[1]: row[5] for row in ROWS} | {"预算执行率": Decimal("8.8")}  # 440 ÷ 500 = 88% × 10
    # 产出 13.5 + 8 + 7.84 + 8 + 6.8 + 8 = 52.14; 效益 5 + 6 + 5.4 + 8 = 24.4; 满意度 10; 执行 8.80
    assert card["subtotals"]["A"] == 52.14 and card["subtotals"]["B"] == 24.4
    assert (card["total"], card["grade"], card["complete"]) == (95.34, "优", True)
    values = calculate(path)
    lay = self_sheet.layout(SELF)
    assert values[f"自评表!C{lay.results_row}"] == 95.34 and values[f"自评表!C{lay.results_row + 1}"] == "优"
    checks = [values[f"自评表!E{lay.level1_header + i}"] for i in range(1, 5)]
    assert checks == ["✓"] * 4  # 产出 55, 效益 25, 满意度 10, 预算执行率 10: the formulas re-checked the new 分值
    wrong = [e.place for e in expected_cells(assessment) if e.value not in (None, "")
             and not same(values.get(e.place), e.value)]
    assert wrong == []


def test_the_old_weights_are_refused_live_and_by_the_core(tmp_path):
    path = tmp_path / "自评.xlsx"
    path.write_bytes(workbook_bytes(SELF))
    _fill(path, SELF, {})  # rows for 55/25 under the preset's 50/30
    assessment = assess_workbook(path)
    assert any("一级指标「产出指标」分值50分，其下三级指标分值合计55分" in f.message for f in assessment.findings
               if f.code == "SELF-ROW")
    values = calculate(path)
    lay = self_sheet.layout(SELF)
    assert values[f"自评表!E{lay.level1_header + 1}"] == "分值合计55分，应为50分"
    assert values[f"自评表!C{lay.results_row + 1}"] == "未完成" and assessment.scorecard.grade is None


def test_block_weights_that_do_not_add_up_to_the_total_are_named(tmp_path):
    path = tmp_path / "自评.xlsx"
    path.write_bytes(workbook_bytes(SELF))
    _fill(path, SELF, {"产出指标": 55})
    lay = self_sheet.layout(SELF)
    problems = [f for f in assess_workbook(path).findings if f.code == "WB-INPUT"]
    assert [(f.where, f.message) for f in problems] == [
        (f"自评表!C{lay.level1_header + 1}", "表样设置的一级指标分值合计105分，应等于总分100分")]


@pytest.mark.parametrize("rid", ["self-2020", "self-coef", "self-top80"])
def test_each_preset_round_trips_new_fill_score_equals_the_json_route(tmp_path, rid, capsys):
    rs = load_ruleset(rid)
    sample = sample_evaluation("self-2020")
    if rid != "self-2020":  # the 产出 and 效益 rows (80 points) under 年度绩效目标, by their 二级 names (数量指标…)
        names = {g.code: g.name for g in load_ruleset("self-2020").open_groups}
        rows = [r.model_copy(update={"group": names[r.group], "method": r.method or ("时限" if r.group == "A3" else "")})
                for r in sample.self_form.rows if r.group != "C1"]
        sample = sample.model_copy(update={"ruleset": rid, "self_form": sample.self_form.model_copy(
            update={"rows": rows, "reported": {}})})
    expected = assess(sample, rs).scorecard
    assert expected.complete
    path = tmp_path / f"{rid}.xlsx"
    path.write_bytes(workbook_bytes(rs, sample))
    assessment = assess_workbook(path)
    got = assessment.scorecard
    assert (got.total, got.grade, got.complete) == (expected.total, expected.grade, expected.complete)
    assert {r.code: r.score for r in got.indicators} == {r.code: r.score for r in expected.indicators}
    values = calculate(path)  # and the formulas show the same
    assert [e.place for e in expected_cells(assessment) if e.value not in (None, "")
            and not same(values.get(e.place), e.value)] == []


def test_a_json_structure_with_a_top_level_lays_out_the_workbook(tmp_path):
    from test_self_structure import REWEIGHTED, TOP_85, _with

    evaluation = _with(TOP_85, REWEIGHTED | {"带动文旅消费金额": 1})
    expected = assess(evaluation, SELF)
    assert expected.scorecard.complete and expected.scorecard.total == Decimal("88.90")
    path = tmp_path / "top.xlsx"
    path.write_bytes(workbook_bytes(SELF, evaluation))
    got = assess_workbook(path)
    assert (got.scorecard.total, got.scorecard.grade) == (Decimal("88.90"), expected.scorecard.grade)
    assert [(g.name, g.weight) for g in got.ruleset.level1] == [("预算执行", 15), ("年度绩效目标", 85)]
    values = calculate(path)
    lay = self_sheet.layout(got.ruleset)
    assert values[f"自评表!C{lay.results_row}"] == 88.9
    assert [values[f"自评表!E{lay.level1_header + i}"] for i in (1, 2)] == ["✓", "✓"]
    wrong = [e.place for e in expected_cells(got) if e.value not in (None, "") and not same(values.get(e.place), e.value)]
    assert wrong == []


def test_the_split_by_nature_beside_the_fund_block_is_read_and_checked_live(tmp_path):
    path = tmp_path / "自评.xlsx"
    path.write_bytes(workbook_bytes(SELF))
    _fill(path, SELF, {"产出指标": 55, "效益指标": 25})  # total 480 / 500 / 440 万元
    wb = load_workbook(path)
    ws = wb[self_sheet.NAME]
    for row, amounts in ((self_sheet.NATURE_ROWS["basic"], (300, 320, 300)), (self_sheet.NATURE_ROWS["project"], (180, 170, 140))):
        for letter, amount in zip(self_sheet.NATURE_COLS.values(), amounts):
            ws[f"{letter}{row}"] = amount
    wb.save(path)
    assessment = assess_workbook(path)
    nature = [f for f in assessment.findings if f.code == "FUND-NATURE"]  # budget 320 + 170 = 490 ≠ 500
    assert [(f.where, f.expected, f.actual) for f in nature] == [("自评表!D6", Decimal("490"), Decimal("500"))]
    assert assessment.evaluation.self_form.fund.basic.final == Decimal("300")
    values = calculate(path)
    check = self_sheet.NATURE_CHECK_ROW
    assert [values[f"自评表!{c}{check}"] for c in "HIJ"] == ["✓", "≠年度资金总额", "✓"]
    assert [e.place for e in expected_cells(assessment) if e.value not in (None, "")
            and not same(values.get(e.place), e.value)] == []

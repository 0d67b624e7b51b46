"""The 自评表's optional parts named by its structure: the 基础数据表 (blocks: basic) with its identities and
data references, and the 计量单位 / 指标性质 columns — JSON route, workbook route, and the formulas agreeing."""
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from scoring import BasicData, assess, load_ruleset, resolve_source, sample_evaluation, structure_of
from scoring.rules.ruleset import parse_ruleset
from scoring.model.sources import describe
from formula_engine import calculate, same
from xladdin.workbook import assess_workbook, basic_data, expected_cells, self_sheet, sheets_for, workbook_bytes

SELF = load_ruleset("self-2020")
BASIC = {  # 万元; 本年决算 of 三公: 0 + 6.5 + 3.5 = 10 ≠ 9.5 typed; 公务用车 6.5 > 本年预算 6
    "unit": "万元", "staff": {"quota": 40, "actual": 36},
    "three_public": {"last_final": "12", "budget": "10", "final": "9.5"},
    "abroad": {"last_final": "2", "budget": "0", "final": "0"},
    "vehicle": {"last_final": "6", "budget": "6", "final": "6.5"},
    "vehicle_purchase": {"final": "0"}, "vehicle_running": {"final": "6.5"},
    "reception": {"last_final": "4", "budget": "4", "final": "3.5"},
    "project": {"last_final": "310", "budget": "300", "final": "280"}, "public": {"budget": "20", "final": "18"},
}


def _evaluation(basic=BASIC, columns=("unit", "nature"), rows=None):
    sample = sample_evaluation("self-2020")
    structure = structure_of(SELF).model_copy(update={"blocks": ["basic"], "columns": list(columns)})
    form = sample.self_form.model_copy(update={"structure": structure, "basic": BasicData.model_validate(basic)})
    if rows is not None:
        form = form.model_copy(update={"rows": rows})
    return sample.model_copy(update={"self_form": form})


def _codes(assessment, prefix):
    return [(f.severity, f.code, f.where) for f in assessment.findings if f.code.startswith(prefix)]


def test_the_basic_table_identities_on_the_json_route():
    got = assess(_evaluation(), SELF)
    assert (got.scorecard.total, got.scorecard.grade) == (Decimal("92.37"), "优")  # the block does not change scores
    assert _codes(got, "BASIC") == [("error", "BASIC-SUM", "基础数据表 三公经费合计本年决算"),
                                     ("warning", "BASIC-OVER", "基础数据表 公务用车购置及运行费本年决算"),
                                     ("info", "BASIC-STAFF", "基础数据表 在职人数（实有人数）")]
    summed = next(f for f in got.findings if f.code == "BASIC-SUM")
    assert (summed.expected, summed.actual) == (Decimal("10"), Decimal("9.5"))
    staff = next(f for f in got.findings if f.code == "BASIC-STAFF")
    assert "人员控制率90.00%" in staff.message


def test_items_that_add_up_and_a_staff_above_quota():
    basic = BASIC | {"staff": {"quota": 20, "actual": 21}, "vehicle": {"last_final": "6", "budget": "6", "final": "6"},
                     "vehicle_running": {"final": "6"}}  # 本年决算 0 + 6 + 3.5 = 9.5, 购置 0 + 运行 6 = 6
    got = assess(_evaluation(basic), SELF)
    assert [f.code for f in got.findings if f.code.startswith("BASIC")] == ["BASIC-STAFF"]
    assert "人员控制率105.00%" in next(f.message for f in got.findings if f.code == "BASIC-STAFF")
    assert "超过编制数" in next(f.message for f in got.findings if f.code == "BASIC-STAFF")


def test_a_rule_binds_the_basic_table_through_data_references():
    evaluation = _evaluation()
    assert resolve_source(evaluation, "basic.three_public.final") == Decimal("9.5")
    assert resolve_source(evaluation, "basic.staff.actual") == 36
    assert describe("basic.vehicle_purchase.last_final") == "基础数据表公务用车购置费上年决算"
    assert resolve_source(sample_evaluation("self-2020"), "basic.project.final") is None
    with pytest.raises(ValueError, match="basic.staff"):
        describe("basic.staff.final")


def _control_rate_ruleset():
    """self-2020 plus a fixed 5-point 三公经费控制率 (本年决算 ÷ 本年预算, proportional) from the 基础数据表."""
    data = SELF.model_dump(mode="json", exclude_defaults=True)
    data["rows"] = {**data.get("rows", {}), "basic_block": True}
    fixed = next(i for i in data["indicators"])
    control = {**fixed, "code": fixed["code"] + "X", "name": "三公经费控制率", "weight": 5,
               "rule": {"type": "proportional", "rate": {"label": "三公经费控制率", "formula": "ratio", "min_pct": 0,
                                                         "max_pct": 100, "inputs": [
                   {"label": "本年决算", "source": "basic.three_public.final"},
                   {"label": "本年预算", "source": "basic.three_public.budget"}]}}}
    data["indicators"] = [*data["indicators"], control]
    data["level2"] = [g | {"weight": Decimal(str(g["weight"])) + 5} if g.get("code") == fixed["parent"] else g for g in data["level2"]]
    data["level1"] = [g | {"weight": Decimal(str(g["weight"])) + 5} if any(
        l2.get("code") == fixed["parent"] and l2.get("parent") == g["code"] for l2 in data["level2"]) else g
        for g in data["level1"]]
    data["total_weight"] = Decimal(str(data.get("total_weight", 100))) + 5
    return parse_ruleset(data, "测试"), control["code"]


def test_a_three_public_control_rate_rule_scores_from_the_table(tmp_path):

    rs, code = _control_rate_ruleset()
    sample = sample_evaluation("self-2020")
    form = sample.self_form.model_copy(update={"basic": BasicData.model_validate(BASIC)})
    got = assess(sample.model_copy(update={"self_form": form}), rs)
    score = next(r for r in got.scorecard.indicators if r.code == code)
    assert score.score == Decimal("4.75")  # 5 × 9.5 ÷ 10
    path = tmp_path / "控制率.xlsx"
    path.write_bytes(workbook_bytes(rs, sample.model_copy(update={"self_form": form})))
    from_book = assess_workbook(path)
    assert next(r.score for r in from_book.scorecard.indicators if r.code == code) == Decimal("4.75")
    row = self_sheet.layout(from_book.ruleset).fixed_rows[code]
    assert f"{basic_data.NAME}!D10" in load_workbook(path)[self_sheet.NAME][f"D{row}"].value
    assert calculate(path)[f"{self_sheet.NAME}!D{row}"] == 4.75


UNIT_ROWS = [  # 二级, 三级, 指标性质, 计量单位, 年度指标值, 实际完成值, 分值, 评定得分 → hand-computed score
    ("数量指标", "举办培训", "定量", "期", "≥10", "8", 20, None, Decimal("16")),  # 20 × 8 ÷ 10; actual 8 → 8期
    ("数量指标", "发放手册", "定量", "册", 2000, 2100, 15, None, Decimal("15")),  # number cells: 2000册, 2100册
    ("质量指标", "培训质量", "定性", "", "优良", "达成年度指标：培训质量良好", 15, 14, Decimal("14")),  # 定性 with a blank 计分方式
    ("社会效益指标", "受益群众", "定量", "人", "≥500", "450", 30, None, Decimal("27")),
    ("服务对象满意度指标", "满意度", "定量", "%", "≥90", "95", 10, None, Decimal("10")),
]


def _unit_rows():
    from scoring import TargetRow
    return [TargetRow.model_validate({"group": g, "name": n, "nature": q, "unit": u, "target": t, "actual": a,
                                      "weight": w, "entered": e}) for g, n, q, u, t, a, w, e, _ in UNIT_ROWS]


def test_unit_and_nature_columns_on_the_json_route():
    got = assess(_evaluation(rows=_unit_rows()), SELF)
    scores = {r.name: r.score for r in got.scorecard.indicators}
    assert [scores[row[1]] for row in UNIT_ROWS] == [row[-1] for row in UNIT_ROWS]
    explained = {r.name: r.explanation for r in got.scorecard.indicators}
    assert "8期" in explained["举办培训"] and "2100册" in explained["发放手册"]
    assert not [f for f in got.findings if f.code == "SELF-ROW"]


def test_the_workbook_has_the_basic_sheet_and_columns_only_when_the_structure_names_them(tmp_path):
    plain = tmp_path / "plain.xlsx"
    plain.write_bytes(workbook_bytes(SELF))
    assert basic_data.NAME not in load_workbook(plain).sheetnames
    assert "计量单位" not in [c.title for c in self_sheet.columns(SELF)]
    evaluation = _evaluation(rows=_unit_rows())
    path = tmp_path / "basic.xlsx"
    path.write_bytes(workbook_bytes(SELF, evaluation))
    wb = load_workbook(path)
    assert basic_data.NAME in wb.sheetnames
    got = assess_workbook(path)
    assert basic_data in sheets_for(got.ruleset)
    assert got.evaluation.self_form.basic == evaluation.self_form.basic
    assert [(r.unit, r.nature) for r in got.evaluation.self_form.rows[:3]] == [("期", "定量"), ("册", "定量"), ("", "定性")]
    assert got.scorecard.total == assess(evaluation, SELF).scorecard.total
    assert _codes(got, "BASIC") == [("error", "BASIC-SUM", "基础数据表!D10"), ("warning", "BASIC-OVER", "基础数据表!D12"),
                                     ("info", "BASIC-STAFF", "基础数据表!B6")]
    summed = next(f for f in got.findings if f.code == "BASIC-SUM")
    assert all(ref in summed.message for ref in ("基础数据表!D11", "基础数据表!D12", "基础数据表!D15"))


def test_the_formulas_agree_with_the_core(tmp_path):

    path = tmp_path / "basic.xlsx"
    path.write_bytes(workbook_bytes(SELF, _evaluation(rows=_unit_rows())))
    wb = load_workbook(path)  # typed as a user types into the text-formatted cells: "8", not 8
    ws = wb[self_sheet.NAME]
    got = assess_workbook(path)
    c, first = self_sheet.col(got.ruleset), self_sheet.layout(got.ruleset).first_row
    ws[f"{c['actual']}{first + 3}"] = "450"
    wb.save(path)
    got = assess_workbook(path)
    values = calculate(path)
    assert values[f"{basic_data.NAME}!D{basic_data.CHECK_ROWS['three_public']}"] == -0.5
    assert values[f"{basic_data.NAME}!B{basic_data.STAFF_RATE_ROW}"] == 0.9
    scores = [values[f"{self_sheet.NAME}!{c['score']}{first + i}"] for i in range(len(UNIT_ROWS))]
    assert scores == [float(row[-1]) for row in UNIT_ROWS]
    wrong = [e.place for e in expected_cells(got) if e.value not in (None, "") and not same(values.get(e.place), e.value)]
    assert wrong == []


def test_next_year_carries_this_years_final_into_last_years_column(tmp_path, capsys):
    from xladdin.cli import commands as cli

    last = tmp_path / "2024.xlsx"
    last.write_bytes(workbook_bytes(SELF, _evaluation(rows=_unit_rows())))
    out = tmp_path / "2025.xlsx"
    assert cli.main(["new", "--from", str(last), str(out)]) == 0
    assert "基础数据表：上年决算" in capsys.readouterr().out
    got = assess_workbook(out)
    basic = got.evaluation.self_form.basic
    assert basic.three_public.model_dump() == {"last_final": Decimal("9.5"), "budget": None, "final": None}
    assert basic.project.last_final == Decimal("280") and basic.abroad.last_final == Decimal("0")
    assert (basic.staff.quota, basic.staff.actual) == (40, None)
    assert basic_data in sheets_for(got.ruleset)
    assert [(r.unit, r.nature) for r in got.evaluation.self_form.rows[:2]] == [("期", "定量"), ("册", "定量")]


def test_the_report_and_its_values_copy_follow_the_structure(tmp_path, capsys):
    from docx import Document

    from xladdin.cli import main

    path = tmp_path / "自评.xlsx"
    path.write_bytes(workbook_bytes(SELF, _evaluation(rows=_unit_rows())))
    out = tmp_path / "报告.docx"
    main(["report", str(path), "--out", str(out)])
    doc = Document(str(out))
    form = doc.tables[-1]
    assert [cell.text for cell in form.rows[0].cells][:6] == ["一级指标", "二级指标", "三级指标", "指标性质", "计量单位", "年度指标值"]
    by_name = {row.cells[2].text: row.cells for row in form.rows[1:]}
    assert [c.text for c in by_name["举办培训"][3:8]] == ["定量", "期", "≥10", "8期", "20"]
    assert [c.text for c in by_name["培训质量"][3:5]] == ["定性", ""]
    basic = next(t for t in doc.tables if t.rows[0].cells[0].text == "基础数据表（万元）")
    assert [c.text for c in basic.rows[1].cells] == ["三公经费合计", "12.00", "10.00", "9.50"]
    texts = [p.text for p in doc.paragraphs]
    assert "预算执行率（10分）按比例：10分×预算执行率（预算执行率=全年执行数÷全年预算数），不超过分值。" in texts
    assert "编制数40人，在职人数36人，人员控制率90.00%。" in texts
    uploaded = load_workbook(next(tmp_path.glob("*_数值版.xlsx")))
    assert uploaded.sheetnames == [self_sheet.NAME, basic_data.NAME]
    assert uploaded[basic_data.NAME][f"D{basic_data.CHECK_ROWS['three_public']}"].value == -0.5


def test_the_report_shows_a_top_levels_groups_with_their_points(tmp_path):
    from docx import Document
    from test_self_structure import REWEIGHTED, TOP_85, _with

    from xladdin.cli import main

    path = tmp_path / "top.xlsx"
    path.write_bytes(workbook_bytes(SELF, _with(TOP_85, REWEIGHTED | {"带动文旅消费金额": 1})))
    out = tmp_path / "报告.docx"
    main(["report", str(path), "--out", str(out)])
    form = Document(str(out)).tables[-1]
    tops = [row.cells[0].text for row in form.rows[1:-1]]
    assert "年度绩效目标\n（85分）" in tops
    groups = {row.cells[1].text for row in form.rows[1:-1]}
    assert {"产出指标\n（55分）", "效益指标\n（20分）", "满意度指标\n（10分）"} <= groups


def test_basic_data_without_the_block_in_the_structure_still_gets_its_sheet(tmp_path):
    sample = sample_evaluation("self-2020")
    form = sample.self_form.model_copy(update={"basic": BasicData.model_validate(BASIC)})
    evaluation = sample.model_copy(update={"self_form": form})
    path = tmp_path / "json.xlsx"
    path.write_bytes(workbook_bytes(SELF, evaluation))  # as import --into writes it: nothing typed is left out
    got = assess_workbook(path)
    assert got.evaluation.self_form.basic == form.basic
    assert (got.scorecard.total, got.scorecard.grade) == (Decimal("92.37"), "优")
    assert not [f for f in got.findings if f.code.startswith("WB-") and f.severity != "info"]


@pytest.mark.parametrize(("value", "shown"), [
    (50, "50个"), (Decimal("0.50"), "0.5个"), ("50", "50个"), ("2.5", "2.5个"),
    ("≥50", "≥50"), ("95%", "95%"), ("50个", "50个"), ("9月底前", "9月底前"), (".", "."), (None, None), ("", ""),
])
def test_the_unit_joins_only_a_bare_number(value, shown):
    from scoring import TargetRow

    row = TargetRow(name="x", unit=" 个 ", target=value, actual=value)
    assert (row.effective_target, row.effective_actual) == (shown, shown)
    assert TargetRow(name="x", target=value).effective_target == value  # no unit column: as typed


def test_a_qualitative_nature_only_fills_a_blank_method():
    from scoring import TargetRow

    assert TargetRow(name="x", nature="定性").effective_method == "定性"
    assert TargetRow(name="x", nature="定性", method="正向").effective_method == "正向"
    assert TargetRow(name="x", nature="定量").effective_method == ""

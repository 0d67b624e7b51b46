"""Self-evaluation forms (自评表): the sample's documented figures, the department's own rows typed in Excel with no
TOML, problems named by cell, and the review of a submitted form (reported scores against the rules)."""
import json
import os
import subprocess
from decimal import Decimal

import pytest
from docx import Document
from openpyxl import load_workbook

from scoring import (
    Evaluation,
    IndicatorEntry,
    SelfForm,
    TargetRow,
    assess,
    load_ruleset,
    sample_evaluation,
)
from xladdin.workbook import build_templates
from xladdin.cli import main
from xladdin.workbook import assess_workbook, expected_cells, workbook_bytes
from xladdin.workbook import self_sheet

SELF = load_ruleset("self-2020")
SAMPLE = build_templates.TEMPLATES_DIR / build_templates.sample_name("self-2020")
# The sample's figures, each computed by hand (see the rule examples in docs/ruleset-format.md):
SAMPLE_SCORES = {
    "D11": "9.47",  # 1312.56 ÷ 1386.40 = 94.67% × 10
    "A1-1": "8", "A1-2": "5.40",  # 正向: 54 of ≥60场 → 6 × 54 ÷ 60
    "A1-3": "4", "A2-1": "6",  # 等于: =12个 met; =0次 with 0次
    "A2-2": "5", "A2-3": "4.93",  # 100% target, 98.5% → 5 × 98.5 ÷ 100 = 4.925 → 4.93 (half up)
    "A3-1": "0",  # 时限: 10月底前, done 11月15日 → late, no points
    "A3-2": "3",  # 3天以内, 2天
    "A4-1": "4.55",  # 反向: 196.2 against ≤180万元 → 5 × (1 − 16.2 ÷ 180)
    "A4-2": "4", "B1-1": "6",  # 0.52亿元 = 5200万元 ≥ 5000万元
    "B2-1": "10", "B2-2": "7.82",  # 88% of ≥90% → 8 × 88 ÷ 90 = 7.822…
    "B4-1": "4.20",  # 定性: 部分达成 (60%–80% of 6 = 3.6–4.8), scored 4.2
    "C1-1": "10",
}


@pytest.fixture(scope="module")
def sample():
    return assess(sample_evaluation("self-2020"), SELF)


def test_the_sample_reproduces_its_documented_figures(sample):
    card = sample.scorecard
    assert {r.code: r.score for r in card.indicators} == {code: Decimal(v) for code, v in SAMPLE_SCORES.items()}
    assert card.complete and card.total == Decimal("92.37") and card.grade == "优"
    assert {code: card.subtotals[code] for code in "ABCD"} == {
        "A": Decimal("44.88"), "B": Decimal("28.02"), "C": Decimal("10.00"), "D": Decimal("9.47")}
    review = {f.code: f for f in sample.findings}
    assert set(review) == {"REVIEW-SCORE", "REVIEW-TOTAL"}
    assert (review["REVIEW-SCORE"].expected, review["REVIEW-SCORE"].actual) == (Decimal("7.82"), Decimal(8))
    assert review["REVIEW-TOTAL"].difference == Decimal("0.18")


def test_the_sample_workbook_scores_and_checks_like_the_core(capsys):
    assert main(["score", str(SAMPLE), "--json"]) == 0
    card = json.loads(capsys.readouterr().out)
    assert (card["total"], card["grade"], card["complete"]) == (92.37, "优", True)
    assert main(["check", str(SAMPLE)]) == 0  # warnings only
    out = capsys.readouterr().out
    lay = self_sheet.layout(SELF)
    b22 = lay.first_row + 12  # the 13th row of the sample
    assert f"REVIEW-SCORE {self_sheet.NAME}!{self_sheet.col(SELF)['reported']}{b22}：B2-2自评得分8.00分，按规则计算为7.82分" in out
    assert f"REVIEW-TOTAL {self_sheet.NAME}!C{lay.results_row + 4}：自评总分92.55分" in out


def test_the_sheet_shows_what_the_core_computes(sample):
    values = {e.place: e.value for e in expected_cells(sample)}
    lay, c = self_sheet.layout(SELF), self_sheet.col(SELF)
    assert values[f"自评表!C{lay.results_row}"] == 92.37 and values[f"自评表!C{lay.results_row + 1}"] == "优"
    assert values[f"自评表!{c['score']}{lay.first_row + 1}"] == 5.4
    assert values[f"自评表!{c['level1']}{lay.first_row}"] == "产出指标"
    assert values[f"自评表!{c['explain']}{lay.first_row + 8}"] == "年度指标值≤180万元，实际完成值196.2万元，超过指标值，得5×(1−(196.2−180)÷180)=4.55分"


# ── a new form filled as a user would, with no TOML ──────────────────
TWELVE_ROWS = [  # 二级, 三级, 年度指标值, 实际完成值, 分值, 计分方式, 评定得分 → hand-computed score
    ("数量指标", "培训人次", "≥500人次", "450人次", 10, None, None, Decimal("9")),  # 10 × 450 ÷ 500
    ("数量指标", "发放手册", "≥2000册", "2100册", 8, None, None, Decimal("8")),
    ("质量指标", "验收合格率", "100%", "98%", 8, None, None, Decimal("7.84")),  # 8 × 98 ÷ 100
    ("时效指标", "完成时间", "6月底前", "6月20日", 8, None, None, Decimal("8")),
    ("成本指标", "人均培训成本", "≤200元", "230元", 8, None, None, Decimal("6.8")),  # 8 × (1 − 30 ÷ 200)
    ("成本指标", "项目成本", "≤50万元", "480000元", 8, None, None, Decimal("8")),  # 48万元
    ("社会效益指标", "受益群众", "≥1万人", "1.2万人", 10, None, None, Decimal("10")),
    ("社会效益指标", "投诉次数", "=0次", "1次", 6, None, None, Decimal("0")),
    ("可持续影响指标", "长效机制", "建立健全", "达成年度指标", 8, "定性", 7.5, Decimal("7.5")),
    ("经济效益指标", "带动增收", "≥100万元", "90万元", 6, None, None, Decimal("5.4")),
    ("服务对象满意度指标", "学员满意度", "≥90%", "95%", 5, None, None, Decimal("5")),
    ("服务对象满意度指标", "群众满意度", "≥85%", "80%", 5, None, None, Decimal("4.71")),  # 5 × 80 ÷ 85
]


def _fill(path, rows=TWELVE_ROWS, weight_of_first=None):
    wb = load_workbook(path)
    ws = wb[self_sheet.NAME]
    lay, c = self_sheet.layout(SELF), self_sheet.col(SELF)
    ws[self_sheet.UNIT_NAME], ws[self_sheet.YEAR], ws[self_sheet.SUPERVISOR] = "示例县农业农村局", 2024, "示例县人民政府"
    for line, amounts in (("total", (480, 500, 480)), ("fiscal", (480, 500, 480))):
        for column, amount in zip(("initial", "budget", "final"), amounts):
            ws[self_sheet.fund_cell(line, column)] = amount
    for offset, (group, name, target, actual, weight, method, entered, _) in enumerate(rows):
        row = lay.first_row + offset
        for key, value in (("level2", group), ("name", name), ("target", target), ("actual", actual),
                           ("weight", weight), ("method", method), ("entered", entered)):
            cell = ws[f"{c[key]}{row}"]
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"  # typed into a text-formatted cell: "=0次" stays text, as in Excel
    if weight_of_first is not None:
        ws[f"{c['weight']}{lay.first_row}"] = weight_of_first
    wb.save(path)


def test_new_then_twelve_rows_then_score_check_report(tmp_path, capsys):
    path = tmp_path / "自评.xlsx"
    assert main(["new", "--ruleset", "self-2020", str(path)]) == 0
    _fill(path)
    capsys.readouterr()
    assert main(["score", str(path), "--json"]) == 0
    card = json.loads(capsys.readouterr().out)
    scores = {r["name"]: Decimal(str(r["score"])) for r in card["indicators"]}
    assert scores == {name: score for _, name, *_, score in TWELVE_ROWS} | {"预算执行率": Decimal("9.6")}
    assert card["subtotals"]["A"] == 47.64 and card["subtotals"]["B"] == 22.9 and card["subtotals"]["C"] == 9.71
    assert (card["total"], card["grade"]) == (89.85, "良")  # 47.64 + 22.90 + 9.71 + 9.60
    assert main(["check", str(path)]) == 0
    assert "0个错误" in capsys.readouterr().out
    out = tmp_path / "报告.docx"
    assert main(["report", str(path), "--out", str(out)]) == 1  # rows below target without 偏差原因: a 征求意见稿
    doc = Document(str(out))
    assert doc.paragraphs[0].text.replace("\n", "") == "示例县农业农村局2024年度部门整体支出绩效自评报告"
    form = doc.tables[-1]
    assert [cell.text for cell in form.rows[0].cells] == ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值",
                                                         "分值", "得分", "偏差原因分析及改进措施"]
    by_name = {row.cells[2].text: row.cells for row in form.rows[1:]}
    assert by_name["群众满意度"][6].text == "4.71" and by_name["项目成本"][4].text == "480000元"
    assert form.rows[-1].cells[-1].text == "良" and form.rows[-1].cells[-2].text == "89.85"
    uploaded = load_workbook(next(tmp_path.glob("*_数值版.xlsx")))
    assert uploaded.sheetnames == [self_sheet.NAME]
    sheet = uploaded[self_sheet.NAME]
    lay = self_sheet.layout(SELF)
    assert sheet[f"C{lay.results_row}"].value == 89.85 and sheet[f"C{lay.results_row + 1}"].value == "良"
    assert not [cell.coordinate for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]


def test_row_problems_are_named_by_cell_and_keep_the_result_unfinal(tmp_path):
    path = tmp_path / "有误.xlsx"
    path.write_bytes(workbook_bytes(SELF))
    rows = [*TWELVE_ROWS[:3], ("生态指标", "植树", "≥100棵", "120棵", 5, None, None, None),
            ("质量指标", "合格率", "≥95%", "96%", None, None, None, None),
            ("质量指标", "返工率", "≤5%", "4%", 2, "反正", None, None), ("质量指标", "重量", "≥50个", "50人", 2, None, None, None)]
    _fill(path, rows)
    assessment = assess_workbook(path)
    lay, c = self_sheet.layout(SELF), self_sheet.col(SELF)
    errors = {f.where: f.message for f in assessment.errors}
    first = lay.first_row
    assert errors[f"自评表!{c['level2']}{first + 3}"].startswith("二级指标「生态指标」不是本表可填写的二级指标（可选：数量指标、")
    assert errors[f"自评表!{c['weight']}{first + 4}"] == "分值未填写，如5"
    assert errors[f"自评表!{c['method']}{first + 5}"].startswith("计分方式「反正」无法识别")
    assert errors[f"自评表!{c['actual']}{first + 6}"].startswith("A2-4：实际完成值的单位“人”与年度指标值的单位“个”不同")
    card = assessment.scorecard
    assert not card.complete and card.grade is None
    values = {e.place: e.value for e in expected_cells(assessment)}
    assert values[f"自评表!C{lay.results_row + 1}"] == "未完成"
    assert values[f"自评表!{c['score']}{first + 3}"] == errors[f"自评表!{c['level2']}{first + 3}"]


def test_weights_that_do_not_add_up_are_an_error_per_level(tmp_path):
    path = tmp_path / "分值.xlsx"
    path.write_bytes(workbook_bytes(SELF))
    _fill(path, weight_of_first=8)  # 产出 now 48 of 50
    assessment = assess_workbook(path)
    messages = [f.message for f in assessment.errors]
    assert messages == ["一级指标「产出指标」分值50分，其下三级指标分值合计48分（数量指标16分、质量指标8分、时效指标8分、成本指标16分）：请调整各行分值"]
    assert not assessment.scorecard.complete
    lay = self_sheet.layout(SELF)
    values = {e.place: e.value for e in expected_cells(assessment)}
    assert values[f"自评表!E{lay.level1_header + 1}"] == "分值合计48分，应为50分"
    assert values[f"自评表!C{lay.results_row + 1}"] == "未完成"


def _form(**changes) -> Evaluation:
    evaluation = sample_evaluation("self-2020")
    assert evaluation.self_form is not None
    return evaluation.model_copy(update={"self_form": evaluation.self_form.model_copy(update=changes)})


def test_the_fund_block_identity_and_execution_above_budget():
    form = sample_evaluation("self-2020").self_form
    fund = form.fund.model_copy(update={"total": form.fund.total.model_copy(update={"final": Decimal("1412.56")})})
    findings = {f.code: f for f in assess(_form(fund=fund), SELF).findings}
    assert findings["FUND-SUM"].message == "全年执行数：年度资金总额1412.56万元≠财政拨款1258.16+其他资金54.40=1312.56万元"
    assert findings["FUND-SUM"].difference == Decimal(100)
    assert findings["FUND-OVER"].severity == "warning"


def test_more_rows_than_prepared_grow_the_table_and_read_back(tmp_path):
    extra = [TargetRow(group="A1", name=f"活动{n}", target="≥1场", actual="1场", weight="1") for n in range(45)]
    evaluation = _form(rows=extra)
    path = tmp_path / "多行.xlsx"
    path.write_bytes(workbook_bytes(SELF, evaluation))
    read = assess_workbook(path)
    assert [row.name for _, row in read.evaluation.self_form.coded_rows()] == [f"活动{n}" for n in range(45)]
    assert read.scorecard.total == assess(evaluation, SELF).scorecard.total == Decimal("54.47")  # 45 + 9.47


def test_the_named_result_cells_follow_a_grown_table(tmp_path):
    """With more rows than prepared, 自评总分 and 存在的问题及改进措施 are still read from their own cells."""
    extra = [TargetRow(group="A1", name=f"活动{n}", target="≥1场", actual="1场", weight="1") for n in range(45)]
    evaluation = _form(rows=extra)
    form = evaluation.self_form.model_copy(update={"reported_total": Decimal("54.47"), "issues": "加强项目前期论证。"})
    path = tmp_path / "多行.xlsx"
    path.write_bytes(workbook_bytes(SELF, evaluation.model_copy(update={"self_form": form})))
    read = assess_workbook(path).evaluation.self_form
    assert (read.reported_total, read.issues) == (Decimal("54.47"), "加强项目前期论证。")


def test_coefficient_form_scores_by_coefficient_and_step():
    rs = load_ruleset("self-coef")
    rows = [TargetRow(group="B1", name="培训人次", target="≥500人次", actual="450人次", weight="40", entered="95%"),
            TargetRow(group="B2", name="带动增收", target="≥100万元", adjusted_target="≥80万元", actual="90万元", weight="30"),
            TargetRow(group="B3", name="满意度", target="≥90%", actual="85%", weight="10", core=True)]
    form = SelfForm(rows=rows, fund={"total": {"budget": "100", "final": "87"}, "fiscal": {"budget": "100", "final": "87"}})
    card = assess(Evaluation(ruleset="self-coef", info={"unit_name": "示例", "year": 2024}, self_form=form), rs).scorecard
    scores = {r.code: r.score for r in card.indicators}
    assert scores == {"A11": Decimal(16),  # 87%: 8 points under 95%, a partial step counts whole → 2 × 2
                      "B1-1": Decimal("38"),  # 40 × 95% as entered
                      "B2-1": Decimal("30"),  # adjusted target 80: 90 ÷ 80 capped at 100%
                      "B3-1": Decimal("9.44")}  # 85 ÷ 90 = 94.44% × 10
    assert card.total == Decimal("93.44") and card.grade == "优"


def test_review_mode_works_on_a_report_form_too():
    evaluation = sample_evaluation()
    entries = [e.model_copy(update={"reported": "3"}) if e.code == "A11" else e for e in evaluation.indicators]
    if not any(e.code == "A11" for e in entries):
        entries.append(IndicatorEntry(code="A11", reported="3"))
    assessment = assess(evaluation.model_copy(update={"indicators": entries}), load_ruleset("xundian-2024"))
    review = [f for f in assessment.findings if f.code == "REVIEW-SCORE"]
    assert len(review) == 1 and review[0].actual == Decimal(3)


def test_an_empty_form_is_unfinished_with_one_clear_reason(capsys):
    path = build_templates.TEMPLATES_DIR / build_templates.template_name("self-2020")
    assert main(["score", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].endswith("年度部门整体支出绩效自评（规则集：部门整体支出绩效自评表（通用格式））")
    assert out[1].startswith("未完成：1项指标中1项未能计分，另有1处指标行有误：指标行（尚未填写三级指标")



def test_a_fixed_indicator_missing_its_bound_data_names_the_data_cell():
    """预算执行率 reads the fund block: with 全年执行数 blank, the finding points at that cell, not at the indicator."""
    path = build_templates.TEMPLATES_DIR / build_templates.template_name("self-2020")
    missing = [f for f in assess_workbook(path).findings if f.code == "IND-MISSING"]
    assert [f.where for f in missing] == [f"{self_sheet.NAME}!{self_sheet.fund_cell('total', 'final')}"]

def test_a_row_only_rule_cannot_be_a_fixed_indicator():
    from scoring import RulesetError
    from scoring.rules.ruleset import parse_ruleset

    data = {"id": "x", "name": "x", "total_weight": 5, "level1": [{"code": "A", "name": "a", "weight": 5}],
            "level2": [{"code": "A1", "name": "b", "weight": 5, "parent": "A"}],
            "indicators": [{"code": "A11", "parent": "A1", "name": "c", "weight": 5, "rule": {"type": "coefficient"}}]}
    with pytest.raises(RulesetError, match="只用于自评表的指标行"):
        parse_ruleset(data)


def test_the_exported_form_of_the_sample_shows_its_documented_figures(tmp_path):
    from xladdin.report import build_report

    source = tmp_path / SAMPLE.name
    source.write_bytes(SAMPLE.read_bytes())
    result = build_report(assess_workbook(source))
    assert result.docx_path.name.startswith("self-2020-sample_绩效自评报告_") and result.draft is False
    table = Document(str(result.docx_path)).tables[-1]
    shown = {row.cells[2].text: row.cells[6].text for row in table.rows[1:-1]}
    names = {r.code: r.name for r in assess(sample_evaluation("self-2020"), SELF).scorecard.indicators}
    assert shown == {names[code]: f"{Decimal(v):.2f}" for code, v in SAMPLE_SCORES.items()}
    assert [c.text for c in table.rows[-1].cells][-2:] == ["92.37", "优"]
    sheet = load_workbook(result.form_path)[self_sheet.NAME]
    lay, c = self_sheet.layout(SELF), self_sheet.col(SELF)
    assert sheet[f"C{lay.results_row}"].value == 92.37
    assert [sheet[f"{c['score']}{lay.first_row + i}"].value for i in range(15)] == [
        float(Decimal(SAMPLE_SCORES[code])) for code in names if code != "D11"]


@pytest.mark.parametrize("form, source, message", [
    ("self", "accounts.61.final", "自评表的固定指标只能由资金情况计算"),
    ("report", "fund.total.final", "资金情况（fund.…）只用于自评表"),
])
def test_data_bindings_fit_the_form(form, source, message):
    from scoring import RulesetError
    from scoring.rules.ruleset import parse_ruleset

    rate = {"label": "执行率", "formula": "ratio", "inputs": [{"label": "决算数", "source": source},
                                                            {"label": "预算数", "source": source.replace("final", "budget")}]}
    data = {"id": "x", "name": "x", "form": form, "total_weight": 5, "level1": [{"code": "A", "name": "a", "weight": 5}],
            "level2": [{"code": "A1", "name": "b", "weight": 5, "parent": "A"}],
            "indicators": [{"code": "A11", "parent": "A1", "name": "c", "weight": 5,
                            "rule": {"type": "proportional", "rate": rate}}]}
    with pytest.raises(RulesetError, match=message):
        parse_ruleset(data)


def test_a_row_inserted_without_its_formulas_is_scored_and_pointed_at(tmp_path):
    rows = [TargetRow(group="A1", name=f"活动{n}", target="≥1场", actual="1场", weight="1") for n in range(41)]
    path = tmp_path / "插入.xlsx"
    path.write_bytes(workbook_bytes(SELF, _form(rows=rows)))
    wb = load_workbook(path)
    ws = wb[self_sheet.NAME]
    lay, c = self_sheet.layout(SELF, 41), self_sheet.col(SELF)
    inserted = lay.last_row  # as if inserted by hand: inputs typed, formulas not copied
    for key in ("level1", "score", "explain"):
        ws[f"{c[key]}{inserted}"] = None
    wb.save(path)
    assessment = assess_workbook(path)
    assert {r.name: r.score for r in assessment.scorecard.indicators}["活动40"] == Decimal(1)
    flagged = {f.where for f in assessment.findings if f.code == "WB-FORMULA"}
    assert flagged == {f"自评表!{c[key]}{inserted}" for key in ("level1", "score", "explain")}


def test_a_strict_target_is_sent_to_the_rule_that_explains_how_to_write_it():
    from scoring import cells

    message = cells.row_score("self-2020", "数量指标", "合格率", ">95%", "96%", 5, "", "", "")
    assert message == "年度指标值“>95%”用了大于或小于，不能按比例计分；请写作如「≥95%」，或改按定性评价或时效计分"
    assert cells.row_score("self-2020", "数量指标", "合格率", "≥95%", "96%", 5, "", "", "") == 5.0


def test_a_figure_against_a_text_target_says_the_target_is_not_a_number():
    from scoring import cells

    message = cells.row_score("self-2020", "数量指标", "培训", "50个左右", "48个", 5, "", "", "")
    assert message.startswith("实际完成值“48个”是数值，但年度指标值不是可比较的数值（如「≥50个」「≤90万元」）")
    assert cells.row_score("self-2020", "数量指标", "培训", "有所提升", "明显提升", 5, "", "", "").startswith(
        "实际完成值“明显提升”应以评定结果开头")


def _calc_missing() -> str | None:
    import shutil

    from xladdin.files.pdf_convert import find_converter

    if find_converter() is None:
        return "LibreOffice is not installed"
    return None if shutil.which("pdftotext") else "pdftotext (poppler-utils) is not installed"


@pytest.mark.skipif(_calc_missing() is not None and not os.environ.get("CI"), reason=str(_calc_missing()))
def test_libreoffice_shows_the_sample_form_without_the_add_in(tmp_path):
    """LibreOffice recalculates cells saved empty: blank rows must not call the add-in (no #NAME? there)."""
    from xladdin.files.pdf_convert import find_converter

    subprocess.run([str(find_converter()), f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--norestore", "--convert-to", "pdf", "--outdir", str(tmp_path), str(SAMPLE)],
                   capture_output=True, stdin=subprocess.DEVNULL, check=True, timeout=300,
                   env={**os.environ, "TMPDIR": str(tmp_path)})
    text = subprocess.run(["pdftotext", str(tmp_path / f"{SAMPLE.stem}.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    form = text.replace("得分格显示 #NAME?", "")  # 说明's help text names it
    assert "#NAME?" not in form and "Err:" not in form
    for shown in ("92.37", "4.55", "7.82", "年度指标值≤180万元，实际完成值196.2万元", "产出指标"):
        assert shown in form, shown

"""The 问卷 sheet's live cells apply the 分值方案 (B4) as the core does: the 计分分值 column (PE_SURVEY_POINT) feeds
本题得分, 本题满分, 问卷总分 and 问卷综合得分, so a scale typed after the workbook was built gives in Excel (here the
`formulas` engine) what `pe-eval score` gives; workbooks with the formulas written before still pass the check."""
import json

import pytest
from openpyxl import load_workbook

from scoring import cells
from xladdin.cli import main
from xladdin.workbook import assess_workbook, build_templates, expected_cells
from xladdin.workbook import survey as survey_sheet

import formula_engine

SAMPLE = build_templates.TEMPLATES_DIR / build_templates.sample_name()
NAME = survey_sheet.NAME
ROWS = range(survey_sheet.FIRST_ROW, survey_sheet.LAST_ROW + 1)
TOTAL, AVERAGE, RATE = (f"{NAME}!{survey_sheet.cell(key)}" for key in ("total", "average", "rate"))


def _edited(tmp_path, scale, edits=None, name="edited.xlsx"):
    """The seed's sample with every 标准分值 blank, ``scale`` typed into B4 and ``edits`` (ref → value) typed,
    as a user would in Excel (openpyxl writes inputs; the formulas stay)."""
    wb = load_workbook(SAMPLE)
    ws = wb[NAME]
    for row in ROWS:
        ws[f"E{row}"] = None
    ws[survey_sheet.SCALE] = scale
    for ref, value in (edits or {}).items():
        ws[ref] = value
    path = tmp_path / name
    wb.save(path)
    return path


def _same(actual, expected) -> bool:
    if isinstance(expected, float):
        return isinstance(actual, (int, float)) and abs(actual - expected) < 1e-9
    return (actual or "") == expected


def _engine_equals_core(path):
    """Every formula cell of 问卷 the core vouches for shows the core's value in the formula engine."""
    computed = formula_engine.calculate(path)
    expected = [e for e in expected_cells(assess_workbook(path)) if e.place.startswith(f"{NAME}!") and e.value is not None]
    wrong = [f"{e.place}: engine {computed.get(e.place)!r} ≠ core {e.value!r}" for e in expected
             if not _same(computed.get(e.place), e.value)]
    assert wrong == []
    assert len(expected) > 20 * 4 + 20 * 3  # every 计分分值, 本题得分, 本题满分, 人数核对
    return computed


def test_a_scale_typed_later_gives_the_seed_figures_as_pe_eval_score(tmp_path, capsys):
    path = _edited(tmp_path, "10/5/0")
    computed = _engine_equals_core(path)
    assert computed[TOTAL] == 4835 and computed[AVERAGE] == 98.67 and computed[RATE] == 0.9867
    assert [computed[f"{NAME}!J{row}"] for row in (6, 7, 8, 9)] == [10, 5, 0, None]  # the fourth row is blank
    assert computed[f"{NAME}!G6"] == 485 and computed[f"{NAME}!H6"] == 10
    survey = assess_workbook(path).evaluation.survey
    assert survey is not None and float(survey.average) == computed[AVERAGE] and float(survey.total) == computed[TOTAL]
    assert main(["score", str(path), "--json"]) == 0
    card = json.loads(capsys.readouterr().out)
    sample = json.loads((main(["score", str(SAMPLE), "--json"]), capsys.readouterr().out)[1])
    assert card["total"] == sample["total"] == 93.56  # the questionnaire indicator scores as with typed points


def test_typed_points_win_and_blank_marks_take_the_scale(tmp_path):
    """Question 1: A typed 8, B marked — (blank), C blank: 8/5/0 → 48×8 + 1×5 = 389; the others 10/5/0."""
    path = _edited(tmp_path, "10/5/0", {"E6": 8, "E7": "—"})
    computed = _engine_equals_core(path)
    assert [computed[f"{NAME}!J{row}"] for row in (6, 7, 8)] == [8, 5, 0]
    assert computed[f"{NAME}!G6"] == 389 and computed[f"{NAME}!H6"] == 8
    assert computed[TOTAL] == 4835 - 96 and computed[AVERAGE] == 96.71  # 4739 / 49
    assert str(assess_workbook(path).evaluation.survey.average) == "96.71"


def test_the_scale_counts_the_options_not_the_rows(tmp_path):
    """Question 1's option B moved from row 7 to row 9 (row 7 blank): three options A, C, B score 10, 5, 0."""
    wb = load_workbook(SAMPLE)
    ws = wb[NAME]
    for column in "CDEF":
        ws[f"{column}9"], ws[f"{column}7"] = ws[f"{column}7"].value, None
    for row in ROWS:
        ws[f"E{row}"] = None
    ws[survey_sheet.SCALE] = "100/80/60/0；10/5/0"
    path = tmp_path / "gap.xlsx"
    wb.save(path)
    computed = _engine_equals_core(path)
    assert [computed[f"{NAME}!J{row}"] for row in (6, 7, 8, 9)] == [10, None, 5, 0]
    assert computed[f"{NAME}!G6"] == 480  # 48×10 + 0×5 + 1×0


def test_no_scale_for_the_questions_option_count_leaves_them_without_points(tmp_path):
    path = _edited(tmp_path, "100/80/60/0")  # four options only; every question has three
    computed = _engine_equals_core(path)
    assert computed[f"{NAME}!J6"] is None and computed[f"{NAME}!H6"] is None
    assert computed[f"{NAME}!G6"] == "第1行填写了人数但缺少分值"
    assessment = assess_workbook(path)
    assert assessment.evaluation.survey.average is None
    assert any(f.code == "SURVEY-POINTS" for f in assessment.findings)


@pytest.mark.parametrize("scale", ["10/x/0", "abc", "10/5/0；9/4/1"])
def test_a_bad_scale_shows_the_readers_problem(tmp_path, scale):
    path = _edited(tmp_path, scale)
    assessment = assess_workbook(path)
    problem = next(f.message for f in assessment.findings if f.where == f"{NAME}!{survey_sheet.SCALE}")
    assert "分值方案" in problem and assessment.evaluation.survey is None
    computed = formula_engine.calculate(path)
    assert computed[f"{NAME}!J6"] == computed[f"{NAME}!G6"] == computed[AVERAGE] == problem
    assert cells.survey_point(scale, [["A", "满意", None, 1]] * 3, 1) == problem
    assert [f for f in assessment.findings if f.code == "WB-FORMULA"] == []


def test_the_point_function_reads_its_arguments_like_the_reader():
    block = [["A", "满意", None, 48.0], [None, None, None, None], ["B", "一般", "—", 1.0], ["C", "不满意", "十", 0.0]]
    assert [cells.survey_point("9/4/1", block, n) for n in (1, 2, 3, 4)] == [9.0, "", 4.0, "十"]
    assert cells.survey_point(10.0, block, 1) == "分值方案「10」应按选项顺序写出各选项的分值，用 / 分隔，如 10/5/0"
    assert cells.survey_point("", block, 1) == ""
    assert cells.survey_point("9/4/1", block, 5) == "行号应为1至4的整数，即本选项在选项区域中的第几行"
    assert cells.survey_point("9/4/1", [[1, 2]], 1) == "选项区域应为本题的选项、选项内容、标准分值、人数四列"
    assert cells.survey_total([[9.0], ["分值方案「abc」应按选项顺序写出各选项的分值，用 / 分隔，如 10/5/0"]], [[1.0], [2.0]]) \
        == "分值方案「abc」应按选项顺序写出各选项的分值，用 / 分隔，如 10/5/0"


def _old_formulas(path):
    """The sample as layout 1 wrote it before the 计分分值 column: totals over the typed 标准分值, no column J."""
    wb = load_workbook(SAMPLE)
    ws = wb[NAME]
    for number in range(1, survey_sheet.QUESTIONS + 1):
        for ref, formula in survey_sheet.question_formulas(number, "E").items():
            ws[ref] = formula
        for ref in survey_sheet.option_formulas(number):
            ws[ref] = None
    for ref, formula in survey_sheet.summary_formulas("E").items():
        ws[ref] = formula
    wb.save(path)


def test_old_formulas_are_accepted_without_a_warning(tmp_path, capsys):
    path = tmp_path / "old.xlsx"
    _old_formulas(path)
    assert "PE_SURVEY_TOTAL(E6:E9,F6:F9)" in load_workbook(path)[NAME]["G6"].value
    findings = assess_workbook(path).findings
    assert [f for f in findings if f.code.startswith("WB-") and f.code not in ("WB-NO-CACHE",)] == []
    assert main(["check", str(path)]) == 0
    assert "公式应为" not in capsys.readouterr().out


def test_the_layout_1_fixture_gets_no_formula_warning_on_the_questionnaire():
    fixture = build_templates.TEMPLATES_DIR.parent / "tests" / "fixtures" / "layout-v1-xundian-2024-sample.xlsx"
    findings = assess_workbook(fixture).findings
    assert [f for f in findings if f.code == "WB-FORMULA" and f.where.startswith(f"{NAME}!")] == []

"""`pe-eval import survey --into` completes the 问卷 sheet: titles, options, counts and 收回/有效 from the export,
a slightly edited title matched with a note, a 分值方案 for the questions without their own points, and names
that do not chain."""
import datetime as dt
import json
from decimal import Decimal

import pytest
from docx import Document
from export_files import survey_table, write_xlsx
from openpyxl import load_workbook

from scoring import parse_scale

from xladdin.cli import commands as cli
from xladdin.workbook import build_templates
from xladdin.workbook import survey as survey_sheet

TEMPLATE = build_templates.TEMPLATES_DIR / "xundian-2024-template.xlsx"
SAMPLE = build_templates.TEMPLATES_DIR / build_templates.sample_name()
SURVEY_NAME = "812345678_按序号_寻甸县融媒体中心满意度调查问卷_50_50.xlsx"
TODAY = f"{dt.date.today():%Y%m%d}"


def _template(tmp_path, name, cells):
    """The blank template with ``cells`` (问卷 sheet) typed."""
    book = load_workbook(TEMPLATE)
    for ref, value in cells.items():
        book[survey_sheet.NAME][ref] = value
    path = tmp_path / name
    book.save(path)
    return path


def _scores_only(seed):
    """Each question's option labels and standard points, nothing else (no titles, no texts, no counts)."""
    cells = {}
    for question in seed.survey.questions:
        for option, row in zip(question.options, survey_sheet.question_rows(question.number)):
            cells[f"C{row}"], cells[f"E{row}"] = option.label, float(option.points)
    return cells


def _import(tmp_path, capsys, seed, workbook, survey=None, name=SURVEY_NAME):
    export = write_xlsx(tmp_path / name, {"Sheet1": survey_table(survey or seed.survey, "按序号")})
    code = cli.main(["import", "survey", str(export), "--into", str(workbook), "--json"])
    return code, json.loads(capsys.readouterr().out)


@pytest.fixture
def sample(tmp_path):
    """A copy of the sample workbook (imports write beside it)."""
    path = tmp_path / "示例.xlsx"
    path.write_bytes(SAMPLE.read_bytes())
    return path


def _sheet(path):
    return load_workbook(path)[survey_sheet.NAME]


def test_a_template_with_scores_only_gets_titles_counts_and_the_sample_score(tmp_path, capsys, seed):
    workbook = _template(tmp_path, "评价.xlsx", _scores_only(seed))
    code, data = _import(tmp_path, capsys, seed, workbook)
    ws = _sheet(data["output"])
    first = survey_sheet.question_rows(1)[0]
    assert ws[f"B{first}"].value == "您认为该部门在深入基层调查研究情况方面做的如何？"
    assert [ws[f"F{r}"].value for r in survey_sheet.question_rows(1)[:3]] == [48, 1, 0]
    assert (ws[survey_sheet.ISSUED].value, ws[survey_sheet.RETURNED].value, ws[survey_sheet.VALID].value) == (50, 50, 49)
    assert any(n["code"] == "SVI-TITLES" and "第1–10题" in n["message"] for n in data["notes"])
    assert cli.main(["score", data["output"], "--json"]) == 0
    card = json.loads(capsys.readouterr().out)
    assert (Decimal(str(card["survey"]["total"])), Decimal(str(card["survey"]["average"]))) == (Decimal(4835), Decimal("98.67"))
    assert code == 1  # the rest of the template is blank: errors elsewhere, but none about the questionnaire
    survey = [(f["severity"], f["code"]) for f in data["findings"] if f["where"].startswith("问卷")]
    assert survey == [("warning", "SURVEY-TEXT")]  # the 按序号 export has no option texts: the report would lack them
    assert next(f for f in data["findings"] if f["code"] == "SURVEY-TEXT")["message"].startswith("第1–10题的选项没有选项内容")


def test_a_blank_template_gets_the_questions_and_lists_the_missing_points_as_the_one_thing_left(tmp_path, capsys, seed):
    workbook = _template(tmp_path, "空白.xlsx", {})
    code, data = _import(tmp_path, capsys, seed, workbook)
    ws = _sheet(data["output"])
    assert ws[f"B{survey_sheet.question_rows(10)[0]}"].value == seed.survey.questions[9].text
    assert (ws[survey_sheet.RETURNED].value, ws[survey_sheet.VALID].value) == (50, 49)
    assert [ws[f"F{r}"].value for r in survey_sheet.question_rows(1)] == [48, 1, None, None]  # 按序号: options up to 2 seen
    survey_errors = [f for f in data["findings"] if f["where"].startswith("问卷") and f["severity"] == "error"]
    assert [f["code"] for f in survey_errors] == ["SURVEY-POINTS"]
    assert "第1–10题的选项缺少标准分值" in survey_errors[0]["message"] and "分值方案" in survey_errors[0]["message"]


def test_a_scale_scores_every_question_of_its_size_and_check_names_it(tmp_path, capsys, seed):
    workbook = _template(tmp_path, "分值方案.xlsx", {survey_sheet.SCALE: "10/5/0"})
    code, data = _import(tmp_path, capsys, seed, workbook)
    ws = _sheet(data["output"])
    assert [ws[f"E{r}"].value for r in survey_sheet.question_rows(2)] == [10, 5, 0, None]  # three options, as the scale
    assert [ws[f"F{r}"].value for r in survey_sheet.question_rows(2)] == [49, 0, 0, None]
    assert ws[survey_sheet.SCALE].value == "10/5/0"
    assert any(f["code"] == "SURVEY-SCALE" and f["message"] == "第1–10题按分值方案 10/5/0 计分" for f in data["findings"])
    assert cli.main(["score", data["output"], "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["survey"]["average"] == 98.67
    report = tmp_path / "报告.docx"
    cli.main(["report", data["output"], "-o", str(report)])  # a draft: the rest of the template is blank
    capsys.readouterr()
    text = "\n".join(p.text for p in Document(report).paragraphs)
    cells = {cell.text for table in Document(report).tables for row in table.rows for cell in row.cells}
    assert "注：第1–10题按分值方案 10/5/0 计分。" in text  # 附件4 says where the standard points came from
    assert seed.survey.questions[6].text in cells  # and prints the question texts the export brought


def test_a_question_with_its_own_points_keeps_them_under_a_scale(tmp_path, capsys, seed):
    cells = {survey_sheet.SCALE: "100/60/0", **_scores_only(seed)}
    workbook = _template(tmp_path, "自有分值.xlsx", cells)
    code, data = _import(tmp_path, capsys, seed, workbook)
    assert not any(f["code"] == "SURVEY-SCALE" for f in data["findings"])  # 10/5/0 typed on every question wins
    assert cli.main(["score", data["output"], "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["survey"]["average"] == 98.67


def test_an_edited_title_is_matched_with_a_note_naming_both(tmp_path, capsys, seed, sample):
    edited = seed.survey.model_copy(deep=True)
    ours = edited.questions[4].text
    edited.questions[4].text = ours.replace("？", "").replace("是否", "是不是")
    code, data = _import(tmp_path, capsys, seed, sample, edited)
    notes = [n for n in data["notes"] if n["code"] == "SVI-TITLE"]
    assert len(notes) == 1 and f"「{ours}」" in notes[0]["message"] and f"「{edited.questions[4].text}」" in notes[0]["message"]
    assert data["valid"] == 49


def test_a_question_whose_options_differ_is_an_error_and_nothing_is_written(tmp_path, capsys, seed, sample):
    four = seed.survey.model_copy(deep=True)
    extra = four.questions[4].options[0].model_copy(update={"label": "D", "text": "说不清", "count": 5})
    four.questions[4].options.append(extra)  # answers 4 where the workbook has three options
    before = sorted(p.name for p in tmp_path.iterdir())
    export = write_xlsx(tmp_path / SURVEY_NAME, {"Sheet1": survey_table(four, "按序号")})
    assert cli.main(["import", "survey", str(export), "--into", str(sample)]) == 2
    err = capsys.readouterr().err
    assert "「4」超出工作簿第5题的3个选项" in err and "未写入任何数据" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*before, SURVEY_NAME])


def test_a_different_question_is_still_refused_naming_both_titles(tmp_path, capsys, seed, sample):
    other = seed.survey.model_copy(deep=True)
    other.questions[2].text = "您对本单位食堂的饭菜质量是否满意？"
    export = write_xlsx(tmp_path / SURVEY_NAME, {"Sheet1": survey_table(other, "按序号")})
    assert cli.main(["import", "survey", str(export), "--into", str(sample)]) == 2
    err = capsys.readouterr().err
    assert f"工作簿第3题「{seed.survey.questions[2].text}」与导出文件第3题「{other.questions[2].text}」标题不同" in err


def test_importing_into_an_import_output_numbers_the_original_name(tmp_path, capsys, seed):
    workbook = _template(tmp_path, "评价.xlsx", _scores_only(seed))
    _, first = _import(tmp_path, capsys, seed, workbook)
    _, second = _import(tmp_path, capsys, seed, first["output"])
    _, third = _import(tmp_path, capsys, seed, second["output"])
    names = [p.split("/")[-1] for p in (first["output"], second["output"], third["output"])]
    assert names == [f"评价_导入_{TODAY}.xlsx", f"评价_导入_{TODAY}(2).xlsx", f"评价_导入_{TODAY}(3).xlsx"]


def test_an_unreadable_scale_names_its_cell_and_the_right_form(tmp_path, capsys):
    workbook = _template(tmp_path, "错方案.xlsx", {survey_sheet.SCALE: "10-5-0"})
    assert cli.main(["check", str(workbook), "--json"]) == 1
    found = [f for f in json.loads(capsys.readouterr().out)["findings"] if f["where"] == f"问卷!{survey_sheet.SCALE}"]
    assert len(found) == 1 and "分值方案「10-5-0」应按选项顺序写出各选项的分值，用 / 分隔，如 10/5/0" in found[0]["message"]
    with pytest.raises(ValueError, match="两个3个选项的方案"):
        parse_scale("10/5/0；100/60/0")

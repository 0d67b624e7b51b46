"""`pe-eval new --from LAST_YEAR.xlsx`: this year's workbook carries the unit's facts, the questionnaire's form,
the progress labels, a self form's rows and last year's figures; every year-bound input is blank."""
import os
import shutil
import subprocess
from decimal import Decimal

import pytest
from export_files import FORM_SHEET, form_table, survey_table, write_xlsx
from openpyxl import load_workbook

from xladdin.cli import commands as cli
from xladdin.workbook import build_templates, open_workbook, read_evaluation
from xladdin.workbook import info as info_sheet
from xladdin.workbook import survey as survey_sheet

TEMPLATES = build_templates.TEMPLATES_DIR
SAMPLE = TEMPLATES / "xundian-2024-sample.xlsx"
SELF_SAMPLE = TEMPLATES / "self-2020-sample.xlsx"
SURVEY_NAME = "812345678_按序号_寻甸县融媒体中心满意度调查问卷_50_50.xlsx"


@pytest.fixture
def next_year(tmp_path, capsys):
    out = tmp_path / "2025.xlsx"
    assert cli.main(["new", "--from", str(SAMPLE), str(out)]) == 0
    return out, capsys.readouterr().out


def _read(path):
    book = open_workbook(path)
    evaluation, _ = read_evaluation(book)
    return book, evaluation


def test_the_unit_facts_questionnaire_labels_and_last_years_figures_are_carried(next_year, seed):
    out, printed = next_year
    book, evaluation = _read(out)
    info = evaluation.info
    assert (info.unit_name, info.credit_code, info.supervisor, info.staff_quota, info.year) == (
        seed.info.unit_name, seed.info.credit_code, seed.info.supervisor, 28, 2025)
    assert (str(info.period_start), str(info.period_end)) == ("2025-01-01", "2025-12-31")
    assert info.three_public_previous == Decimal("2.40") and info.three_public_current is None  # 上年 = last year's 本年
    assert (info.staff_actual, info.total_assets, info.execution_progress) == (None, None, [])
    assert not evaluation.accounts.rows and not any(
        any(v not in (None, "") for v in e.inputs) or e.override is not None for e in evaluation.indicators)
    ws = load_workbook(out)[info_sheet.NAME]
    rows = range(info_sheet.PROGRESS_FIRST_ROW, info_sheet.PROGRESS_FIRST_ROW + 4)
    assert [ws[f"A{r}"].value for r in rows] == ["6月末", "9月末", "11月末", "全年"]
    assert [ws[f"B{r}"].value for r in rows] == [None] * 4
    form = survey_sheet.read_form(book)
    assert [q.text for q in form.questions] == [q.text for q in seed.survey.questions]
    assert [q.points for q in form.questions] == [q.points for q in seed.survey.questions]
    assert all(o.count == 0 for q in form.questions for o in q.options) and set(form.counts.values()) == {None}
    assert load_workbook(out)[survey_sheet.NAME]["F6"].value is None  # counts blank, not 0
    for line in ("单位名称「寻甸回族彝族自治县融媒体中心」", "评价年度 2025", "上年三公经费 2.4万元",
                 "预算执行进度的时点 6月末、9月末、11月末、全年", "10道题的题目、选项和标准分值"):
        assert line in printed, line


def test_the_new_year_scores_once_its_inputs_are_typed(next_year, tmp_path, capsys, seed):
    out, _ = next_year
    export = write_xlsx(tmp_path / SURVEY_NAME, {"Sheet1": survey_table(seed.survey, "按序号")})
    assert cli.main(["import", "survey", str(export), "--into", str(out), "-o", str(tmp_path / "问卷.xlsx")]) == 1
    capsys.readouterr()
    book = load_workbook(tmp_path / "问卷.xlsx")
    for i, rate in enumerate((0.6, 0.75, 0.85, 0.97)):  # this year's rates beside the carried labels
        book[info_sheet.NAME][f"B{info_sheet.PROGRESS_FIRST_ROW + i}"] = rate
    book.save(tmp_path / "2025-typed.xlsx")
    _, evaluation = _read(tmp_path / "2025-typed.xlsx")
    assert [(p.label, p.rate) for p in evaluation.info.execution_progress][-1] == ("全年", Decimal("0.97"))
    assert evaluation.survey.average == Decimal("98.67") and evaluation.survey.valid == 49


def test_importing_the_accounts_keeps_the_questionnaire_and_labels_waiting_for_their_figures(next_year, tmp_path, capsys,
                                                                                                seed):
    out, _ = next_year
    export = write_xlsx(tmp_path / "部门决算.xlsx", {FORM_SHEET: form_table(seed.accounts, year=2025)})
    assert cli.main(["import", "accounts", str(export), "--into", str(out), "-o", str(tmp_path / "决算.xlsx")]) == 1
    assert "有无法读取的单元格" not in capsys.readouterr().err
    book, evaluation = _read(tmp_path / "决算.xlsx")
    assert evaluation.accounts.rows and survey_sheet.read_form(book).questions[0].text == seed.survey.questions[0].text
    ws = load_workbook(tmp_path / "决算.xlsx")[info_sheet.NAME]
    assert ws[f"A{info_sheet.PROGRESS_FIRST_ROW}"].value == "6月末"


def test_a_self_forms_rows_carry_without_actuals_or_scores(tmp_path, capsys):
    out = tmp_path / "自评2025.xlsx"
    assert cli.main(["new", "--from", str(SELF_SAMPLE), str(out)]) == 0
    assert "15行三级指标" in capsys.readouterr().out
    _, last = _read(SELF_SAMPLE)
    _, new = _read(out)
    assert [(r.group, r.name, r.target, r.weight) for r in new.self_form.rows if not r.blank] == [
        (r.group, r.name, r.target, r.weight) for r in last.self_form.rows if not r.blank]
    assert all(r.actual is None and r.entered is None and r.reported is None and not r.reason for r in new.self_form.rows)
    assert any(r.actual is not None for r in last.self_form.rows)
    assert new.self_form.fund.total.final is None and new.info.year == last.info.year + 1


def test_new_needs_a_ruleset_or_last_years_workbook(tmp_path, capsys):
    assert cli.main(["new", str(tmp_path / "x.xlsx")]) == 2
    assert "--ruleset" in capsys.readouterr().err and not (tmp_path / "x.xlsx").exists()


@pytest.mark.skipif(not shutil.which("pdftotext") and not os.environ.get("CI"), reason="pdftotext is not installed")
def test_libreoffice_shows_no_error_cells_in_the_new_year_and_its_import(next_year, tmp_path, capsys, seed):
    from xladdin.files.pdf_convert import find_converter

    if find_converter() is None and not os.environ.get("CI"):
        pytest.skip("LibreOffice is not installed")
    out, _ = next_year
    export = write_xlsx(tmp_path / SURVEY_NAME, {"Sheet1": survey_table(seed.survey, "按序号")})
    imported = tmp_path / "imported.xlsx"
    cli.main(["import", "survey", str(export), "--into", str(out), "-o", str(imported)])
    pdfs = tmp_path / "pdf"
    subprocess.run([str(find_converter()), f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--norestore", "--convert-to", "pdf", "--outdir", str(pdfs), str(out), str(imported)],
                   capture_output=True, stdin=subprocess.DEVNULL, check=True, timeout=300,
                   env={**os.environ, "TMPDIR": str(tmp_path)})
    for name in ("2025", "imported"):
        text = subprocess.run(["pdftotext", str(pdfs / f"{name}.pdf"), "-"], capture_output=True, text=True,
                              check=True).stdout
        # the 问卷 sheet's pages (the blank 决算's check cells call the add-in in any workbook without accounts)
        survey = text[text.index("满意度调查问卷\n"):text.index("评价结果汇总")]
        assert "#NAME?" not in survey and "Err:" not in survey and "#VALUE!" not in survey, name
        assert seed.survey.questions[9].text in survey
    assert "4835\n100\n49\n98.67" in survey

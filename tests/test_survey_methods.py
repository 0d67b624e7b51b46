"""The other common questionnaire method: the share of answers in the top one or two options (survey.top1/top2),
offered to rulesets as data sources and shown live on the 问卷 sheet."""
from decimal import Decimal
from pathlib import Path

from scoring import Survey, assess, load_ruleset, resolve_source, sample_evaluation
from xladdin.workbook import assess_workbook, expected_cells
from xladdin.workbook import survey as survey_sheet

V1_SAMPLE = Path(__file__).with_name("fixtures") / "layout-v1-xundian-2024-sample.xlsx"


def test_the_seed_top_shares():
    seed = sample_evaluation()
    assert resolve_source(seed, "survey.top1") == Decimal(477) / Decimal(490)  # 48+49+49+49+49+46+47+48+45+47
    assert resolve_source(seed, "survey.top2") == 1


def test_ties_and_short_questions_count_as_excel_sumif_large_does():
    survey = Survey.model_validate({"issued": 10, "returned": 10, "valid": 10, "questions": [
        {"number": 1, "text": "并列最高", "options": [{"label": "A", "text": "a", "points": 10, "count": 3},
                                                   {"label": "B", "text": "b", "points": 10, "count": 2},
                                                   {"label": "C", "text": "c", "points": 0, "count": 5}]},
        {"number": 2, "text": "只有一个选项", "options": [{"label": "A", "text": "a", "points": 5, "count": 10}]}]})
    assert survey.top_share(1) == Decimal(15) / Decimal(20)  # both 10-point options, and the single option
    assert survey.top_share(2) == Decimal(15) / Decimal(20)  # LARGE(…,2) is 10 again: the tie
    assert Survey(issued=0, returned=0, valid=0).top_share(1) is None


def test_the_sheet_shows_the_shares_and_older_workbooks_without_them_are_not_flagged():
    assessment = assess(sample_evaluation(), load_ruleset("xundian-2024"))
    values = {e.place: e.value for e in expected_cells(assessment)}
    assert values[f"问卷!{survey_sheet.cell('top1')}"] == 0.9735 and values[f"问卷!{survey_sheet.cell('top2')}"] == 1.0
    old = assess_workbook(V1_SAMPLE)
    assert not [f for f in old.findings if f.code.startswith("WB-") and f.where.startswith("问卷!G9")]

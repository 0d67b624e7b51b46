"""Questionnaire magnitudes are bounded, so totals and averages stay exact; rounding never fails for parsed values."""
import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring import (
    EvaluationError, EvidenceError, assess, cells, fmt2, fmt_money, fmt_points, parse_evaluation, parse_number, round2,
)
from scoring.model.survey import MAX_POINTS, MAX_RESPONDENTS, parse_points, parse_respondents, tally

D = Decimal
TYPO = 99999999999999  # 问卷!E6 = F6 in the issue: points × count ≈ 1e28, beyond Decimal's 28 digits once rounded


def _edited(seed, **survey) -> str:
    """The seed as evaluation JSON with some survey fields changed."""
    data = seed.model_dump(mode="json")
    data["survey"].update(survey)
    return json.dumps(data, ensure_ascii=False)


def _with_first_option(seed, points, count) -> str:
    """The seed as evaluation JSON, question 1 option 1 changed."""
    questions = seed.survey.model_dump(mode="json")["questions"]
    questions[0]["options"][0].update(points=points, count=count)
    return _edited(seed, questions=questions)


def test_the_typo_from_the_issue_is_refused_with_a_chinese_message(seed):
    with pytest.raises(EvaluationError) as refused:
        parse_evaluation(_with_first_option(seed, TYPO, TYPO))
    message = str(refused.value)
    assert "survey.questions[1].options[1].points：应不大于10000" in message
    assert "survey.questions[1].options[1].count：应不大于10000000" in message


def test_a_questionnaire_at_the_caps_is_assessed_exactly(seed, xundian):
    evaluation = parse_evaluation(_with_first_option(seed, MAX_POINTS, MAX_RESPONDENTS))
    survey = assess(evaluation, xundian).evaluation.survey
    assert survey.total == D(4835) - 10 * 48 + D(10**11)
    assert survey.average == round2(survey.total / 49)
    assert any(f.code == "SURVEY-COUNT" for f in survey.findings())  # 10,000,001 answers, 49 valid


@pytest.mark.parametrize("field", ["issued", "returned", "valid"])
def test_questionnaire_counts_are_capped(seed, field):
    with pytest.raises(EvaluationError, match=f"survey.{field}：应不大于10000000"):
        parse_evaluation(_edited(seed, **{field: MAX_RESPONDENTS + 1}))


def test_the_cells_refuse_the_typo_naming_the_row():
    points, counts = [[10]] * 6, [[1]] * 5 + [[float(TYPO)]]  # Excel hands numbers over as floats
    assert cells.survey_total(points, counts) == "第6行人数「99999999999999」超出合理范围（不超过10000000）"
    assert cells.survey_avg([[float(TYPO)]], [[float(TYPO)]], 49) == "第1行分值「99999999999999」超出合理范围（不超过10000）"
    assert cells.survey_avg([[10]], [[1]], 10**8) == "有效问卷数「100000000」超出合理范围（不超过10000000）"
    assert cells.survey_total([[-5]], [[1]]) == "第1行分值「-5」不能为负数，如 10"


def test_the_caps_are_inclusive():
    assert parse_points(10000.0) == MAX_POINTS and parse_points("0") == 0
    assert parse_respondents("10,000,000") == MAX_RESPONDENTS and parse_respondents(None) is None
    assert tally([MAX_POINTS] * 80, [MAX_RESPONDENTS] * 80) == D(80 * 10**11)
    with pytest.raises(EvidenceError, match=r"标准分值「10000.01」超出合理范围（不超过10000）"):
        parse_points("10,000.01")
    with pytest.raises(EvidenceError, match=r"人数「10000001」超出合理范围"):
        parse_respondents(10_000_001)


CELL = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True), st.text(alphabet="0123456789.,-+ ", max_size=30),
)


@given(CELL)
def test_rounding_never_fails_for_a_parsed_value(value):
    try:
        number = parse_number(value)
    except EvidenceError:
        return
    if number is not None:
        assert abs(round2(number) - number) <= D("0.005")
        assert fmt2(number) and fmt_money(number) and fmt_points(number)


@given(st.lists(st.tuples(CELL, CELL), max_size=80), CELL)
def test_survey_arithmetic_never_fails_for_tallied_values(rows, valid):
    """Whatever the tally accepts, its total and average round without error."""
    try:
        total = tally([p for p, _ in rows], [c for _, c in rows])
        count = parse_respondents(valid)
    except EvidenceError:
        return
    assert abs(total) <= D(80 * 10**11)
    if count:
        assert fmt2(round2(total / count))


def test_a_workbook_with_huge_survey_figures_names_both_cells(tmp_path):
    from openpyxl import load_workbook

    from xladdin.workbook import build_templates
    from xladdin.workbook import assess_workbook

    wb = load_workbook(build_templates.TEMPLATES_DIR / build_templates.sample_name())
    wb["问卷"]["E6"] = wb["问卷"]["F6"] = 99999999999999
    wb.save(tmp_path / "huge.xlsx")
    found = {f.where: f.message for f in assess_workbook(tmp_path / "huge.xlsx").errors if f.code == "WB-INPUT"}
    assert set(found) == {"问卷!E6", "问卷!F6"} and "超出合理范围" in found["问卷!F6"]

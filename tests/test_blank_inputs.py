"""Property: blanking any subset of the sample's inputs never breaks `check`, and nothing blank passes unseen."""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring import COLUMNS, IDENTITIES, ROWS, assess, load_ruleset, sample_evaluation

XUNDIAN = load_ruleset("xundian-2024")
SAMPLE = sample_evaluation()
INFO_FIELDS = ("unit_name", "year", "credit_code", "supervisor", "staff_quota", "staff_actual",
               "three_public_current", "three_public_previous", "evaluator")
CELLS = [(row, column) for row in ROWS for column in COLUMNS if SAMPLE.accounts.get(row, column) is not None]
INDICATORS = [entry.code for entry in SAMPLE.indicators]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    info=st.sets(st.sampled_from(INFO_FIELDS)),
    cells=st.sets(st.sampled_from(CELLS), max_size=40),
    indicators=st.sets(st.sampled_from(INDICATORS)),
    survey=st.booleans(),
)
def test_blanked_inputs_are_all_reported_and_no_unentered_identity_fails(info, cells, indicators, survey):
    evaluation = SAMPLE.model_copy(deep=True)
    for name in info:
        setattr(evaluation.info, name, "" if name in ("unit_name", "credit_code", "supervisor", "evaluator") else None)
    for row, column in cells:
        evaluation.accounts.set(row, column, None)
    for entry in evaluation.indicators:
        if entry.code in indicators:
            entry.inputs, entry.override, entry.reason = [], None, ""
    if survey:
        evaluation.survey = None
    assessment = assess(evaluation, XUNDIAN)  # never raises
    codes = {(f.code, f.message.split("未填写")[0]) for f in assessment.findings}
    for name, label in (("unit_name", "单位名称"), ("year", "评价年度")):
        assert (name in info) == (("INFO-REQUIRED", label) in codes)
    card = assessment.scorecard
    assert card.complete == (not card.incomplete) and (card.grade is None) == (not card.complete)
    assert {u.code for u in card.incomplete} == {r.code for r in card.indicators if r.score is None}
    for unscored in card.incomplete:  # each is an error naming the indicator
        assert any(f.where == f"指标{unscored.code}{unscored.name}" for f in assessment.errors)
    for finding in assessment.findings:
        identity = next((i for i in IDENTITIES if finding.code == i.code), None)
        if identity is None or finding.severity != "error":
            continue
        column = next(c for c in COLUMNS if f"栏次{ROWS[identity.lhs].column_number(c)}" in finding.where)
        assert evaluation.accounts.get(identity.lhs, column) is not None  # an error needs the left side entered
        assert any(evaluation.accounts.get(r, column) is not None for _, r in identity.terms)

"""Every rule type carries its whole contract, and the workbook knows every input kind a rule can ask for."""
from decimal import Decimal
from typing import ClassVar, Literal, get_args

import pytest
from pydantic import TypeAdapter

from scoring import RULE_CLASSES, InputKind, RuleInput
from scoring.rules.indicator_rules import ChecklistRule, MissingInput, Outcome, Rule, RuleBase
from xladdin.workbook import indicators

RATE = {"label": "执行率", "formula": "ratio",
        "inputs": [{"label": "决算数", "unit": "元"}, {"label": "预算数", "unit": "元"}]}
MINIMAL = {  # one small valid instance of each rule type, with inputs that score
    "checklist": ({"items": [{"text": "制度健全", "points": 1}]}, ["①"]),
    "level": ({"levels": [{"text": "好", "points": 1}, {"text": "差", "points": 0}]}, ["②"]),
    "discretionary": ({}, ["0.5"]),
    "threshold": ({"rate": RATE, "threshold_pct": 95, "deduct_per_point": "0.1"}, [90, 100]),
    "band": ({"rate": RATE, "full_at_pct": 100, "zero_at_pct": 120}, [110, 100]),
    "cap": ({"rate": RATE, "limit_pct": 100}, [90, 100]),
    "deduction": ({"per_item": "0.5"}, [1]),
    "veto": ({"items": [{"text": "程序完整", "points": 1}], "veto_text": "挪用"}, ["①", "否"]),
    "proportional": ({"rate": {"label": "实现程度", "inputs": [{"label": "实现程度"}]}}, ["80%"]),
    "target": ({}, ["≥50个", "48个"]),
    "qualitative": ({}, ["达成预期指标", "达成年度指标", "0.9"]),
    "deadline": ({}, ["9月底前", "9月20日"]),
    "coefficient": ({}, ["≥50个", "48个", None]),
    "step": ({"rate": RATE, "threshold_pct": 95, "step_pct": 5, "deduct_per_step": "0.2", "partial": "whole"}, [87, 100]),
    "tiers": ({"rate": RATE, "tiers": [{"op": "=", "pct": 0, "points": 1}, {"op": "<=", "pct": 10, "points": "0.5"}],
               "otherwise_points": 0}, [105, 100]),
}
WEIGHT = Decimal(1)


def _tag(cls: type[RuleBase]) -> str:
    return get_args(cls.model_fields["type"].annotation)[0]


def test_every_rule_type_has_a_minimal_example():
    assert sorted(_tag(cls) for cls in RULE_CLASSES) == sorted(MINIMAL)


@pytest.mark.parametrize("cls", RULE_CLASSES, ids=_tag)
def test_every_method_of_every_rule_type(cls):
    params, values = MINIMAL[_tag(cls)]
    rule = TypeAdapter(Rule).validate_python({"type": _tag(cls), **params})
    assert isinstance(rule, cls) and cls.type_name
    inputs = rule.inputs()
    if cls.row_only:  # a self-evaluation row's target, actual value and entered score or coefficient
        assert len(inputs) == 3
    else:
        assert 1 <= len(inputs) <= len(indicators.INPUT_COLUMNS)
    assert all(isinstance(i, RuleInput) for i in inputs)
    assert all(i.kind in get_args(InputKind) for i in inputs)
    outcome = rule.compute(values, WEIGHT)
    assert isinstance(outcome, Outcome) and Decimal(0) <= outcome.score <= WEIGHT and outcome.explanation
    with pytest.raises(MissingInput):
        rule.compute([None] * len(inputs), WEIGHT)
    assert rule.describe(WEIGHT).startswith(f"{cls.type_name}：") and rule.detail(WEIGHT)
    assert rule.problems(WEIGHT) == []


def test_every_input_kind_has_a_validation_and_a_format():
    kinds = set(get_args(InputKind))
    assert set(indicators.VALIDATIONS) == kinds and set(indicators.FORMATS) == kinds


def test_a_half_added_rule_type_cannot_be_instantiated():
    class Incomplete(RuleBase):  # no detail(), no problems()
        type: Literal["incomplete"]
        type_name: ClassVar[str] = "未完成"

        def inputs(self) -> list[RuleInput]:
            return [RuleInput("x", "number")]

        def compute(self, values, weight):
            return Outcome(weight, "")

    with pytest.raises(TypeError, match="abstract"):
        Incomplete(type="incomplete")


def test_weight_problems_belong_to_the_rule():
    checklist = ChecklistRule(type="checklist", items=[{"text": "a", "points": 1}, {"text": "b", "points": 1}])
    assert checklist.problems(Decimal(3)) == ["各细则分值合计2分，少于指标分值3分"]
    assert checklist.problems(Decimal(1)) == ["各细则分值合计2分，超过指标分值1分"]

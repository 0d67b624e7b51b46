"""A self-evaluation form's structure (表样设置) as data: the shipped self rulesets are presets of it.

``structure_of`` reads a self ruleset's upper levels as a ``FormStructure``; ``apply_structure`` turns
a structure back into a ruleset (一级 groups and weights, an optional level above them, the 二级 names
a row may choose, the 预算执行率 part and its rule, the optional columns and blocks). Applying the structure a
shipped ruleset gives back scores exactly as that ruleset does, so a workbook always carries one.
"""
from __future__ import annotations

from decimal import Decimal
from string import ascii_uppercase
from typing import Any

from ..common.numbers import fmt_points
from ..model.evaluation import Evaluation
from ..model.self_form import ExecutionPart, FormStructure, SelfForm, StructureGroup, StructureLevel
from .ruleset import Group, Indicator, Ruleset, RulesetError, parse_ruleset
from .target_rules import StepRule, TierRule

EXECUTION_NAME = "预算执行率"
_RATE: dict[str, Any] = {
    "label": EXECUTION_NAME, "formula": "ratio", "min_pct": 0, "max_pct": 100,
    "inputs": [{"label": "全年执行数", "unit": "万元", "source": "fund.total.final"},
               {"label": "全年预算数", "unit": "万元", "source": "fund.total.budget"}],
}
_DEFINITION = "全年执行数与全年预算数的比率，反映部门预算的执行程度。"


def structure_of(rs: Ruleset) -> FormStructure:
    """The structure a self ruleset has (its preset); raises RulesetError for a layout this cannot express."""
    fixed = [i for i in rs.indicators if i.parent not in {g.code for g in rs.open_groups}]
    execution = _execution_of(rs, fixed)
    exec_top = next((g.parent for g in rs.level2 if fixed and g.code == fixed[0].parent), None)
    tops = [g for g in rs.level1 if g.code != exec_top]
    if len(fixed) > 1 or not tops:
        raise RulesetError(rs.id, ["规则集的固定指标不止预算执行率一项，不能用表样设置表示"])
    columns = [key for key, on in (("adjusted_target", rs.rows.adjusted_targets),
                                   ("coefficient", rs.rows.default_method == "系数"), ("core", rs.rows.core_column),
                                   ("unit", rs.rows.unit_column), ("nature", rs.rows.nature_column)) if on]
    blocks = ["basic"] if rs.rows.basic_block else []
    if len(tops) == 1 and all(g.open for g in rs.subgroups(tops[0].code)) and _named_by_groups(rs, tops[0]):
        top = StructureLevel(name=tops[0].name, weight=tops[0].weight)
        groups = [StructureGroup(name=g.name, weight=g.weight or None, level2=list(g.choices))
                  for g in rs.subgroups(tops[0].code)]
    else:
        top = None
        groups = [StructureGroup(name=g.name, weight=g.weight, level2=[s.name for s in rs.subgroups(g.code)]) for g in tops]
    if execution is not None and exec_top is not None:
        first = rs.level1[0].code == exec_top
        name = next(g.name for g in rs.level1 if g.code == exec_top)
        execution = execution.model_copy(update={"position": "first" if first else "last", "name": name})
    return FormStructure(top=top, groups=groups, execution=execution or ExecutionPart(weight=Decimal(0), method="none"),
                         columns=columns, blocks=blocks)


def _named_by_groups(rs: Ruleset, top: Group) -> bool:
    """A single 一级 whose open 二级 are themselves groups (产出指标…), as in the 得分系数 form."""
    return len(rs.subgroups(top.code)) > 1 and not any(g.name.endswith(("数量指标", "质量指标")) for g in rs.subgroups(top.code))


def _execution_of(rs: Ruleset, fixed: list[Indicator]) -> ExecutionPart | None:
    if not fixed:
        return None
    rule = fixed[0].rule
    weight = fixed[0].weight
    if isinstance(rule, StepRule):
        return ExecutionPart(weight=weight, method="steps", threshold_pct=rule.threshold_pct, step_pct=rule.step_pct,
                             deduct_per_step=rule.deduct_per_step, partial=rule.partial)
    if isinstance(rule, TierRule):
        return ExecutionPart(weight=weight, method="tiers", tiers=[t.model_dump() for t in rule.tiers],
                             otherwise_points=rule.otherwise_points)
    if rule.type == "proportional":
        return ExecutionPart(weight=weight, method="proportional")
    raise RulesetError(rs.id, [f"预算执行率的计分规则「{rule.type_name}」不能用表样设置表示"])


def apply_structure(rs: Ruleset, structure: FormStructure) -> Ruleset:
    """``rs`` with the structure's upper levels; raises RulesetError (Chinese) for a structure that does not add up."""
    problems = _problems(structure)
    if problems:
        raise RulesetError("表样设置", problems)
    execution = structure.execution
    main = [structure.top] if structure.top is not None else list(structure.groups)
    order: list[StructureLevel | StructureGroup | ExecutionPart] = list(main)
    if execution.scored:
        order.insert(0 if execution.position == "first" else len(order), execution)
    level1: list[dict[str, Any]] = []
    level2: list[dict[str, Any]] = []
    indicators: list[dict[str, Any]] = []
    for letter, part in zip(ascii_uppercase, order):
        level1.append({"code": letter, "name": part.name, "weight": part.weight})
        if isinstance(part, ExecutionPart):
            level2.append({"code": f"{letter}1", "parent": letter, "name": EXECUTION_NAME, "weight": part.weight})
            indicators.append(_execution_indicator(rs, part, f"{letter}11", f"{letter}1"))
        elif isinstance(part, StructureLevel):
            level2 += [{"code": f"{letter}{n}", "parent": letter, "name": g.name, "open": True, "weight": g.weight or 0,
                        "choices": [c for c in g.level2_names() if c != g.name]}
                       for n, g in enumerate(structure.groups, start=1)]
        else:
            level2 += [{"code": f"{letter}{n}", "parent": letter, "name": name, "open": True}
                       for n, name in enumerate(part.level2_names(), start=1)]
    rows = rs.rows
    if structure.columns is not None:
        rows = rows.model_copy(update={"adjusted_targets": "adjusted_target" in structure.columns,
                                       "core_column": "core" in structure.columns,
                                       "default_method": "系数" if "coefficient" in structure.columns else "auto",
                                       "unit_column": "unit" in structure.columns,
                                       "nature_column": "nature" in structure.columns})
    if structure.blocks is not None:
        rows = rows.model_copy(update={"basic_block": "basic" in structure.blocks})
    data = {**rs.model_dump(mode="json", exclude_defaults=True, exclude={"level1", "level2", "indicators", "rows"}),
            "rows": rows.model_dump(mode="json"), "total_weight": sum((p.weight or Decimal(0) for p in order), Decimal(0)),
            "level1": level1, "level2": level2, "indicators": indicators}
    made = parse_ruleset(data, "表样设置")
    return made.model_copy(update={"indicators": tuple(
        i if i.scoring_guide else i.model_copy(update={"scoring_guide": f"{EXECUTION_NAME}=全年执行数÷全年预算数×100%；"
                                                                         f"{i.describe_rule()}"})
        for i in made.indicators)})


def _execution_indicator(rs: Ruleset, part: ExecutionPart, code: str, parent: str) -> dict[str, Any]:
    """The execution indicator; the preset's own texts are kept when its rule is unchanged."""
    rule: dict[str, Any] = {"rate": _RATE}
    if part.method == "proportional":
        rule["type"] = "proportional"
    elif part.method == "steps":
        rule.update(type="step", threshold_pct=part.threshold_pct, step_pct=part.step_pct,
                    deduct_per_step=part.deduct_per_step, partial=part.partial)
    else:
        rule.update(type="tiers", tiers=[t.model_dump(mode="json") for t in part.tiers], otherwise_points=part.otherwise_points)
    made: dict[str, Any] = {"code": code, "parent": parent, "name": EXECUTION_NAME, "weight": part.weight,
                            "definition": _DEFINITION, "data_source": "自评表资金情况", "rule": rule}
    preset = next((i for i in rs.indicators if i.parent not in {g.code for g in rs.open_groups}), None)
    if preset is not None and preset.weight == part.weight and _execution_of(rs, [preset]) == part.model_copy(
            update={"position": "last", "name": EXECUTION_NAME}):
        made.update(definition=preset.definition, scoring_guide=preset.scoring_guide, data_source=preset.data_source,
                    rule=preset.rule.model_dump(mode="json", exclude_defaults=True))
    return made


def _problems(structure: FormStructure) -> list[str]:
    """What keeps the structure from being a form, in Chinese."""
    problems = []
    names = [g.name.strip() for g in structure.groups]
    for name in dict.fromkeys(n for n in names if names.count(n) > 1):
        problems.append(f"一级指标「{name}」重复")
    if structure.top is None:
        problems += [f"一级指标「{g.name}」的分值未填写，如 50" for g in structure.groups if g.weight is None]
    else:
        weights = [g.weight for g in structure.groups if g.weight is not None]
        total = sum(weights, Decimal(0))
        if len(weights) == len(structure.groups) and total != structure.top.weight:
            detail = "、".join(f"{g.name}{fmt_points(g.weight or Decimal(0))}分" for g in structure.groups)
            problems.append(f"「{structure.top.name}」分值{fmt_points(structure.top.weight)}分，其下一级指标分值合计"
                            f"{fmt_points(total)}分（{detail}）")
    execution = structure.execution
    if execution.method == "tiers" and execution.scored:
        if not execution.tiers:
            problems.append("预算执行率按“分档取值”计分时应至少列出一档")
        elif max([t.points for t in execution.tiers] + [execution.otherwise_points]) != execution.weight:
            problems.append(f"预算执行率最高档得分应等于其分值{fmt_points(execution.weight)}分")
    return problems


def form_ruleset(rs: Ruleset, evaluation: Evaluation | None) -> Ruleset:
    """The ruleset a workbook of ``evaluation`` is laid out by: with its form's structure when it has a usable one."""
    form = evaluation.self_form if evaluation is not None else None
    if rs.form != "self" or form is None:
        return rs
    if form.structure is not None:
        try:
            rs = apply_structure(rs, form.structure)
        except RulesetError:
            pass  # the assessment names the problem (SELF-STRUCT); the workbook keeps the ruleset's layout
    return with_data_blocks(rs, form)


def with_data_blocks(rs: Ruleset, form: SelfForm) -> Ruleset:
    """``rs`` with the 基础数据表 when the form has its data, so that no typed figure is left out of a workbook."""
    if form.basic is None or form.basic.blank or rs.rows.basic_block:
        return rs
    return rs.model_copy(update={"rows": rs.rows.model_copy(update={"basic_block": True})})

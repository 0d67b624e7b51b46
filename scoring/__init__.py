"""The pure domain core of 部门整体支出绩效评价: rulesets, evidence, scores, accounts, questionnaire, grades.

No Excel, openpyxl or docx here. Adapters (``xladdin``) import only the names in ``__all__``, and
``scoring.cells`` (what a worksheet cell computes) as a public sub-API; a test keeps it so.
``assess`` is the one pass every command consumes.

Sub-packages, lowest first; a package imports only from those before it (``tests/test_imports.py``):

    common/     numbers, findings, grades, errors, validation messages, cell-text parsing (evidence, targets)
    model/      the evaluation data: basic facts, 财决01表 and its identities, questionnaire, self-form rows
    rules/      rule types, rulesets (TOML), scoring one indicator or a self-form row, the scorecard
    exports/    parsers of 问卷星 and 部门决算 export tables into evaluation data
    checks/     findings on inputs, cross-checks between figures, and figures that cannot be right (plausibility)
    narrative/  report text: sections, placeholders, the text lint, policy documents
    cells.py    the worksheet functions' core (light: imports only common, model and rules)
    assessment.py  the one pass: score, check, lint
    year_over_year.py  last year against this year (compare, snapshot)

Names are loaded on first use, so ``import scoring.cells`` (every worksheet cell) stays light.
"""
import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .checks.plausibility import DOUBT_PREFIX
    from .assessment import Assessment, assess, check_evaluation
    from . import cells
    from .cells import is_network_path
    from .common.errors import UserError
    from .common.evidence import EvidenceError, parse_count, parse_number, parse_rate, parse_yes_no
    from .common.findings import Finding, SEVERITY_NAMES, most_severe_first
    from .common.grades import INCOMPLETE
    from .common.numbers import HUNDRED, chinese_numeral, fmt2, fmt_money, fmt_points, round2
    from .common.targets import Target, parse_actual, parse_target
    from .common.validation import chinese_errors
    from .year_over_year import Change, Comparison, IndicatorValue, Snapshot, compare, describe_change, snapshot
    from .exports.accounts_import import AccountsImport, import_accounts
    from .exports.survey_export import SurveyExport, read_survey_export
    from .exports.survey_import import SurveyImport, import_survey
    from .exports.table import ExportError
    from .model.accounts import (
        Accounts,
        COLUMNS,
        COLUMN_NAMES,
        IDENTITIES,
        Identity,
        PRINTED_LINES,
        ROWS,
        SECTION_FIRST_COLUMN,
        line_of,
        printed_line,
    )
    from .model.evaluation import (
        BasicInfo,
        Evaluation,
        EvaluationError,
        IndicatorEntry,
        KeyProject,
        ProgressPoint,
        parse_evaluation,
        read_evaluation,
        sample_evaluation,
    )
    from .model.self_form import FUND_COLUMNS, FUND_LINES, FormStructure, FundBlock, FundLine, METHODS, NATURE_LINES, SelfForm, TargetRow
    from .model.self_form import BASIC_COLUMNS, BASIC_ITEMS, BASIC_SUMS, EXECUTION_METHODS, STAFF_FIELDS, BasicData, with_unit
    from .model.sources import describe as describe_source
    from .model.sources import resolve as resolve_source
    from .model.survey import Survey, SurveyOption, SurveyQuestion, parse_points, parse_respondents, parse_scale
    from .narrative.sections import (
        ALIASES,
        FUNDS_TEMPLATE,
        NARRATIVE_SECTIONS,
        NarrativeSection,
        PLACEHOLDERS,
        SECTION_HEADINGS,
        fill,
        indicator_system_name,
        is_known,
        placeholder_values,
    )
    from .rules.indicator_rules import InputKind, MissingInput, RULE_CLASSES, RuleInput
    from .rules.indicator_score import IndicatorScore, MISSING_INPUT, OVERRIDDEN
    from .rules.ruleset import (
        Group,
        Indicator,
        Ruleset,
        RulesetError,
        load_ruleset,
        parse_ruleset_json,
        read_ruleset_file,
        resolve_ruleset,
        ruleset_json,
        shipped_rulesets,
    )
    from .rules.scorecard import Scorecard, Unscored, score_evaluation
    from .rules.self_structure import form_ruleset, structure_of

# public name -> module (relative to this package) or module:attribute; the TYPE_CHECKING imports say the same
_EXPORTS = {
    "ALIASES": "narrative.sections:ALIASES",
    "Accounts": "model.accounts:Accounts",
    "AccountsImport": "exports.accounts_import:AccountsImport",
    "Assessment": "assessment:Assessment",
    "BasicInfo": "model.evaluation:BasicInfo",
    "COLUMNS": "model.accounts:COLUMNS",
    "COLUMN_NAMES": "model.accounts:COLUMN_NAMES",
    "Change": "year_over_year:Change",
    "DOUBT_PREFIX": "checks.plausibility:DOUBT_PREFIX",
    "Comparison": "year_over_year:Comparison",
    "Evaluation": "model.evaluation:Evaluation",
    "EvaluationError": "model.evaluation:EvaluationError",
    "EvidenceError": "common.evidence:EvidenceError",
    "ExportError": "exports.table:ExportError",
    "FUNDS_TEMPLATE": "narrative.sections:FUNDS_TEMPLATE",
    "BASIC_COLUMNS": "model.self_form:BASIC_COLUMNS",
    "BASIC_ITEMS": "model.self_form:BASIC_ITEMS",
    "BASIC_SUMS": "model.self_form:BASIC_SUMS",
    "BasicData": "model.self_form:BasicData",
    "EXECUTION_METHODS": "model.self_form:EXECUTION_METHODS",
    "STAFF_FIELDS": "model.self_form:STAFF_FIELDS",
    "with_unit": "model.self_form:with_unit",
    "FUND_COLUMNS": "model.self_form:FUND_COLUMNS",
    "FUND_LINES": "model.self_form:FUND_LINES",
    "Finding": "common.findings:Finding",
    "FormStructure": "model.self_form:FormStructure",
    "FundBlock": "model.self_form:FundBlock",
    "FundLine": "model.self_form:FundLine",
    "Group": "rules.ruleset:Group",
    "HUNDRED": "common.numbers:HUNDRED",
    "IDENTITIES": "model.accounts:IDENTITIES",
    "INCOMPLETE": "common.grades:INCOMPLETE",
    "Identity": "model.accounts:Identity",
    "Indicator": "rules.ruleset:Indicator",
    "IndicatorEntry": "model.evaluation:IndicatorEntry",
    "IndicatorScore": "rules.indicator_score:IndicatorScore",
    "IndicatorValue": "year_over_year:IndicatorValue",
    "InputKind": "rules.indicator_rules:InputKind",
    "KeyProject": "model.evaluation:KeyProject",
    "METHODS": "model.self_form:METHODS",
    "MISSING_INPUT": "rules.indicator_score:MISSING_INPUT",
    "MissingInput": "rules.indicator_rules:MissingInput",
    "NARRATIVE_SECTIONS": "narrative.sections:NARRATIVE_SECTIONS",
    "NATURE_LINES": "model.self_form:NATURE_LINES",
    "NarrativeSection": "narrative.sections:NarrativeSection",
    "OVERRIDDEN": "rules.indicator_score:OVERRIDDEN",
    "PLACEHOLDERS": "narrative.sections:PLACEHOLDERS",
    "PRINTED_LINES": "model.accounts:PRINTED_LINES",
    "ProgressPoint": "model.evaluation:ProgressPoint",
    "ROWS": "model.accounts:ROWS",
    "RULE_CLASSES": "rules.indicator_rules:RULE_CLASSES",
    "RuleInput": "rules.indicator_rules:RuleInput",
    "Ruleset": "rules.ruleset:Ruleset",
    "RulesetError": "rules.ruleset:RulesetError",
    "SECTION_FIRST_COLUMN": "model.accounts:SECTION_FIRST_COLUMN",
    "SECTION_HEADINGS": "narrative.sections:SECTION_HEADINGS",
    "SEVERITY_NAMES": "common.findings:SEVERITY_NAMES",
    "Scorecard": "rules.scorecard:Scorecard",
    "SelfForm": "model.self_form:SelfForm",
    "Snapshot": "year_over_year:Snapshot",
    "Survey": "model.survey:Survey",
    "SurveyExport": "exports.survey_export:SurveyExport",
    "SurveyImport": "exports.survey_import:SurveyImport",
    "SurveyOption": "model.survey:SurveyOption",
    "SurveyQuestion": "model.survey:SurveyQuestion",
    "Target": "common.targets:Target",
    "TargetRow": "model.self_form:TargetRow",
    "Unscored": "rules.scorecard:Unscored",
    "UserError": "common.errors:UserError",
    "assess": "assessment:assess",
    "cells": "cells",
    "check_evaluation": "assessment:check_evaluation",
    "chinese_errors": "common.validation:chinese_errors",
    "chinese_numeral": "common.numbers:chinese_numeral",
    "compare": "year_over_year:compare",
    "describe_change": "year_over_year:describe_change",
    "describe_source": "model.sources:describe",
    "fill": "narrative.sections:fill",
    "fmt2": "common.numbers:fmt2",
    "form_ruleset": "rules.self_structure:form_ruleset",
    "fmt_money": "common.numbers:fmt_money",
    "fmt_points": "common.numbers:fmt_points",
    "import_accounts": "exports.accounts_import:import_accounts",
    "import_survey": "exports.survey_import:import_survey",
    "indicator_system_name": "narrative.sections:indicator_system_name",
    "is_known": "narrative.sections:is_known",
    "is_network_path": "cells:is_network_path",
    "line_of": "model.accounts:line_of",
    "load_ruleset": "rules.ruleset:load_ruleset",
    "most_severe_first": "common.findings:most_severe_first",
    "parse_actual": "common.targets:parse_actual",
    "parse_count": "common.evidence:parse_count",
    "parse_evaluation": "model.evaluation:parse_evaluation",
    "parse_number": "common.evidence:parse_number",
    "parse_points": "model.survey:parse_points",
    "parse_rate": "common.evidence:parse_rate",
    "parse_respondents": "model.survey:parse_respondents",
    "parse_scale": "model.survey:parse_scale",
    "parse_target": "common.targets:parse_target",
    "parse_yes_no": "common.evidence:parse_yes_no",
    "placeholder_values": "narrative.sections:placeholder_values",
    "printed_line": "model.accounts:printed_line",
    "read_evaluation": "model.evaluation:read_evaluation",
    "parse_ruleset_json": "rules.ruleset:parse_ruleset_json",
    "read_ruleset_file": "rules.ruleset:read_ruleset_file",
    "resolve_ruleset": "rules.ruleset:resolve_ruleset",
    "ruleset_json": "rules.ruleset:ruleset_json",
    "read_survey_export": "exports.survey_export:read_survey_export",
    "resolve_source": "model.sources:resolve",
    "round2": "common.numbers:round2",
    "sample_evaluation": "model.evaluation:sample_evaluation",
    "score_evaluation": "rules.scorecard:score_evaluation",
    "shipped_rulesets": "rules.ruleset:shipped_rulesets",
    "snapshot": "year_over_year:snapshot",
    "structure_of": "rules.self_structure:structure_of",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    """Import a public name's module on first use (PEP 562)."""
    try:
        module, _, attribute = _EXPORTS[name].partition(":")
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    found = importlib.import_module(f".{module}", __name__)
    value = getattr(found, attribute) if attribute else found
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})

"""The pure domain core of 部门整体支出绩效评价: rulesets, evidence, scores, accounts, questionnaire, grades.

No Excel, openpyxl or docx here. Adapters (``xladdin``) import only the names in ``__all__``;
a test keeps it so. ``assess`` is the one pass every command consumes.
"""
from . import cells
from .accounts import (
    COLUMN_NAMES,
    COLUMNS,
    IDENTITIES,
    PRINTED_LINES,
    ROWS,
    SECTION_FIRST_COLUMN,
    Accounts,
    Identity,
    line_of,
    printed_line,
)
from .accounts_import import AccountsImport, import_accounts
from .assessment import Assessment, assess
from .cells import is_network_path
from .compare import Change, Comparison, IndicatorValue, Snapshot, compare, describe_change, snapshot
from .errors import UserError
from .evaluate import (
    Scorecard,
    Unscored,
    check_evaluation,
    score_evaluation,
)
from .evidence import EvidenceError, parse_count, parse_number, parse_rate, parse_yes_no
from .export_table import ExportError
from .findings import SEVERITY_NAMES, Finding, most_severe_first
from .grades import INCOMPLETE
from .indicator_score import MISSING_INPUT, OVERRIDDEN, IndicatorScore
from .model import (
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
from .narrative import (
    ALIASES,
    FUNDS_TEMPLATE,
    NARRATIVE_SECTIONS,
    PLACEHOLDERS,
    SECTION_HEADINGS,
    NarrativeSection,
    fill,
    indicator_system_name,
    is_known,
    placeholder_values,
)
from .numbers import HUNDRED, chinese_numeral, fmt2, fmt_money, fmt_points, round2
from .rules import RULE_CLASSES, InputKind, MissingInput, RuleInput
from .ruleset import (
    Group,
    Indicator,
    Ruleset,
    RulesetError,
    load_ruleset,
    read_ruleset_file,
    shipped_rulesets,
)
from .self_form import FUND_COLUMNS, FUND_LINES, METHODS, FundBlock, FundLine, SelfForm, TargetRow
from .sources import describe as describe_source
from .sources import resolve as resolve_source
from .survey import (
    Survey,
    SurveyOption,
    SurveyQuestion,
    parse_points,
    parse_respondents,
)
from .survey_export import SurveyExport, read_survey_export
from .survey_import import SurveyImport, import_survey
from .targets import Target, parse_actual, parse_target
from .validation import chinese_errors

__all__ = [
    "FUND_COLUMNS", "FUND_LINES", "METHODS", "FundBlock", "FundLine", "MissingInput", "SelfForm", "TargetRow",
    "ALIASES", "COLUMNS", "COLUMN_NAMES", "FUNDS_TEMPLATE", "HUNDRED", "IDENTITIES", "INCOMPLETE", "NARRATIVE_SECTIONS", "PLACEHOLDERS",
    "MISSING_INPUT", "OVERRIDDEN", "PRINTED_LINES", "ROWS", "RULE_CLASSES", "SECTION_FIRST_COLUMN", "SECTION_HEADINGS", "SEVERITY_NAMES",
    "Accounts", "Assessment", "BasicInfo", "Evaluation", "EvaluationError", "EvidenceError", "Finding", "Group",
    "Identity", "Indicator", "IndicatorEntry", "IndicatorScore", "InputKind", "KeyProject", "NarrativeSection",
    "ProgressPoint",
    "RuleInput", "Ruleset", "RulesetError", "Scorecard", "Survey", "SurveyOption", "SurveyQuestion", "Target", "Unscored",
    "UserError",
    "Change", "Comparison", "IndicatorValue", "Snapshot", "compare", "describe_change", "snapshot",
    "AccountsImport", "ExportError", "SurveyExport", "SurveyImport", "import_accounts", "import_survey", "read_survey_export",
    "assess", "cells", "check_evaluation", "chinese_numeral", "chinese_errors", "describe_source", "fill", "fmt2", "fmt_money",
    "fmt_points", "indicator_system_name", "is_known", "is_network_path", "line_of", "load_ruleset", "most_severe_first", "parse_count",
    "parse_actual", "parse_evaluation", "parse_number", "parse_points", "parse_rate", "parse_respondents",
    "parse_target", "parse_yes_no", "placeholder_values", "printed_line",
    "read_evaluation", "read_ruleset_file", "resolve_source", "round2", "sample_evaluation", "score_evaluation", "shipped_rulesets",
]

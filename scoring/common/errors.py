"""The one base for errors a user sees; every message is Chinese and says what to fix.

    UserError
    ├── EvidenceError      a cell value that cannot be read (scoring.common.evidence)
    ├── RulesetError       a ruleset that cannot be used (scoring.rules.ruleset)
    ├── EvaluationError    an evaluation file that cannot be used (scoring.model.evaluation)
    ├── ExportError        a 问卷星 or 部门决算 export that cannot be imported (scoring.exports.table)
    └── (adapters)         WorkbookError, CliError, MacroError in xladdin
"""
from __future__ import annotations


class UserError(ValueError):
    """An error whose message is meant for the user, in Chinese."""

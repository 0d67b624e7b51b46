"""Adapters use the core only through ``scoring.__all__``; every exported name exists."""
import ast
from pathlib import Path

import scoring

ROOT = Path(__file__).resolve().parents[1]


def _core_imports(path: Path) -> list[str]:
    """Every ``from scoring… import`` / ``import scoring…`` in a file, as 'module:name'."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "scoring":
            found += [f"{node.module}:{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [f"{alias.name}:" for alias in node.names if alias.name.split(".")[0] == "scoring"]
    return found


def test_adapters_import_only_the_public_core_api():
    offenders = []
    for path in sorted((ROOT / "xladdin").rglob("*.py")):
        for item in _core_imports(path):
            module, name = item.split(":")
            if module != "scoring" or name not in scoring.__all__:
                offenders.append(f"{path.relative_to(ROOT)}: {item}")
    assert offenders == []


def test_every_exported_name_exists_and_is_listed_once():
    assert len(scoring.__all__) == len(set(scoring.__all__))
    assert [name for name in scoring.__all__ if not hasattr(scoring, name)] == []


def test_user_errors_share_one_base():
    from xladdin.cli import CliError
    from xladdin.macros import MacroError
    from xladdin.workbook import WorkbookError

    for error in (scoring.EvidenceError, scoring.RulesetError, scoring.EvaluationError, CliError, WorkbookError,
                  MacroError):
        assert issubclass(error, scoring.UserError)

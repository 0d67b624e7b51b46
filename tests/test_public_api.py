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
    from xladdin.cli.common import CliError
    from xladdin.excel.macros import MacroError
    from xladdin.workbook import WorkbookError

    for error in (scoring.EvidenceError, scoring.RulesetError, scoring.EvaluationError, CliError, WorkbookError,
                  MacroError):
        assert issubclass(error, scoring.UserError)


def test_the_lazy_facade_and_its_type_checking_imports_say_the_same():
    """``scoring/__init__.py`` loads names on first use; the imports type checkers read must name the same things."""
    tree = ast.parse((ROOT / "scoring" / "__init__.py").read_text(encoding="utf-8"))
    block = next(node for node in tree.body if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING")
    declared = {}
    for node in block.body:
        for alias in node.names:
            target = node.module if node.module else alias.name
            declared[alias.asname or alias.name] = target if not node.module else f"{node.module}:{alias.name}"
    assert declared == scoring._EXPORTS


def test_a_public_name_is_the_object_not_a_same_named_module():
    """A submodule named like a public name would replace it on the package once imported."""
    import importlib

    for name in scoring.__all__:
        module, _, attribute = scoring._EXPORTS[name].partition(":")
        importlib.import_module(f"scoring.{module}")
        assert getattr(scoring, name) is (getattr(importlib.import_module(f"scoring.{module}"), attribute) if attribute
                                          else importlib.import_module(f"scoring.{module}"))

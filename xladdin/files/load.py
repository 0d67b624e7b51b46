"""Load any evaluation file the commands accept: an evaluation JSON or a workbook (read without Excel), assessed."""
from __future__ import annotations

from pathlib import Path

from scoring import Assessment, Ruleset, UserError, assess, load_ruleset, read_evaluation

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
EVALUATION_SUFFIXES = (".json", *WORKBOOK_SUFFIXES)


class InputFileError(UserError):
    """A file that is not an evaluation the commands can read."""


def load_assessment(path: Path, ruleset: Ruleset | None = None) -> Assessment:
    """The one assessment of an evaluation .json file or workbook (.xlsx/.xlsm, read without Excel).

    ``ruleset`` (from --ruleset) replaces the evaluation's own; a workbook accepts only the one it was built with.
    """
    if "\0" in str(path):
        raise InputFileError(f"文件名「{str(path)!r}」含有空字符，不是有效的路径")
    if not path.exists():
        raise InputFileError(f"找不到文件：{path}")
    if path.suffix.lower() == ".json":
        evaluation = read_evaluation(path)
        return assess(evaluation, ruleset or load_ruleset(evaluation.ruleset), source=str(path))
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        from ..workbook import assess_workbook

        return assess_workbook(path, ruleset)
    raise InputFileError(f"不支持的文件类型「{path.suffix}」：请提供评价数据 .json 文件或评价工作簿 .xlsx/.xlsm")


def evaluation_files(paths: list[str]) -> list[Path]:
    """The files named, folders searched recursively for evaluations (Excel's ``~$`` lock files skipped)."""
    found: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix.lower() in EVALUATION_SUFFIXES
                            and not p.name.startswith(("~$", ".~")))
        else:
            found.append(path)
    return found

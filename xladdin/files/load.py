"""Load any evaluation file the commands accept: an evaluation JSON or a workbook (read without Excel), assessed."""
from __future__ import annotations

import stat
from pathlib import Path

from scoring import Assessment, Ruleset, UserError, assess, read_evaluation, resolve_ruleset

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
EVALUATION_SUFFIXES = (".json", *WORKBOOK_SUFFIXES)


class InputFileError(UserError):
    """A file that is not an evaluation the commands can read."""


def load_assessment(path: Path, ruleset: Ruleset | None = None) -> Assessment:
    """The one assessment of an evaluation .json file or workbook (.xlsx/.xlsm, read without Excel).

    ``ruleset`` (from --ruleset) replaces the evaluation's own; a workbook accepts only the one it was built with.
    """
    regular_file(path)
    if path.suffix.lower() == ".json":
        evaluation = read_evaluation(path)
        return assess(evaluation, ruleset or resolve_ruleset(evaluation.ruleset, evaluation.ruleset_data), source=str(path))
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        from ..workbook import assess_workbook

        return assess_workbook(path, ruleset)
    raise InputFileError(f"不支持的文件类型「{path.suffix}」：请提供评价数据 .json 文件或评价工作簿 .xlsx/.xlsm")


def regular_file(path: Path, what: str = "文件") -> Path:
    """``path`` if it names a regular file; anything else is refused before it is opened.

    Reading a named pipe (FIFO) waits forever and a device such as /dev/zero never ends, whatever size limit
    the reader checks afterwards.
    """
    if "\0" in str(path):
        raise InputFileError(f"文件名「{str(path)!r}」含有空字符，不是有效的路径")
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise InputFileError(f"找不到{what}：{path}") from None
    except OSError as exc:
        raise InputFileError(f"无法读取{what}「{path}」：{exc.strerror or exc}") from None
    if stat.S_ISDIR(mode):
        raise InputFileError(f"「{path}」是文件夹，不是{what}")
    if not stat.S_ISREG(mode):
        raise InputFileError(f"「{path}」不是普通文件（命名管道、设备等），不能作为{what}读取")
    return path


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

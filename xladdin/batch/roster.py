"""Which unit a file is: the expected-units list (名单), units with no file or more than one, last year's file of each unit.

Units are the same when their credit codes (统一社会信用代码) are, or else their names after
normalising width and spaces (（） and () alike).
"""
from __future__ import annotations

import codecs
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from scoring import Comparison, Snapshot, UserError, compare

from .runner import FileResult
from ..files.export_tables import read_table_file

LIST_SUFFIXES = (".txt", ".xlsx", ".xlsm", ".xls", ".csv")
MAX_LIST_BYTES = 5_000_000
_HEADERS = ("单位", "部门", "名称", "单位名称", "部门名称", "单位（部门）名称", "部门（单位）名称", "预算单位", "预算单位名称")


def unit_key(name: str) -> str:
    """A unit name as compared: full-width forms folded, spaces dropped."""
    return "".join(unicodedata.normalize("NFKC", name).split())


def read_expected(path: Path) -> list[str]:
    """The unit names of a list file: a .txt, one name a line; or the first column of a table's first sheet.

    A first line that is a column title (单位名称…) and blank lines are skipped; repeated names are kept once.
    """
    suffix = path.suffix.lower()
    if suffix not in LIST_SUFFIXES:
        raise UserError(f"单位名单「{path.name}」应为 .txt（每行一个单位）或 .xlsx/.xls/.csv（第一列为单位名称）")
    if suffix == ".txt":
        names = _text_lines(path)
    else:
        sheets = read_table_file(path)
        rows = next(iter(sheets.values()), [])
        names = [str(row[0]) if row and row[0] is not None else "" for row in rows]
    names = [name.strip() for name in names]
    if names and unit_key(names[0]) in _HEADERS:
        names = names[1:]
    unique = {unit_key(name): name for name in reversed(names) if name}
    return list(reversed(unique.values()))


def _text_lines(path: Path) -> list[str]:
    try:
        if path.stat().st_size > MAX_LIST_BYTES:
            raise UserError(f"单位名单「{path.name}」过大，不应超过{MAX_LIST_BYTES}字节")
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(f"无法读取单位名单「{path}」：{exc.strerror or exc}") from None
    for encoding in ("utf-8-sig", "gb18030"):  # Notepad on Chinese Windows saves GBK by default
        try:
            return codecs.decode(data, encoding).splitlines()
        except UnicodeDecodeError:
            continue
    raise UserError(f"单位名单「{path.name}」既不是 UTF-8 也不是 GBK 编码的文本，无法读取")


@dataclass(frozen=True)
class RosterCheck:
    """Expected units with no file, units with more than one file (same year), and files of units not on the list."""

    checked: bool = False  # an expected list was given
    missing: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, list[str]]] = field(default_factory=list)
    unexpected: list[tuple[str, str]] = field(default_factory=list)


def check_roster(results: Sequence[FileResult], expected: Sequence[str] | None) -> RosterCheck:
    """Compare the files read with the expected units (when given) and with each other."""
    read = [r for r in results if r.snapshot is not None]
    duplicates = [(_name(group[0]), [r.path for r in group]) for group in _same_units(read) if len(group) > 1]
    if expected is None:
        return RosterCheck(duplicates=duplicates)
    present = {unit_key(_name(r)) for r in read}
    wanted = {unit_key(name) for name in expected}
    return RosterCheck(
        checked=True,
        missing=[name for name in expected if unit_key(name) not in present],
        duplicates=duplicates,
        unexpected=[(_name(r), r.path) for r in read if unit_key(_name(r)) not in wanted],
    )


def _snap(result: FileResult) -> Snapshot:
    assert result.snapshot is not None, "only files that were read"
    return result.snapshot


def _name(result: FileResult) -> str:
    return _snap(result).unit_name.strip() or "（单位名称未填写）"


def _identities(result: FileResult) -> list[str]:
    """The keys a unit is known by: its credit code (if any), then its name (if any)."""
    unit = _snap(result)
    keys = [f"code:{unit.credit_code.upper()}"] if unit.credit_code else []
    return keys + ([f"name:{unit_key(unit.unit_name)}"] if unit.unit_name.strip() else [])


def _same_units(read: Sequence[FileResult]) -> list[list[FileResult]]:
    """Files of one unit and year together: joined by credit code or by name, in the order read."""
    groups: list[list[FileResult]] = []
    index: dict[tuple[str, int | None], int] = {}
    for result in read:
        keys = [(key, _snap(result).year) for key in _identities(result)]
        at = next((index[key] for key in keys if key in index), len(groups))
        if at == len(groups):
            groups.append([])
        groups[at].append(result)
        index.update(dict.fromkeys(keys, at))
    return groups


@dataclass(frozen=True)
class YearOverYear:
    """This year's files compared with last year's file of the same unit, and the files of either year without one."""

    compared: list[tuple[FileResult, FileResult, Comparison]]  # (last year's, this year's, comparison)
    without_last: list[FileResult]
    without_this: list[FileResult]
    unreadable: list[FileResult]  # last year's files that could not be read


def year_over_year(last: Sequence[FileResult], this: Sequence[FileResult]) -> YearOverYear:
    """Each of this year's files read with last year's file of the same unit: credit code first, else name.

    Files of one unit are paired in order while last year has files left; a further file of this year (a unit
    that sent two) is read with the unit's last-year file too, never reported as having none.
    """
    earlier: dict[str, list[int]] = {}
    before = [r for r in last if r.snapshot is not None]
    for at, old in enumerate(before):
        for key in _identities(old):
            earlier.setdefault(key, []).append(at)
    used: set[int] = set()
    compared, alone = [], []
    for result in (r for r in this if r.snapshot is not None):
        candidates = [at for key in _identities(result) for at in earlier.get(key, [])]
        match = next((at for at in candidates if at not in used), candidates[0] if candidates else None)
        if match is None:
            alone.append(result)
        else:
            used.add(match)
            compared.append((before[match], result, compare(_snap(before[match]), _snap(result))))
    spare = [old for at, old in enumerate(before) if at not in used]
    return YearOverYear(compared, alone, spare, [r for r in last if r.snapshot is None])

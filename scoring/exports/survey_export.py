"""The layout of a 问卷星 (or other one-row-per-respondent) export: header, questions, answer cells.

Meta columns come first (序号, 提交答卷时间, 所用时间, 来源, 来源详情, 来自IP, 用户ID, 总分); then one
column per question headed ``N、题干`` (just the title when numbering is hidden); a multi-select
question exported 按序号 has one 0/1 column per option headed ``N(选项)``; a matrix question goes on
in columns headed ``—行``. The file name says how answers are written: ``…_按序号_…`` (option number),
``…_按文本_…`` (option text, multi-select joined with ┋), ``…_按分数_…`` (the option's score).
"""
from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from .table import (
    ExportError,
    Row,
    Table,
    cell_at,
    column_letter,
    shown,
    squeeze,
    text,
)

Mode = Literal["index", "text", "score"]
MODE_NAMES: dict[str, str] = {"index": "按序号", "text": "按文本", "score": "按分数"}
META = frozenset({"序号", "编号", "答卷编号", "答题序号", "提交答卷时间", "开始时间", "结束时间", "所用时间", "答题时长",
                  "来源", "来源详情", "来自IP", "IP", "用户ID", "总分", "填写设备", "操作系统", "浏览器"})
TIME_COLUMNS = ("所用时间", "答题时长")
ID_COLUMNS = ("序号", "编号", "答卷编号", "答题序号")
IP_COLUMNS = ("来自IP", "IP")
SKIP_TEXTS = frozenset({"(跳过)", "(空)", "跳过", "-2", "-3"})
SKIP_NUMBERS = frozenset({Decimal(-2), Decimal(-3)})
MULTI = "┋"
_HEADER_SEARCH = 20  # rows searched for the header
_NUMBERED = re.compile(r"(\d{1,3})\s*(?:[、:：]|[.．](?!\d))\s*(.*)", re.S)  # 2、2024年您是否… too; not 3.5
_OPTION_COLUMN = re.compile(r"(?:第)?(\d{1,3})(?:题)?\s*[、.．]?\s*[(（](.*)[)）]", re.S)
_MODE_IN_NAME = re.compile(r"_按(?:选项)?(序号|文本|分数)_(.*?)(?:_\d+)*$")
_OTHER = re.compile(r"〖.*?〗", re.S)
_NUMBER = re.compile(r"[+-]?\d{1,15}(?:\.\d{1,10})?")
_DURATION = re.compile(r"(?:(\d+)(?:小时|时))?(?:(\d+)分钟?)?(?:(\d+)秒)?")
_MODE_WORDS: dict[str, Mode] = {"序号": "index", "文本": "text", "分数": "score"}


@dataclass(frozen=True)
class Item:
    """What one answer cell (or one group of 0/1 option cells) answers: a question, or one row of a matrix."""

    number: int
    title: str
    columns: tuple[int, ...]
    flags: tuple[str, ...] = ()  # option texts of 0/1 columns (multi-select exported 按序号), one per column
    row: str = ""  # the row of a matrix question

    @property
    def aliases(self) -> frozenset[str]:
        """Titles it may carry in a workbook: its own, and for a matrix row the row alone."""
        return frozenset(squeeze(t) for t in (self.title, self.row) if t)

    def where(self) -> str:
        return f"导出文件第{self.number}题（{column_letter(self.columns[0])}列）"


@dataclass(frozen=True)
class SurveyExport:
    """The export's questions and respondent rows; ``mode`` None means numbers whose kind the name does not say."""

    name: str
    title: str
    mode: Mode | None
    items: tuple[Item, ...]
    rows: tuple[tuple[int, Row], ...]  # (row number in the file, cells)
    time_column: int | None
    ip_column: int | None
    ignored: tuple[str, ...] = ()  # headers that are neither meta nor a question
    id_column: int | None = None  # 序号: one respondent's answers once
    sheets: tuple[str, ...] = ()  # where answers spread over several sheets: each sheet's rows, as numbered here


def read_survey_export(table: Table, name: str, more: Sequence[tuple[str, Table]] = ()) -> SurveyExport:
    """The layout of ``table`` (the export's first sheet with answers); ``name`` is the file name (it tells the mode).

    ``more`` are the file's other sheets (name, rows): a sheet with the same header, or with rows as wide and no
    header, goes on with more answers (numbered after the first sheet's rows); one with another header is refused.
    """
    start = _header_row(table, name)
    header = ["" if h is None else str(h).strip() for h in table[start]]
    meta, items, ignored = _columns(header)
    if not items:
        raise ExportError(f"「{name}」第{start + 1}行的表头中没有题目列（应如「1、您对……是否满意？」）")
    rows = tuple((number + 1, row) for number, row in enumerate(table) if number > start and any(_filled(v) for v in row))
    rows, sheets = _more_sheets(name, header, len(table), rows, more)
    named = _MODE_IN_NAME.search(name.rsplit(".", 1)[0])
    mode = _MODE_WORDS[named.group(1)] if named else _content_mode(items, rows)
    return SurveyExport(
        name=name, title=named.group(2).strip() if named else "", mode=mode, items=tuple(items), rows=rows,
        time_column=next((meta[c] for c in TIME_COLUMNS if c in meta), None),
        ip_column=next((meta[c] for c in IP_COLUMNS if c in meta), None), ignored=tuple(ignored),
        id_column=next((meta[c] for c in ID_COLUMNS if c in meta), None), sheets=sheets,
    )


def _more_sheets(name: str, header: list[str], length: int, rows: tuple[tuple[int, Row], ...],
                 more: Sequence[tuple[str, Table]]) -> tuple[tuple[tuple[int, Row], ...], tuple[str, ...]]:
    """The answers of the other sheets appended (numbered on from the first sheet's last row), and where each went."""
    spans: list[str] = []
    found = list(rows)
    key = [text(h) for h in header]
    for sheet, table in more:
        filled = [(i, row) for i, row in enumerate(table) if any(_filled(v) for v in row)]
        if not filled:
            continue
        heads = [i for i, row in filled[:_HEADER_SEARCH] if [text(v) for v in row][: len(key)] == key]
        if heads:
            filled = [(i, row) for i, row in filled if i > heads[0]]
        elif any(_NUMBERED.fullmatch(text(v)) for _, row in filled[:_HEADER_SEARCH] for v in row):
            raise ExportError(f"「{name}」的工作表「{sheet}」也有答卷，但表头与第一个工作表不同，无法合并：请把答卷整理到"
                              "一个工作表（表头相同）后再导入")
        elif any(len([v for v in row if _filled(v)]) > len(header) for _, row in filled) or \
                number_or_none(filled[0][1][0] if filled[0][1] else None) is None:
            continue  # not answers (a note, a chart's data): left alone
        if not filled:
            continue
        first = length + 1
        found += [(first + i, row) for i, (_, row) in enumerate(filled)]
        spans.append(f"工作表「{sheet}」的{len(filled)}份答卷记为第{first}–{first + len(filled) - 1}行")
        length += len(filled)
    return tuple(found), tuple(spans)


def _filled(value: object) -> bool:
    return value is not None and value != ""


def _header_row(table: Table, name: str) -> int:
    for index, row in enumerate(table[:_HEADER_SEARCH]):
        cells = [text(v) for v in row]
        if any(c in META for c in cells) or any(_NUMBERED.fullmatch(c) for c in cells):
            return index
    raise ExportError(f"「{name}」不像问卷星导出的答卷数据：前{_HEADER_SEARCH}行中没有「序号」「提交答卷时间」"
                      "或「1、题目」这样的表头")


def _columns(header: list[str]) -> tuple[dict[str, int], list[Item], list[str]]:
    """Meta columns by name, the question items in order, and the headers that are neither."""
    numbered = any(_NUMBERED.fullmatch(h) or _option_column(h) for h in header)
    meta: dict[str, int] = {}
    items: list[Item] = []
    ignored: list[str] = []
    for column, head in enumerate(header):
        option = _option_column(head)
        match = _NUMBERED.fullmatch(head)
        if not head:
            continue
        if text(head) in META and (not items or text(head) == "总分"):
            meta.setdefault(text(head), column)
        elif option:
            _add_flag(items, int(option[0]), option[1], column)
        elif match:
            items.append(Item(number=int(match.group(1)), title=match.group(2).strip(), columns=(column,)))
        elif head.startswith(("—", "―")) and items and not items[-1].flags:
            items[-1:] = _matrix(items[-1], head[1:].strip(), column)
        elif not numbered:
            items.append(Item(number=len(items) + 1, title=head, columns=(column,)))
        else:
            ignored.append(f"{column_letter(column)}列「{head}」")
    return meta, items, ignored


def _option_column(head: str) -> tuple[str, str] | None:
    """``3(经常)``, ``3、(其他（请注明）)`` or ``第3题(经常)``: (number, option text); the text's brackets must pair."""
    match = _OPTION_COLUMN.fullmatch(head)
    if not match:
        return None
    depth = 0
    for char in match.group(2):
        depth += {"(": 1, "（": 1, ")": -1, "）": -1}.get(char, 0)
        if depth < 0:
            return None
    return (match.group(1), match.group(2).strip()) if depth == 0 else None


def _add_flag(items: list[Item], number: int, option: str, column: int) -> None:
    """Another 0/1 option column: it joins the question before it when that has the same number."""
    last = items[-1] if items else None
    if last is not None and last.number == number and not last.row:
        columns = (*last.columns, column) if last.flags else (column,)
        items[-1] = Item(number=number, title=last.title, columns=columns, flags=(*last.flags, option))
    else:
        items.append(Item(number=number, title="", columns=(column,), flags=(option,)))


def _matrix(previous: Item, row: str, column: int) -> list[Item]:
    """A ``—行`` column: the question before it becomes a matrix (title ``题干—行1``) and this is its next row."""
    stem, dash, first = previous.title.rpartition("—")
    if not dash:
        stem = first = previous.title
    head = previous if previous.row else Item(previous.number, previous.title, previous.columns, row=first)
    return [head, Item(previous.number, f"{stem}—{row}", (column,), row=row)]


_SAMPLED_ROWS = 200  # rows looked at to tell words from numbers


def _content_mode(items: list[Item], rows: tuple[tuple[int, Row], ...]) -> Mode | None:
    """"text" when most answer columns hold words; None (numbers of a kind the file name does not say) otherwise."""
    numeric = words = 0
    for item in items:
        if not item.flags:
            values = [cell_at(row, item.columns[0]) for _, row in rows[:_SAMPLED_ROWS]]
            kinds = {number_or_none(v) is not None for v in values if _filled(v) and text(v) not in SKIP_TEXTS}
            numeric += kinds == {True}
            words += False in kinds
    return "text" if words > numeric else None


def number_or_none(value: object) -> Decimal | None:
    """A cell's number (1, 1.0, "1", "１", "-2"); None for words, blanks, and what no answer can be (nan, 1e999)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(format(value, ".15g")) if math.isfinite(value) else None
    written = text(value)
    return Decimal(written) if _NUMBER.fullmatch(written) else None


def answer_text(value: object) -> str:
    """An option text as answered: ``其他〖自己填的〗`` → ``其他``."""
    return _OTHER.sub("", shown(value)).strip()


def seconds(value: object) -> int | None:
    """所用时间 in seconds: ``123秒``, ``2分3秒``, ``1小时2分``, or a bare number of seconds; None when unreadable."""
    number = number_or_none(value)
    if number is not None:
        return int(number) if number >= 0 else None
    match = _DURATION.fullmatch(re.sub(r"\s+", "", text(value)))
    if not match or not any(match.groups()):
        return None
    hours, minutes, secs = (int(g or 0) for g in match.groups())
    return hours * 3600 + minutes * 60 + secs


def ip_address(value: object) -> str:
    """``112.117.5.9(云南-昆明)`` → ``112.117.5.9``."""
    typed = shown(value)
    address = typed.split("(", 1)[0]
    if not address.isascii():  # full-width characters before the place: fold them first (e.g. a full-width bracket)
        address = text(typed).split("(", 1)[0]
    return address.strip()

"""What the import modules share about tables read from export files: cell places, text folding, label matching."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from ..common.errors import UserError

Row = Sequence[object]
Table = Sequence[Row]
"""One sheet as rows of cell values (str, int, float, datetime…; None or "" when blank), row 1 first."""

_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十\d]+\)|\d+[、.]|其中[:：]?)+")


class ExportError(UserError):
    """An export file (问卷星 responses, 部门决算 tables) that cannot be imported; the message is Chinese."""


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def place(sheet: str, row: int, column: int) -> str:
    """``决算!E9`` for 0-based ``row`` and ``column``."""
    return f"{sheet}!{column_letter(column)}{row + 1}"


def shown(value: object) -> str:
    """A cell as the user typed it, trimmed (``4.0`` as ``4``); "" when blank."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def text(value: object) -> str:
    """A cell folded for matching: full-width letters, digits and brackets to ASCII (NFKC), trimmed."""
    return unicodedata.normalize("NFKC", shown(value)).strip()


def squeeze(value: str) -> str:
    """``value`` without whitespace and punctuation, lower case: how titles and labels are compared."""
    return "".join(c for c in unicodedata.normalize("NFKC", value).lower()
                   if not c.isspace() and unicodedata.category(c)[0] not in "PSZ")


def label_key(value: str) -> str:
    """A 决算 label for comparison: without its numbering (``一、``, ``（一）``, ``其中：``), spaces and punctuation."""
    return squeeze(_NUMBERING.sub("", re.sub(r"\s+", "", text(value))))


def cell_at(row: Row, column: int) -> object:
    return row[column] if column < len(row) else None

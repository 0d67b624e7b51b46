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
    typed = shown(value)
    return typed if typed.isascii() else unicodedata.normalize("NFKC", typed).strip()  # ASCII is its own NFKC


def squeeze(value: str) -> str:
    """``value`` without whitespace and punctuation, lower case: how titles and labels are compared."""
    return "".join(c for c in unicodedata.normalize("NFKC", value).lower()
                   if not c.isspace() and unicodedata.category(c)[0] not in "PSZ")


def label_key(value: str) -> str:
    """A 决算 label for comparison: without its numbering (``一、``, ``（一）``, ``其中：``), spaces and punctuation."""
    return squeeze(_NUMBERING.sub("", re.sub(r"\s+", "", text(value))))


_ETHNIC = ("回|彝|苗|壮|藏|蒙古|土家|侗|瑶|白|傣|哈尼|黎|傈僳|佤|拉祜|纳西|羌|土|仫佬|锡伯|布依|满|朝鲜|哈萨克|维吾尔|畲|水|"
           "仡佬|景颇|布朗|普米|阿昌|怒|独龙|鄂温克|达斡尔|鄂伦春|裕固|保安|东乡|撒拉|毛南|京|各")
_AUTONOMOUS = re.compile(rf"(?:(?:{_ETHNIC})族)+自治(?=[县州旗])")


def unit_key(name: str) -> str:
    """A unit's name for comparison: the county's full name shortened (寻甸回族彝族自治县 → 寻甸县), squeezed."""
    return squeeze(_AUTONOMOUS.sub("", text(name)))


def same_unit(one: str, other: str) -> bool:
    """Two names of one unit: equal once shortened, or one a part of the other (融媒体中心, 寻甸县融媒体中心)."""
    a, b = unit_key(one), unit_key(other)
    return bool(a and b) and (a == b or a in b or b in a)


def cell_at(row: Row, column: int) -> object:
    return row[column] if column < len(row) else None

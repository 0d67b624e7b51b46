"""Parse what people type into cells: numbers, rates, counts, criteria, 是/否.

Conventions (documented in docs/ruleset-format.md):
- Blank, ``—``, ``-``, ``－``, ``/`` and ``无数据`` mean *empty* (``None``).
- Full-width digits and punctuation are folded to ASCII (``４，２２８`` → ``4,228``;
  circled digits are not numbers); thousands separators
  must be well placed (``4,228,106.35``; ``1,2345`` is rejected).
- Rates: a value ending in ``%``/``％`` is a percentage. A bare number follows
  the input's declared unit: ``ratio`` (Excel's own convention, ``0.95`` is
  95%) or ``percent`` (``95`` is 95%). A ratio above 10 (1000%) is rejected
  rather than guessed.
- Criteria: ``①②④``, ``1,2,4``, ``1、2、4``; partial credit as ``③=0.7``
  or ``③(0.7)``; ``全部`` for all, ``无`` for none.
"""
from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Annotated

from pydantic import BeforeValidator

from .errors import UserError
from .numbers import HUNDRED

EMPTY_MARKS = {"", "—", "——", "-", "--", "－", "–", "/", "无数据", "n/a", "N/A"}
_PLAIN = re.compile(r"[+-]?\d+(\.\d+)?")
_GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")
_CIRCLED = {chr(0x2460 + i): str(i + 1) for i in range(20)}
_CRITERION = re.compile(r"(\d+)(?:=(\d+(?:\.\d+)?)|\((\d+(?:\.\d+)?)\))?")
_SEPARATORS = re.compile(r"[,、;；\s]+")
_YES = {"是", "有", "存在", "y", "yes", "true", "√", "✓"}
_NO = {"否", "无", "不存在", "没有", "n", "no", "false", "×", "✗"}
MAX_RATIO = Decimal(10)
MAX_INTEGER_DIGITS = 15  # 999万亿: far above any department's money, far below Decimal's precision
MAX_DECIMAL_DIGITS = 10


class EvidenceError(UserError):
    """A cell value that cannot be read; the message is Chinese and user-facing."""


def _show(value: object) -> str:
    text = str(value)
    return text if len(text) <= 30 else text[:30] + "…"


_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def _text(value: object) -> str | None:
    """Fold full-width characters to ASCII and strip; None when the cell is empty."""
    if value is None:
        return None
    text = str(value).translate(_FULL_WIDTH).strip()
    return None if text in EMPTY_MARKS else text


def parse_number(
    value: object, what: str = "数值", suffixes: tuple[str, ...] = (), example: str = "4,228,106.35"
) -> Decimal | None:
    """Parse a number (money, count, score); ``None`` when the cell is empty.

    ``example`` is the right form shown in the message (money by default; a count says 23, a year 2024).

    Excel's floats are read to 15 significant digits, as Excel shows them
    (``0.30000000000000004`` → ``0.3``).
    """
    if isinstance(value, bool):
        raise EvidenceError(f"「{_show(value)}」不是{what}")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise EvidenceError(f"「{_show(value)}」不是有效的{what}")
        value = Decimal(format(value, ".15g"))
    if isinstance(value, int):
        value = Decimal(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise EvidenceError(f"「{_show(value)}」不是有效的{what}")
        return _bounded(value, value, what)
    text = _text(value)
    if text is None:
        return None
    for suffix in suffixes:
        if text.endswith(suffix):
            text = text[: -len(suffix)].strip()
            break
    if _GROUPED.fullmatch(text):
        text = text.replace(",", "")
    elif not _PLAIN.fullmatch(text):
        raise EvidenceError(f"「{_show(value)}」不是有效的{what}，应填写数字，如 {example}")
    number = _bounded(Decimal(text), value, what)
    exponent = number.as_tuple().exponent  # an int: the text matched a plain or grouped number
    if isinstance(exponent, int) and -exponent > MAX_DECIMAL_DIGITS:
        raise EvidenceError(f"{what}「{_show(value)}」小数位数过多（不超过{MAX_DECIMAL_DIGITS}位）")
    return number


def _bounded(number: Decimal, value: object, what: str) -> Decimal:
    """Reject numbers too large to be real cell values (and to round safely)."""
    if number.adjusted() >= MAX_INTEGER_DIGITS:
        raise EvidenceError(f"{what}「{_show(value)}」数值过大（整数部分不超过{MAX_INTEGER_DIGITS}位）")
    return number


def bounded_number(value: object) -> object:
    """Before a model's number field is validated: a number no cell could hold (not finite, or more than
    ``MAX_INTEGER_DIGITS`` integer digits, e.g. ``1e999`` in a JSON) is refused here, so that no arithmetic or
    rounding ever sees it; anything else goes on to the field's own validation (``Number``, ``OptionalNumber``)."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        return value
    try:
        number = Decimal(value.strip() if isinstance(value, str) else value)
    except ArithmeticError:  # not a number (decimal.InvalidOperation): the field's validation says so
        return value
    if not number.is_finite() or number.adjusted() >= MAX_INTEGER_DIGITS:
        raise ValueError(f"「{_show(value)}」不是有效的数值（整数部分不超过{MAX_INTEGER_DIGITS}位）")
    return value


_BOUNDED = BeforeValidator(bounded_number)
# A model's number fields. The validator rides on the whole annotation, so a field's type stays ``Decimal`` or
# ``Decimal | None`` for the code that reads the models' field types (data references, the 基本信息 sheet).
Number = Annotated[Decimal, _BOUNDED]
OptionalNumber = Annotated[Decimal | None, _BOUNDED]


def parse_rate(value: object, unit: str = "ratio", what: str = "比率") -> Decimal | None:
    """Parse a rate and return it as a ratio (95% → 0.95)."""
    text = _text(value) if isinstance(value, str) else None
    example = "95" if unit == "percent" else "95% 或 0.95"
    if text is not None and text.endswith("%"):
        number = parse_number(text[:-1], what, example="95%")
        if number is None:
            raise EvidenceError(f"「{_show(value)}」不是有效的{what}，应填写如 95%")
        return number / HUNDRED
    number = parse_number(value, what, example=example)
    if number is None:
        return None
    if unit == "percent":
        return number / HUNDRED
    if abs(number) > MAX_RATIO:
        raise EvidenceError(
            f"{what}「{_show(value)}」按小数理解为{number * HUNDRED:f}%，超出合理范围；"
            f"如指{_show(value)}%，请填写「{_show(value)}%」"
        )
    return number


def parse_count(value: object, what: str = "数量", example: str = "23") -> int | None:
    """Parse a non-negative whole number such as a count of items (``2``, ``2项``) or a year."""
    number = parse_number(value, what, suffixes=("项", "个", "人", "份", "次", "名"), example=example)
    if number is None:
        return None
    if number < 0 or number != number.to_integral_value():
        raise EvidenceError(f"{what}「{_show(value)}」应为非负整数，如 {example}")
    return int(number)


def parse_yes_no(value: object, what: str = "是否") -> bool | None:
    """Parse 是/否 (also 有/无, Y/N, √/×, TRUE/FALSE, 1/0)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float, Decimal)):
        number = parse_number(value, what)
        if number not in (0, 1):
            raise EvidenceError(f"{what}「{_show(value)}」应填写「是」或「否」")
        return number == 1
    text = _text(value)
    if text is None:
        return None
    lowered = text.lower()
    if lowered in _YES or lowered == "1":
        return True
    if lowered in _NO or lowered == "0":
        return False
    raise EvidenceError(f"{what}「{_show(value)}」应填写「是」或「否」")


def parse_criteria(value: object, count: int, what: str = "符合的细则") -> dict[int, Decimal | None] | None:
    """Parse met criteria into ``{number: partial points or None for full}``.

    ``count`` is how many criteria the rule has (numbered from 1).
    Returns ``None`` when empty, ``{}`` for ``无``.
    """
    if isinstance(value, bool):
        raise EvidenceError(f"{what}「{_show(value)}」无法识别")
    if isinstance(value, (int, float, Decimal)):
        figure = parse_number(value, what)
        if figure is None or figure != figure.to_integral_value() or not 1 <= figure <= count:
            raise EvidenceError(f"{what}「{_show(value)}」无法识别，请用①②④或1,2,4表示")
        return {int(figure): None}
    if value is None:
        return None
    raw = "".join(f",{_CIRCLED[ch]}" if ch in _CIRCLED else ch for ch in str(value))
    text = _text(raw.strip(",")) if raw.strip(",") else None
    if text is None:
        return None
    if text in ("无", "均不符合", "0"):
        return {}
    if text in ("全部", "全", "均符合"):
        return {n: None for n in range(1, count + 1)}
    chosen: dict[int, Decimal | None] = {}
    for token in _SEPARATORS.split(text.strip(",、;； ")):
        match = _CRITERION.fullmatch(token.replace(":", "="))
        if not match:
            raise EvidenceError(f"{what}「{_show(value)}」中「{token}」无法识别，请用①②④或1,2,4表示，部分得分写作③=0.7")
        number = int(match.group(1))
        if not 1 <= number <= count:
            raise EvidenceError(f"{what}「{_show(value)}」中第{number}条细则不存在（共{count}条）")
        if number in chosen:
            raise EvidenceError(f"{what}「{_show(value)}」中第{number}条细则重复")
        partial = match.group(2) or match.group(3)
        chosen[number] = Decimal(partial) if partial else None
    return chosen

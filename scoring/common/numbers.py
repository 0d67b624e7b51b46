"""Decimal arithmetic with Chinese accounting rounding (四舍五入, half up)."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal(0)


def round2(value: Decimal) -> Decimal:
    """Round half up to 2 decimals: 2.675 → 2.68, 98.675 → 98.68."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def fmt2(value: Decimal) -> str:
    """Two decimals, e.g. 91.8 → '91.80'."""
    return f"{round2(value):f}"


def fmt_points(value: Decimal) -> str:
    """Points without trailing zeros: 4.00 → '4', 0.50 → '0.5', 3.36 → '3.36'."""
    text = f"{round2(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def fmt_money(value: Decimal) -> str:
    """Money with thousands separators: 4228106.35 → '4,228,106.35'."""
    return f"{round2(value):,.2f}"


def to_wan(yuan: Decimal) -> Decimal:
    """元 → 万元, rounded half up to 2 decimals."""
    return round2(yuan / Decimal(10000))


_DIGITS = "一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """1 → 一 … 10 → 十, 11 → 十一 … 99 → 九十九 (heading and 行次 numbering)."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens - 1] + "十")
    return head + (_DIGITS[ones - 1] if ones else "")

"""Findings: what `check` reports (a failed identity, an override, a bad input…)."""
from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Literal

from .base import Record

Severity = Literal["error", "warning", "info"]
SEVERITY_NAMES = {"error": "错误", "warning": "警告", "info": "提示"}


class Finding(Record):
    severity: Severity
    code: str
    where: str
    message: str
    expected: Decimal | None = None
    actual: Decimal | None = None
    difference: Decimal | None = None


def most_severe_first(findings: Iterable[Finding]) -> list[Finding]:
    """Errors, then warnings, then notes; the order within each severity is kept."""
    order = list(SEVERITY_NAMES)
    return sorted(findings, key=lambda f: order.index(f.severity))

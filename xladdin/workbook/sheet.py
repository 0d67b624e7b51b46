"""What every sheet module shares: cell addresses for defined names, and the sheet contract.

Each sheet of the evaluation workbook is one module (``guide``, ``info``, ``accounts``,
``indicators``, ``survey``, ``summary``, ``report``) that owns its addresses and implements
``SheetModule``; ``xladdin.workbook`` runs build, read and check as loops over them.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

from scoring import parse_number

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from scoring import Assessment, Evaluation, Ruleset

from .file import WorkbookFile


def absolute(sheet: str, cell: str) -> str:
    """``决算!$E$32`` for defined names."""
    letters = cell.rstrip("0123456789")
    return f"{sheet}!${letters}${cell[len(letters):]}"


@dataclass(frozen=True)
class Expected:
    """A formula cell the core vouches for: its formula text and/or the value it must show."""

    place: str  # 指标体系!M4
    what: str
    formula: str | None  # None: only the value is compared
    value: float | str | None  # what the cell shows (cached in written workbooks); None: not known
    bound: bool = False  # an input that shows its data by formula; a typed value there is used, with a warning
    optional: bool = False  # added to the layout later: a workbook written before has nothing there, and is fine
    earlier: tuple[str, ...] = ()  # the formulas earlier layouts wrote there, still right where they are


@dataclass(frozen=True)
class BuildJob:
    """What a workbook is built from; ``evaluation`` None gives the blank template.

    ``ruleset_ref`` is what the 规则集 cell holds: the ruleset's id, or a .toml path for a custom one.
    """

    rs: Ruleset
    evaluation: Evaluation | None
    ruleset_ref: str


@dataclass
class Reading:
    """What the sheets read so far: ``Evaluation`` fields, and where each input came from."""

    fields: dict[str, object] = field(default_factory=dict)
    provenance: dict[str, str] = field(default_factory=dict)


def read_money_unit(book: WorkbookFile, sheet: str, ref: str) -> str:
    """The amounts' unit cell: 万元 (also when blank) or 元; anything else is a problem of the cell, read as 万元."""
    unit = book.text(sheet, ref) or "万元"
    if unit not in ("万元", "元"):
        book.problem(sheet, ref, f"金额单位「{unit}」应为“万元”或“元”")
        unit = "万元"
    return unit


def read_amounts(book: WorkbookFile, reading: Reading, sheet: str, row: int, columns: Mapping[str, str],
                 field_path: str, label: str, titles: Mapping[str, str]) -> dict[str, Decimal | None]:
    """One line of amounts (``columns``: key → column letter), each cell parsed as a number and recorded as the
    provenance of ``<field_path>.<key>``; a message about a cell names it ``<label><titles[key]>`` (其他资金全年预算数)."""
    amounts = {}
    for key, letter in columns.items():
        ref = f"{letter}{row}"
        reading.provenance[f"{field_path}.{key}"] = f"{sheet}!{ref}"
        amounts[key] = book.parse(sheet, ref, f"{label}{titles[key]}", parse_number)
    return amounts


class SheetModule(Protocol):
    """One worksheet: it writes, reads and checks itself."""

    NAME: str

    def build(self, ws: Worksheet, job: BuildJob) -> None:
        """Write the sheet."""

    def defined_names(self, job: BuildJob) -> dict[str, str]:
        """Defined names this sheet owns: name → cell on this sheet, as built for ``job``."""

    def read(self, book: WorkbookFile, reading: Reading) -> None:
        """Add this sheet's inputs to ``reading`` (raises WorkbookError for a cell it cannot read)."""

    def expected(self, assessment: Assessment) -> list[Expected]:
        """Every formula cell of the sheet: its text, and the value the core computes for it."""

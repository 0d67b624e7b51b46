"""A static copy of an evaluation workbook: every formula replaced by the value the core computes.

For WPS users, reviewers and archiving: the copy shows the same figures anywhere and needs nothing
to recalculate. Inputs, formats, merges, validations and protection are kept; the input workbook is
only read; a line on 说明 says what the copy is.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl.worksheet.worksheet import Worksheet

from scoring import INCOMPLETE, Assessment, fmt2

from .safe_io import available_path, write_new
from ..workbook import assess_workbook, expected_cells, guide
from ..workbook.style import literal


def default_copy_path(source: Path) -> Path:
    """``<name>_静态副本.xlsx`` next to ``source``; (2), (3)… when it exists."""
    return available_path(source.with_name(f"{source.stem}_静态副本.xlsx"))


def write_static_copy(source: Path, target: Path | None = None) -> tuple[Path, Assessment]:
    """Write the copy (never over an existing file) and return where it went and the assessment it shows."""
    from openpyxl import load_workbook

    assessment = assess_workbook(source)
    values = {item.place: item.value for item in expected_cells(assessment)}
    wb = load_workbook(source)  # styles, merges, validations and protection come along
    shown = load_workbook(source, data_only=True)  # for formulas a user added: what Excel last saved
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    place = f"{ws.title}!{cell.coordinate}"
                    literal(ws, cell.coordinate, values.get(place, shown[ws.title][cell.coordinate].value))
    _note(wb[guide.NAME], source, assessment)
    target = target or default_copy_path(source)
    write_new(target, lambda path: wb.save(path))
    return target, assessment


def _note(ws: Worksheet, source: Path, assessment: Assessment) -> None:
    card = assessment.scorecard
    result = f"总得分{fmt2(card.total)}分，等级{card.grade}" if card.complete else f"{INCOMPLETE}（已计分合计{fmt2(card.total)}分）"
    row = ws.max_row + 2
    literal(ws, f"A{row}", "静态副本")
    literal(ws, f"B{row}", f"本文件是「{source.name}」于{dt.datetime.now():%Y-%m-%d %H:%M}生成的静态副本：公式已替换为计算结果，"
                           f"修改输入不会再更新结果。{result}。")

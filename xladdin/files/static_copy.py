"""A static copy of an evaluation workbook: every formula replaced by the value the core computes.

For WPS users, reviewers and archiving: the copy shows the same figures anywhere and needs nothing
to recalculate. Inputs, formats, merges, validations and protection are kept; the input workbook is
only read. The copy says what it is: a banner on 说明 and in every sheet's page header
(``静态副本：…生成，不随输入更新``), input cells no longer yellow, and a defined name by which
``check`` and ``batch`` recognise it (one note instead of a warning for every replaced formula).
"""
from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

from openpyxl.styles import Font, PatternFill
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.header_footer import HeaderFooterItem
from openpyxl.worksheet.worksheet import Worksheet

from scoring import INCOMPLETE, Assessment, fmt2

from .safe_io import available_path, write_new
from ..workbook import NAME_STATIC_COPY, WorkbookError, assess_workbook, expected_cells, guide
from ..workbook.sheet import absolute
from ..workbook.style import INPUT_FILL, literal

BANNER_ROW = 2  # on 说明, between the title and the ruleset lines
_BANNER_FONT = Font(bold=True, color="C00000")
_LIVE_WORDING = "实时公式"  # 说明's line saying the results update live: not true of a copy


def default_copy_path(source: Path) -> Path:
    """``<name>_静态副本.xlsx`` next to ``source``; (2), (3)… when it exists."""
    return available_path(source.with_name(f"{source.stem}_静态副本.xlsx"))


def banner_text(source: Path, when: dt.datetime) -> str:
    return f"静态副本：由「{source.name}」于{when:%Y-%m-%d %H:%M}生成，不随输入更新"


def write_static_copy(source: Path, target: Path | None = None) -> tuple[Path, Assessment]:
    """Write the copy (never over an existing file) and return where it went and the assessment it shows."""
    assessment = assess_workbook(source)
    refuse_expanding(source)
    values = {item.place: item.value for item in expected_cells(assessment)}
    wb = _load_full(source)  # styles, merges, validations and protection come along
    shown = _load_full(source, data_only=True)  # for formulas a user added: what Excel last saved
    for ws in wb.worksheets:
        for cell in list(ws._cells.values()):  # the cells there are; iter_rows would make up every one to the last
            if cell.data_type == "f":
                place = f"{ws.title}!{cell.coordinate}"
                literal(ws, cell.coordinate, values.get(place, shown[ws.title][cell.coordinate].value))
            if cell.fill == INPUT_FILL:
                cell.fill = PatternFill()
    _mark(wb, banner_text(source, dt.datetime.now()), assessment)
    target = target or default_copy_path(source)
    write_new(target, lambda path: wb.save(path))
    return target, assessment


def _mark(wb: Workbook, banner: str, assessment: Assessment) -> None:
    """The banner in every visible sheet's page header and on 说明, with the result; the defined name on it."""
    for ws in wb.worksheets:
        if ws.sheet_state == "visible":  # beside the sheet's own header (its title, if any)
            header = ws.HeaderFooter.oddHeader or HeaderFooterItem()
            header.left.text = banner
            ws.HeaderFooter.oddHeader = header
    ws = wb[guide.NAME]
    card = assessment.scorecard
    result = f"总得分{fmt2(card.total)}分，等级{card.grade}" if card.complete else f"{INCOMPLETE}（已计分合计{fmt2(card.total)}分）"
    ref = f"A{BANNER_ROW}"
    literal(ws, ref, f"{banner}。{result}。")
    ws[ref].font = _BANNER_FONT
    ws.merge_cells(f"A{BANNER_ROW}:B{BANNER_ROW}")
    _static_wording(ws)
    wb.defined_names[NAME_STATIC_COPY] = DefinedName(NAME_STATIC_COPY, attr_text=absolute(guide.NAME, ref))


def _static_wording(ws: Worksheet) -> None:
    """说明's line about live formulas says what the copy holds instead."""
    for row in ws.iter_rows(min_col=2, max_col=2):
        cell = row[0]
        if isinstance(cell.value, str) and _LIVE_WORDING in cell.value:
            cell.value = ("本文件是静态副本：得分、计分说明、勾稽检查、问卷汇总、总分与等级都是生成时的计算结果，不是公式；"
                          "改动输入不会更新结果。")


# ── limits: what openpyxl's full load would expand cell by cell ─────────────────
MAX_COVERED_CELLS = 1_000_000  # cells one merge or hyperlink may cover; one over a whole sheet covers 17 billion
EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384
_COVERING = re.compile(rb"<(?:\w+:)?(mergeCell|hyperlink)\b[^>]*?\sref\s*=\s*[\"']([^\"']*)")
_POSITION = re.compile(rb"<(?:\w+:)?c\b[^>]*?\sr\s*=\s*[\"']([A-Za-z]+)(\d+)")


def _load_full(source: Path, data_only: bool = False) -> Workbook:
    """openpyxl's full load; a part it cannot make sense of (a crafted file) is said plainly, not raised."""
    from openpyxl import load_workbook

    try:
        return load_workbook(source, data_only=data_only)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises anything (KeyError, ValueError…) on a crafted part
        raise WorkbookError(f"「{source.name}」有无法完整读取的内容（{type(exc).__name__}），无法生成静态副本："
                            "请在 Excel 中打开后另存再试") from None


def refuse_expanding(source: Path) -> None:
    """Refuse, naming the limit, a workbook whose sheets a full load would blow up: a merge or hyperlink over more
    than ``MAX_COVERED_CELLS`` cells, or a cell beyond Excel's last row or column (the reader that scores the
    workbook streams and never meets these; the copy keeps formats and merges, so it loads everything)."""
    from openpyxl.utils import column_index_from_string, range_boundaries

    with zipfile.ZipFile(source) as archive:  # sizes already bounded by the reader's guard
        for member in archive.infolist():
            if not (member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml")):
                continue
            xml = archive.read(member)
            for kind, ref in _COVERING.findall(xml):
                what = "合并单元格" if kind == b"mergeCell" else "超链接"
                try:
                    left, top, right, bottom = range_boundaries(ref.decode("ascii", "replace"))
                    covered = ((right or left or 1) - (left or 1) + 1) * ((bottom or top or 1) - (top or 1) + 1)
                except (ValueError, TypeError):
                    raise WorkbookError(f"「{source.name}」的{what}范围「{ref[:40].decode('ascii', 'replace')}」无效，"
                                        "无法生成静态副本") from None
                if covered > MAX_COVERED_CELLS:
                    raise WorkbookError(f"「{source.name}」的{what}「{ref.decode('ascii', 'replace')}」覆盖{covered}个单元格，"
                                        f"超过{MAX_COVERED_CELLS}个的上限，无法生成静态副本：请在 Excel 中取消后再试")
            for letters, digits in _POSITION.findall(xml):
                column = column_index_from_string(letters.decode()) if len(letters) <= 3 else EXCEL_COLUMNS + 1
                if column > EXCEL_COLUMNS or int(digits[:8]) > EXCEL_ROWS:
                    raise WorkbookError(f"「{source.name}」有位置超出 Excel 范围的单元格（{letters[:10].decode()}{digits[:10].decode()}），"
                                        "不是 Excel 保存的文件，无法生成静态副本")

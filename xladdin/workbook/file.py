"""Open an evaluation workbook once: guard it, parse the layout's sheets in one pass, resolve its ruleset.

Each cell keeps both what was typed (or the formula) and the value Excel last saved, so
reading inputs and comparing Excel's results need no second load. Hostile files (too
large, zip bombs, XML entity bombs, not a workbook at all) get a clear Chinese ``WorkbookError``.
"""
from __future__ import annotations

import datetime as dt
import re
import stat
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TypeVar

from openpyxl.utils.escape import unescape

from scoring import (
    EvidenceError,
    Finding,
    Ruleset,
    RulesetError,
    UserError,
    is_network_path,
    load_ruleset,
    parse_ruleset_json,
)

LAYOUT_VERSION = 1  # bump whenever a cell moves: the reader refuses workbooks of another version
NAME_RULESET = "规则集"  # what the PE_ formulas pass: the embedded ruleset's cells (an older workbook: the id cell)
NAME_RULESET_REF = "规则集编号"  # the id or .toml path the workbook was built from, as 说明 shows it
NAME_LAYOUT = "版式版本"
# The ruleset a workbook was built with, as JSON down column A of a very hidden sheet, so that the workbook
# is scored the same on any machine, by the commands and by the worksheet functions. 16,000 characters a
# cell stay within Excel's 32,767 (UTF-16 units) even if every character were a surrogate pair; the largest
# shipped ruleset takes one cell.
EMBED_SHEET = "规则集数据"
EMBED_CHUNK = 16_000


MAX_FILE_BYTES = 20_000_000
MAX_CELL_TEXT = 32_767  # Excel's limit on the characters of one cell
MAX_CELL_FORMATS = 65_490  # Excel's limit on the cell formats of a workbook
MAX_DEFINED_NAMES = 10_000  # an evaluation workbook defines a few dozen
MAX_UNPACKED_BYTES = 200_000_000
MAX_MEMBERS = 2_000
MAX_RATIO = 200
MAX_PART_BYTES = 10_000_000  # one unpacked part (a sheet, the shared strings); the sample's largest is 133 KB
MAX_SHARED_STRINGS = 100_000  # distinct texts; an evaluation workbook has a few thousand
MAX_ROWS = 2_000  # rows read per sheet (streamed, then stopped): far beyond any layout
MAX_COLUMNS = 26
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_SURROGATE = re.compile("[\ud800-\udfff]")
_NAME_TARGET = re.compile(r"'?([^'!]+)'?!\$?([A-Z]{1,3})\$?(\d+)")
T = TypeVar("T")


class WorkbookError(UserError):
    """A workbook that cannot be read; the message is Chinese and names what is wrong."""


def guard(path: Path) -> None:
    """Refuse what is not a reasonably sized .xlsx/.xlsm before any parser touches it."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # opening a named pipe would wait forever, a device never end
            raise WorkbookError(f"「{path}」不是普通文件（文件夹、命名管道或设备），不能作为工作簿读取")
        size = info.st_size
        with path.open("rb") as handle:
            head = handle.read(4)
    except OSError as exc:
        raise WorkbookError(f"无法读取「{path}」：{exc.strerror or exc}") from None
    if size > MAX_FILE_BYTES:
        raise WorkbookError(f"「{path}」过大（{size}字节），评价工作簿不应超过{MAX_FILE_BYTES}字节")
    if head == _OLE_MAGIC:
        raise WorkbookError(f"「{path}」是旧版 .xls 或设置了打开密码的工作簿：请在 Excel 中取消密码并另存为 .xlsx")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise WorkbookError(f"「{path}」不是 Excel 工作簿（.xlsx/.xlsm）") from None
    if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
        raise WorkbookError(f"「{path}」解压后过大，不像评价工作簿（疑似压缩炸弹），已拒绝读取")
    if any(m.file_size > 1_000_000 and m.file_size > MAX_RATIO * max(m.compress_size, 1) for m in members):
        raise WorkbookError(f"「{path}」压缩比异常（疑似压缩炸弹），已拒绝读取")
    large = next((m for m in members if m.file_size > MAX_PART_BYTES), None)
    if large is not None:
        raise WorkbookError(f"「{path}」的 {large.filename} 解压后{large.file_size}字节，超过单个部件{MAX_PART_BYTES}字节的上限，"
                            "不像评价工作簿，已拒绝读取")
    if "xl/workbook.xml" not in {m.filename for m in members}:
        raise WorkbookError(f"「{path}」不是 Excel 工作簿（缺少 xl/workbook.xml）")
    _refuse_dtds(path, members)
    _limit_counts(path)


def _limit_counts(path: Path) -> None:
    """Refuse more cell formats than Excel allows a workbook, or more defined names than any evaluation workbook
    has: only a crafted file has them, and the reader would build an object for each."""
    with zipfile.ZipFile(path) as archive:  # bounded: every part is under MAX_PART_BYTES
        styles = archive.read("xl/styles.xml") if "xl/styles.xml" in archive.namelist() else b""
        workbook = archive.read("xl/workbook.xml")
    formats = styles.count(b"<xf") + styles.count(b":xf")
    if formats > MAX_CELL_FORMATS:
        raise WorkbookError(f"「{path}」有{formats}种单元格格式，超过 Excel 的上限{MAX_CELL_FORMATS}种（不是 Excel 保存的文件），"
                            "已拒绝读取")
    names = workbook.count(b"<definedName ") + workbook.count(b":definedName ")
    if names > MAX_DEFINED_NAMES:
        raise WorkbookError(f"「{path}」有{names}个定义名称，超过{MAX_DEFINED_NAMES}个的上限（评价工作簿只有几十个），已拒绝读取")


def _refuse_dtds(path: Path, members: list[zipfile.ZipInfo]) -> None:
    """No OOXML part has a DTD; refuse entity declarations (XML bombs) before any parser expands them.

    The cell reader refuses a DTD in the parts it reads; this covers every part, for openpyxl as well (the static
    copy and the imports load workbooks with it).
    """
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, iterparse

    with zipfile.ZipFile(path) as archive:
        for member in members:
            if not member.filename.endswith((".xml", ".rels", ".vml")):
                continue
            try:
                with archive.open(member) as part:
                    first = next(iterparse(_Head(part), events=("start",), forbid_dtd=True), None)
            except DefusedXmlException:
                raise WorkbookError(f"「{path}」的 {member.filename} 含有 DTD 或实体声明（可能是 XML 炸弹），已拒绝读取") from None
            except ParseError:
                raise WorkbookError(f"「{path}」已损坏：{member.filename} 不是有效的 XML") from None
            except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError, OSError) as exc:
                # bad CRC or deflate stream, encrypted or deflate64 members: nothing a parser should see
                raise WorkbookError(f"「{path}」已损坏或使用了不支持的压缩方式（{member.filename}：{type(exc).__name__}），"
                                    "请在 Excel 中打开后另存为 .xlsx") from None
            if member.filename == "xl/sharedStrings.xml" and first is not None:
                _limit_shared_strings(path, first[1].get("uniqueCount") or first[1].get("count"))


class _Head:
    """A part read in small pieces, so that finding its root element inflates and parses a few hundred bytes
    rather than iterparse's 16 KB (a DTD comes before the root)."""

    def __init__(self, part: IO[bytes]):
        self.part = part

    def read(self, size: int = -1) -> bytes:
        return self.part.read(512 if size < 0 else min(size, 512))


def _limit_shared_strings(path: Path, declared: str | None) -> None:
    """The shared-string table is read whole: refuse one declared beyond any evaluation workbook."""
    if declared is not None and (not declared.isdigit() or int(declared) > MAX_SHARED_STRINGS):
        raise WorkbookError(f"「{path}」的共享文本有{declared}条，超过{MAX_SHARED_STRINGS}条的上限，不像评价工作簿，已拒绝读取")


@dataclass(frozen=True)
class Cell:
    """``value``: what was typed, or for a formula what Excel last saved (None if never calculated)."""

    value: object
    formula: str | None = None


_BLANK = Cell(None)


class SheetCells:
    """A worksheet's non-empty cells by address (``"B3"``)."""

    def __init__(self, cells: dict[str, Cell]):
        self.cells = cells

    def cell(self, ref: str) -> Cell:
        return self.cells.get(ref, _BLANK)

    def value(self, ref: str) -> object:
        return self.cell(ref).value

    def formula(self, ref: str) -> str | None:
        return self.cell(ref).formula


def _parse_sheets(path: Path, wanted: tuple[str, ...]
                  ) -> tuple[dict[str, SheetCells], dict[str, str], list[tuple[str, str]]]:
    """The ``wanted`` sheets' cells (formula and saved value at once), the defined names, and the cells whose
    text is longer than Excel lets a cell hold (only a crafted file has them; they are read as blank)."""
    from xml.parsers.expat import ExpatError

    from .xlsx_cells import DoctypeError, read_cells

    try:
        with zipfile.ZipFile(path) as archive:
            found, names = read_cells(archive, wanted, MAX_ROWS, MAX_COLUMNS)
    except DoctypeError:
        raise WorkbookError(f"「{path}」含有 DTD 或实体声明（可能是 XML 炸弹），已拒绝读取") from None
    except (ExpatError, ValueError, KeyError, IndexError, TypeError, OverflowError, EOFError, RuntimeError,
            NotImplementedError, OSError, zipfile.BadZipFile, zlib.error) as exc:  # a malformed or hostile file
        raise WorkbookError(f"无法读取工作簿「{path}」：文件已损坏或不是有效的 Excel 工作簿（{type(exc).__name__}）") from None
    sheets, oversized = {}, []
    for title, cells in found.items():
        kept: dict[str, Cell] = {}
        for ref, (value, formula) in cells.items():
            if isinstance(value, str) and len(value) > MAX_CELL_TEXT:
                oversized.append((title, ref))
                value = None
            kept[ref] = Cell(value, formula)
        sheets[title] = SheetCells(kept)
    return sheets, names, oversized


class WorkbookFile:
    """One opened evaluation workbook: its cells, defined names and ruleset (resolved once)."""

    def __init__(self, path: Path, sheet_names: tuple[str, ...], ruleset: Ruleset | None = None):
        guard(path)
        self.path = path
        self.sheets, self.names, oversized = _parse_sheets(path, (*sheet_names, EMBED_SHEET))
        version = self.named(NAME_LAYOUT)
        if version != LAYOUT_VERSION:
            raise WorkbookError(
                f"「{path.name}」的工作簿版式为「{version}」，本程序只能读取第{LAYOUT_VERSION}版：请用 pe-eval new 生成新工作簿后转录数据"
            )
        self.ruleset_ref = str(self.named(NAME_RULESET_REF if NAME_RULESET_REF in self.names else NAME_RULESET) or "").strip()
        self.ruleset = self._resolve(ruleset)
        self.problems: list[Finding] = []  # cells that could not be read; reading goes on without them
        for sheet, ref in oversized:
            self.problem(sheet, ref, f"{sheet}!{ref} 的文字超过 Excel 单元格的上限{MAX_CELL_TEXT}个字符（不是 Excel 保存的文件），"
                                     "已按空白读取：请把该单元格的文字缩短后再试")

    def require(self, sheet_names: tuple[str, ...]) -> None:
        """Refuse a workbook without the sheets its ruleset's layout needs."""
        missing = [name for name in sheet_names if name not in self.sheets]
        if missing:
            raise WorkbookError(
                f"「{self.path.name}」缺少工作表「{'」「'.join(missing)}」：评价工作簿应有 {'、'.join(sheet_names)}（可用 pe-eval new 生成）"
            )

    def _resolve(self, given: Ruleset | None) -> Ruleset:
        """The ruleset the workbook was built with (embedded; an older workbook names it); one passed in must have its id
        and then replaces it.

        For an older workbook a passed-in ruleset stands in for its .toml file when that file is gone (moved).
        """
        try:
            own = self._embedded() or self._own_ruleset()
        except WorkbookError:
            if given is None or not self.ruleset_ref.lower().endswith(".toml"):
                raise
            return given
        if given is not None and given.id != own.id:
            raise WorkbookError(
                f"「{self.path.name}」按规则集「{own.id}」生成，不能改用规则集「{given.id}」计分：指标代码相同的输入会被套用到不同的指标。"
                "请去掉 --ruleset，或用 pe-eval new 按新规则集生成工作簿后转录数据"
            )
        return given or own

    def _embedded(self) -> Ruleset | None:
        """The ruleset embedded in the workbook (None for a workbook written before rulesets were embedded)."""
        sheet = self.sheets.get(EMBED_SHEET)
        if sheet is None:
            return None
        chunks, row = [], 1
        while isinstance(value := sheet.value(f"A{row}"), str) and value:
            chunks.append(value)
            row += 1
        if not chunks:
            return None
        try:
            return parse_ruleset_json("".join(chunks), self.ruleset_ref or EMBED_SHEET)
        except RulesetError as exc:
            raise WorkbookError(f"「{self.path.name}」中保存的规则集已损坏，无法使用：{'；'.join(exc.problems)}。"
                                "请用 pe-eval new 重新生成工作簿后转录数据") from None

    def _own_ruleset(self) -> Ruleset:
        ref = self.ruleset_ref
        if ref.lower().endswith(".toml") and (is_network_path(ref) or not Path(ref).is_file()):
            raise WorkbookError(f"工作簿使用的规则集文件「{ref}」不存在、不是本机的普通文件，或位于网络路径上")
        try:
            return load_ruleset(ref)
        except RulesetError as exc:
            raise WorkbookError(f"工作簿使用的规则集「{ref}」无法使用：{'；'.join(exc.problems)}") from None

    def named(self, name: str) -> object:
        """The value of the cell a defined name points at."""
        match = _NAME_TARGET.fullmatch(self.names.get(name, ""))
        if not match or match.group(1) not in self.sheets:
            raise WorkbookError(f"「{self.path.name}」不是本工具生成的评价工作簿（缺少定义名称「{name}」）")
        sheet, column, row = match.groups()
        return self.sheets[sheet].value(f"{column}{row}")

    def blank(self, sheet: str, ref: str) -> bool:
        cell = self.sheets[sheet].cell(ref)
        return cell.formula is None and cell.value in (None, "")

    def problem(self, sheet: str, ref: str, message: str) -> None:
        """Record a cell that cannot be read (an error finding naming the cell)."""
        self.problems.append(Finding(severity="error", code="WB-INPUT", where=f"{sheet}!{ref}", message=message))

    def raw(self, sheet: str, ref: str) -> object:
        """The cell as typed; for a formula, the value Excel saved (None, and a problem, if there is none)."""
        cell = self.sheets[sheet].cell(ref)
        if cell.formula is not None and cell.value is None:
            self.problem(sheet, ref, f"{sheet}!{ref} 是公式，但文件里没有 Excel 保存的计算结果：请直接填写数值，"
                                     "或在 Excel 中重算并保存后再读取")
        if isinstance(cell.value, (dt.time, dt.timedelta)):  # a number in a time format: no input is a time of day
            self.problem(sheet, ref, f"{sheet}!{ref} 设置成了时间格式（显示为 {cell.value}）：请把单元格格式改为“常规”或"
                                     "“文本”后重新填写")
            return None
        return cell.value

    def parse(self, sheet: str, ref: str, what: str, parser: Callable[..., T], *args: object) -> T | None:
        """The cell parsed; None (and a problem naming the cell, the value and the right form) if it cannot be."""
        try:
            return parser(self.raw(sheet, ref), what, *args)
        except EvidenceError as exc:
            self.problem(sheet, ref, str(exc) if what in str(exc) else f"{what}：{exc}")
            return None

    def text(self, sheet: str, ref: str) -> str:
        value = self.raw(sheet, ref)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = unescape(str(value)).strip()  # _x000B_-style escapes a sheet stores for control characters
        if _SURROGATE.search(text):  # an escape of half a character (_xD800_): no file name or document can hold it
            self.problem(sheet, ref, f"{sheet}!{ref} 含有无法识别的字符（不成对的代理字符）：请重新输入该单元格的文字")
            return _SURROGATE.sub("\ufffd", text)
        return text

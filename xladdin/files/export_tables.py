"""Read an export file (.xlsx/.xlsm/.xls/.csv) into plain rows of cell values, refusing hostile files.

Excel files are read by calamine (fast, and the only well-kept reader of old .xls). calamine holds a
sheet as one dense block from A1 to its last cell, and aborts the whole process when that cannot be
allocated; so an .xlsx is measured first (its cells' positions, without building anything) and
refused when too large, as is every sheet before its cells become Python objects.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path

from scoring import ExportError

MAX_FILE_BYTES = 50_000_000
MAX_UNPACKED_BYTES = 400_000_000
MAX_PART_BYTES = 150_000_000  # one XML part; a sheet of 10,000 respondents × 40 columns is about 15 MB
MAX_RATIO = 200
MAX_MEMBERS = 5_000
MAX_SHEETS = 200
MAX_CELLS = 5_000_000  # all sheets together, counted from A1 to each sheet's last cell (a blank CSV line as one)
SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv")
_OLE = b"\xd0\xcf\x11\xe0"
# the r attribute of rows and cells: as written almost always, and in any form XML allows
_PLAIN = (re.compile(rb' r="'), re.compile(rb' r="[A-Za-z]*(\d+)"'), re.compile(rb' r="([A-Za-z]+)\d'))
_ANY = (re.compile(rb"\sr\s*=\s*[\"']"), re.compile(rb"\sr\s*=\s*[\"'][A-Za-z]*(\d+)[\"']"),
        re.compile(rb"\sr\s*=\s*[\"']([A-Za-z]+)\d"))
Sheets = dict[str, Sequence[Sequence[object]]]


def read_table_file(path: Path) -> Sheets:
    """Every sheet of ``path`` by name, as rows of cell values ("" for blank cells); a CSV is one sheet."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ExportError(f"不支持的文件类型「{path.suffix}」：请提供导出的 .xlsx、.xls 或 .csv 文件")
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise ExportError(f"无法读取「{path}」：{exc.strerror or exc}") from None
    if size > MAX_FILE_BYTES:
        raise ExportError(f"「{path.name}」过大（{size}字节），导出文件不应超过{MAX_FILE_BYTES}字节")
    if suffix == ".csv":
        return {path.stem: _csv_rows(path)}
    if head.startswith(_OLE) and suffix != ".xls":
        raise ExportError(f"「{path.name}」设置了打开密码或其实是 .xls 文件：请在 Excel 中取消密码并另存为 .xlsx")
    if suffix == ".xls" and not head.startswith(_OLE):
        hint = "网页表格（HTML）" if head.lstrip().startswith(b"<") else "Excel 97-2003 工作簿"
        raise ExportError(f"「{path.name}」不是真正的 .xls 文件（像是{hint}）：请在 Excel 中打开后另存为 .xlsx 再导入")
    if suffix != ".xls":
        _measure_xlsx(path)
    return _excel_rows(path)


def _csv_rows(path: Path) -> list[list[object]]:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            content = codecs.decode(data, encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ExportError(f"「{path.name}」既不是 UTF-8 也不是 GBK 编码的文本，无法读取")
    rows: list[list[object]] = []
    cells = 0
    try:
        for row in csv.reader(io.StringIO(content, newline="")):
            cells += len(row) or 1
            if cells > MAX_CELLS:
                raise ExportError(f"「{path.name}」超过{MAX_CELLS}个单元格，不像导出的答卷或决算表，已拒绝读取")
            rows.append(list(row))
    except csv.Error as exc:
        raise ExportError(f"「{path.name}」第{len(rows) + 1}行不是有效的 CSV：{exc}") from None
    return rows


def _measure_xlsx(path: Path) -> None:
    """Refuse a zip bomb, and any sheet whose last cell lies beyond ``MAX_CELLS`` counted from A1."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
                raise ExportError(f"「{path.name}」解压后过大（疑似压缩炸弹），已拒绝读取")
            if any(m.file_size > 1_000_000 and m.file_size > MAX_RATIO * max(m.compress_size, 1) for m in members):
                raise ExportError(f"「{path.name}」压缩比异常（疑似压缩炸弹），已拒绝读取")
            total = 0
            for member in members:  # every part, not only xl/worksheets/: the workbook's relations may point anywhere
                if member.filename.endswith(".xml"):
                    if member.file_size > MAX_PART_BYTES:
                        raise ExportError(f"「{path.name}」的 {member.filename} 解压后{member.file_size}字节，已拒绝读取")
                    total += _extent(archive.read(member))
                    if total > MAX_CELLS:
                        raise ExportError(f"「{path.name}」的表格范围超过{MAX_CELLS}个单元格，不像导出的答卷或决算表，已拒绝读取")
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError, OSError) as exc:
        raise ExportError(f"「{path.name}」不是有效的 Excel 文件或已损坏（{type(exc).__name__}）："
                          "请在 Excel 中打开后另存为 .xlsx") from None


def _extent(xml: bytes) -> int:
    """Cells from A1 to the sheet's last cell (counted without parsing: a few scans of the bytes).

    A row or cell without a position (``r``) follows the one before it: each may add a row or a column.
    A position written any other way than plainly (``r="AB12"``), e.g. with character references, is refused.
    """
    position, row_number, column = _PLAIN if xml.count(b"r=") == xml.count(b' r="') else _ANY
    numbers = row_number.findall(xml)
    positioned = len(position.findall(xml))
    if len(numbers) != positioned:
        return MAX_CELLS + 1
    rows = max(map(int, set(numbers)), default=0)
    columns = max(map(_column_number, set(column.findall(xml))), default=0)
    prefixed = b":c" in xml or b":row" in xml
    row_elements = sum(xml.count(tag) for tag in (b"<row ", b"<row>", *((b":row ", b":row>") if prefixed else ())))
    cell_elements = sum(xml.count(tag) for tag in (b"<c ", b"<c>", b"<c/>", *((b":c ", b":c>", b":c/>") if prefixed else ())))
    unplaced = cell_elements + row_elements - positioned
    return (rows + unplaced) * (columns + unplaced)


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


def _excel_rows(path: Path) -> Sheets:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        names = book.sheet_names[:MAX_SHEETS]
        sheets: Sheets = {}
        cells = 0
        for name in names:
            sheet = book.get_sheet_by_name(name)
            end = sheet.end
            cells += 0 if end is None else (end[0] + 1) * (end[1] + 1)
            if cells > MAX_CELLS:
                raise ExportError(f"「{path.name}」的表格范围超过{MAX_CELLS}个单元格，不像导出的答卷或决算表，已拒绝读取")
            sheets[name] = sheet.to_python(skip_empty_area=False) if end is not None else []
        book.close()
    except ExportError:
        raise
    except Exception as exc:  # calamine raises its own kinds (and ValueError, OSError) for damaged or locked files
        reason = "设置了打开密码" if "password" in str(exc).lower() else "已损坏或不是有效的 Excel 文件"
        raise ExportError(f"无法读取「{path.name}」：{reason}（{type(exc).__name__}）") from None
    return sheets

"""Read an export file (.xlsx/.xlsm/.xls/.csv) into plain rows of cell values, refusing hostile files.

Excel files are read by calamine (fast, and the only well-kept reader of old .xls). calamine holds a
sheet as one dense block from A1 to its last cell, reserves room for what a file declares, and aborts
the whole process when that cannot be allocated; so an .xlsx is measured first (its cells' positions and
its declared shared texts, without building anything) and refused when too large, as is every sheet
before its cells become Python objects. An .xls is measured too (``xls_extent``) and, as its binary
records and header declare sizes calamine trusts, read in a worker process that an abort cannot take
the command down with.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
import stat
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
_PLAIN_ROW, _PLAIN_COLUMN = re.compile(rb' r="[A-Za-z]*(\d+)"'), re.compile(rb' r="([A-Za-z]+)\d')
_ODD_POSITION = re.compile(rb"r(?:\s+=|=\s|=')")  # r written other than ` r="` (a literal first: a fast scan)
_ANY = (re.compile(rb"\sr\s*=\s*[\"']"), re.compile(rb"\sr\s*=\s*[\"'][A-Za-z]*(\d+)[\"']"),
        re.compile(rb"\sr\s*=\s*[\"']([A-Za-z]+)\d"))
Sheets = dict[str, Sequence[Sequence[object]]]


def read_table_file(path: Path) -> Sheets:
    """Every sheet of ``path`` by name, as rows of cell values ("" for blank cells); a CSV is one sheet."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ExportError(f"不支持的文件类型「{path.suffix}」：请提供导出的 .xlsx、.xls 或 .csv 文件")
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # opening a named pipe would wait forever, a device never end
            raise ExportError(f"「{path.name}」不是普通文件（文件夹、命名管道或设备），不能作为导出文件读取")
        size = info.st_size
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise ExportError(f"无法读取「{path}」：{exc.strerror or exc}") from None
    if size > MAX_FILE_BYTES:
        raise ExportError(f"「{path.name}」过大（{size}字节），导出文件不应超过{MAX_FILE_BYTES}字节")
    if suffix == ".csv" and b"\0" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ExportError(f"「{path.name}」含有空字节，不是导出的文本（CSV）文件，已拒绝读取")  # before reading it whole
    if suffix == ".csv":
        return {path.stem: _csv_rows(path)}
    if head.startswith(_OLE) and suffix != ".xls":
        raise ExportError(f"「{path.name}」设置了打开密码或其实是 .xls 文件：请在 Excel 中取消密码并另存为 .xlsx")
    if suffix == ".xls" and not head.startswith(_OLE):
        hint = "网页表格（HTML）" if head.lstrip().startswith(b"<") else "Excel 97-2003 工作簿"
        raise ExportError(f"「{path.name}」不是真正的 .xls 文件（像是{hint}）：请在 Excel 中打开后另存为 .xlsx 再导入")
    if suffix == ".xls":
        _measure_xls(path)
        return _isolated(path)
    _measure_xlsx(path)
    return _excel_rows(path)


def _csv_rows(path: Path) -> list[list[object]]:
    """UTF-8, GBK or UTF-16 (Excel's "Unicode text", tab-separated) text; a stray quote swallowing lines is refused."""
    data = path.read_bytes()
    encodings = ("utf-16",) if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            content = codecs.decode(data, encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ExportError(f"「{path.name}」既不是 UTF-8、GBK 也不是 UTF-16 编码的文本，无法读取")
    first = content.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    rows: list[list[object]] = []
    cells = 0
    try:
        reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
        line = 0
        for row in reader:
            cells += len(row) or 1
            if cells > MAX_CELLS:
                raise ExportError(f"「{path.name}」超过{MAX_CELLS}个单元格，不像导出的答卷或决算表，已拒绝读取")
            _swallowed(path, row, delimiter, line + 1, reader.line_num, len(rows[0]) if rows else len(row))
            line = reader.line_num
            rows.append(list(row))
    except csv.Error as exc:
        raise ExportError(f"「{path.name}」第{len(rows) + 1}行不是有效的 CSV：{exc}") from None
    return rows


def _swallowed(path: Path, row: list[str], delimiter: str, start: int, end: int, width: int) -> None:
    """Refuse a cell holding whole lines of the file (as many separators as half a row or more): a stray ``"``
    opened it and the lines after became its text. A written answer on several lines has a few, if any."""
    for value in row:
        if any(line.count(delimiter) >= max(2, width // 2) for line in value.splitlines()[1:]):
            raise ExportError(
                f"「{path.name}」第{start}行的一个单元格从引号 \" 开始，把第{start + 1}至{end}行（{end - start}行）并进了"
                f"这一个单元格（多半是某个答案里多了一个引号）：请在 Excel 中打开、改正第{start}行后另存为 .xlsx 再导入")


def _measure_xlsx(path: Path) -> None:
    """Refuse a zip bomb, any sheet whose last cell lies beyond ``MAX_CELLS`` counted from A1, and a shared-string
    table declaring more texts than that."""
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
                    xml = archive.read(member)
                    if member.filename.lower().endswith("sharedstrings.xml") and _declared_strings(xml) > MAX_CELLS:
                        raise ExportError(f"「{path.name}」的共享文本表声明的条数超过{MAX_CELLS}条，不像导出的答卷或决算表，已拒绝读取")
                    total += _extent(xml)
                    if total > MAX_CELLS:
                        raise ExportError(f"「{path.name}」的表格范围超过{MAX_CELLS}个单元格，不像导出的答卷或决算表，已拒绝读取")
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError, OSError) as exc:
        raise ExportError(f"「{path.name}」不是有效的 Excel 文件或已损坏（{type(exc).__name__}）："
                          "请在 Excel 中打开后另存为 .xlsx") from None


def _measure_xls(path: Path) -> None:
    """Refuse an .xls whose sheets' cells, counted from A1 to each one's last cell, exceed ``MAX_CELLS``."""
    from .xls_extent import xls_cells

    try:
        cells = xls_cells(path)
    except Exception as exc:  # noqa: BLE001 - olefile raises many kinds for damaged compound files
        raise ExportError(f"「{path.name}」不是有效的 .xls 文件或已损坏（{type(exc).__name__}）：请在 Excel 中打开后另存为 .xlsx") from None
    if cells > MAX_CELLS:
        raise ExportError(f"「{path.name}」的表格范围超过{MAX_CELLS}个单元格，不像导出的答卷或决算表，已拒绝读取")


_STRINGS_TAG = re.compile(rb"<(?:[\w.-]+:)?sst[\s/>][^>]*")
_UNIQUE_COUNT = re.compile(rb"\suniqueCount\s*=\s*[\"']\s*\+?(\d+)")


def _declared_strings(xml: bytes) -> int:
    """The shared-string table's declared ``uniqueCount``: the reader reserves room for that many texts before
    reading one (a declared count beyond memory aborts the process)."""
    tag = _STRINGS_TAG.search(xml)
    declared = _UNIQUE_COUNT.search(tag.group()) if tag else None
    if declared is None:
        return 0
    digits = declared.group(1).lstrip(b"0") or b"0"
    return MAX_CELLS + 1 if len(digits) > 12 else int(digits)


def _extent(xml: bytes) -> int:
    """Cells from A1 to the sheet's last cell (counted without parsing: a few scans of the bytes).

    A row or cell without a position (``r``) follows the one before it: each may add a row or a column.
    A position written any other way than plainly (``r="AB12"``), e.g. with character references, is refused.
    """
    odd = _ODD_POSITION.search(xml) is not None or any(
        space in xml and literal.search(xml) is not None for space, literal in _SPACED_POSITION)
    if odd:
        position, row_number, column = _ANY
        numbers = row_number.findall(xml)
        positioned = len(position.findall(xml))
        if len(numbers) != positioned:
            return MAX_CELLS + 1
        rows = max(map(int, set(numbers)), default=0)
        columns = max(map(_column_number, set(column.findall(xml))), default=0)
    else:
        positioned = xml.count(b' r="')
        if positioned:
            largest = _largest_position(xml)
            if largest is None:
                return MAX_CELLS + 1
            rows, columns = largest
    if not positioned:  # no position anywhere (valid: r is optional): rows as written, each as long as its cells
        return _unpositioned_extent(xml)
    tags = [b"<row ", b"<c ", *((b"<row>", b"<c>", b"<c/>") if _BARE_ELEMENT.search(xml) else ())]
    if _PREFIXED.search(xml):
        tags += (b":row ", b":row>", b":c ", b":c>", b":c/>")
    unplaced = sum(map(xml.count, tags)) - positioned  # rows and cells without a position
    return (rows + unplaced) * (columns + unplaced)


# Faster equivalents of scanning every plain position: a literal regex search stops at the first hit (a
# memchr scan), and a pass over a few hundred thousand positions costs more the more each one is matched against.
_SPACED_POSITION = tuple((space, re.compile(re.escape(space + b"r="))) for space in (b"\t", b"\n", b"\r"))
_PREFIXED = re.compile(rb":c|:row")
_BARE_ELEMENT = re.compile(rb"<(?:c/?|row)>")  # one scan for three elements that are almost never there
_LAST_POSITION = re.compile(rb' r="([A-Za-z]*)([1-9]\d*)"')


def _largest_position(xml: bytes) -> tuple[int, int] | None:
    """The largest row and column number among the positions, None when one is not plain.

    The last position written is usually the largest (rows and cells are written in order): one scan finds
    any position that is larger, or not plain (or has a leading zero); only then are all positions collected.
    """
    last = _LAST_POSITION.match(xml, xml.rfind(b' r="'))
    if last and len(last.group(1)) <= 3 and len(last.group(2)) <= 7:  # at most XFD1048576: a short pattern
        letters, digits = last.groups()
        if not re.search(rb' r="(?!%s%s")' % (_letters_up_to(letters), _digits_up_to(digits)), xml):
            return int(digits), _column_number(letters)
    numbers = _PLAIN_ROW.findall(xml)
    if len(numbers) != xml.count(b' r="'):
        return None
    return (max(map(int, set(numbers)), default=0),
            max(map(_column_number, set(_PLAIN_COLUMN.findall(xml))), default=0))


def _digits_up_to(number: bytes) -> bytes:
    """A pattern for the numbers from 1 to ``number`` (written without leading zeros)."""
    same_length = [re.escape(number[:i]) + b"[%c-%c]" % (ord("1") if i == 0 else ord("0"), digit - 1)
                   + rb"\d{%d}" % (len(number) - i - 1)
                   for i, digit in enumerate(number) if digit - 1 >= (ord("1") if i == 0 else ord("0"))]
    shorter = [rb"[1-9]\d{0,%d}" % (len(number) - 2)] if len(number) > 1 else []
    return b"(?:%s)" % b"|".join([*shorter, *same_length, re.escape(number)])


def _letters_up_to(letters: bytes) -> bytes:
    """A pattern for the column letters from none to ``letters`` (either case)."""
    upper = letters.upper()
    either = [b"[%c%c]" % (letter, letter + 32) for letter in upper]
    same_length = [b"".join(either[:i]) + b"[A-%ca-%c]" % (letter - 1, letter + 31) + b"[A-Za-z]{%d}" % (len(upper) - i - 1)
                   for i, letter in enumerate(upper) if letter > ord("A")]
    shorter = [b"[A-Za-z]{0,%d}" % (len(upper) - 1)] if upper else []
    return b"(?:%s)" % b"|".join([*shorter, *same_length, b"".join(either)])


_ROW_START = re.compile(rb"<(?:\w+:)?row[\s>/]")
_CELL_START = re.compile(rb"<(?:\w+:)?c[\s>/]")


def _unpositioned_extent(xml: bytes) -> int:
    """Cells of a sheet whose rows and cells carry no ``r``: its rows times its longest row."""
    rows = _ROW_START.split(xml)[1:]
    return len(rows) * max((len(_CELL_START.findall(row)) for row in rows), default=0)


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


def _isolated(path: Path) -> Sheets:
    """An .xls read in a worker process: calamine reserves memory as the file's records and its compound-file header
    declare, and a damaged or crafted .xls that declares gigabytes ends the process it runs in — the worker, not the
    command. (An .xlsx is measured completely beforehand and read in this process.)"""
    import multiprocessing
    import sys
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context("fork") if sys.platform.startswith("linux") else None
    with ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=_silenced) as worker:
        try:
            return worker.submit(_excel_rows, path).result()
        except BrokenProcessPool:
            raise ExportError(f"无法读取「{path.name}」：文件已损坏或不是有效的 Excel 文件（读取程序异常退出）："
                              "请在 Excel 中打开后另存为 .xlsx") from None


def _silenced() -> None:
    """The worker's standard error discarded: an abort's Rust backtrace is not for the user (the command says why)."""
    import os

    os.dup2(os.open(os.devnull, os.O_WRONLY), 2)


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
    except (ExportError, KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - calamine raises its own kinds, ValueError, OSError, and a Rust
        # panic arrives as pyo3's PanicException (a BaseException) for damaged or locked files
        reason = "设置了打开密码" if "password" in str(exc).lower() else "已损坏或不是有效的 Excel 文件"
        raise ExportError(f"无法读取「{path.name}」：{reason}（{type(exc).__name__}）") from None
    return sheets

"""Read the cells of an .xlsx fast: for the wanted sheets each cell's saved value and formula, and the workbook's
defined names.

One streaming expat pass per part (workbook, its relationships, shared strings, styles, each wanted sheet); no
element tree is built, and a sheet's parsing stops at the end of its cell data or at the row limit. A cell reads
as openpyxl reads it (numbers as int or float, dates and times by the cell's number format, shared formulas
translated to the cell, rich text joined without phonetic guides): tests compare both on every workbook kind.
The caller guards the file first (size, zip bombs, DTDs); a part with a DTD is refused here as well.
"""
from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Callable
from typing import IO, Any
from xml.parsers import expat

from openpyxl.utils import get_column_letter

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main "
_REL_ID = "http://schemas.openxmlformats.org/officeDocument/2006/relationships id"
_PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships Relationship"
_CELL, _VALUE, _FORMULA, _ROW, _INLINE = MAIN + "c", MAIN + "v", MAIN + "f", MAIN + "row", MAIN + "is"
_TEXT, _PHONETIC, _DATA = MAIN + "t", MAIN + "rPh", MAIN + "sheetData"
_UNLISTED_NAMES = ("_xlnm.Print_Titles", "_xlnm.Print_Area", "_xlnm._FilterDatabase")  # openpyxl binds these to sheets
_CHUNK = 1 << 16

CellValue = tuple[object, "str | None"]  # (saved value, formula with "=" or None)


class _Done(Exception):
    """The rest of the part is not needed."""


class DoctypeError(ValueError):
    """A part declares a DTD (no OOXML part does; entity expansion is an attack)."""


def _parse(part: IO[bytes], start: Callable[[str, dict[str, str]], None],
           end: Callable[[str], None] | None = None, text: Callable[[str], None] | None = None) -> None:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.buffer_size = _CHUNK

    def refuse(*_: object) -> None:
        raise DoctypeError

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.StartElementHandler = start
    if end is not None:
        parser.EndElementHandler = end
    if text is not None:
        parser.CharacterDataHandler = text
    try:
        while chunk := part.read(_CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _Done:
        pass


class _Book:
    """workbook.xml: sheets (name → relationship id), global defined names, the 1904 date system."""

    def __init__(self) -> None:
        self.sheets: list[tuple[str, str]] = []
        self.names: dict[str, str] = {}
        self.date1904 = False
        self._name: tuple[str, list[str]] | None = None

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == MAIN + "sheet":
            if attrs.get(_REL_ID):
                self.sheets.append((attrs.get("name", ""), attrs[_REL_ID]))
        elif tag == MAIN + "definedName":
            global_name = "localSheetId" not in attrs and attrs.get("name") not in _UNLISTED_NAMES
            self._name = (attrs.get("name", ""), []) if global_name else None
        elif tag == MAIN + "workbookPr":
            self.date1904 = attrs.get("date1904", "").lower() in ("1", "true")

    def end(self, tag: str) -> None:
        if tag == MAIN + "definedName" and self._name is not None:
            name, parts = self._name
            self.names[name] = "".join(parts)
            self._name = None

    def text(self, data: str) -> None:
        if self._name is not None:
            self._name[1].append(data)


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """A part's relationships: id → (type, the target's path in the archive)."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    found: dict[str, tuple[str, str]] = {}
    if rels not in archive.NameToInfo:
        return found

    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag == _PACKAGE_REL and attrs.get("TargetMode") != "External":
            target = attrs.get("Target", "")
            path = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            found[attrs.get("Id", "")] = (attrs.get("Type", ""), path)

    with archive.open(rels) as handle:
        _parse(handle, start)
    return found


class _Strings:
    """sharedStrings.xml: each ``si``'s ``t`` and its runs' ``t`` joined (phonetic guides left out), as openpyxl
    reads them."""

    def __init__(self) -> None:
        self.strings: list[str] = []
        self._parts: list[str] = []
        self._in_text = False
        self._phonetic = 0

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == _TEXT and not self._phonetic:
            self._in_text = True
        elif tag == _PHONETIC:
            self._phonetic += 1

    def end(self, tag: str) -> None:
        if tag == _TEXT:
            self._in_text = False
        elif tag == _PHONETIC:
            self._phonetic -= 1
        elif tag == MAIN + "si":
            self.strings.append("".join(self._parts).replace("x005F_", ""))
            self._parts.clear()

    def text(self, data: str) -> None:
        if self._in_text:
            self._parts.append(data)


class _Styles:
    """styles.xml: the number format of each cell format (``cellXfs``), and the custom number formats."""

    def __init__(self) -> None:
        self.custom: dict[int, str] = {}
        self.formats: list[int] = []
        self._in_cell_formats = False

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == MAIN + "numFmt":
            self.custom[int(attrs["numFmtId"])] = attrs.get("formatCode", "")
        elif tag == MAIN + "cellXfs":
            self._in_cell_formats = True
        elif tag == MAIN + "xf" and self._in_cell_formats:
            self.formats.append(int(attrs.get("numFmtId", 0)))

    def end(self, tag: str) -> None:
        if tag == MAIN + "cellXfs":
            self._in_cell_formats = False

    def date_styles(self) -> tuple[set[int], set[int]]:
        """The cell formats (``s`` indices) showing a date or time, and those showing a duration."""
        from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format

        dates, durations = set(), set()
        for index, number_format in enumerate(self.formats):
            code = self.custom[number_format] if number_format in self.custom else BUILTIN_FORMATS.get(number_format)
            if is_date_format(code):
                dates.add(index)
            if is_timedelta_format(code):
                durations.add(index)
        return dates, durations


def _column(ref: str) -> tuple[int, str]:
    """``"AB12"`` → (28, "AB"); an address that is not one is an error, as for openpyxl."""
    letters = ref.rstrip("0123456789")
    if len(letters) == 1 and "A" <= letters <= "Z" and len(ref) > 1:  # the columns read: no arithmetic
        return ord(letters) - 64, letters
    if not letters or len(letters) > 3 or not letters.isascii() or not letters.isupper() or not ref[len(letters):]:
        raise ValueError(f"invalid cell reference {ref!r}")
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    if number > 16_384:
        raise ValueError(f"invalid cell reference {ref!r}")
    return number, letters


class _Sheet:
    """One worksheet's cells within the limits: address → (saved value, formula)."""

    def __init__(self, strings: list[str], dates: set[int], durations: set[int], epoch: Any,
                 max_rows: int, max_columns: int):
        self.cells: dict[str, CellValue] = {}
        self.strings, self.dates, self.durations, self.epoch = strings, dates, durations, epoch
        self.max_rows, self.max_columns = max_rows, max_columns
        self.row = self.column = 0
        self.letters = ""
        self.kind, self.style = "n", 0
        self.value: str | None = None
        self.formula: tuple[str, dict[str, str]] | None = None
        self.inline: list[str] | None = None
        self.phonetic = 0
        self.shared: dict[str, Any] = {}  # a shared formula's index → its translator
        self.collect: list[str] | None = None

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == _CELL:
            ref = attrs.get("r")
            if ref:
                self.column, self.letters = _column(ref)
            else:
                self.column += 1
                self.letters = ""
            self.kind = attrs.get("t", "n")
            style = attrs.get("s")
            self.style = int(style) if style else 0
            self.value = self.formula = self.inline = None
        elif tag == _VALUE or tag == _FORMULA:
            self.collect = []
            if tag == _FORMULA:
                self.formula = ("", attrs)
        elif tag == _ROW:
            self._row(attrs.get("r"))
        elif tag == _INLINE:
            self.inline = []
        elif tag == _TEXT and self.inline is not None and not self.phonetic:
            self.collect = []
        elif tag == _PHONETIC:
            self.phonetic += 1

    def _row(self, number: str | None) -> None:
        if number is None:
            self.row += 1
        else:
            try:
                self.row = int(number)
            except ValueError:
                as_float = float(number)
                if not as_float.is_integer():
                    raise ValueError(f"{number} is not a valid row number") from None
                self.row = int(as_float)
        if self.row > self.max_rows:
            raise _Done
        self.column = 0

    def end(self, tag: str) -> None:
        if tag == _CELL:
            self._cell()
        elif self.collect is not None and tag in (_VALUE, _FORMULA, _TEXT):
            text = "".join(self.collect)
            self.collect = None
            if tag == _VALUE:
                self.value = text
            elif tag == _FORMULA and self.formula is not None:
                self.formula = (text, self.formula[1])
            elif self.inline is not None:
                self.inline.append(text)
        elif tag == _PHONETIC:
            self.phonetic -= 1
        elif tag == _DATA:
            raise _Done

    def text(self, data: str) -> None:
        if self.collect is not None:
            self.collect.append(data)

    def _cell(self) -> None:
        if self.column > self.max_columns:
            return
        ref = f"{self.letters or get_column_letter(self.column)}{self.row}"
        value = self._value(ref)
        formula = self._formula(ref) if self.formula is not None else None
        if value is not None or formula:
            self.cells[ref] = (value, formula)

    def _value(self, ref: str) -> object:
        kind, text = self.kind, self.value or None
        if kind == "inlineStr":
            return "".join(self.inline) if self.inline is not None else None
        if text is None:
            return None
        if kind == "n":
            number: float | int = float(text) if ("." in text or "E" in text or "e" in text) else int(text)
            if self.style not in self.dates:
                return number
            from openpyxl.utils.datetime import from_excel

            try:
                return from_excel(number, self.epoch, timedelta=self.style in self.durations)
            except (OverflowError, ValueError):  # a serial number outside the dates: what openpyxl gives
                return "#VALUE!"
        if kind == "s":
            return self.strings[int(text)]
        if kind == "b":
            return bool(int(text))
        if kind == "d":
            from openpyxl.utils.datetime import from_ISO8601

            return from_ISO8601(text)
        return text  # "str" (a formula's text), "e" (an error such as #N/A)

    def _formula(self, ref: str) -> str:
        assert self.formula is not None
        text, attrs = self.formula
        formula = "=" + text
        if attrs.get("t") == "shared":
            index = attrs.get("si", "")
            if index in self.shared:
                return str(self.shared[index].translate_formula(ref))
            if formula != "=":
                from openpyxl.formula.translate import Translator

                self.shared[index] = Translator(formula, ref)
        return formula


def read_cells(archive: zipfile.ZipFile, wanted: tuple[str, ...], max_rows: int,
               max_columns: int) -> tuple[dict[str, dict[str, CellValue]], dict[str, str]]:
    """The ``wanted`` sheets that exist (title → address → (saved value, formula)) and the global defined names
    (name → text). Rows beyond ``max_rows`` and columns beyond ``max_columns`` are not read.

    Raises what the parts raise when they are malformed (``ValueError``, ``KeyError``, ``IndexError``,
    ``expat.ExpatError``, zip errors); the caller turns that into its message.
    """
    book = _Book()
    with archive.open("xl/workbook.xml") as handle:
        _parse(handle, book.start, book.end, book.text)
    rels = _relationships(archive, "xl/workbook.xml")
    parts = {title: rels[rid][1] for title, rid in book.sheets
             if title in wanted and rid in rels and rels[rid][1] in archive.NameToInfo}
    if not parts:
        return {}, book.names
    strings_part = next((path for kind, path in rels.values() if kind.endswith("/sharedStrings")), "xl/sharedStrings.xml")
    strings, styles = _Strings(), _Styles()
    if strings_part in archive.NameToInfo:
        with archive.open(strings_part) as handle:
            _parse(handle, strings.start, strings.end, strings.text)
    if "xl/styles.xml" in archive.NameToInfo:
        with archive.open("xl/styles.xml") as handle:
            _parse(handle, styles.start, styles.end)
    dates, durations = styles.date_styles()
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

    epoch = CALENDAR_MAC_1904 if book.date1904 else CALENDAR_WINDOWS_1900
    sheets: dict[str, dict[str, CellValue]] = {}
    for title, path in parts.items():
        if title in sheets:
            continue
        sheet = _Sheet(strings.strings, dates, durations, epoch, max_rows, max_columns)
        with archive.open(path) as handle:
            _parse(handle, sheet.start, sheet.end, sheet.text)
        sheets[title] = sheet.cells
    return sheets, book.names

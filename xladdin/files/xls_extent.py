"""How many cells an old .xls (BIFF5/BIFF8) would become when read: per sheet, from A1 to its last cell.

calamine builds each sheet of an .xls as one dense block from its cell records' positions, so one cell record
at row 65,536, column 256 costs a gigabyte before anything can be checked. The cell records are scanned here
first (the workbook stream read by olefile, then record headers only), without building any cell.
"""
from __future__ import annotations

import struct
from pathlib import Path

_BOF, _EOF, _FILEPASS = 0x0809, 0x000A, 0x002F
# records starting with (row, column): FORMULA, BLANK, NUMBER, LABEL, BOOLERR, RK, LABELSST, RSTRING
_CELLS = frozenset({0x0006, 0x0201, 0x0203, 0x0204, 0x0205, 0x027E, 0x00FD, 0x00D6})
_SPANS = frozenset({0x00BD, 0x00BE})  # MULRK, MULBLANK: (row, first column, …, last column)
_STREAMS = ("Workbook", "Book")  # BIFF8, BIFF5


def xls_cells(path: Path) -> int:
    """Cells from A1 to each sheet's last cell record, summed over the sheets (raises ``OSError``/``ValueError``
    when the file is not an OLE compound file holding a workbook stream)."""
    import olefile

    with olefile.OleFileIO(str(path)) as ole:
        name = next((stream for stream in _STREAMS if ole.exists(stream)), None)
        if name is None:
            raise ValueError("no workbook stream")
        data = ole.openstream(name).read()
    return _extent(data)


def _extent(data: bytes) -> int:
    total, rows, columns = 0, 0, 0
    header = struct.Struct("<HH")
    position, end = 0, len(data) - 4
    while position <= end:
        kind, length = header.unpack_from(data, position)
        body = position + 4
        position = body + length
        if position > len(data) or kind == _FILEPASS:  # cut short; or encrypted, which the reader then reports
            break
        if kind in _CELLS and length >= 4:
            row, column = header.unpack_from(data, body)
            rows, columns = max(rows, row + 1), max(columns, column + 1)
        elif kind in _SPANS and length >= 6:
            row = header.unpack_from(data, body)[0]
            last = struct.unpack_from("<H", data, body + length - 2)[0]
            rows, columns = max(rows, row + 1), max(columns, last + 1)
        elif kind in (_BOF, _EOF):  # a sheet's records end, the next begin
            total += rows * columns
            rows = columns = 0
    return total + rows * columns

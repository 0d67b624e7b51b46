"""Cached values: every formula cell of a written workbook carries the value the core computes for it.

So the file shows correct figures before any recalculation, and in applications without the
add-in (WPS, LibreOffice, Excel on a PC without Python, file previews). openpyxl writes formulas
with an empty ``<v>``; the value is put there after saving, cell by cell in the sheet XML.
"""
from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping
from xml.sax.saxutils import escape

from openpyxl import Workbook

_FORMULA_CELL = re.compile(r'<c r="([A-Z]+\d+)"([^>]*)><f>(.*?)</f><v\s*/?>(?:</v>)?</c>', re.S)


def with_cached_values(wb: Workbook, values: Mapping[str, object]) -> bytes:
    """The .xlsx of ``wb`` with ``values`` (``{"汇总!D19": 93.56, …}``) cached in its formula cells."""
    plain = io.BytesIO()
    wb.save(plain)
    parts = {f"xl/worksheets/sheet{index}.xml": ws.title for index, ws in enumerate(wb.worksheets, start=1)}
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename in parts:
                data = _with_values(data.decode("utf-8"), parts[item.filename], values).encode("utf-8")
            dst.writestr(item, data)
    return out.getvalue()


def _with_values(xml: str, sheet: str, values: Mapping[str, object]) -> str:
    def fill(match: re.Match[str]) -> str:
        ref, attributes, formula = match.groups()
        value = values.get(f"{sheet}!{ref}")
        if value is None:
            return match.group(0)
        kind, text = _typed(value)
        return f'<c r="{ref}"{attributes}{kind}><f>{formula}</f><v>{text}</v></c>'

    return _FORMULA_CELL.sub(fill, xml)


def _typed(value: object) -> tuple[str, str]:
    """The cell type attribute and the text of ``<v>`` for a value."""
    if isinstance(value, bool):
        return ' t="b"', "1" if value else "0"
    if isinstance(value, (int, float)):
        return "", repr(float(value)) if isinstance(value, float) else str(value)
    return ' t="str"', escape(str(value))

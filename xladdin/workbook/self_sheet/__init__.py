"""自评表: the self-evaluation form as the paper form lays it out — header, fund block, the ruleset's fixed
indicators (e.g. 预算执行率), the year's goal, the department's own indicator rows, total and grade.

The indicator rows are data: any 二级 of the ruleset's open ones, any name, target, weight.
Spare rows are prepared (``PREPARED_ROWS``); a row inserted inside the table is read too (the
reader scans down to 合计, and everything below is found through defined names).

One sheet module (``xladdin.workbook.sheet.SheetModule``) in five parts, each importing only those before it:
``form_layout`` where everything sits, ``formulas`` the formulas the builder and the check share, ``checking``
the cells' expected values (``expected``), ``writing`` the sheet (``build``, ``defined_names``), ``reading``
a filled form (``read``). May import ``scoring``'s public names, ``xladdin``'s shared facts and the sibling
workbook modules ``basic_data``, ``style``, ``file`` and ``sheet``.
"""
from .checking import expected
from .form_layout import (
    BASIC_SECTIONS,
    BASIC_TITLE,
    BUTTON_CELLS,
    FIXED_HEADER,
    FUND_COLS,
    FUND_HEADER,
    FUND_LABELS,
    FUND_ROWS,
    FUND_TITLES,
    LOOKUP_FIRST_ROW,
    MONEY_UNIT,
    NAME,
    NAME_GRADE,
    NAME_ISSUES,
    NAME_REPORTED_TOTAL,
    NAME_TOTAL,
    NATURE_CHECK_ROW,
    NATURE_COLS,
    NATURE_ROWS,
    PREPARED_ROWS,
    STRUCTURE_NOTE,
    SUPERVISOR,
    UNIT_NAME,
    YEAR,
    Column,
    Layout,
    basic_rows,
    col,
    columns,
    editable_level1,
    fixed,
    fund_cell,
    layout,
    row_groups,
)
from .formulas import result_formulas, row_formulas
from .reading import read
from .writing import build, defined_names

__all__ = [
    # the sheet module (xladdin.workbook.sheet.SheetModule)
    "NAME", "build", "defined_names", "read", "expected",
    # where things sit, for callers that fill or inspect the form
    "PREPARED_ROWS", "UNIT_NAME", "YEAR", "SUPERVISOR", "MONEY_UNIT", "FUND_HEADER", "FUND_ROWS", "FUND_COLS",
    "FUND_LABELS", "FUND_TITLES", "NATURE_ROWS", "NATURE_COLS", "NATURE_CHECK_ROW", "FIXED_HEADER",
    "NAME_TOTAL", "NAME_GRADE", "NAME_REPORTED_TOTAL", "NAME_ISSUES", "LOOKUP_FIRST_ROW", "STRUCTURE_NOTE",
    "BUTTON_CELLS", "BASIC_SECTIONS", "BASIC_TITLE",
    "Column", "columns", "col", "row_groups", "editable_level1", "fixed", "Layout", "layout", "basic_rows",
    "fund_cell", "row_formulas", "result_formulas",
]

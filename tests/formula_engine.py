"""The `formulas` engine as a stand-in for Excel: it recalculates a workbook with the PE_ functions bound to their
core (from the one function list), so tests can prove the template's formulas compute what the core computes."""
import re

import pytest

from scoring import cells
from xladdin.functions import FUNCTIONS

formulas = pytest.importorskip("formulas")
np = pytest.importorskip("numpy")
schedula = pytest.importorskip("schedula")


def excel_value(value):
    """What xlwings would hand the UDF: Python scalars, None for blank, error text, 2-D lists for ranges."""
    if isinstance(value, np.ndarray):
        return [[excel_value(v) for v in row] for row in value.tolist()]
    if value is schedula.EMPTY or value is None or (isinstance(value, str) and value == ""):
        return None
    if isinstance(value, formulas.tokens.operand.XlError):
        return str(value)
    if isinstance(value, np.generic):
        return value.item()
    return value


def _register() -> None:
    registry = formulas.get_functions()
    for function in FUNCTIONS:
        core = getattr(cells, function.core)
        registry[function.name] = formulas.functions.wrap_func(lambda *args, _f=core: _f(*(excel_value(a) for a in args)))


def calculate(path) -> dict[str, object]:
    """Every cell's value after a full recalculation, keyed ``SHEET!A1`` (sheet names upper-cased by the engine)."""
    _register()
    solution = formulas.ExcelModel().loads(str(path)).finish().calculate()
    found = {}
    for key, ranges in solution.items():
        match = re.fullmatch(r"'\[[^\]]+\](.+)'!([A-Z]+\d+)", key)
        if match:
            found[f"{match.group(1).upper()}!{match.group(2)}"] = excel_value(np.asarray(ranges.value).ravel()[0])
    return found


def same(actual, expected) -> bool:
    """A computed cell equals what the core expects (floats to 6 places; blank text as empty)."""
    if isinstance(expected, float):
        return isinstance(actual, (int, float)) and round(actual, 6) == expected
    return (actual or "") == expected

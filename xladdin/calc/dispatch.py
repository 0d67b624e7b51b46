"""One worksheet function call from LibreOffice: its values made to look like xlwings', then ``scoring.cells``.

The generated Basic module passes the function's name and its arguments (a repeating last argument
spread out in order). LibreOffice hands over a blank cell as empty (``None``, or ``""`` inside some ranges),
numbers as float or int, TRUE/FALSE as bool and a range as a tuple of row tuples; xlwings hands the UDFs
``None``, float, bool, str and, for a range argument, a list of rows. ``argument_value`` converts; the core
(``scoring.cells``) is imported on the first call, so loading the component stays cheap.

``compute`` never raises: an unknown function, a core that cannot be imported (an extension without its
Python packages) or a defect gives a short Chinese message for the cell.
"""
from __future__ import annotations

import importlib
import math
from collections.abc import Callable, Sequence
from types import ModuleType

from xladdin.functions import BY_NAME, Argument, WorksheetFunction

from . import MISSING_CORE

CORE_MODULE = "scoring.cells"
_SHOWN = 80  # characters of an exception's text shown in a cell

_core: ModuleType | None = None
_core_problem: str | None = None


def cell_value(value: object) -> object:
    """One cell as xlwings gives it: None for blank, float for numbers, bool, str."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        return value
    if isinstance(value, (tuple, list)):  # a range where one cell was expected: the core says what is wrong
        return range_value(value)
    return str(value)


def range_value(value: object) -> tuple[tuple[object, ...], ...]:
    """A range as rows of cells; a single cell or a literal becomes a 1×1 range, as with xlwings' ``ndim=2``."""
    if not isinstance(value, (tuple, list)):
        return ((cell_value(value),),)
    if all(isinstance(row, (tuple, list)) for row in value):
        return tuple(tuple(cell_value(item) for item in row) for row in value)
    return (tuple(cell_value(item) for item in value),)  # a one-dimensional array (an inline {1;2;3})


def argument_value(value: object, argument: Argument) -> object:
    return range_value(value) if argument.range else cell_value(value)


def arguments_for(function: WorksheetFunction, values: Sequence[object]) -> list[object]:
    """The converted arguments; a repeating last argument takes every value after the fixed ones."""
    specs = list(function.arguments)
    if function.varargs and len(values) > len(specs):
        specs += [specs[-1]] * (len(values) - len(specs))
    missing: list[object] = [None] * max(0, len(specs) - len(values) - (1 if function.varargs else 0))
    return [argument_value(value, spec) for value, spec in zip([*values, *missing], specs)]


def core() -> ModuleType | None:
    """``scoring.cells``, imported once; None (and ``core_problem()`` says why) when it cannot be."""
    global _core, _core_problem
    if _core is None and _core_problem is None:
        try:
            _core = importlib.import_module(CORE_MODULE)
        except Exception as exc:  # noqa: BLE001 - any failure means the same thing for the cell
            _core_problem = f"{type(exc).__name__}: {exc}"
    return _core


def core_problem() -> str | None:
    """Why the core could not be imported (after ``core()``), or None."""
    return _core_problem


def result_value(result: object) -> float | str:
    """What the cell shows: a finite number or a text."""
    if isinstance(result, bool):
        return str(result).upper()
    if isinstance(result, (int, float)):
        return float(result) if math.isfinite(result) else "pe-eval 计算结果不是有效数值"
    return "" if result is None else str(result)


def compute(name: str, values: Sequence[object]) -> float | str:
    """The value of worksheet function ``name`` for the values LibreOffice handed over."""
    function = BY_NAME.get(name)
    if function is None:
        return f"pe-eval 没有函数 {str(name)[:40]}：请运行 pe-eval calc install 更新 Basic 模块"
    module = core()
    if module is None:
        return MISSING_CORE
    target: Callable[..., object] | None = getattr(module, function.core, None)
    if target is None:
        return f"pe-eval 扩展与 Basic 模块版本不一致（核心没有 {function.core}）：请运行 pe-eval calc install"
    try:
        return result_value(target(*arguments_for(function, values)))
    except Exception as exc:  # noqa: BLE001 - a defect of ours: a message in the cell, never a traceback
        return f"pe-eval 内部错误（{type(exc).__name__}：{str(exc)[:_SHOWN]}）"

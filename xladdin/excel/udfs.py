"""Excel worksheet functions (classic xlwings UDFs), category 绩效评价.

Each function is a decorator plus one call into ``scoring.cells``; its help text and argument docs come
from the one list in ``xladdin.functions``. Bad input gives a Chinese message in the cell, never an
exception. Keep this import path light: no openpyxl, docx, matplotlib, numpy or pandas.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import xlwings as xw

from scoring import cells

from ..functions import BY_NAME, CATEGORY

# Cell errors (#DIV/0!, #N/A…) arrive as their text, so the message can name them.
READ = {"err_to_str": True}
RANGE = {"ndim": 2, "err_to_str": True}
F = TypeVar("F", bound=Callable[..., object])


def worksheet_function(func: F) -> F:
    """``@xw.func`` with the help and argument docs of the function of the same name in ``xladdin.functions``."""
    spec = BY_NAME[func.__name__]
    func.__doc__ = spec.doc
    for argument in reversed(spec.arguments):
        func = xw.arg(argument.name, doc=argument.doc, **(RANGE if argument.range else READ))(func)
    return xw.func(category=CATEGORY)(func)


@worksheet_function
def PE_SCORE(ruleset, code, input1, input2, override, reason):
    return cells.score(ruleset, code, input1, input2, override, reason)


@worksheet_function
def PE_EXPLAIN(ruleset, code, input1, input2, override, reason):
    return cells.explain(ruleset, code, input1, input2, override, reason)


@worksheet_function
def PE_GRADE(total, ruleset):
    return cells.grade(total, ruleset)


@worksheet_function
def PE_SURVEY_TOTAL(points, counts):
    return cells.survey_total(points, counts)


@worksheet_function
def PE_SURVEY_AVG(points, counts, valid):
    return cells.survey_avg(points, counts, valid)


@worksheet_function
def PE_SURVEY_POINT(scale, options, position):
    return cells.survey_point(scale, options, position)


@worksheet_function
def PE_CHECK(code, lhs, *terms):
    return cells.check(code, lhs, *terms)


@worksheet_function
def PE_ROW_SCORE(ruleset, level2, name, target, actual, weight, method, entered, adjusted):
    return cells.row_score(ruleset, level2, name, target, actual, weight, method, entered, adjusted)


@worksheet_function
def PE_ROW_EXPLAIN(ruleset, level2, name, target, actual, weight, method, entered, adjusted):
    return cells.row_explain(ruleset, level2, name, target, actual, weight, method, entered, adjusted)

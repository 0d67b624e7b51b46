"""What the LibreOffice component does with a call: LibreOffice's values made xlwings-like, then scoring.cells."""
from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import cells
from xladdin.calc import MISSING_CORE, dispatch
from xladdin.functions import BY_NAME, FUNCTIONS

RS = "xundian-2024"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def fresh_core(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(dispatch, "_core", None)
    monkeypatch.setattr(dispatch, "_core_problem", None)
    yield


def test_cell_values_arrive_as_xlwings_hands_them() -> None:
    assert dispatch.cell_value(None) is None
    assert dispatch.cell_value("") is None
    assert dispatch.cell_value(True) is True
    assert dispatch.cell_value(3) == 3.0 and isinstance(dispatch.cell_value(3), float)
    assert dispatch.cell_value(2.5) == 2.5
    assert dispatch.cell_value("①②") == "①②"
    assert dispatch.cell_value(((1, ""),)) == ((1.0, None),)


def test_ranges_are_rows_of_cells() -> None:
    assert dispatch.range_value(((1, 2), (3, ""))) == ((1.0, 2.0), (3.0, None))
    assert dispatch.range_value(5) == ((5.0,),)  # one cell where a range is expected, as xlwings' ndim=2
    assert dispatch.range_value((1, 2, 3)) == ((1.0, 2.0, 3.0),)  # a one-dimensional array


def test_every_function_has_its_core() -> None:
    for function in FUNCTIONS:
        assert callable(getattr(cells, function.core)), function.core


def test_calls_equal_the_core() -> None:
    assert dispatch.compute("PE_SCORE", (RS, "A11", "①②③④", None, None, None)) == cells.score(RS, "A11", "①②③④", None, None, None)
    assert dispatch.compute("PE_EXPLAIN", (RS, "B12", 1069931.86, 1069931.86, "", "")) == \
        cells.explain(RS, "B12", 1069931.86, 1069931.86, None, None)
    assert dispatch.compute("PE_GRADE", (95, RS)) == "优"
    points, counts = ((5,), (4,), ("",)), ((10,), (2,), ("",))
    assert dispatch.compute("PE_SURVEY_TOTAL", (points, counts)) == cells.survey_total([[5.0], [4.0], [None]], [[10.0], [2.0], [None]]) == 58.0
    assert dispatch.compute("PE_SURVEY_AVG", (points, counts, 12)) == cells.survey_avg([[5.0], [4.0]], [[10.0], [2.0]], 12.0)
    row = (RS.replace("xundian-2024", "self-2020"), "数量指标", "送戏下乡演出场次", "≥60场", "54场", 6, None, None, None)
    assert dispatch.compute("PE_ROW_SCORE", row) == cells.row_score(*row) == 5.4
    assert dispatch.compute("PE_ROW_EXPLAIN", row) == cells.row_explain(*row)


def test_repeating_terms_are_passed_in_order() -> None:
    terms = (1, 2, ((3,), (4,)), 0, 0, 0, 0)
    assert dispatch.compute("PE_CHECK", ("ACC-27", 10, *terms)) == cells.check("ACC-27", 10.0, 1.0, 2.0, [[3.0], [4.0]], 0.0, 0.0, 0.0, 0.0) == "✓"
    assert str(dispatch.compute("PE_CHECK", ("ACC-27", 11, *terms))).startswith("差额")
    assert dispatch.compute("PE_CHECK", ("ACC-27", 10)) == cells.check("ACC-27", 10.0)  # no terms at all


def test_missing_arguments_are_blank() -> None:
    assert dispatch.compute("PE_GRADE", ()) == cells.grade(None, None)


def test_unknown_function_is_a_message() -> None:
    assert "PE_NOPE" in str(dispatch.compute("PE_NOPE", ()))


def test_a_core_that_cannot_be_imported_gives_one_message(monkeypatch: pytest.MonkeyPatch, fresh_core: None) -> None:
    monkeypatch.setattr(dispatch, "CORE_MODULE", "scoring.no_such_module")
    assert dispatch.compute("PE_GRADE", (95, RS)) == MISSING_CORE
    assert dispatch.core() is None and "no_such_module" in str(dispatch.core_problem())


def test_a_defect_in_the_core_is_a_message_not_an_exception(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> str:
        raise RuntimeError("boom")

    monkeypatch.setattr(cells, "grade", broken)
    assert dispatch.compute("PE_GRADE", (95, RS)) == "pe-eval 内部错误（RuntimeError：boom）"


@pytest.mark.parametrize("result, shown", [(1.5, 1.5), (2, 2.0), (float("nan"), "pe-eval 计算结果不是有效数值"),
                                           (None, ""), (True, "TRUE"), ("✓", "✓")])
def test_results_are_numbers_or_text(result: object, shown: object) -> None:
    assert dispatch.result_value(result) == shown


VALUES = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True), st.text(max_size=12))
ARGUMENT = st.one_of(VALUES, st.lists(st.lists(VALUES, min_size=1, max_size=3).map(tuple), max_size=3).map(tuple))


@settings(max_examples=150, deadline=None)
@given(st.sampled_from([function.name for function in FUNCTIONS]), st.lists(ARGUMENT, max_size=12))
def test_never_raises_and_gives_a_number_or_text(name: str, values: list[object]) -> None:
    result = dispatch.compute(name, values)
    assert isinstance(result, (float, str))


def test_importing_the_component_path_is_light() -> None:
    """dispatch (what the component imports) does not import the core until the first call."""
    code = ("import sys; import xladdin.calc.dispatch, xladdin.calc.basic; "
            "print(sorted(m for m in sys.modules if m.startswith(('scoring', 'pydantic', 'openpyxl'))))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "[]"
    assert BY_NAME["PE_CHECK"].varargs

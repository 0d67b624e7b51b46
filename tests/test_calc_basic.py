"""The Basic module for LibreOffice Calc is generated from the one list of worksheet functions."""
from __future__ import annotations

import re

import pytest

from xladdin.calc import MISSING_CORE, SERVICE, basic
from xladdin.functions import FUNCTIONS, Argument, WorksheetFunction

TEXT = basic.module_text("1.2.3")
DECLARATION = re.compile(r"^Function (\w+)\((.*)\)$", re.M)


def _body(name: str) -> str:
    start = TEXT.index(f"Function {name}(")
    return TEXT[start:TEXT.index("End Function", start)]


def test_one_basic_function_per_worksheet_function_with_its_arguments() -> None:
    declared = {name: params for name, params in DECLARATION.findall(TEXT) if name != basic.ABOUT}
    assert list(declared) == [function.name for function in FUNCTIONS]
    for function in FUNCTIONS:
        names = [argument.name for argument in function.arguments]
        if function.varargs:
            names[-1] = f"ParamArray {names[-1]}()"
        assert declared[function.name] == ", ".join(names)


def test_option_compatible_comes_first_for_paramarray() -> None:
    code = [line for line in TEXT.splitlines() if line and not line.startswith("REM")]
    assert code[:2] == ["Option Compatible", "Option Explicit"]
    assert any(function.varargs for function in FUNCTIONS) and "ParamArray" in TEXT


def test_every_function_handles_its_errors_and_calls_the_component_by_name() -> None:
    for function in FUNCTIONS:
        body = _body(function.name)
        assert "\tOn Error GoTo Failed" in body and f'\t{function.name} = PeEvalFailed("{function.name}")' in body
        assert f'oPeEval.compute("{function.name}", ' in body
    assert f'CreateUnoService("{SERVICE}")' in TEXT
    assert TEXT.count(f'"{MISSING_CORE}"') == 2  # no component: from PEEVAL_ABOUT and from a failed call


def test_varargs_are_spread_after_the_fixed_arguments() -> None:
    body = _body("PE_CHECK")
    assert "ReDim aArgs(0 To 1 + n)" in body and "aArgs(0) = code" in body and "aArgs(1) = lhs" in body
    assert "aArgs(2 + i) = terms(LBound(terms) + i)" in body


def test_chinese_help_and_version_are_in_rem_lines() -> None:
    assert "REM pe-eval version 1.2.3" in TEXT
    for function in FUNCTIONS:
        assert f"REM {function.name}：{function.doc}" in TEXT
        for argument in function.arguments:
            assert f"REM   {argument.doc}" in TEXT
    # Basic string literals end at a double quote: none may appear inside the generated messages
    assert '"' not in MISSING_CORE


def test_a_new_function_in_the_list_gets_its_basic_function() -> None:
    new = WorksheetFunction("PE_NEW", "新函数。", (Argument("alpha", "甲：说明"), Argument("beta", "乙：说明", range=True)),
                            "grade")
    text = basic.function_text(new)
    assert "Function PE_NEW(alpha, beta)" in text and 'oPeEval.compute("PE_NEW", Array(alpha, beta))' in text


@pytest.mark.parametrize("name", ["PE SCORE", "1abc", "名称", "a-b"])
def test_names_must_be_basic_identifiers(name: str) -> None:
    with pytest.raises(ValueError):
        basic.function_text(WorksheetFunction(name, "x", (), "grade"))
    with pytest.raises(ValueError):
        basic.function_text(WorksheetFunction("PE_X", "x", (Argument(name, "x"),), "grade"))

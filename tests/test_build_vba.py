"""The workbook's VBA is generated from the Python modules and kept in the repo without drift."""
import re

import pytest

from xladdin import BUTTONS

from xladdin.excel import build_vba

from xladdin.excel import macros


@pytest.fixture(scope="module")
def generated():
    return build_vba.generate()


def test_committed_bas_files_match_the_generator(generated):
    for name, text in generated.items():
        committed = (build_vba.VBA_DIR / name).read_bytes()
        assert committed == text.replace("\n", "\r\n").encode("ascii"), f"{name} drifted: run python -m xladdin.excel.build_vba"


def test_vba_is_ascii_and_names_its_module(generated):
    for name, text in generated.items():
        assert text.isascii()
        assert text.startswith(f'Attribute VB_Name = "{name[:-4]}"\n')


def test_every_udf_has_a_wrapper_calling_the_udf_module(generated):
    module = build_vba.real_udf_module()
    names = sorted(getattr(module, n).__xlfunc__["name"] for n in dir(module) if hasattr(getattr(module, n), "__xlfunc__"))
    wrappers = re.findall(r"^Function (PE_\w+)\(", generated[build_vba.UDF_BAS], re.M)
    assert sorted(wrappers) == names
    for name in names:
        assert f'XLPy.CallUDF("xladdin.excel.udfs", "{name}"' in generated[build_vba.UDF_BAS]
    assert "Application.Volatile" not in generated[build_vba.UDF_BAS]


def test_button_sub_runs_the_macro_entry_point(generated):
    text = generated[build_vba.BUTTON_BAS]
    for sub, entry, _ in BUTTONS:
        assert re.search(rf"^Sub {sub}\(\)$", text, re.M) and callable(getattr(macros, entry))
        assert f'RunPython "import xladdin.excel.macros; xladdin.excel.macros.{entry}()"' in text

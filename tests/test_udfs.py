"""The PE_ worksheet functions: their core (scoring.cells), their xlwings metadata, and a light import path."""
import io
import json
import subprocess
import sys
import types
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import cells

RS = "xundian-2024"
FUNCTIONS = ("PE_SCORE", "PE_EXPLAIN", "PE_GRADE", "PE_SURVEY_TOTAL", "PE_SURVEY_AVG", "PE_SURVEY_POINT", "PE_CHECK")
HEAVY = ("openpyxl", "docx", "matplotlib", "numpy", "pandas")
ROOT = Path(__file__).resolve().parent.parent


# ── the cell-facing core ─────────────────────────────────
def test_score_and_explain_take_excel_values():
    assert cells.score(RS, "A11", "①②③④", None, None, None) == 2.0
    assert cells.score(RS, "A14", "①②③=0.7", None, None, None) == 2.7
    assert cells.score(RS, "B12", 1069931.86, 1069931.86, 3.36, "沿用报告得分") == 3.36
    assert cells.explain(RS, "B12", 1069931.86, 1069931.86, None, None).endswith("执行率100.00%，不低于95%，得满分4分")
    assert cells.score(RS, "B13", [[2.4]], [[2.62]], None, None) == 1.0  # a 1×1 range counts as a cell


def test_excel_floats_are_read_as_excel_shows_them():
    # 0.1 + 0.2 in a formula arrives as 0.30000000000000004; Excel shows (and we use) 0.3
    assert cells.explain(RS, "C101", 0.1 + 0.2, None, None, None) == "经济效益实现程度30.00%，18×30.00%=5.4分"


@pytest.mark.parametrize(
    "args, message",
    [
        (("nope", "A11", "①", None, None, None), "没有名为「nope」的规则集"),
        ((None, "A11", "①", None, None, None), "未指定规则集"),
        ((r"\\server\share\rules.toml", "A11", "①", None, None, None), "不能引用网络路径"),
        ((RS, "Z9", "①", None, None, None), "没有指标「Z9」"),
        ((RS, "A11", None, None, None, None), "缺少输入：符合的细则"),
        ((RS, "A11", "⑤", None, None, None), "第5条细则不存在"),
        ((RS, "A11", [[1, 2]], None, None, None), "输入1应为单个单元格"),
        ((RS, "A11", "#DIV/0!", None, None, None), "无法识别"),
    ],
)
def test_bad_input_gives_a_message_not_an_exception(args, message):
    score, explanation = cells.score(*args), cells.explain(*args)
    assert isinstance(score, str) and message in score
    assert message in explanation


@pytest.mark.parametrize(
    "override, reason, message",
    [(1.5, None, "未填写理由"), ("abc", "理由", "不是有效的人工得分"), (9, "理由", "应在0至2分之间")],
)
def test_an_unusable_override_shows_the_rule_score_and_says_why(override, reason, message):
    args = (RS, "A13", "1.8", None, override, reason)
    assert cells.score(*args) == 1.8  # the rule's score, as if no override were typed
    assert message in cells.explain(*args) and "暂按规则计分" in cells.explain(*args)


def test_grade():
    assert cells.grade(93.56, RS) == "优"
    assert cells.grade(89.999, RS) == "良"
    assert cells.grade(None, RS) == ""
    assert "不是有效的总分" in cells.grade("九十", RS)


def test_survey_total_and_average():
    points = [[10], [5], [0], [None]]
    assert cells.survey_total(points, [[48], [1], [0], [None]]) == 485.0
    assert cells.survey_avg([[10], [5], [0]], [[48], [1], [0]], 49) == 9.9
    assert cells.survey_avg(points, [[1], [1], [1], [None]], None) == ""
    assert cells.survey_avg(points, [[1], [1], [1], [None]], 0) == "有效问卷数为0，无法计算问卷得分"
    assert "大小不一致" in cells.survey_total([[10], [5]], [[1]])
    assert "缺少分值" in cells.survey_total([[None]], [[3]])


def test_survey_average_rounds_half_up():
    # 4835 ÷ 49 = 98.673…; 98.675 must round up (Python's round() would give 98.67 for the float)
    assert cells.survey_avg([[4835]], [[1]], 49) == 98.67
    assert cells.survey_avg([[98.675]], [[1]], 1) == 98.68


def test_check_identity_in_one_column():
    income = [[5220840.38], [0], [None], [0], [0], [0], [0], [103561.20]]
    assert cells.check("ACC-27", 5324401.58, income) == "✓"
    assert cells.check("ACC-27", 5324401.78, income) == "差额 0.20"
    # several arguments, mixing cells and ranges, signs from the identity: 86 = 29 + 27 − 84
    assert cells.check("ACC-86", 3561.20, 29925.15, 5324401.58, 5350765.53) == "✓"
    assert cells.check("ACC-86", 3561.20, [[29925.15], [5324401.58]], 5350765.53) == "✓"
    assert cells.check("ACC-61", 1, 2) == "差额 -1.00"  # 61 ≥ 62
    assert cells.check("ACC-88", None, None, "—", None) == ""
    assert cells.check("ACC-86", 1, 2) == "ACC-86右边应有3项，实际1项"
    assert cells.check("ACC-99", 1, 2) == "未知的勾稽代码「ACC-99」"
    assert "不是有效的第29行金额" in cells.check("ACC-86", 1, "一百", 2, 3)


excel_values = st.one_of(
    st.none(), st.booleans(), st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**20, 10**20),
    st.text(max_size=12), st.sampled_from(["①②", "③=0.7", "全部", "是", "95%", "—", "#N/A", "1,234.5"]),
)
cell_or_range = st.one_of(excel_values, st.lists(st.lists(excel_values, min_size=1, max_size=3), min_size=1, max_size=3))


@settings(max_examples=300, deadline=None)
@given(code=st.sampled_from(["A11", "A21", "B12", "B13", "B22", "C102", "A35", "X"]), a=cell_or_range, b=cell_or_range,
       override=cell_or_range, reason=cell_or_range)
def test_score_never_raises(code, a, b, override, reason):
    score = cells.score(RS, code, a, b, override, reason)
    assert isinstance(score, (float, str))
    assert isinstance(cells.explain(RS, code, a, b, override, reason), str)


@settings(max_examples=200, deadline=None)
@given(code=st.sampled_from(["ACC-27", "ACC-86", "ACC-61", "bad"]), lhs=cell_or_range,
       terms=st.lists(cell_or_range, max_size=4), points=cell_or_range, counts=cell_or_range, valid=cell_or_range)
def test_other_functions_never_raise(code, lhs, terms, points, counts, valid):
    assert isinstance(cells.check(code, lhs, *terms), str)
    assert isinstance(cells.survey_total(points, counts), (float, str))
    assert isinstance(cells.survey_avg(points, counts, valid), (float, str))
    assert isinstance(cells.grade(lhs, RS), str)


# ── the xlwings side ─────────────────────────────────────
def test_udf_module_import_stays_light():
    """Import in a fresh interpreter with the heavy packages made unimportable, then check sys.modules."""
    code = (
        "import importlib.abc, json, sys\n"
        f"HEAVY = {HEAVY!r}\n"
        "class Block(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in HEAVY:\n"
        "            raise ImportError(f'blocked {name}')\n"
        "sys.meta_path.insert(0, Block())\n"
        "import xladdin.excel.udfs\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in HEAVY)))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert json.loads(run.stdout.strip().splitlines()[-1]) == []


def test_cells_module_needs_no_xlwings():
    code = "import sys, scoring.cells; print(sorted(m for m in sys.modules if m.split('.')[0] in ('xlwings','openpyxl','numpy')))"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert run.stdout.strip() == "[]"


@pytest.fixture
def real_udfs(monkeypatch):
    """xladdin.excel.udfs decorated with xlwings' real (Windows) decorators, pywin32 stubbed."""
    for name in ("pythoncom", "pywintypes", "win32com", "win32com.client"):
        monkeypatch.setitem(sys.modules, name, mock.MagicMock())
    monkeypatch.delitem(sys.modules, "xlwings.udfs", raising=False)
    monkeypatch.delitem(sys.modules, "xladdin.excel.udfs", raising=False)
    import xlwings
    import xlwings.udfs as xlwings_udfs

    monkeypatch.setattr(xlwings, "func", xlwings_udfs.xlfunc)
    monkeypatch.setattr(xlwings, "arg", xlwings_udfs.xlarg)
    monkeypatch.setattr(xlwings, "ret", xlwings_udfs.xlret)
    import xladdin.excel.udfs

    return xladdin.excel.udfs, xlwings_udfs


def test_xlwings_metadata(real_udfs):
    module, _ = real_udfs
    for name in FUNCTIONS:
        meta = getattr(module, name).__xlfunc__
        assert meta["name"] == name
        assert meta["category"] == "绩效评价"
        assert meta["volatile"] is False and meta["sub"] is False
        assert len(meta["ret"]["doc"]) <= 255 and any("\u4e00" <= ch <= "\u9fff" for ch in meta["ret"]["doc"])
        for arg in meta["args"]:
            assert arg["name"].isascii()  # copied into the workbook's VBA
            assert not arg["doc"].startswith("Positional argument"), f"{name}.{arg['name']} has no description"
            assert "：" in arg["doc"] and len(arg["doc"]) <= 255
            assert arg["options"].get("err_to_str") is True
    score = module.PE_SCORE.__xlfunc__
    assert [a["doc"].split("：")[0] for a in score["args"]] == ["规则集", "代码", "输入1", "输入2", "人工得分", "理由"]
    check = module.PE_CHECK.__xlfunc__
    assert check["args"][-1]["vararg"] and check["args"][-1]["options"]["ndim"] == 2
    assert module.PE_SURVEY_TOTAL.__xlfunc__["args"][0]["options"]["ndim"] == 2
    assert [a["options"].get("ndim") for a in module.PE_SURVEY_POINT.__xlfunc__["args"]] == [None, 2, None]


def test_udfs_are_one_call_into_the_core(real_udfs):
    module, _ = real_udfs
    assert module.PE_SCORE(RS, "A11", "①②③④", None, None, None) == 2.0
    assert module.PE_CHECK("ACC-86", 3561.20, [[29925.15]], [[5324401.58]], [[5350765.53]]) == "✓"
    assert module.PE_SURVEY_AVG([[10], [5]], [[48], [1]], 49) == 9.9
    options = [["A", "满意", None, 48], ["B", "一般", None, 1], [None, None, None, None], [None, None, None, None]]
    assert module.PE_SURVEY_POINT("10/5/0；100/60", options, 2) == 60.0  # the two-option scale


def test_generated_vba_is_ascii(real_udfs):
    module, xlwings_udfs = real_udfs
    out = io.StringIO()
    xlwings_udfs.generate_vba_wrapper("xladdin.excel.udfs", module, out, types.SimpleNamespace(Name="评价.xlsm"))
    vba = out.getvalue()
    assert vba.isascii()
    assert "Function PE_SCORE(ruleset, code, input1, input2, override, reason)" in vba
    assert "Function PE_CHECK(code, lhs, ParamArray terms())" in vba
    assert "Application.Volatile" not in vba

"""Every worksheet function's core (scoring.cells) takes any argument Excel or a caller could hand over and never raises."""
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from scoring import IDENTITIES, cells, is_network_path, load_ruleset

RS = "xundian-2024"
CODES = [indicator.code for indicator in load_ruleset(RS).indicators]
CHECK_CODES = [identity.code for identity in IDENTITIES]
ERROR_TEXTS = ["#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!", "#GETTING_DATA"]
ODD_TEXTS = [
    "", " ", "\x00", "\x1b[31m", "a\x00b", "\r\n\t", "１２３", "４，２２８．５", "９９９９９９９９９９９９９９９９",
    "99999999999999", "1e308", "NaN", "Infinity", "-0", "①②③=0.7", "全部", "95%", "——", "9" * 5000, "①" * 2000,
    "\\\\host\\share\\x.toml", "\\/host/share/x.toml", "/nonexistent/x.toml", "\x00.toml", "a" * 5000 + ".toml",
    "9" * 4400, "9" * 4400 + ".5", "1" + "0" * 5000 + "%", "\ud800", "数量\udfff指标", "1E+999999999", "-1e999999",
]
SCALAR = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([10**30, -10**30, 10**15, 99999999999999, -1, 0, 2**63]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([-0.0, 1e308, -1e308, 5e-324, float("nan"), float("inf"), 99999999999999.0, 0.1 + 0.2,
                     1.7976931348623157e308, -2.2250738585072014e-308]),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.sampled_from([Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity"), Decimal("-Infinity"), Decimal("1E+30"),
                     Decimal("-1E+999999"), Decimal("1E-999999"), Decimal("99999999999999.999")]),
    st.text(max_size=20),
    st.sampled_from(ERROR_TEXTS + ODD_TEXTS),
)


def _nested(value: object, depth: int) -> object:
    for _ in range(depth):
        value = [value]
    return value


RANGE = st.one_of(
    st.sampled_from([[], [[]], [[], []], [[[]]], ()]),
    st.lists(st.lists(SCALAR, max_size=4), max_size=4),  # n×m, ragged, with empty rows
    st.recursive(SCALAR, lambda inner: st.lists(inner, max_size=3) | st.lists(inner, max_size=3).map(tuple), max_leaves=12),
    st.builds(_nested, SCALAR, st.integers(1, 3000)),  # far deeper than Python's recursion limit
)
VALUE = st.one_of(SCALAR, SCALAR, RANGE)
RULESET = st.one_of(st.just(RS), st.just(RS), st.just(RS), st.just([[RS]]), st.just("mof-2013"), VALUE)
CODE = st.one_of(st.sampled_from(CODES), st.sampled_from(CODES).map(lambda c: [[c]]), VALUE)
CHECK_CODE = st.one_of(st.sampled_from(CHECK_CODES), st.sampled_from(CHECK_CODES).map(lambda c: [[c]]), VALUE)
PROPERTY = settings(max_examples=300, deadline=None)


@PROPERTY
@given(RULESET, CODE, VALUE, VALUE, VALUE, VALUE)
@example("a\x00.toml", "A11", "①", None, None, None)  # os.stat refuses a NUL with ValueError
def test_score_never_raises(ruleset, code, input1, input2, override, reason):
    assert isinstance(cells.score(ruleset, code, input1, input2, override, reason), (float, str))


@PROPERTY
@given(RULESET, CODE, VALUE, VALUE, VALUE, VALUE)
def test_explain_never_raises(ruleset, code, input1, input2, override, reason):
    assert isinstance(cells.explain(ruleset, code, input1, input2, override, reason), str)


@PROPERTY
@given(VALUE, RULESET)
def test_grade_never_raises(total, ruleset):
    assert isinstance(cells.grade(total, ruleset), str)


@PROPERTY
@given(VALUE, VALUE)
def test_survey_total_never_raises(points, counts):
    assert isinstance(cells.survey_total(points, counts), (float, str))


@PROPERTY
@given(st.lists(SCALAR, max_size=6), st.lists(SCALAR, max_size=6), VALUE)
def test_survey_total_and_average_of_parallel_columns_never_raise(points, counts, valid):
    """Equal-sized columns get past the size check, so every cell value reaches the tally."""
    size = min(len(points), len(counts))
    column_points, column_counts = [[p] for p in points[:size]], [[c] for c in counts[:size]]
    assert isinstance(cells.survey_total(column_points, column_counts), (float, str))
    assert isinstance(cells.survey_avg(column_points, column_counts, valid), (float, str))


SCALE = st.one_of(st.sampled_from(["10/5/0", "100/80/60/0；100/60/0", "10/5", "10//0", "10/5/0；9/4/1"]), VALUE)
OPTION_ROWS = st.lists(st.lists(SCALAR, min_size=4, max_size=4), min_size=1, max_size=4)  # the C:F block


@PROPERTY
@given(SCALE, st.one_of(OPTION_ROWS, VALUE), st.one_of(st.integers(0, 5), VALUE))
def test_survey_point_never_raises(scale, options, position):
    assert isinstance(cells.survey_point(scale, options, position), (float, str))


@PROPERTY
@given(VALUE, VALUE, VALUE)
@example([[99999999999999]], [[99999999999999]], 49)  # the product once overflowed Decimal's rounding
def test_survey_avg_never_raises(points, counts, valid):
    assert isinstance(cells.survey_avg(points, counts, valid), (float, str))


@PROPERTY
@given(CHECK_CODE, VALUE, st.lists(VALUE, max_size=10))
@example([["ACC-27", "ACC-86"]], 1, [])  # a multi-cell code once raised
def test_check_never_raises(code, lhs, terms):
    assert isinstance(cells.check(code, lhs, *terms), str)


ROW_TEXTS = ["≥50个", "≤90万元", "=0次", "100%", "9月底前", "2天以内", "达成年度指标", "部分达成并具有一定效果", "0.52亿元",
             "48人", "9月20日", "逾期", "数量指标", "正向", "反向", "定性", "时限", "系数", "95%", ">95%", "≥1e400个"]
ROW_VALUE = st.one_of(VALUE, st.sampled_from(ROW_TEXTS))
SELF_RULESET = st.one_of(st.sampled_from(["self-2020", "self-coef"]), RULESET)


@PROPERTY
@given(SELF_RULESET, st.lists(ROW_VALUE, min_size=8, max_size=8))
@example("self-2020", ["数量指标", "a", "≥1e400个", "1个", 5, None, None, None])
@example("self-coef", ["产出指标", "a", "≥50个", "48人", 5, "系数", "1e999%", "≤0个"])
@example("self-2020", ["数量指标", "\ud800", "≥50个", "60个", 5, None, None, None])  # a lone surrogate in the name
def test_row_score_and_explain_never_raise(ruleset, args):
    score = cells.row_score(ruleset, *args)
    assert isinstance(score, (float, str))
    assert isinstance(cells.row_explain(ruleset, *args), str)
    if isinstance(score, float) and isinstance(args[4], (int, float)) and not isinstance(args[4], bool):
        assert score <= args[4], (score, args)  # never above the row's weight


@PROPERTY
@given(st.decimals(min_value=Decimal("0.001"), max_value=100, places=4), st.sampled_from(["100%", "≥50个", "≤90万元"]))
def test_a_row_score_never_exceeds_its_weight(weight, target):
    actual = {"100%": "100%", "≥50个": "80个", "≤90万元": "10万元"}[target]
    score = cells.row_score("self-2020", "数量指标", "指标", target, actual, float(weight), None, None, None)
    assert isinstance(score, float) and Decimal(str(score)) <= weight, (score, weight)


def test_what_the_property_found(tmp_path):
    deep = tmp_path / "deep.toml"
    deep.write_text("a = " + "[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert cells.score(str(deep), "A11", "①", None, None, None) == "TOML 嵌套层数过多，不是有效的规则集"
    assert cells.score(RS, "A11", "9" * 4400, None, None, None) == "输入1中的数字位数过多，请检查"
    assert cells.row_score("self-2020", "数量指标", "\ud800", "≥50个", "60个", 5, None, None, None) == \
        "三级指标含有无法识别的字符（不成对的代理字符），请重新输入"
    assert cells.row_score("self-2020", "数量指标", "人次", "100%", "100%", 54.4862, None, None, None) == 54.48
    assert cells.check([["ACC-27", "ACC-86"]], 1) == "勾稽代码应为单个单元格"
    assert cells.score(RS, "A11", _nested("①②", 5000), None, None, None) == 1.0  # too deep for an @example's repr
    assert cells.score("a\x00.toml", "A11", "①", None, None, None) == "规则集名称含有控制字符，请重新输入"
    assert cells.check("X" * 5000, 1) == f"未知的勾稽代码「{'X' * 30}…」"


# ── the ruleset argument: a share would make Windows send the user's credentials ──
@pytest.mark.parametrize("path", [r"\\host\x.toml", "//host/x.toml", r"\/host/share/x.toml", r"/\host\share\x.toml",
                                  r"\??\UNC\host\share\x.toml", r"\\?\UNC\host\share\x.toml",
                                  r"\GLOBAL??\UNC\host\x.toml", r"\Device\Mup\host\x.toml"])
def test_every_spelling_of_a_share_is_a_network_path(path):
    assert is_network_path(path)
    assert cells.score(path, "A11", "①", None, None, None) == "规则集不能引用网络路径上的文件"


@pytest.mark.parametrize("path", [r"C:\x.toml", "/home/x.toml", "x.toml"])
def test_local_paths_are_not_network_paths(path):
    assert not is_network_path(path)

"""What the workbook's PE_ formulas compute: Excel cell values in, a number or a short Chinese message out.

Each function here backs one worksheet function in ``xladdin/udfs.py`` and never raises:
a bad argument gives a message string, which Excel shows in the cell. Values arrive as
Excel hands them over — floats, strings, booleans, None for blank, and 2-D lists for
ranges (a 1×1 range counts as a single cell). Arithmetic is Decimal throughout.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from typing import TypeVar

from .model.accounts import (
    IDENTITIES,
    Accounts,
    Identity,
    check_identity,
    rows_text,
    unentered,
)
from .common.evidence import EvidenceError, parse_number
from .rules.indicator_score import IndicatorScore, score_indicator
from .common.numbers import ZERO, fmt_money
from .rules.ruleset import Ruleset, RulesetError, load_ruleset, parse_ruleset_json
from .rules.self_eval import row_indicator
from .model.survey import parse_points, parse_respondents, parse_scale, scored_points, survey_average, tally

CHECK_OK = "✓"
CHECK_UNENTERED = "未录入"  # starts the text of a check that lacks a figure it needs
_IDENTITIES = {identity.code: identity for identity in IDENTITIES}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_SHOWN = 30  # characters of a typed name echoed in a message


_T = TypeVar("_T")


class CellError(Exception):
    """A message for the cell."""


# What deeper code may still raise on a value no check foresaw: decimal.InvalidOperation (an ArithmeticError),
# int() of a string over 4,300 digits and pydantic's ValidationError (ValueErrors), a nesting too deep.
_UNUSABLE = (ArithmeticError, ValueError, RecursionError)
UNUSABLE = "无法计算：单元格中的数值超出范围或含有无法识别的字符，请检查输入"
_NETWORK = re.compile(r"//|/(\?\?|GLOBAL\?\?)/UNC/|/Device/Mup/", re.IGNORECASE)
_SURROGATE = re.compile("[\ud800-\udfff]")
_LONG_NUMBER = re.compile(r"\d{300,}")


def _never_raises(func: Callable[..., _T]) -> Callable[..., _T | str]:
    """The worksheet function, with what no check foresaw shown as ``UNUSABLE`` in the cell, never raised."""
    @functools.wraps(func)
    def guarded(*args: object) -> _T | str:
        try:
            return func(*args)
        except _UNUSABLE:
            return UNUSABLE
    return guarded


def _scalar(value: object, what: str) -> object:
    """One cell's value; a 1×1 range is unwrapped, a larger one is refused, as is text no rule can read."""
    if isinstance(value, (list, tuple)):
        flat = _flatten(value)
        if len(flat) != 1:
            raise CellError(f"{what}应为单个单元格")
        value = flat[0]
    if isinstance(value, str):
        if _SURROGATE.search(value):
            raise CellError(f"{what}含有无法识别的字符（不成对的代理字符），请重新输入")
        if _LONG_NUMBER.search(value):
            raise CellError(f"{what}中的数字位数过多，请检查")
    return value


def _flatten(value: object) -> list[object]:
    """Cells of a range (row by row), or ``[value]`` for a single cell; iterative, so any nesting depth is fine."""
    found: list[object] = []
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, (list, tuple)):
            pending.extend(reversed(item))
        else:
            found.append(item)
    return found


def _text(value: object, what: str) -> str:
    value = _scalar(value, what)
    return "" if value is None else str(value).strip()


def _short(text: str) -> str:
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "…"


def is_network_path(text: str) -> bool:
    """``\\\\server\\share\\x.toml``, ``//server/x.toml`` or a mix such as ``\\/server/x.toml``: Windows opens
    each as a share, which could leak Windows credentials; so are the NT object paths that reach a share
    (``\\??\\UNC\\server\\share\\…``, ``\\GLOBAL??\\UNC\\…``, ``\\Device\\Mup\\…``)."""
    return _NETWORK.match(text.replace("\\", "/")) is not None


def _ruleset(name: object) -> Ruleset:
    """A ruleset id or .toml path, or the ruleset a workbook embeds (its JSON, one cell or a column of them)."""
    if isinstance(name, Ruleset):  # the workbook check passes the workbook's own (embedded) ruleset
        return name
    text = "".join(str(v) for v in _flatten(name) if v is not None).strip()
    if text.startswith("{"):
        try:
            return parse_ruleset_json(text, "工作簿中保存的规则集")
        except RulesetError as exc:
            raise CellError(exc.problems[0] if exc.problems else str(exc)) from None
    if not text:
        raise CellError("未指定规则集")
    if _CONTROL.search(text):
        raise CellError("规则集名称含有控制字符，请重新输入")
    if is_network_path(text):
        raise CellError("规则集不能引用网络路径上的文件")
    try:
        return load_ruleset(text)
    except RulesetError as exc:
        raise CellError(exc.problems[0] if exc.problems else str(exc)) from None


def _indicator_score(ruleset, code, input1, input2, override, reason) -> IndicatorScore:
    rs = _ruleset(ruleset)
    key = _text(code, "指标代码")
    try:
        indicator = rs.indicator(key)
    except KeyError:
        raise CellError(f"规则集{rs.id}中没有指标「{_short(key)}」") from None
    values = [_scalar(input1, "输入1"), _scalar(input2, "输入2")]
    return score_indicator(indicator, values, _scalar(override, "人工得分"), _scalar(reason, "理由"))


@_never_raises
def score(ruleset: object, code: object, input1: object, input2: object, override: object, reason: object) -> float | str:
    """The indicator's score (override if any), or why there is none."""
    try:
        result = _indicator_score(ruleset, code, input1, input2, override, reason)
    except CellError as exc:
        return str(exc)
    return result.explanation if result.score is None else float(result.score)


@_never_raises
def explain(ruleset: object, code: object, input1: object, input2: object, override: object, reason: object) -> str:
    """How the score was reached, in words that can be checked by hand."""
    try:
        return _indicator_score(ruleset, code, input1, input2, override, reason).explanation
    except CellError as exc:
        return str(exc)


@_never_raises
def grade(total: object, ruleset: object) -> str:
    """The grade (优/良/中/差 or the ruleset's own bands) for a total score, as ``Ruleset.grade`` gives it."""
    try:
        rs = _ruleset(ruleset)
        number = parse_number(_scalar(total, "总分"), "总分")
    except (CellError, EvidenceError) as exc:
        return str(exc)
    return "" if number is None else rs.grade(number)


_SCALE = "分值方案"  # every problem parse_scale reports names it
_OPTION_COLUMNS = ("选项", "选项内容", "标准分值", "人数")


def _survey_total(points: object, counts: object) -> Decimal:
    points, counts = _flatten(points), _flatten(counts)
    if len(points) != len(counts):
        raise CellError(f"分值区域（{len(points)}格）与人数区域（{len(counts)}格）大小不一致")
    scale_problem = next((p for p in points if isinstance(p, str) and _SCALE in p), None)
    if scale_problem is not None:  # a 计分分值 cell showing the 分值方案's problem: the total shows it too
        raise CellError(scale_problem)
    return tally(points, counts)


@_never_raises
def survey_total(points: object, counts: object) -> float | str:
    """Σ points × count over two parallel ranges (blank rows skipped)."""
    try:
        return float(_survey_total(points, counts))
    except (CellError, EvidenceError) as exc:
        return str(exc)


@_never_raises
def survey_avg(points: object, counts: object, valid: object) -> float | str:
    """问卷综合得分 = Σ points × count ÷ valid questionnaires, rounded half up; "" while the count is blank."""
    try:
        total = _survey_total(points, counts)
        number = parse_respondents(_scalar(valid, "有效问卷数"), "有效问卷数")
    except (CellError, EvidenceError) as exc:
        return str(exc)
    if number is None:
        return ""
    average = survey_average(total, number)
    return "有效问卷数为0，无法计算问卷得分" if average is None else float(average)


def _blank(value: object) -> bool:
    """An empty cell, as the workbook reader sees it."""
    return value is None or value == ""


def _option_rows(options: object) -> list[list[object]]:
    rows = [list(row) if isinstance(row, (list, tuple)) else [row]
            for row in (options if isinstance(options, (list, tuple)) else [options])]
    if not rows or any(len(row) != len(_OPTION_COLUMNS) for row in rows):
        raise CellError(f"选项区域应为本题的{'、'.join(_OPTION_COLUMNS)}四列")
    return [[_scalar(value, "选项区域的单元格") for value in row] for row in rows]


def _typed_points(value: object) -> Decimal | None:
    """An option's typed standard points; a value that is not points counts as typed (its total says why)."""
    try:
        return parse_points(value)
    except EvidenceError:
        return ZERO


def _row_index(position: object, rows: int) -> int:
    try:
        number = parse_number(_scalar(position, "行号"), "行号")
    except EvidenceError:
        number = None
    if number is None or number != number.to_integral_value() or not 1 <= number <= rows:
        raise CellError(f"行号应为1至{rows}的整数，即本选项在选项区域中的第几行")
    return int(number) - 1


def _scale_text(scale: object) -> str:
    """The 分值方案 cell as the reader takes it (a whole number typed alone shows without ``.0``)."""
    value = _scalar(scale, _SCALE)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value)


def _point_shown(value: object) -> float | str:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)


@_never_raises
def survey_point(scale: object, options: object, position: object) -> float | str:
    """计分分值 of one option row: its typed standard points (as typed when they are not points, so the question's
    total says why), else the point the 分值方案 gives it — as ``Survey`` scores (``scored_points``) — else "".
    ``options`` is the question's 选项、选项内容、标准分值、人数 rows; a wholly blank row is no option."""
    try:
        rows = _option_rows(options)
        index = _row_index(position, len(rows))
    except CellError as exc:
        return str(exc)
    if all(_blank(value) for value in rows[index]):
        return ""
    typed = rows[index][2]
    try:
        points = parse_points(typed)
    except EvidenceError:
        return _point_shown(typed)
    if points is not None:
        return float(points)
    try:
        scales = parse_scale(_scale_text(scale))
    except (CellError, EvidenceError) as exc:
        return str(exc) if _SCALE in str(exc) else f"{_SCALE}：{exc}"  # the reader's problem, word for word
    filled = [r for r in rows if not all(_blank(value) for value in r)]
    place = sum(1 for r in rows[:index] if not all(_blank(value) for value in r))
    point = scored_points([_typed_points(r[2]) for r in filled], scales)[place]
    return "" if point is None else float(point)


def _identity(code: object) -> Identity:
    key = _text(code, "勾稽代码")
    identity = _IDENTITIES.get(key)
    if identity is None:
        raise CellError(f"未知的勾稽代码「{_short(key)}」")
    return identity


def _final_column(identity: Identity, lhs: object, terms: tuple[object, ...]) -> Accounts:
    """The identity's figures as the 决算数 column of otherwise blank accounts."""
    values = [_scalar(lhs, "左边"), *(v for term in terms for v in _flatten(term))]
    if len(values) != len(identity.terms) + 1:
        raise CellError(f"{identity.code}右边应有{len(identity.terms)}项，实际{len(values) - 1}项")
    accounts = Accounts()
    rows = (identity.lhs, *(row for _, row in identity.terms))
    for row, value in zip(rows, values):
        accounts.set(row, "final", parse_number(value, f"第{row}行金额"))
    return accounts


@_never_raises
def check(code: object, lhs: object, *terms: object) -> str:
    """An accounts identity in one column: ✓, ``差额 …`` (actual − expected), ``未录入第58行`` when a figure
    it needs is blank (see ``accounts.unentered``), or "" when all are blank."""
    try:
        identity = _identity(code)
        accounts = _final_column(identity, lhs, terms)
    except (CellError, EvidenceError) as exc:
        return str(exc)
    single = replace(identity, columns=("final",))
    missing = unentered(single, accounts, "final")
    if missing is None:
        return ""
    if missing:
        return f"{CHECK_UNENTERED}{rows_text(missing)}"
    findings = check_identity(single, accounts)
    if not findings:
        return CHECK_OK
    difference = findings[0].difference
    return f"差额 {fmt_money(difference)}" if difference is not None else findings[0].message


# ── self-evaluation rows (自评表) ─────────────────────────
_ROW_ARGS = ("二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "计分方式", "评定得分或得分系数", "调整指标值")


def _row_score(ruleset: object, *args: object) -> IndicatorScore | None:
    """One 自评表 row scored as the whole evaluation scores it; None for a wholly blank row."""
    rs = _ruleset(ruleset)
    group, name, target, actual, weight, method, entered, adjusted = (_scalar(v, what) for v, what in zip(args, _ROW_ARGS))
    if all(v is None or str(v).strip() == "" for v in (group, name, target, actual, weight, method, entered, adjusted)):
        return None
    effective = target if adjusted is None or str(adjusted).strip() == "" else adjusted
    try:
        indicator = row_indicator(rs, "行", _text(group, "二级指标"), _text(name, "三级指标"), weight, _text(method, "计分方式"), effective)
    except EvidenceError as exc:
        raise CellError(str(exc)) from None
    return score_indicator(indicator, [effective, actual, entered])


def row_cells(ruleset: object, *args: object) -> tuple[float | str, str]:
    """What PE_ROW_SCORE and PE_ROW_EXPLAIN show for one row, scored once (the workbook check needs both)."""
    try:
        result = _row_score(ruleset, *args)
    except CellError as exc:
        return str(exc), str(exc)
    except _UNUSABLE:
        return UNUSABLE, UNUSABLE
    if result is None:
        return "", ""
    return (result.explanation if result.score is None else float(result.score)), result.explanation


def row_score(ruleset: object, *args: object) -> float | str:
    """A 自评表 row's score, or why there is none ("" for a blank row)."""
    return row_cells(ruleset, *args)[0]


def row_explain(ruleset: object, *args: object) -> str:
    """How a 自评表 row's score was reached ("" for a blank row)."""
    return row_cells(ruleset, *args)[1]

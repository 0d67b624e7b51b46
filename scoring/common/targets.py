"""Targets (年度指标值) and actual values (实际完成值) of self-evaluation forms.

``parse_target`` reads a target such as ``≥50个``, ``≤90万元``, ``=100%``, ``9月底前``, ``2天以内`` or
``达成预期指标``; ``parse_actual`` (``read_actual`` with the figure as shown) reads an actual value in
the target's unit.

Targets
- Operators: ≥ >= 不低于 不少于 不小于 大于等于 至少 达到, or 以上 after the number → ``">="``;
  ≤ <= 不高于 不超过 不多于 不大于 小于等于 最多, or 以内 之内 内 以下 after it → ``"<="``; = 等于 → ``"="``;
  none → ``None``. 以上/以下/以内 include the number itself (民法典第1259条). A strict operator
  (> < 大于 小于 高于 低于 超过 多于 少于 不足) cannot be scored in proportion: such a target is text.
- Units: 千/万/亿 before a unit scale it exactly (1万元 = 10000元, 1亿元 = 10000万元, 5万人次 =
  50000人次); 日, 工作日 and 个工作日 count as 天. Percent targets hold percentage points (≥95% → 95).
- Deadlines (kind ``"deadline"``): a date — 9月底前, 9月30日前, 2024年9月底前, 第三季度末前, 年底前,
  上半年 — has unit ``"日期"`` and value MMDD (``930``), or YYYYMMDD (``20240930``) when the year is
  written; 月底/季度末/年底 is the last day (2月底 without a year: the 29th) and 前 includes the day itself.
  A time limit — 2天以内, 2个工作日内, ≤2天, 24小时内 — has unit 天 or 小时 and op ``"<="``;
  a bare ``2天`` is a number.
- Anything else (达成预期指标, 有所提升, 按时完成, >95%, 50个左右) is text.

Actual values
- A number without unit is in the target's unit; a unit is converted exactly (950000元 for a 万元
  target → 95); another unit (人 for a 个 target) is an error.
- Percent targets: text is percentage points (``96%`` and ``96`` are both 96); a number, as Excel
  hands a %-formatted cell, is a ratio when at most 1 (``0.96`` → 96) and percentage points above 1.
  The two readings that may be meant otherwise — text up to 1 (``0.96`` → 0.96%) and a number
  from above 1 to 10 (``1.05`` → 1.05%, perhaps a 105% cell) — carry a warning giving both.
- Date targets: a date cell, 2024-09-20, 2024年9月20日, 9月20日, 9月 or 9月底 (the last day), 9月上旬/
  中旬/下旬 (the 10th/20th/last day), 8月完成. Years are compared only when the target states one;
  an actual without a year is then taken in the target's year.
- An actual written like its target, with the target's operator (``2天以内``, ``3个工作日内`` for a time limit,
  ``≥52个`` for ≥50个, ``10月底前完成`` for a date), is read as its figure.
- Deadlines (dates and time limits): 按时完成, 已按时完成, 提前完成, 是 … → the target itself (on time);
  未按时完成, 逾期, 未完成, 否 … → ``LATE`` (``Decimal("Infinity")``, later than any deadline).
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from .evidence import EvidenceError, _text, parse_number

Op = Literal[">=", "<=", "="]
DATE_UNIT = "日期"
DURATION_UNITS = ("天", "小时")
LATE = Decimal("Infinity")

_PREFIX_OPS: dict[str, Op] = {
    **dict.fromkeys(("≥", "≧", "⩾", ">=", "=>", "不低于", "不少于", "不小于", "大于等于", "大于或等于", "至少", "达到"), ">="),
    **dict.fromkeys(("≤", "≦", "⩽", "<=", "=<", "不高于", "不超过", "不多于", "不大于", "小于等于", "小于或等于", "最多"), "<="),
    **dict.fromkeys(("=", "==", "等于"), "="),
}
_SUFFIX_OPS: dict[str, Op] = {
    **dict.fromkeys(("及以上", "以上"), ">="),
    **dict.fromkeys(("及以下", "以下", "以内", "之内", "内"), "<="),
}
STRICT_OPS = (">", "<", "大于", "小于", "高于", "低于", "超过", "多于", "少于", "不足")
_DONE = ("完成", "办结")
_BEFORE = ("之前", "以前", "之内", "以内", "前", "内")
_NUMBER_UNIT = re.compile(r"([+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?)(.*)")
_UNIT = re.compile(r"%|[A-Za-z\u4e00-\u9fff²³㎡/]{1,8}")
_NOT_IN_UNIT = set("左右约余多近超达及或和等的前后内外上下")
_UNIT_ALIASES = {"日": "天", "工作日": "天", "个工作日": "天", "个小时": "小时"}
_SCALES = {"亿": Decimal(10**8), "万": Decimal(10**4), "千": Decimal(10**3)}

_CN_DIGITS = "一二三四五六七八九"
_N = r"(?:[0-9]{1,2}|[一二三四五六七八九十]{1,3})"
_YEAR = r"(?:(?P<year>[0-9]{4})年)?"
_MONTH_DATE = re.compile(rf"{_YEAR}(?P<month>{_N})月(?:(?P<day>{_N})[日号]|(?P<part>底|末|份|上旬|中旬|下旬))?")
_ISO_DATE = re.compile(  # 2024-09-20, 2024/9/20, 2024.9.20, with an optional time as Excel or isoformat() writes it
    r"(?P<year>[0-9]{4})[-/.](?P<month>[0-9]{1,2})[-/.](?P<day>[0-9]{1,2})"
    r"(?:[T ][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?")
_QUARTER = re.compile(rf"{_YEAR}第?(?P<quarter>[1-4一二三四])季度(?:末|底)?")
_HALF = re.compile(rf"{_YEAR}(?P<half>上|下)半年(?:末|底)?")
_YEAR_END = re.compile(r"(?:(?P<year>[0-9]{4})年)?(?P<end>年底|年末|年内|年度内|底|末|内)")
_PARTS = {"上旬": 10, "中旬": 20}
_LEADING = ("已于", "于", "在")

_ON_TIME_WORDS = {"按时完成", "已按时完成", "按期完成", "已按期完成", "如期完成", "已如期完成", "提前完成", "已提前完成",
                  "按时", "按期", "及时", "是"}
_LATE_WORDS = {"未按时完成", "未按期完成", "未如期完成", "逾期", "逾期完成", "超期", "超期完成", "延期", "延期完成", "未完成",
               "否"}


# Indicator names that say lower is better. A target written without a sign (``5%``) on such an indicator is
# scored 反向 (as ≤5%), with a warning asking for the sign; the list is documented in docs/ruleset-format.md.
LOWER_IS_BETTER = ("调整率", "结余率", "控制率", "差错率", "错误率", "出错率", "失误率", "投诉", "事故", "违规", "违纪", "违法",
                   "超支", "超标", "超期", "逾期", "延误", "不合格", "返工率", "流失率", "闲置率", "空置率", "损失", "发生率",
                   "发病率", "死亡率", "故障率", "上访", "信访量", "欠款", "坏账", "赤字")
# …unless the name measures how well they are handled or something wanted (投诉办结率, 事故处理率, 合格率 are 正向).
HIGHER_IS_BETTER = re.compile(
    r"(?:办结|处理|处置|回复|答复|解决|整改|查处|结案|化解|完成|覆盖|达标|知晓|满意|执行|到位|及时|准确|正确|受理|"
    r"(?<!不)合格|通过|响应|回访|挽回|追回)率|满意度|及时性|完成情况")


def lower_is_better(name: str) -> bool:
    """True when an indicator's name says lower is better (预算调整率, 结转结余率, 投诉次数), False otherwise
    (覆盖率, 投诉办结率, 合格率)."""
    compact = re.sub(r"\s+", "", name)
    return any(word in compact for word in LOWER_IS_BETTER) and not HIGHER_IS_BETTER.search(compact)


@dataclass(frozen=True)
class Target:
    """A 年度指标值: ``value`` is the number (percentage points for %; MMDD or YYYYMMDD for a date)."""

    text: str
    kind: Literal["number", "deadline", "text"]
    op: Op | None
    value: Decimal | None
    unit: str

    @property
    def is_date(self) -> bool:
        return self.kind == "deadline" and self.unit == DATE_UNIT

    @property
    def strict(self) -> bool:
        """A text target typed with a strict operator (>95%, 大于50个)."""
        return self.kind == "text" and re.sub(r"\s+", "", _text(self.text) or "").startswith(STRICT_OPS)


@dataclass(frozen=True)
class Actual:
    """An actual value in the target's unit (``LATE`` when late), how the explanation shows it, and doubts
    about it (a percent that could be read two ways)."""

    value: Decimal
    shown: str
    warnings: tuple[str, ...] = ()


def plain(value: Decimal) -> str:
    """A number as typed, without trailing zeros: 48.0 → '48', 1E+2 → '100'."""
    return f"{value.normalize():f}"


def is_blank(value: object) -> bool:
    """An empty cell: None, blank text or a mark such as — (as ``evidence`` reads them)."""
    return value is None or (isinstance(value, str) and _text(value) is None)


def _example(target: Target, number: Decimal | None = None) -> str:
    """The right form of an actual value for a number target, e.g. ``48个`` (``number`` in its unit)."""
    figure = number if number is not None else target.value
    return f"{plain(figure) if figure is not None else '48'}{target.unit}"


def _show_date(value: Decimal) -> str:
    """930 → '9月30日'; 20240930 → '2024年9月30日'."""
    year, month_day = divmod(int(value), 10000)
    month, day = divmod(month_day, 100)
    return f"{year}年{month}月{day}日" if year else f"{month}月{day}日"


def _show(value: object) -> str:
    text = str(value).strip()
    return text if len(text) <= 30 else text[:30] + "…"


def parse_target(value: object) -> Target | None:
    """A target cell; ``None`` when blank. Text that is not a comparable target is kind ``"text"``."""
    if value is None:
        return None
    if isinstance(value, dt.date):
        return Target(value.isoformat()[:10], "deadline", "<=", _date_value(value.year, value.month, value.day), DATE_UNIT)
    typed = str(value).strip()
    text_target = Target(typed, "text", None, None, "")
    if isinstance(value, bool):
        return text_target
    if isinstance(value, (int, float, Decimal)):
        try:
            number = parse_number(value, "年度指标值")
        except EvidenceError:
            return text_target
        return Target(typed, "number", None, number, "") if number is not None else None
    folded = _text(value)
    if folded is None:
        return None
    compact = _strip_end(re.sub(r"\s+", "", folded), _DONE)
    date = _date(compact)
    if date is not None:
        return Target(typed, "deadline", "<=", date, DATE_UNIT)
    op, body = _operator(compact)
    if op is None and compact.startswith(STRICT_OPS):
        return text_target
    date = _date(body) if op == "<=" else None
    if date is not None:
        return Target(typed, "deadline", "<=", date, DATE_UNIT)
    read = _number_and_unit(body)
    if read is None:
        return text_target
    number, unit = read
    kind: Literal["number", "deadline"] = "deadline" if unit in DURATION_UNITS and op == "<=" else "number"
    return Target(typed, kind, op, number, unit)


def parse_actual(value: object, target: Target, label: str = "实际完成值") -> Decimal | None:
    """An actual value in the target's unit (``LATE`` for a late deadline); ``None`` when blank.

    Raises EvidenceError when it cannot be compared with the target.
    """
    actual = read_actual(value, target, label)
    return None if actual is None else actual.value


def read_actual(value: object, target: Target, label: str = "实际完成值") -> Actual | None:
    """``parse_actual`` with the figure as the explanation shows it (``95万元（950000元）``, ``9月20日``)."""
    if is_blank(value):
        return None
    if target.kind == "text" or target.value is None:
        raise EvidenceError(f"年度指标值“{_show(target.text)}”不是数值或时限，{label}无法与之比较")
    if target.kind == "deadline":
        timely = on_time(value)
        if timely is not None:
            return Actual(target.value if timely else LATE, _show(value))
    if target.is_date:
        return _date_actual(value, target, label)
    return _number_actual(value, target, label)


def on_time(value: object) -> bool | None:
    """True for 按时完成 (and the like), False for 逾期/未按时完成, None for anything else."""
    if not isinstance(value, str):
        return None
    text = _text(value)
    word = re.sub(r"\s+", "", text) if text else ""
    return True if word in _ON_TIME_WORDS else False if word in _LATE_WORDS else None


def _operator(text: str) -> tuple[Op | None, str]:
    """The operator typed before or after the number, and the rest; a conflicting pair gives no body."""
    op: Op | None = None
    for word in sorted(_PREFIX_OPS, key=len, reverse=True):
        if text.startswith(word):
            op, text = _PREFIX_OPS[word], text[len(word):]
            break
    for word in sorted(_SUFFIX_OPS, key=len, reverse=True):
        if text.endswith(word):
            if op is not None and op != _SUFFIX_OPS[word]:
                return op, ""
            op, text = _SUFFIX_OPS[word], text[: -len(word)]
            break
    return op, text


def _number_and_unit(text: str) -> tuple[Decimal, str] | None:
    """``50个`` → (50, '个'); None when the text is not a number with a plausible unit."""
    match = _NUMBER_UNIT.fullmatch(text)
    if not match:
        return None
    unit = _UNIT_ALIASES.get(match[2], match[2])
    if unit and (not _UNIT.fullmatch(unit) or _NOT_IN_UNIT & set(unit)):
        return None
    try:
        number = parse_number(match[1], "年度指标值")
    except EvidenceError:
        return None
    return (number, unit) if number is not None else None


def _split_unit(unit: str) -> tuple[Decimal, str]:
    """'万元' → (10000, '元'); '万' → (10000, ''); '个' → (1, '个')."""
    if unit[:1] in _SCALES:
        return _SCALES[unit[0]], unit[1:]
    return Decimal(1), unit


def _number_actual(value: object, target: Target, label: str) -> Actual:
    assert target.value is not None
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        number = parse_number(value, label, example=_example(target))
        assert number is not None
        doubt = _percent_doubt(number, value, label) if target.unit == "%" and 1 < number <= 10 else ()
        if target.unit == "%" and number <= 1:
            number *= 100
        return Actual(number, f"{plain(number)}{target.unit}", doubt)
    folded = _text(value) if isinstance(value, str) else None
    compact = _like_target(re.sub(r"\s+", "", folded), target) if folded else ""
    match = _NUMBER_UNIT.fullmatch(compact) if compact else None
    unit = _UNIT_ALIASES.get(match[2], match[2]) if match else ""
    if not match or (unit and not _UNIT.fullmatch(unit)):
        raise EvidenceError(f"{label}“{_show(value)}”不是数值，应填写如「{_example(target)}」")
    number = parse_number(match[1], label, example=_example(target))
    assert number is not None
    if not unit or unit == target.unit:
        doubt = _percent_doubt(number, value, label) if target.unit == "%" and not unit and 0 < number <= 1 else ()
        return Actual(number, f"{plain(number)}{target.unit}", doubt)
    scale, base = _split_unit(unit)
    target_scale, target_base = _split_unit(target.unit)
    if base and target_base and base != target_base:
        raise EvidenceError(
            f"{label}的单位“{unit}”与年度指标值的单位“{target.unit}”不同，应填写如「{_example(target, number)}」")
    if scale == target_scale:
        return Actual(number, f"{plain(number)}{unit}")
    converted = number * scale / target_scale
    return Actual(converted, f"{plain(converted)}{target.unit}（{plain(number)}{unit}）")


def _like_target(text: str, target: Target) -> str:
    """An actual written like its target (``2天以内`` for ``2天以内``, ``≥52个`` for ``≥50个``, ``2天完成``): the figure alone.
    Another operator than the target's is left in place (and refused: it does not say what was achieved)."""
    stripped = _strip_end(text, _DONE)
    op, body = _operator(stripped)
    if op is None:
        return stripped
    return body if op == target.op and body else text


def _percent_doubt(points: Decimal, typed: object, label: str) -> tuple[str, ...]:
    """A percent target's actual that may mean 100 times as much (0.96 typed as text, 1.05 from a cell)."""
    other = plain(points * 100)
    return (f"{label}填写为「{_show(typed)}」，按{plain(points)}%计；如指{other}%，请填写「{other}%」",)


def _date_actual(value: object, target: Target, label: str) -> Actual:
    assert target.value is not None
    wrong = f"{label}“{_show(value)}”不是日期，应填写如「9月20日」「2024-09-20」或「按时完成」"
    if isinstance(value, dt.date):
        year: int | None = value.year
        month, day = value.month, value.day
    else:
        folded = _text(value) if isinstance(value, str) else None
        parts = _date_parts(folded) if folded else None
        if parts is None:
            raise EvidenceError(wrong)
        year, month, day = parts
    target_year = int(target.value) // 10000
    if not target_year:
        year = None
    elif year is None:
        year = target_year
    return Actual(_date_value(year, month, day), _show_date(_date_value(year, month, day)))


def _date(text: str) -> Decimal | None:
    """A date target's value (MMDD or YYYYMMDD), None when the text is not a date."""
    parts = _date_parts(text)
    return None if parts is None else _date_value(*parts)


def _date_value(year: int | None, month: int, day: int) -> Decimal:
    return Decimal((year or 0) * 10000 + month * 100 + day)


def _date_parts(text: str) -> tuple[int | None, int, int] | None:
    """(year or None, month, day) of a date or of a period's last day; None when not a valid date."""
    iso = _ISO_DATE.fullmatch(re.sub(r"\s+", " ", text).strip())
    if iso:
        return _valid(int(iso["year"]), int(iso["month"]), int(iso["day"]))
    text = _strip_end(re.sub(r"\s+", "", text), _DONE)
    for word in _LEADING:
        if text.startswith(word):
            text = text[len(word):]
            break
    return _period_end(text) or _period_end(_strip_end(text, _BEFORE))


def _period_end(text: str) -> tuple[int | None, int, int] | None:
    """A date (9月20日, 2024-09-20) or the last day of a period (9月底, 第三季度, 上半年, 年底)."""
    iso = _ISO_DATE.fullmatch(text)
    if iso:
        return _valid(int(iso["year"]), int(iso["month"]), int(iso["day"]))
    match = _MONTH_DATE.fullmatch(text)
    if match:
        year, month = _year(match), _small_int(match["month"])
        if match["day"]:
            return _valid(year, month, _small_int(match["day"]))
        day = _PARTS.get(match["part"] or "")
        return _valid(year, month, day) if day else _month_end(year, month)
    match = _QUARTER.fullmatch(text)
    if match:
        return _month_end(_year(match), _small_int(match["quarter"]) * 3)
    match = _HALF.fullmatch(text)
    if match:
        return _month_end(_year(match), 6 if match["half"] == "上" else 12)
    match = _YEAR_END.fullmatch(text)
    if match and (match["year"] or match["end"].startswith("年")):
        return _month_end(_year(match), 12)
    return None


def _year(match: re.Match[str]) -> int | None:
    return int(match["year"]) if match["year"] else None


def _strip_end(text: str, words: tuple[str, ...]) -> str:
    for word in words:
        if text.endswith(word) and len(text) > len(word):
            return text[: -len(word)]
    return text


def _small_int(text: str) -> int:
    """'9' → 9; '九' → 9, '十二' → 12, '三十一' → 31; 0 when not a number."""
    if text.isascii() and text.isdigit():
        return int(text)
    tens, ten, ones = text.partition("十")
    if not ten:
        return _CN_DIGITS.index(text) + 1 if len(text) == 1 and text in _CN_DIGITS else 0
    if len(tens) > 1 or len(ones) > 1 or (tens and tens not in _CN_DIGITS) or (ones and ones not in _CN_DIGITS):
        return 0
    return (_CN_DIGITS.index(tens) + 1 if tens else 1) * 10 + (_CN_DIGITS.index(ones) + 1 if ones else 0)


def _month_end(year: int | None, month: int) -> tuple[int | None, int, int] | None:
    if not 1 <= month <= 12:
        return None
    return year, month, calendar.monthrange(year or 2000, month)[1]


def _valid(year: int | None, month: int, day: int) -> tuple[int | None, int, int] | None:
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(year or 2000, month)[1]:
        return None
    if year is not None and not 1900 <= year <= 2100:
        return None
    return year, month, day

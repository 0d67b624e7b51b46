"""Data references that bind a rule input to evaluation data.

``accounts.<行次>.<initial|budget|final>`` · ``info.<field>`` · ``survey.<rate|average|total|top1|top2>`` ·
``fund.<total|fiscal|other>.<initial|budget|final>`` (the self-evaluation form's fund block, in its unit) ·
``basic.<item>.<last_final|budget|final>`` and ``basic.staff.<quota|actual>`` (its 基础数据表; items in ``BASIC_ITEMS``)
"""
from __future__ import annotations

from decimal import Decimal

from .accounts import COLUMN_NAMES, COLUMNS, ROWS
from .evaluation import BasicInfo, Evaluation
from .self_form import BASIC_COLUMNS, BASIC_ITEMS, FUND_COLUMNS, FUND_LINES, STAFF_FIELDS

INFO_NUMBERS = tuple(
    name for name, field in BasicInfo.model_fields.items()
    if field.annotation in (int | None, Decimal | None)
)
SURVEY_FIELDS = {"rate": "问卷满意率", "average": "问卷得分", "total": "问卷总分",
                 "top1": "选最高档人数占比", "top2": "选最高两档人数占比"}
_TOP = {"top1": 1, "top2": 2}


def describe(ref: str) -> str:
    """Chinese name of a reference, e.g. ``accounts.61.final`` → ``决算表第61行决算数``.

    Raises ValueError (Chinese) for an unknown reference.
    """
    parts = ref.split(".")
    if parts[0] == "accounts" and len(parts) == 3 and parts[1].isdigit() and parts[2] in COLUMNS:
        row = int(parts[1])
        if row in ROWS:
            return f"决算表第{row}行{COLUMN_NAMES[parts[2]]}"
    if parts[0] == "info" and len(parts) == 2 and parts[1] in INFO_NUMBERS:
        return BasicInfo.model_fields[parts[1]].description or parts[1]
    if parts[0] == "survey" and len(parts) == 2 and parts[1] in SURVEY_FIELDS:
        return SURVEY_FIELDS[parts[1]]
    if parts[0] == "fund" and len(parts) == 3 and parts[1] in FUND_LINES and parts[2] in FUND_COLUMNS:
        return f"{FUND_LINES[parts[1]].removeprefix('其中：')}{FUND_COLUMNS[parts[2]]}"
    if parts[0] == "basic" and len(parts) == 3:
        if parts[1] in BASIC_ITEMS and parts[2] in BASIC_COLUMNS:
            return f"基础数据表{BASIC_ITEMS[parts[1]].removeprefix('其中：')}{BASIC_COLUMNS[parts[2]]}"
        if parts[1] == "staff" and parts[2] in STAFF_FIELDS:
            return f"基础数据表{STAFF_FIELDS[parts[2]]}"
    raise ValueError(f"未知的数据引用「{ref}」（可用 accounts.<行次>.<initial|budget|final>、info.<字段>、"
                     "survey.<rate|average|total|top1|top2>、fund.<total|fiscal|other>.<initial|budget|final>、"
                     f"basic.<{'|'.join(BASIC_ITEMS)}>.<last_final|budget|final>、basic.staff.<quota|actual>）")


def resolve(evaluation: Evaluation, ref: str) -> Decimal | int | None:
    """The value a reference points at, or None when that data is blank."""
    describe(ref)
    kind, _, name = ref.partition(".")
    if kind == "accounts":
        row, _, column = name.partition(".")
        return evaluation.accounts.get(int(row), column)
    if kind == "info":
        return getattr(evaluation.info, name)
    if kind == "basic":
        basic = evaluation.self_form.basic if evaluation.self_form is not None else None
        if basic is None:
            return None
        item, _, column = name.partition(".")
        found: Decimal | int | None = getattr(basic.staff if item == "staff" else basic.line(item), column)
        return found
    if kind == "fund":
        if evaluation.self_form is None:
            return None
        line, _, column = name.partition(".")
        value: Decimal | None = getattr(evaluation.self_form.fund.line(line), column)
        return value
    survey = evaluation.survey
    if survey is None:
        return None
    if name in _TOP:
        return survey.top_share(_TOP[name])
    return survey.total if name == "total" else getattr(survey, name)

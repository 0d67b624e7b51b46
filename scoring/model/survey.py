"""Satisfaction questionnaire (附件4): points × counts → total, average, satisfaction rate.

An option's standard points may be left blank when the questionnaire's 分值方案 (``10/5/0``, several joined
by ``；``) has a scale with as many points as the question has options: the scale gives them. A question
still without points is listed (SURVEY-POINTS) and the questionnaire has no score until it gets them.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TypeVar

from pydantic import Field, model_validator

from ..common.base import Record
from ..common.evidence import EvidenceError, parse_count, parse_number
from ..common.findings import Finding
from ..common.numbers import ZERO, fmt_points, round2

# Caps far beyond any real questionnaire (a department surveys tens to thousands of people; a whole questionnaire
# is worth 100 points): a typo such as 99999999999999 is refused instead of tallied, and Σ points × count stays
# well inside Decimal's 28 digits, so totals and averages are exact and round without error.
MAX_RESPONDENTS = 10_000_000  # people choosing an option; questionnaires issued, returned, valid
MAX_POINTS = 10_000  # an option's standard points
MAX_QUESTIONS = 200  # a satisfaction questionnaire asks 10 to 30; the report prints a table row and a bar for each
MAX_OPTIONS = 50  # options of one question (a 5-point scale, or a list of services)
_N = TypeVar("_N", Decimal, int)


class SurveyOption(Record):
    label: str
    text: str
    points: Decimal | None = Field(default=None, ge=0, le=MAX_POINTS)  # None: not yet given
    count: int = Field(default=0, ge=0, le=MAX_RESPONDENTS)


class SurveyQuestion(Record):
    number: int = Field(ge=1)
    text: str
    options: list[SurveyOption] = Field(min_length=1, max_length=MAX_OPTIONS)

    @property
    def total(self) -> Decimal:
        return sum((o.points * o.count for o in self.options if o.points is not None), ZERO)

    @property
    def answers(self) -> int:
        return sum(o.count for o in self.options)

    @property
    def max_points(self) -> Decimal:
        return max((o.points for o in self.options if o.points is not None), default=ZERO)

    @property
    def scored(self) -> bool:
        """Every option has its standard points."""
        return all(o.points is not None for o in self.options)

    @property
    def points(self) -> tuple[Decimal | None, ...]:
        return tuple(o.points for o in self.options)


class Survey(Record):
    title: str = "满意度调查问卷"
    issued: int = Field(ge=0, le=MAX_RESPONDENTS)
    returned: int = Field(ge=0, le=MAX_RESPONDENTS)
    valid: int = Field(ge=0, le=MAX_RESPONDENTS)
    questions: list[SurveyQuestion] = Field(default_factory=list, max_length=MAX_QUESTIONS)
    scale: str = ""  # 分值方案: ``10/5/0``, or one per number of options ``100/80/60/0；100/60/0``

    @model_validator(mode="after")
    def _apply_scale(self) -> Survey:
        """Blank standard points from the scale with as many points as the question has options."""
        scales = parse_scale(self.scale)
        for index, question in enumerate(self.questions):
            points = scored_points(question.points, scales)
            if points != question.points:
                options = [o.model_copy(update={"points": p}) for o, p in zip(question.options, points)]
                self.questions[index] = question.model_copy(update={"options": options})
        return self

    @property
    def unscored(self) -> list[int]:
        """Numbers of the questions with an option still lacking its standard points."""
        return [q.number for q in self.questions if not q.scored]

    def scale_use(self) -> dict[str, list[int]]:
        """Which questions score by which scale of the 分值方案 (``"10/5/0"`` → [1, 2, …]); own points are left out."""
        used: dict[str, list[int]] = {}
        for question in self.questions:
            scale = parse_scale(self.scale).get(len(question.options))
            if scale is not None and question.points == scale:
                used.setdefault(scale_text(scale), []).append(question.number)
        return used

    def scale_notes(self) -> list[str]:
        """``第1–10题按分值方案 10/5/0 计分``, one per scale in use (what check and the report say)."""
        return [f"第{numbers_text(numbers)}题按分值方案 {scale} 计分" for scale, numbers in self.scale_use().items()]

    @property
    def total(self) -> Decimal:
        return sum((q.total for q in self.questions), ZERO)

    @property
    def max_score(self) -> Decimal:
        """Full marks of one questionnaire (100 in the seed)."""
        return sum((q.max_points for q in self.questions), ZERO)

    @property
    def average(self) -> Decimal | None:
        """问卷综合得分 = total ÷ valid questionnaires, rounded half up (4835/49 = 98.67); None while a question lacks points."""
        return None if self.unscored else survey_average(self.total, self.valid)

    @property
    def rate(self) -> Decimal | None:
        """满意率 as a ratio: the average as a share of full marks (98.67/100 = 0.9867)."""
        average = self.average
        if average is None or self.max_score == 0:
            return None
        return average / self.max_score

    def top_share(self, options: int) -> Decimal | None:
        """满意率 by the other common method, as a ratio: the share of all answers given to options scored at
        least each question's ``options``-th highest score (1: 非常满意 only; 2: 非常满意 or 满意) — what
        Excel's SUMIF(…,">="&LARGE(…,n),…) gives."""
        answers = sum(q.answers for q in self.questions)
        if answers == 0:
            return None
        top = 0
        for question in self.questions:
            scores = sorted((o.points for o in question.options if o.points is not None), reverse=True)
            if scores:
                least = scores[min(options, len(scores)) - 1]
                top += sum(o.count for o in question.options if o.points is not None and o.points >= least)
        return Decimal(top) / Decimal(answers)

    def findings(self) -> list[Finding]:
        found = []
        if self.returned > self.issued:
            found.append(_finding("SURVEY-RETURNED", "问卷", f"收回问卷{self.returned}份多于发放问卷{self.issued}份", self.issued, self.returned))
        if self.valid > self.returned:
            found.append(_finding("SURVEY-VALID", "问卷", f"有效问卷{self.valid}份多于收回问卷{self.returned}份", self.returned, self.valid))
        if self.valid == 0:
            found.append(_finding("SURVEY-EMPTY", "问卷", "有效问卷为0份，无法计算问卷得分", None, Decimal(0)))
        if self.unscored:
            found.append(Finding(severity="error", code="SURVEY-POINTS", where="问卷", message=(
                f"第{numbers_text(self.unscored)}题的选项缺少标准分值，问卷得分无法计算：请填写各选项的标准分值，"
                "或在「分值方案」填写各题通用的分值，如 10/5/0（三个选项）、100/80/60/0（四个选项）")))
        untitled = [q.number for q in self.questions if not q.text.strip()]
        bare = [q.number for q in self.questions if q.text.strip() and not any(o.text.strip() for o in q.options)]
        if untitled or bare:
            missing = "；".join(part for part in (
                f"第{numbers_text(untitled)}题没有问题内容" if untitled else "",
                f"第{numbers_text(bare)}题的选项没有选项内容" if bare else "") if part)
            found.append(Finding(severity="warning", code="SURVEY-TEXT", where="问卷",
                                 message=f"{missing}：报告附件4的问卷表将缺少这些文字，请在问卷表填写（不影响计分）"))
        found += [Finding(severity="info", code="SURVEY-SCALE", where="问卷", message=note) for note in self.scale_notes()]
        for q in self.questions:
            if q.answers != self.valid:
                found.append(
                    _finding(
                        "SURVEY-COUNT", f"问卷第{q.number}题",
                        f"第{q.number}题各选项人数合计{q.answers}，与有效问卷{self.valid}份不符",
                        self.valid, q.answers,
                    )
                )
        return found


def _finding(code: str, where: str, message: str, expected: int | None, actual: Decimal | int) -> Finding:
    return Finding(
        severity="error", code=code, where=where, message=message,
        expected=None if expected is None else Decimal(expected), actual=Decimal(actual),
        difference=None if expected is None else Decimal(actual) - Decimal(expected),
    )


def numbers_text(numbers: list[int]) -> str:
    """``[1, 2, 3, 5]`` → ``1–3、5``."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return "、".join(f"{r[0]}–{r[-1]}" if len(r) > 2 else "、".join(map(str, r)) for r in runs)


_SCALE_SPLIT = re.compile(r"[；;，,\s]+")
_SCALE_POINTS = re.compile(r"[/／、]")


def parse_scale(value: object) -> dict[int, tuple[Decimal, ...]]:
    """分值方案 ``100/80/60/0；100/60/0`` → {4: (100, 80, 60, 0), 3: (100, 60, 0)}; {} when blank."""
    written = "" if value is None else str(value).strip()
    scales: dict[int, tuple[Decimal, ...]] = {}
    for part in filter(None, _SCALE_SPLIT.split(written)):
        pieces = _SCALE_POINTS.split(part)
        if len(pieces) < 2:
            raise EvidenceError(f"分值方案「{part}」应按选项顺序写出各选项的分值，用 / 分隔，如 10/5/0")
        points = tuple(parse_points(p, f"分值方案「{part}」中的分值") for p in pieces)
        if any(p is None for p in points):
            raise EvidenceError(f"分值方案「{part}」中有空缺的分值，应如 10/5/0")
        if len(points) in scales:
            raise EvidenceError(f"分值方案中有两个{len(points)}个选项的方案（{scale_text(scales[len(points)])}、{part}），只能有一个")
        scales[len(points)] = tuple(p for p in points if p is not None)
    return scales


def scored_points(points: Sequence[Decimal | None], scales: dict[int, tuple[Decimal, ...]]) -> tuple[Decimal | None, ...]:
    """A question's standard points (None: blank, in option order) as scored: when one is blank and ``scales``
    has a scale of as many points as the question has options, each blank takes the scale's point at its place
    (``Survey``, and the sheet's 计分分值 cells through ``PE_SURVEY_POINT``)."""
    scale = scales.get(len(points))
    if scale is None or all(p is not None for p in points):
        return tuple(points)
    return tuple(s if p is None else p for p, s in zip(points, scale))


def scale_text(points: Iterable[Decimal]) -> str:
    return "/".join(fmt_points(p) for p in points)


def survey_average(total: Decimal, valid: int) -> Decimal | None:
    return None if valid <= 0 else round2(total / valid)


def parse_points(value: object, what: str = "标准分值") -> Decimal | None:
    """An option's standard points, 0 to ``MAX_POINTS``; None when the cell is blank."""
    points = parse_number(value, what, example="10")
    if points is not None and points < 0:
        raise EvidenceError(f"{what}「{points}」不能为负数，如 10")
    return _at_most(points, MAX_POINTS, what)


def parse_respondents(value: object, what: str = "人数") -> int | None:
    """A number of people or questionnaires, 0 to ``MAX_RESPONDENTS``; None when the cell is blank."""
    return _at_most(parse_count(value, what, example="49"), MAX_RESPONDENTS, what)


def _at_most(number: _N | None, limit: int, what: str) -> _N | None:
    if number is not None and number > limit:
        raise EvidenceError(f"{what}「{number}」超出合理范围（不超过{limit}）")
    return number


def tally(points: Iterable[object], counts: Iterable[object]) -> Decimal:
    """Σ points × count over parallel columns; blank rows are skipped (used by the PE_SURVEY_* cells)."""
    total = ZERO
    for index, (p, c) in enumerate(zip(points, counts, strict=True), start=1):
        point = parse_points(p, f"第{index}行分值")
        count = parse_respondents(c, f"第{index}行人数")
        if point is None and count is None:
            continue
        if point is None:
            raise EvidenceError(f"第{index}行填写了人数但缺少分值")
        total += point * (count or 0)
    return total


"""Satisfaction questionnaire (附件4): points × counts → total, average, satisfaction rate."""
from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TypeVar

from pydantic import Field

from ..common.base import Record
from ..common.evidence import EvidenceError, parse_count, parse_number
from ..common.findings import Finding
from ..common.numbers import ZERO, round2

# Caps far beyond any real questionnaire (a department surveys tens to thousands of people; a whole questionnaire
# is worth 100 points): a typo such as 99999999999999 is refused instead of tallied, and Σ points × count stays
# well inside Decimal's 28 digits, so totals and averages are exact and round without error.
MAX_RESPONDENTS = 10_000_000  # people choosing an option; questionnaires issued, returned, valid
MAX_POINTS = 10_000  # an option's standard points
_N = TypeVar("_N", Decimal, int)


class SurveyOption(Record):
    label: str
    text: str
    points: Decimal = Field(ge=0, le=MAX_POINTS)
    count: int = Field(default=0, ge=0, le=MAX_RESPONDENTS)


class SurveyQuestion(Record):
    number: int = Field(ge=1)
    text: str
    options: list[SurveyOption] = Field(min_length=1)

    @property
    def total(self) -> Decimal:
        return sum((o.points * o.count for o in self.options), ZERO)

    @property
    def answers(self) -> int:
        return sum(o.count for o in self.options)

    @property
    def max_points(self) -> Decimal:
        return max(o.points for o in self.options)


class Survey(Record):
    title: str = "满意度调查问卷"
    issued: int = Field(ge=0, le=MAX_RESPONDENTS)
    returned: int = Field(ge=0, le=MAX_RESPONDENTS)
    valid: int = Field(ge=0, le=MAX_RESPONDENTS)
    questions: list[SurveyQuestion] = Field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((q.total for q in self.questions), ZERO)

    @property
    def max_score(self) -> Decimal:
        """Full marks of one questionnaire (100 in the seed)."""
        return sum((q.max_points for q in self.questions), ZERO)

    @property
    def average(self) -> Decimal | None:
        """问卷综合得分 = total ÷ valid questionnaires, rounded half up (4835/49 = 98.67)."""
        return survey_average(self.total, self.valid)

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
            scores = sorted((o.points for o in question.options), reverse=True)
            least = scores[min(options, len(scores)) - 1]
            top += sum(o.count for o in question.options if o.points >= least)
        return Decimal(top) / Decimal(answers)

    def findings(self) -> list[Finding]:
        found = []
        if self.returned > self.issued:
            found.append(_finding("SURVEY-RETURNED", "问卷", f"收回问卷{self.returned}份多于发放问卷{self.issued}份", self.issued, self.returned))
        if self.valid > self.returned:
            found.append(_finding("SURVEY-VALID", "问卷", f"有效问卷{self.valid}份多于收回问卷{self.returned}份", self.returned, self.valid))
        if self.valid == 0:
            found.append(_finding("SURVEY-EMPTY", "问卷", "有效问卷为0份，无法计算问卷得分", None, Decimal(0)))
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


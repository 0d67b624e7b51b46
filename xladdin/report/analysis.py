"""Report text without docx: narrative line kinds, titles, and the per-indicator analysis."""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from scoring import HUNDRED, IndicatorScore, Ruleset, Scorecard, fmt2, fmt_points

_NUMERALS = "一二三四五六七八九十"
_LEVEL1 = re.compile(rf"^[{_NUMERALS}]+、")
_LEVEL2 = re.compile(rf"^[（(][{_NUMERALS}]+[）)]")
_LEVEL3 = re.compile(r"^\d{1,2}[.．](?!\d)")  # 1. — not 1.5万元
_LEVEL4 = re.compile(r"^[（(]\d{1,2}[）)]")
_RUN_IN_END = re.compile(r"[。：:]")
HEADING_MAX = 30  # a longer numbered line is a run-in heading followed by body text


@dataclass(frozen=True)
class Line:
    """One narrative line: ``level`` 1 (一、), 2 （一） or 0 (body); ``head`` is set in the heading font."""

    level: int
    head: str
    rest: str


def classify(line: str) -> Line:
    """Split a numbered line into its heading part and body part (公文 run-in headings: 一、 （一） 1. （1）)."""
    text = line.strip()
    level = next((n for n, pattern in enumerate((_LEVEL1, _LEVEL2, _LEVEL3, _LEVEL4), start=1) if pattern.match(text)), 0)
    if level == 0:
        return Line(0, "", text)
    end = _RUN_IN_END.search(text)
    if end is None or end.end() == len(text):
        return Line(level, text, "") if len(text) <= HEADING_MAX else Line(level, "", text)
    if end.end() > HEADING_MAX:
        return Line(level, "", text)
    return Line(level, text[: end.end()], text[end.end():])


def em_width(text: str) -> float:
    """Width of ``text`` in em: ASCII (digits, separators) half, Chinese full."""
    return sum(0.5 if char.isascii() else 1.0 for char in text)


def level2_count(text: str) -> int:
    """How many （一）-style headings a narrative text has (to number what follows)."""
    kinds = (classify(line) for line in text.splitlines())
    return sum(1 for kind in kinds if kind.level == 2 and kind.head)


def title_lines(text: str, lead: str, per_line: int) -> list[str]:
    """Break a long title after ``lead`` (the unit name) when both parts fit on a line."""
    rest = text[len(lead):]
    if len(text) <= per_line or not lead or not text.startswith(lead) or not rest:
        return [text]
    if len(lead) <= per_line and len(rest) <= per_line:
        return [lead, rest]
    return [text]


def _rate(score: Decimal, weight: Decimal) -> str:
    return f"{fmt2(score / weight * HUNDRED)}%"


def indicator_analysis(rs: Ruleset, card: Scorecard) -> list[Line]:
    """One paragraph per 一级 and 二级 indicator: score, and every 三级 indicator not at full marks."""
    results = {r.code: r for r in card.indicators}
    lines = []
    for i, group in enumerate(rs.level1, start=1):
        score = card.subtotals[group.code]
        lines.append(
            Line(
                1, f"{i}.{group.code}{group.name}：",
                f"分值{fmt_points(group.weight)}分，得分{fmt2(score)}分，得分率{_rate(score, group.weight)}。",
            )
        )
        for j, sub in enumerate(rs.subgroups(group.code), start=1):
            children = [results[c.code] for c in rs.indicators_of(sub.code)]
            notes = []
            for r in children:
                if r.score is None:
                    notes.append(f"{r.code}{r.name}未能计分（{r.explanation}）")
                elif r.override is not None and r.score == r.override:
                    notes.append(f"{r.code}{r.name}经评价组综合评定得{fmt2(r.score)}分（分值{fmt_points(r.weight)}分）")
                elif r.score < r.weight or r.override is not None:
                    notes.append(f"{r.code}{r.name}得{fmt2(r.score)}分（分值{fmt_points(r.weight)}分），{r.explanation}")
            full = len(children) - len(notes)
            text = f"分值{fmt_points(sub.weight)}分，得分{fmt2(card.subtotals[sub.code])}分。"
            if notes:
                text += "其中" + "；".join(notes) + "。"
                if full:
                    text += f"其余{full}项三级指标均得满分。"
            else:
                text += f"所属{full}项三级指标均得满分。"
            lines.append(Line(0, f"（{j}）{sub.code}{sub.name}：", text))
    return lines


def reader_explanation(result: IndicatorScore) -> str:
    """How a score came about, for the report's readers: a manual score is the evaluation group's judgement
    (its reason and the rule's own result are notes for reviewers), a rule's score its explanation."""
    if result.override is not None and result.score == result.override:
        return f"经评价组综合评定，得{fmt2(result.score)}分"
    return result.explanation

"""Findings only a workbook can have: changed formulas, and results Excel saved that differ from the core."""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from scoring import cells
from scoring.accounts import COLUMN_NAMES, IDENTITIES
from scoring.evaluate import score_evaluation
from scoring.evidence import EvidenceError, parse_number
from scoring.findings import Finding
from scoring.model import Evaluation
from scoring.numbers import round2

from . import workbook_layout as L
from .workbook_reader import WorkbookFile, cached_results

_PREFIX = re.compile(r"(_xludf\.|\[\d+\]!|'[^']*'!)(?=PE_)", re.IGNORECASE)


@dataclass(frozen=True)
class Expected:
    place: str  # 指标体系!M4
    what: str
    formula: str | None  # None: only the value is compared
    value: float | str | None  # None: only the formula is compared


def _norm(formula: str) -> str:
    return _PREFIX.sub("", formula.replace(" ", "")).upper()


def expected_cells(evaluation: Evaluation, book: WorkbookFile) -> list[Expected]:
    """Every formula cell whose text and result the core can vouch for."""
    rs = book.ruleset
    card = score_evaluation(evaluation, rs)
    results = {r.code: r for r in card.indicators}
    expected: list[Expected] = []
    sheet = L.INDICATORS
    for index, (_, _, indicator) in enumerate(L.indicator_order(rs)):
        row = L.IND_FIRST_ROW + index
        result = results[indicator.code]
        score = float(result.score) if result.score is not None else result.explanation
        expected.append(Expected(f"{sheet}!{L.IND['score']}{row}", f"{indicator.code}得分", L.score_formula(row), score))
        expected.append(Expected(f"{sheet}!{L.IND['explain']}{row}", f"{indicator.code}计分说明",
                                 L.explain_formula(row), result.explanation))
        for ref, col in zip(indicator.rule.inputs(), L.INPUT_COLUMNS):
            if ref.source:
                expected.append(Expected(f"{sheet}!{col}{row}", f"{indicator.code}{ref.label}", L.bound_formula(ref.source), None))
    accounts = evaluation.accounts
    for identity in IDENTITIES:
        for column, col in L.CHECK_COLUMNS.items():
            if L.check_applies(identity, column):
                values = [accounts.get(row, column) for row in (identity.lhs, *(r for _, r in identity.terms))]
                expected.append(Expected(f"{L.ACCOUNTS}!{col}{L.check_row(identity)}",
                                         f"勾稽检查{identity.code}（{COLUMN_NAMES[column]}）",
                                         L.check_formula(identity, column), cells.check(identity.code, *values)))
    expected += _survey_cells(evaluation)
    total = f"{L.SUMMARY}!D{L.summary_layout(rs).total_row}"
    grade = f"{L.SUMMARY}!D{L.summary_layout(rs).grade_row}"
    expected.append(Expected(total, "总分", None, float(card.total)))
    expected.append(Expected(grade, "等级", f"=PE_GRADE(D{L.summary_layout(rs).total_row},{L.NAME_RULESET})", card.grade))
    return expected


def _survey_cells(evaluation: Evaluation) -> list[Expected]:
    survey = evaluation.survey
    by_number = {q.number: q for q in survey.questions} if survey else {}
    found = []
    for number in range(1, L.QUESTIONS + 1):
        ref = f"G{L.question_rows(number)[0]}"
        formula = L.question_formulas(number)[ref]
        question = by_number.get(number)
        found.append(Expected(f"{L.SURVEY}!{ref}", f"问卷第{number}题得分", formula,
                              float(question.total) if question else ""))
    formulas = L.survey_formulas()
    total, average = L.survey_cell("total"), L.survey_cell("average")
    if survey is None:
        mean: float | str = ""
    elif survey.average is None:
        mean = "有效问卷数为0，无法计算问卷得分"
    else:
        mean = float(survey.average)
    found.append(Expected(f"{L.SURVEY}!{total}", "问卷总分", formulas[total], float(survey.total) if survey else 0.0))
    found.append(Expected(f"{L.SURVEY}!{average}", "问卷综合得分", formulas[average], mean))
    return found


def _same(saved: object, expected: float | str) -> bool:
    if isinstance(expected, float):
        try:
            number = parse_number(saved) if not isinstance(saved, str) else None
        except EvidenceError:
            return False
        return number is not None and round2(number) == round2(Decimal(repr(expected)))
    return str(saved).strip() == expected


def _show(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def workbook_findings(path: Path | str, evaluation: Evaluation) -> list[Finding]:
    """Changed formulas (warning) and saved results that differ from the core (error)."""
    book = WorkbookFile(Path(path))
    saved = cached_results(path)
    findings: list[Finding] = []
    not_calculated = []
    for item in expected_cells(evaluation, book):
        sheet, ref = item.place.split("!")
        cell = book.sheets[sheet]
        if item.formula is not None:
            findings += _formula_finding(item, cell.value(ref), cell.is_formula(ref))
        if item.value is None or item.place not in saved:
            continue
        value = saved[item.place]
        if isinstance(value, str) and value.startswith("#"):
            not_calculated.append(item.place)
        elif not _same(value, item.value):
            findings.append(Finding(
                severity="error", code="WB-CACHED", where=item.place,
                message=f"{item.what}：Excel 保存的结果为「{_show(value)}」，核心计算为「{_show(item.value)}」"
                        "（可能未重新计算、公式或加载项版本不同）",
            ))
    if not_calculated:
        findings.append(Finding(
            severity="info", code="WB-NOT-CALCULATED", where="、".join(not_calculated[:5]) + ("等" if len(not_calculated) > 5 else ""),
            message=f"{len(not_calculated)}个 PE_ 单元格在 Excel 中显示错误值（如 #NAME?）：请在 xlwings 加载项中导入函数后重算",
        ))
    if not saved:
        findings.append(Finding(severity="info", code="WB-NO-CACHE", where=str(Path(path).name),
                                message="工作簿未经 Excel 计算保存，未核对单元格中的计算结果（得分已由核心直接计算）"))
    return findings


def _formula_finding(item: Expected, actual: object, is_formula: bool) -> list[Finding]:
    if is_formula and _norm(str(actual)) == _norm(item.formula):
        return []
    if not is_formula and item.value is None:
        return [Finding(
            severity="warning", code="WB-BINDING", where=item.place,
            message=f"{item.what}应为公式 {item.formula}，现为直接填写的「{actual if actual is not None else ''}」；"
                    "计分采用所填数值，改动源数据不会再更新该指标",
        )]
    return [Finding(
        severity="warning", code="WB-FORMULA", where=item.place,
        message=f"{item.what}的公式应为 {item.formula}，实际为「{actual if actual is not None else ''}」；Excel 中显示的结果可能与核心计算不同",
    )]

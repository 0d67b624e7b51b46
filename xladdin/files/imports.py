"""Apply a 问卷星 or 部门决算 export to an evaluation: what `pe-eval import --into` and the Excel import buttons share."""
from __future__ import annotations

from pathlib import Path

from scoring import (
    AccountsImport,
    Evaluation,
    ExportError,
    Finding,
    SurveyExport,
    SurveyImport,
    SurveyQuestion,
    import_accounts,
    import_survey,
    read_survey_export,
)

from ..workbook.survey import OPTIONS, QUESTIONS
from .export_tables import read_table_file


def survey_export(source: Path) -> SurveyExport:
    sheets = read_table_file(source)
    return read_survey_export(next((rows for rows in sheets.values() if rows), []), source.name)


def apply_survey(source: Path, evaluation: Evaluation, *, min_seconds: int | None = None,
                 dedupe_ip: bool = False) -> tuple[Evaluation, SurveyImport, list[Finding]]:
    """The evaluation with its questionnaire replaced by the export's tally (the command and the button share it)."""
    existing = evaluation.survey
    questions = existing.questions if existing and existing.questions else None
    result = import_survey(survey_export(source), questions, min_seconds=min_seconds, dedupe_ip=dedupe_ip)
    survey, notes = result.survey(existing)
    _fits(survey.questions)
    return evaluation.model_copy(update={"survey": survey}), result, [*result.notes, *notes]


def apply_accounts(source: Path, evaluation: Evaluation) -> tuple[Evaluation, AccountsImport, list[Finding]]:
    """The evaluation with the export's 决算 table and 基本信息 (unit, year, Z12 totals; another unit is refused)."""
    result = import_accounts(read_table_file(source), source.name)
    info, notes = result.into(evaluation.info)
    return evaluation.model_copy(update={"accounts": result.accounts, "info": info}), result, [*result.findings, *notes]


def _fits(questions: list[SurveyQuestion]) -> None:
    if len(questions) > QUESTIONS or any(len(q.options) > OPTIONS for q in questions):
        raise ExportError(f"问卷有{len(questions)}题、最多{max(len(q.options) for q in questions)}个选项，"
                       f"工作簿问卷表最多{QUESTIONS}题、每题{OPTIONS}个选项，放不下")

"""Apply a 问卷星 or 部门决算 export to an evaluation: what `pe-eval import --into` and the Excel import buttons share."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from scoring import (
    AccountsImport,
    Evaluation,
    ExportError,
    Finding,
    Ruleset,
    assess,
    SurveyExport,
    SurveyImport,
    SurveyQuestion,
    import_accounts,
    import_survey,
    read_survey_export,
)

from ..workbook import WorkbookFile, build_workbook, expected_cells
from ..workbook import info as info_sheet
from ..workbook import survey as survey_sheet
from ..workbook.cached import with_cached_values
from ..workbook.survey import OPTIONS, QUESTIONS, Form, form_of
from .export_tables import read_table_file

_PROGRESS_LABELS = frozenset(f"{info_sheet.NAME}!A{row}" for row in range(
    info_sheet.PROGRESS_FIRST_ROW, info_sheet.PROGRESS_FIRST_ROW + info_sheet.PROGRESS_ROWS))


@dataclass
class Kept:
    """Cells a rewritten workbook keeps as typed though the evaluation cannot hold them yet (a progress label
    whose rate is to come, a questionnaire whose counts are to come), with what their formulas show."""

    cells: dict[str, object] = field(default_factory=dict)
    results: dict[str, object] = field(default_factory=dict)
    problems: list[Finding] = field(default_factory=list)  # what still cannot be kept: the rewrite would lose it


def kept_cells(book: WorkbookFile, evaluation: Evaluation, replacing_survey: bool = False) -> Kept:
    """What of ``book``'s unreadable inputs a rewrite keeps (``replacing_survey``: the 问卷 counts are filled)."""
    kept = Kept()
    survey_counts = [p for p in book.problems if p.where in survey_sheet.COUNT_CELLS]
    for problem in book.problems:
        sheet, _, ref = problem.where.partition("!")
        if problem.where in _PROGRESS_LABELS and book.blank(sheet, f"B{ref[1:]}"):
            kept.cells[problem.where] = book.text(sheet, ref)
        elif problem not in survey_counts:
            kept.problems.append(problem)
    if survey_counts and not replacing_survey:
        others = [p for p in kept.problems if p.where.startswith(f"{survey_sheet.NAME}!")]
        if evaluation.survey is None and not others:
            form = survey_sheet.import_form(book)
            kept.cells.update({f"{survey_sheet.NAME}!{ref}": v for ref, v in survey_sheet.form_cells(form).items()})
            kept.results.update(survey_sheet.form_results(form))
        else:
            kept.problems += survey_counts
    return kept


def workbook_with(rs: Ruleset, evaluation: Evaluation, ruleset_ref: str | None, kept: Kept) -> bytes:
    """The workbook of ``evaluation`` (as ``workbook_bytes``) with ``kept``'s cells typed in and their results cached."""
    wb = build_workbook(rs, evaluation, ruleset_ref)
    for place, value in kept.cells.items():
        sheet, ref = place.split("!")
        wb[sheet][ref].value = value
    data = evaluation.model_copy(update={"ruleset": ruleset_ref or rs.id})
    values = {item.place: item.value for item in expected_cells(assess(data, rs))}
    return with_cached_values(wb, {**values, **kept.results})


def survey_export(source: Path) -> SurveyExport:
    """The export's answers: its first sheet with any, and those of the sheets after it (answers spread over sheets)."""
    sheets = [(name, rows) for name, rows in read_table_file(source).items() if rows]
    first, *more = sheets or [("", [])]
    return read_survey_export(first[1], source.name, more)


def apply_survey(source: Path, evaluation: Evaluation, form: Form | None = None, *, min_seconds: int | None = None,
                 dedupe_ip: bool = False, force: bool = False) -> tuple[Evaluation, SurveyImport, list[Finding]]:
    """The evaluation with its questionnaire completed by the export's tally (the command and the button share it).

    ``form`` is the 问卷 sheet as typed (its counts may be blank: the import fills them); default the evaluation's.
    An export whose title names another unit is refused (``force``: imported with a warning).
    """
    form = form or form_of(evaluation.survey)
    result = import_survey(survey_export(source), form.questions or None, min_seconds=min_seconds, dedupe_ip=dedupe_ip)
    unit = result.unit_check(evaluation.info.unit_name, force)
    survey, notes = result.survey(title=form.title, issued=form.counts["issued"], scale=form.scale)
    notes = [*unit, *notes]
    _fits(survey.questions)
    return evaluation.model_copy(update={"survey": survey}), result, [*result.notes, *notes]


def apply_accounts(source: Path, evaluation: Evaluation, force: bool = False) -> tuple[Evaluation, AccountsImport, list[Finding]]:
    """The evaluation with the export's 决算 table and 基本信息 (unit, year, Z12 totals; another unit is refused
    unless ``force``)."""
    result = import_accounts(read_table_file(source), source.name)
    info, notes = result.into(evaluation.info, force=force)
    return evaluation.model_copy(update={"accounts": result.accounts, "info": info}), result, [*result.findings, *notes]


def _fits(questions: list[SurveyQuestion]) -> None:
    if len(questions) > QUESTIONS or any(len(q.options) > OPTIONS for q in questions):
        raise ExportError(f"问卷有{len(questions)}题、最多{max(len(q.options) for q in questions)}个选项，"
                       f"工作簿问卷表最多{QUESTIONS}题、每题{OPTIONS}个选项，放不下")

"""The evaluation workbook: one module per sheet; build, read and check are loops over ``SHEETS``.

    build_workbook(rs, evaluation)  → an openpyxl Workbook (the blank template when evaluation is None)
    assess_workbook(path)           → the Assessment of a workbook file, opened and scored once

Also ``build_templates`` (``python -m xladdin.workbook.build_templates``) writes ``workbook_templates/``;
``file`` guards and opens a workbook file, whose cells ``xlsx_cells`` reads in one streaming pass.
May import ``scoring``'s public names and ``xladdin``'s shared facts only.
"""
from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.workbook.defined_name import DefinedName
from pydantic import ValidationError

from scoring import (
    Assessment,
    BasicInfo,
    Evaluation,
    EvidenceError,
    Finding,
    Ruleset,
    assess,
    chinese_errors,
    form_ruleset,
    parse_number,
    round2,
)

from . import accounts, basic_data, guide, indicators, info, report, self_sheet, summary, survey
from . import style as S
from .cached import with_cached_values
from .file import WorkbookError, WorkbookFile
from .sheet import BuildJob, Expected, Reading, SheetModule, absolute

SHEETS: tuple[SheetModule, ...] = (guide, info, accounts, indicators, survey, summary, report)
SELF_SHEETS: tuple[SheetModule, ...] = (guide, self_sheet)
SHEET_NAMES = tuple(sheet.NAME for sheet in SHEETS)
ALL_SHEET_NAMES = tuple(dict.fromkeys(sheet.NAME for sheet in (*SHEETS, *SELF_SHEETS, basic_data)))

# Where the installer puts the buttons: the first of these sheets the workbook has, at these cells.
BUTTON_PLACES = ((summary.NAME, summary.BUTTON_CELLS), (self_sheet.NAME, self_sheet.BUTTON_CELLS))
SHEET_BUTTON_CELLS = {survey.NAME: survey.BUTTON_CELL, accounts.NAME: accounts.BUTTON_CELL}  # xladdin.IMPORT_BUTTONS


def sheets_for(rs: Ruleset) -> tuple[SheetModule, ...]:
    """The sheets of a workbook for ``rs``: the third-party evaluation's, or the self-evaluation form's (with the
    基础数据表 when its structure names that block)."""
    if rs.form != "self":
        return SHEETS
    return (*SELF_SHEETS, basic_data) if basic_data.present(rs) else SELF_SHEETS

__all__ = ["ALL_SHEET_NAMES", "BUTTON_PLACES", "NAME_STATIC_COPY", "SHEET_BUTTON_CELLS", "SELF_SHEETS", "SHEETS", "SHEET_NAMES", "sheets_for", "WorkbookError", "WorkbookFile", "assess_workbook", "build_workbook",
           "expected_cells", "workbook_bytes", "open_workbook", "read_evaluation", "saved_results", "workbook_findings"]


def build_workbook(rs: Ruleset, evaluation: Evaluation | None = None, ruleset_ref: str | None = None) -> Workbook:
    """The whole workbook; ``evaluation`` None gives the blank template.

    ``ruleset_ref`` is what the 规则集 cell holds (default the ruleset's id; a .toml path for a custom one).
    """
    rs = form_ruleset(rs, evaluation)  # a 自评表 laid out by its own structure (self_form.structure)
    job = BuildJob(rs, evaluation, ruleset_ref or rs.id)
    wb = Workbook()
    wb.remove(wb.worksheets[0])
    for sheet in sheets_for(rs):
        sheet.build(wb.create_sheet(sheet.NAME), job)
    guide.embed(wb, rs)  # last, so the visible sheets keep their order and part numbers
    for sheet in sheets_for(rs):
        for name, cell in sheet.defined_names(job).items():
            wb.defined_names[name] = DefinedName(name, attr_text=absolute(sheet.NAME, cell))
    for ws in wb.worksheets:
        S.protect(ws)
    return wb


def workbook_bytes(rs: Ruleset, evaluation: Evaluation | None = None, ruleset_ref: str | None = None) -> bytes:
    """The workbook as the product writes it: built, with every formula's value cached (see ``cached``)."""
    ref = ruleset_ref or rs.id
    data = evaluation.model_copy(update={"ruleset": ref}) if evaluation else Evaluation(ruleset=ref, info=BasicInfo())
    values = {item.place: item.value for item in expected_cells(assess(data, rs))}
    return with_cached_values(build_workbook(rs, evaluation, ruleset_ref), values)


def open_workbook(path: Path | str, ruleset: Ruleset | None = None) -> WorkbookFile:
    """Guard, parse and resolve the ruleset of a workbook file, once."""
    book = WorkbookFile(Path(path), ALL_SHEET_NAMES, ruleset)
    book.require(tuple(sheet.NAME for sheet in sheets_for(book.ruleset)))
    return book


def read_evaluation(book: WorkbookFile) -> tuple[Evaluation, dict[str, str]]:
    """The evaluation the workbook holds (inputs only; results come from the core) and where each input was."""
    reading = Reading()
    for sheet in sheets_for(book.ruleset):
        sheet.read(book, reading)
    try:
        return Evaluation.model_validate(reading.fields), reading.provenance
    except ValidationError as exc:
        lines = "\n".join(f"- {line}" for line in chinese_errors(exc, {}))
        raise WorkbookError(f"「{book.path.name}」中的数据有误：\n{lines}") from None


def assess_workbook(path: Path | str, ruleset: Ruleset | None = None) -> Assessment:
    """Open once, read once, score and check once — the workbook's own findings included."""
    book = open_workbook(path, ruleset)
    evaluation, provenance = read_evaluation(book)
    assessment = assess(evaluation, book.ruleset, source=str(book.path), provenance=provenance)
    return assessment.with_findings([*book.problems, *workbook_findings(book, assessment)])


# ── the workbook's own findings: edited formulas, and results Excel saved that differ from the core ──
_PREFIX = re.compile(r"(_xludf\.|\[\d+\]!|'[^']*'!)(?=PE_)", re.IGNORECASE)


def _norm(formula: str) -> str:
    return _PREFIX.sub("", formula.replace(" ", "")).upper()


def saved_results(book: WorkbookFile) -> dict[str, object]:
    """``{"指标体系!M4": 2.0, …}``: what Excel last saved in the PE_ cells and the 总分 cell.

    Empty when the file was never calculated by Excel (e.g. written by openpyxl).
    """
    total = (f"{summary.NAME}!D{summary.layout(book.ruleset).total_row}" if book.ruleset.form != "self"
             else f"{self_sheet.NAME}!{book.names.get(self_sheet.NAME_TOTAL, '').split('!')[-1].replace('$', '')}")
    found = {}
    for title, sheet in book.sheets.items():
        for ref, cell in sheet.cells.items():
            place = f"{title}!{ref}"
            if cell.formula is not None and cell.value is not None and ("PE_" in cell.formula.upper() or place == total):
                found[place] = cell.value
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


def expected_cells(assessment: Assessment) -> list[Expected]:
    """Every formula cell with its text and the value the core computes for it, sheet by sheet."""
    return [item for sheet in sheets_for(assessment.ruleset) for item in sheet.expected(assessment)]


NAME_STATIC_COPY = "PE_STATIC_COPY"  # defined in a static copy (pe-eval values): the cell of its banner on 说明


def workbook_findings(book: WorkbookFile, assessment: Assessment) -> list[Finding]:
    """Changed formulas (warning) and saved results that differ from the core (error); a static copy has neither
    formulas nor saved results to compare, only a note saying what it is."""
    if NAME_STATIC_COPY in book.names:
        return [Finding(severity="info", code="WB-STATIC", where=book.path.name,
                        message=f"{book.named(NAME_STATIC_COPY)}（公式已替换为数值，不核对公式）")]
    saved = saved_results(book)
    findings: list[Finding] = []
    not_calculated = []
    for item in expected_cells(assessment):
        sheet_name, ref = item.place.split("!")
        cell = book.sheets[sheet_name].cell(ref)
        if item.optional and cell.formula is None and cell.value is None:
            continue
        if item.formula is not None:
            findings += _formula_finding(item, cell.formula if cell.formula is not None else cell.value,
                                         cell.formula is not None)
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
        findings.append(Finding(severity="info", code="WB-NO-CACHE", where=book.path.name,
                                message="工作簿未经 Excel 计算保存，未核对单元格中的计算结果（得分已由核心直接计算）"))
    return findings


def _formula_finding(item: Expected, actual: object, is_formula: bool) -> list[Finding]:
    if is_formula and item.formula is not None and _norm(str(actual)) in {_norm(f) for f in (item.formula, *item.earlier)}:
        return []
    if not is_formula and item.bound:
        return [Finding(
            severity="warning", code="WB-BINDING", where=item.place,
            message=f"{item.what}应为公式 {item.formula}，现为直接填写的「{actual if actual is not None else ''}」；"
                    "计分采用所填数值，改动源数据不会再更新该指标",
        )]
    return [Finding(
        severity="warning", code="WB-FORMULA", where=item.place,
        message=f"{item.what}的公式应为 {item.formula}，实际为「{actual if actual is not None else ''}」；Excel 中显示的结果可能与核心计算不同",
    )]

"""汇总: subtotals, total and grade, and the live list of every check; holds the buttons."""
from __future__ import annotations

from dataclasses import dataclass

from openpyxl.worksheet.worksheet import Worksheet

from scoring import (
    COLUMN_NAMES,
    INCOMPLETE,
    MISSING_INPUT,
    OVERRIDDEN,
    Assessment,
    IndicatorScore,
    Ruleset,
    cells,
)

from . import accounts, indicators, info, survey
from . import style as S
from .file import WorkbookFile
from .file import NAME_RULESET, NAME_RULESET_REF
from .sheet import BuildJob, Expected, Reading

NAME = "汇总"
BUTTON_CELLS = ("F2", "I2")  # left free for the buttons the Windows installer adds (xladdin.BUTTONS)
NAME_TOTAL = "总分"
NAME_GRADE = "等级"
OVERRIDE_UNUSED = "人工得分未采用（见计分说明）"
HEADER_ROW = 6


@dataclass(frozen=True)
class Layout:
    group_rows: dict[str, int]  # 一级/二级 code → row
    total_row: int
    grade_row: int
    incomplete_row: int
    overridden_row: int
    survey_row: int
    failures_row: int
    missing_row: int
    findings_header_row: int

    @property
    def findings_first_row(self) -> int:
        return self.findings_header_row + 1


def layout(rs: Ruleset) -> Layout:
    group_rows: dict[str, int] = {}
    row = HEADER_ROW + 1
    for l1 in rs.level1:
        group_rows[l1.code] = row
        row += 1
        for l2 in rs.subgroups(l1.code):
            group_rows[l2.code] = row
            row += 1
    return Layout(group_rows, row, row + 1, row + 2, row + 3, row + 4, row + 6, row + 7, row + 9)


def grade_formula(rs: Ruleset) -> str:
    """No grade while any indicator is unscored: the total is then only a partial sum."""
    lay = layout(rs)
    return f'=IF(D{lay.incomplete_row}>0,"{INCOMPLETE}",PE_GRADE(D{lay.total_row},{NAME_RULESET}))'


# ── what the sheet computes: one declaration for the builder and the check ──
def check_lines(rs: Ruleset) -> list[tuple[str, str, str, str]]:
    """The live list of every check: (kind, what is checked, where, result formula)."""
    lines: list[tuple[str, str, str, str]] = []
    for identity, column, ref in accounts.check_cells():
        place = f"{accounts.NAME}!{ref}"
        lines.append(("决算勾稽", f"{identity.code} {identity.text}", f"{place}（{COLUMN_NAMES[column]}）", f"={place}"))
    count_check = f"{survey.NAME}!{survey.COUNT_CHECK}"
    lines.append(("问卷", "收回问卷不多于发放问卷，有效问卷不多于收回问卷", count_check, f"={count_check}"))
    for number in range(1, survey.QUESTIONS + 1):
        place = f"{survey.NAME}!{survey.count_check_cell(number)}"
        lines.append(("问卷", f"第{number}题各选项人数合计等于有效问卷数", place, f"={place}"))
    for (_, _, indicator), row in zip(indicators.order(rs), indicators.rows(rs).values()):
        cell = f"{indicators.NAME}!{indicators.COL['score']}{row}"
        lines.append(("指标计分", f"{indicator.code} {indicator.name}", cell, _indicator_check(cell, row)))
    return lines


def formulas(rs: Ruleset) -> dict[str, str]:
    """Every formula on the sheet, by cell."""
    lay = layout(rs)
    score = indicators.COL["score"]
    by_code = indicators.rows(rs)
    found = {f"B{row}": f'=IF({ref}="","",{ref})' for row, ref in
             ((2, f"{info.NAME}!{info.cell('unit_name')}"), (3, f"{info.NAME}!{info.cell('year')}"))}
    found["B4"] = f"={NAME_RULESET_REF}"
    for l1 in rs.level1:
        children = [lay.group_rows[g.code] for g in rs.subgroups(l1.code)]
        found[f"D{lay.group_rows[l1.code]}"] = f"=ROUND(SUM(D{children[0]}:D{children[-1]}),2)"
        for l2 in rs.subgroups(l1.code):
            rows = [by_code[i.code] for i in rs.indicators_of(l2.code)]
            found[f"D{lay.group_rows[l2.code]}"] = f"=ROUND(SUM({indicators.NAME}!{score}{rows[0]}:{score}{rows[-1]}),2)"
    found[f"D{lay.total_row}"] = "=ROUND(SUM({}),2)".format(",".join(f"D{lay.group_rows[g.code]}" for g in rs.level1))
    lines = check_lines(rs)
    first = lay.findings_first_row
    found.update({f"D{first + i}": formula for i, (_, _, _, formula) in enumerate(lines)})
    results = f"D{first}:D{first + len(lines) - 1}"
    scores, overrides = indicators.score_range(rs), indicators.score_range(rs, indicators.COL["override"])
    found.update({
        f"D{lay.grade_row}": grade_formula(rs),
        f"D{lay.incomplete_row}": f"=ROWS({scores})-COUNT({scores})",
        f"D{lay.overridden_row}": f"=COUNTA({overrides})",
        f"D{lay.survey_row}": f"={survey.NAME}!{survey.cell('average')}",
        f"D{lay.failures_row}": (
            f'=ROWS({results})-COUNTIF({results},"✓")-COUNTBLANK({results})'
            f'-COUNTIF({results},"{OVERRIDDEN}")-COUNTIF({results},"{MISSING_INPUT}*")'
            f'-COUNTIF({results},"{cells.CHECK_UNENTERED}*")'),
        f"D{lay.missing_row}": f'=COUNTIF({results},"{MISSING_INPUT}*")',
    })
    return found


# ── build ─────────────────────────────────────────────────
def build(ws: Worksheet, job: BuildJob) -> None:
    rs = job.rs
    lay = layout(rs)
    formula = formulas(rs)
    S.title(ws, "A1", "评价结果汇总", "D1")
    for row, label in ((2, "被评价单位"), (3, "评价年度"), (4, "规则集")):
        S.label_cell(ws, f"A{row}", label, bold=True)
        S.computed_cell(ws, f"B{row}", formula[f"B{row}"])
    S.header_row(ws, HEADER_ROW, [("A", "代码"), ("B", "指标"), ("C", "分值"), ("D", "得分")])
    for l1 in rs.level1:
        _line(ws, lay.group_rows[l1.code], l1.code, l1.name, l1.weight, formula, bold=True)
        for l2 in rs.subgroups(l1.code):
            _line(ws, lay.group_rows[l2.code], l2.code, f"　{l2.name}", l2.weight, formula)
    _line(ws, lay.total_row, "", "总分", rs.total_weight, formula, bold=True)
    _build_findings(ws, rs, lay, formula)
    for row, label, fmt in (
        (lay.grade_row, "等级", None), (lay.incomplete_row, "未能计分的指标（个）", S.COUNT),
        (lay.overridden_row, "人工评定的指标（个）", S.COUNT), (lay.survey_row, "问卷综合得分", S.SCORE),
        (lay.failures_row, "未通过的检查（项）", S.COUNT), (lay.missing_row, "尚缺输入的指标（个）", S.COUNT),
    ):
        _line(ws, row, "", label, None, formula, bold=row == lay.grade_row, fmt=fmt)
    S.widths(ws, {"A": 12, "B": 64, "C": 24, "D": 40})
    S.fit_rows(ws, range(HEADER_ROW, ws.max_row + 1))
    S.print_setup(ws, landscape=False)


def _line(ws: Worksheet, row: int, code: str, name: str, weight: object, formula: dict[str, str],
          bold: bool = False, fmt: str | None = S.SCORE) -> None:
    S.label_cell(ws, f"A{row}", code or None, bold=bold)
    S.label_cell(ws, f"B{row}", name, bold=bold)
    S.label_cell(ws, f"C{row}", weight)
    S.computed_cell(ws, f"D{row}", formula[f"D{row}"], fmt)
    if bold:
        ws[f"D{row}"].font = S.BOLD


def _build_findings(ws: Worksheet, rs: Ruleset, lay: Layout, formula: dict[str, str]) -> None:
    """The live list of every check, with its colours."""
    S.header_row(ws, lay.findings_header_row, [("A", "类别"), ("B", "检查内容"), ("C", "位置"), ("D", "结果")])
    lines = check_lines(rs)
    first = lay.findings_first_row
    for row, (kind, text, where, _) in enumerate(lines, start=first):
        S.label_cell(ws, f"A{row}", kind)
        S.label_cell(ws, f"B{row}", text)
        S.label_cell(ws, f"C{row}", where)
        S.computed_cell(ws, f"D{row}", formula[f"D{row}"], wrap=True)
    results = f"D{first}:D{first + len(lines) - 1}"
    S.highlight(ws, results, f'D{first}="✓"', None, S.OK_FONT)
    for muted in (MISSING_INPUT, cells.CHECK_UNENTERED):  # not checked yet: grey, not red
        S.highlight(ws, results, f'LEFT(D{first},{len(muted)})="{muted}"', None, S.MUTED_FONT)
    S.highlight(ws, results, f'D{first}="{OVERRIDDEN}"', S.AMBER_FILL, S.AMBER_FONT)
    S.highlight(ws, results, f'D{first}<>""', S.FAIL_FILL, S.FAIL_FONT)


def _indicator_check(score: str, row: int) -> str:
    """✓; 人工评定 when an override was used; 人工得分未采用 when one was typed but cannot be used
    (no reason, out of range: the explanation then starts otherwise); else the score cell's message."""
    override = f"{indicators.NAME}!{indicators.COL['override']}{row}"
    explain = f"{indicators.NAME}!{indicators.COL['explain']}{row}"
    used = f'LEFT({explain},{len(OVERRIDDEN)})="{OVERRIDDEN}"'
    return (f'=IF(ISNUMBER({score}),IF({override}="","✓",IF({used},"{OVERRIDDEN}","{OVERRIDE_UNUSED}")),{score})')


def defined_names(job: BuildJob) -> dict[str, str]:
    lay = layout(job.rs)
    return {NAME_TOTAL: f"D{lay.total_row}", NAME_GRADE: f"D{lay.grade_row}"}


def read(book: WorkbookFile, reading: Reading) -> None:
    """Nothing to read: every figure here is computed."""


# ── check ─────────────────────────────────────────────────
def expected(assessment: Assessment) -> list[Expected]:
    """Every formula on the sheet with the value it shows; the check list reads the other sheets' values."""
    rs, card, evaluation = assessment.ruleset, assessment.scorecard, assessment.evaluation
    lay = layout(rs)
    shown = {item.place: item.value for sheet in (accounts, survey, indicators) for item in sheet.expected(assessment)}
    results = {r.code: r for r in card.indicators}
    cell_lines = check_lines(rs)[:-len(rs.indicators)]  # each shows one cell of another sheet: "=决算!S6"
    line_values = [shown[formula[1:]] for _, _, _, formula in cell_lines]
    line_values += [_indicator_line(results[indicator.code]) for _, _, indicator in indicators.order(rs)]
    first = lay.findings_first_row
    values: dict[str, float | str | None] = {
        "B2": evaluation.info.unit_name, "B3": evaluation.info.year if evaluation.info.year is not None else "",
        "B4": evaluation.ruleset,
        **{f"D{lay.group_rows[code]}": float(value) for code, value in card.subtotals.items()},
        f"D{lay.total_row}": float(card.total), f"D{lay.grade_row}": card.grade or INCOMPLETE,
        **{f"D{first + i}": value for i, value in enumerate(line_values)},
        f"D{lay.incomplete_row}": len(card.incomplete),
        f"D{lay.overridden_row}": sum(r.override is not None for r in card.indicators),
        f"D{lay.survey_row}": shown[f"{survey.NAME}!{survey.cell('average')}"],
        f"D{lay.failures_row}": sum(not _passed(value) for value in line_values),
        f"D{lay.missing_row}": sum(str(value).startswith(MISSING_INPUT) for value in line_values),
    }
    names = {f"D{lay.total_row}": "总分", f"D{lay.grade_row}": "等级"}
    return [Expected(f"{NAME}!{ref}", names.get(ref, f"汇总{ref}"), formula, _number(values[ref]))
            for ref, formula in formulas(rs).items()]


def _indicator_line(result: IndicatorScore) -> str:
    """What an indicator's line in the check list shows (see ``_indicator_check``)."""
    if result.score is None:
        return result.explanation  # the score cell's message
    if result.override is None:
        return "✓"
    return OVERRIDDEN if result.explanation.startswith(OVERRIDDEN) else OVERRIDE_UNUSED


def _passed(value: object) -> bool:
    """A check-list result the failure counter leaves out: passed, blank, overridden, or not yet checkable."""
    text = str(value) if value is not None else ""
    return text in ("✓", "", OVERRIDDEN) or text.startswith((MISSING_INPUT, cells.CHECK_UNENTERED))


def _number(value: float | str | None) -> float | str | None:
    """Whole counts and other numbers as the float a sheet stores; text as it is."""
    return float(value) if isinstance(value, int) else value

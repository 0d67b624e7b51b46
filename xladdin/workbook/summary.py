"""汇总: subtotals, total and grade, and the live list of every check; holds the report button."""
from __future__ import annotations

from dataclasses import dataclass

from openpyxl.worksheet.worksheet import Worksheet

from scoring import (
    COLUMN_NAMES,
    INCOMPLETE,
    MISSING_INPUT,
    OVERRIDDEN,
    Assessment,
    Ruleset,
    cells,
)

from . import accounts, indicators, info, survey
from . import style as S
from .file import WorkbookFile
from .sheet import NAME_RULESET, BuildJob, Expected, Reading

NAME = "汇总"
BUTTON_CELL = "F2"  # left free for the 导出评价报告 button the Windows installer adds
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
    found["B4"] = f"={NAME_RULESET}"
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
    for row, label in (
        (lay.grade_row, "等级"), (lay.incomplete_row, "未能计分的指标（个）"), (lay.overridden_row, "人工评定的指标（个）"),
        (lay.survey_row, "问卷综合得分"), (lay.failures_row, "未通过的检查（项）"), (lay.missing_row, "尚缺输入的指标（个）"),
    ):
        _line(ws, row, "", label, None, formula, bold=row == lay.grade_row)
    S.widths(ws, {"A": 12, "B": 64, "C": 24, "D": 40})
    S.print_setup(ws, landscape=False)


def _line(ws: Worksheet, row: int, code: str, name: str, weight: object, formula: dict[str, str],
          bold: bool = False) -> None:
    S.label_cell(ws, f"A{row}", code or None, bold=bold)
    S.label_cell(ws, f"B{row}", name, bold=bold)
    S.label_cell(ws, f"C{row}", weight)
    S.computed_cell(ws, f"D{row}", formula[f"D{row}"], S.SCORE)
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


def defined_names(rs: Ruleset) -> dict[str, str]:
    lay = layout(rs)
    return {NAME_TOTAL: f"D{lay.total_row}", NAME_GRADE: f"D{lay.grade_row}"}


def read(book: WorkbookFile, reading: Reading) -> None:
    """Nothing to read: every figure here is computed."""


# ── check ─────────────────────────────────────────────────
def expected(book: WorkbookFile, assessment: Assessment) -> list[Expected]:
    """Every formula on the sheet; the total and grade also by value."""
    rs, card = book.ruleset, assessment.scorecard
    lay = layout(rs)
    values: dict[str, float | str] = {f"D{lay.total_row}": float(card.total), f"D{lay.grade_row}": card.grade or INCOMPLETE}
    names = {f"D{lay.total_row}": "总分", f"D{lay.grade_row}": "等级"}
    return [Expected(f"{NAME}!{ref}", names.get(ref, f"汇总{ref}"), formula, values.get(ref))
            for ref, formula in formulas(rs).items()]

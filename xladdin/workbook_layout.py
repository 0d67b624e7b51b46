"""Where everything sits in the evaluation workbook; shared by the builder and the headless reader.

Bump ``LAYOUT_VERSION`` whenever a cell moves: the reader refuses workbooks of another version.
No openpyxl here — only sheet names, cell addresses and formula texts.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from scoring.accounts import IDENTITIES, ROWS, Identity
from scoring.model import BasicInfo
from scoring.narrative import NARRATIVE_SECTIONS
from scoring.ruleset import Group, Indicator, Ruleset

LAYOUT_VERSION = 1

GUIDE, INFO, ACCOUNTS, INDICATORS, SURVEY, SUMMARY, REPORT = SHEETS = (
    "说明", "基本信息", "决算", "指标体系", "问卷", "汇总", "报告",
)
NAME_RULESET = "规则集"
NAME_LAYOUT = "版式版本"
NAME_TOTAL = "总分"
NAME_GRADE = "等级"
GUIDE_RULESET = "B3"
GUIDE_RULESET_TITLE = "B4"
GUIDE_LAYOUT = "B5"

OVERRIDDEN = "人工评定"
MISSING_PREFIX = "缺少输入"


def absolute(sheet: str, cell: str) -> str:
    """``决算!$E$32`` for defined names."""
    letters = cell.rstrip("0123456789")
    return f"{sheet}!${letters}${cell[len(letters):]}"


# ── 基本信息 ──────────────────────────────────────────────
@dataclass(frozen=True)
class InfoField:
    name: str
    label: str
    kind: str  # text | count | amount | date | year


def _kind(name: str, annotation: object) -> str:
    if name == "year":
        return "year"
    return {int | None: "count", Decimal | None: "amount", dt.date | None: "date"}.get(annotation, "text")


INFO_FIELDS: tuple[InfoField, ...] = tuple(
    InfoField(name, field.description or name, _kind(name, field.annotation))
    for name, field in BasicInfo.model_fields.items()
    if name not in ("key_projects", "execution_progress")
)
INFO_FIRST_ROW = 3
INFO_ROW = {f.name: INFO_FIRST_ROW + i for i, f in enumerate(INFO_FIELDS)}
PROJECTS_TITLE_ROW = INFO_FIRST_ROW + len(INFO_FIELDS) + 1
PROJECTS_FIRST_ROW = PROJECTS_TITLE_ROW + 2
PROJECT_ROWS = 10
PROJECT_COLUMNS = (("name", "A", "项目名称"), ("budget", "B", "预算数（万元）"), ("spent", "C", "支出数（万元）"),
                   ("completed", "D", "是否完成"), ("note", "E", "说明"))
PROGRESS_TITLE_ROW = PROJECTS_FIRST_ROW + PROJECT_ROWS + 1
PROGRESS_FIRST_ROW = PROGRESS_TITLE_ROW + 2
PROGRESS_ROWS = 6


def info_cell(name: str) -> str:
    return f"B{INFO_ROW[name]}"


# ── 决算 (财决01表) ───────────────────────────────────────
ACC_FIRST_ROW = 6
ACC_LINES = 31  # sheet rows of the table: 行次 1–31 on the income side
ACC_SECTIONS = {  # section → (项目 column, 行次 column, 年初/全年/决算 columns)
    "income": ("A", "B", ("C", "D", "E")),
    "function": ("F", "G", ("H", "I", "J")),
    "nature": ("K", "L", ("M", "N", "O")),
}
ACC_LAST_COLUMN = "O"
COLUMN_INDEX = {"initial": 0, "budget": 1, "final": 2}


def line_numbers(line: int) -> dict[str, int | None]:
    """行次 printed in each section on table line ``line`` (1–31), as in the seed's 附件6."""
    return {
        "income": line,
        "function": line + 31 if line <= 26 else line + 57,
        "nature": line + 57 if line <= 26 else None,
    }


def _line_of(number: int) -> tuple[str, int]:
    if number <= 31:
        return "income", number
    if number <= 57:
        return "function", number - 31
    if number >= 84:
        return "function", number - 57
    return "nature", number - 57


def account_cell(number: int, column: str) -> str:
    """Cell of 行次 ``number``, column initial/budget/final (e.g. 第61行决算数 → ``O9``)."""
    section, line = _line_of(number)
    return f"{ACC_SECTIONS[section][2][COLUMN_INDEX[column]]}{ACC_FIRST_ROW + line - 1}"


CHECK_CODE_COLUMN, CHECK_TEXT_COLUMN = "Q", "R"
CHECK_COLUMNS = {"initial": "S", "budget": "T", "final": "U"}
CHECK_FIRST_ROW = ACC_FIRST_ROW


def check_row(identity: Identity) -> int:
    return CHECK_FIRST_ROW + IDENTITIES.index(identity)


def check_applies(identity: Identity, column: str) -> bool:
    return column in identity.columns and column not in ROWS[identity.lhs].na


def _runs(cells: list[str]) -> list[str]:
    """Join vertically adjacent cells of one column into ranges: E6,E7,E8 → E6:E8."""
    parts: list[list[str]] = []
    for cell in cells:
        letters, number = cell.rstrip("0123456789"), int(cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
        last = parts[-1] if parts else None
        if last and last[0] == letters and int(last[2]) == number - 1:
            last[2] = str(number)
        else:
            parts.append([letters, str(number), str(number)])
    return [f"{c}{a}" if a == b else f"{c}{a}:{c}{b}" for c, a, b in parts]


def check_formula(identity: Identity, column: str) -> str:
    row = check_row(identity)
    terms = _runs([account_cell(number, column) for _, number in identity.terms])
    args = ",".join([f"${CHECK_CODE_COLUMN}{row}", account_cell(identity.lhs, column), *terms])
    return f"=PE_CHECK({args})"


# ── 指标体系 ──────────────────────────────────────────────
IND_HEADER_ROW = 3
IND_FIRST_ROW = 4
IND_COLUMNS = (
    ("level1", "A", "一级指标", 12), ("level2", "B", "二级指标", 12), ("code", "C", "代码", 7),
    ("name", "D", "三级指标", 24), ("weight", "E", "分值", 6), ("rule", "F", "计分方式", 30),
    ("label1", "G", "输入1项目", 18), ("input1", "H", "输入1", 14), ("label2", "I", "输入2项目", 18),
    ("input2", "J", "输入2", 14), ("override", "K", "人工得分", 9), ("reason", "L", "人工评定理由", 24),
    ("score", "M", "得分", 9), ("explain", "N", "计分说明", 48), ("note", "O", "备注", 20),
    ("definition", "P", "指标解释", 36), ("guide", "Q", "评分细则", 48), ("source", "R", "数据来源", 24),
)
IND = {key: letter for key, letter, _, _ in IND_COLUMNS}
INPUT_COLUMNS = (IND["input1"], IND["input2"])
LABEL_COLUMNS = (IND["label1"], IND["label2"])


def indicator_order(rs: Ruleset) -> list[tuple[Group, Group, Indicator]]:
    """三级 indicators grouped under their 一级 and 二级, as the sheet lists them."""
    return [
        (l1, l2, indicator)
        for l1 in rs.level1
        for l2 in rs.children(l1.code)
        for indicator in rs.children(l2.code)
    ]


def indicator_total_row(rs: Ruleset) -> int:
    return IND_FIRST_ROW + len(rs.indicators)


def _udf_args(row: int) -> str:
    cols = (IND["code"], IND["input1"], IND["input2"], IND["override"], IND["reason"])
    return ",".join([NAME_RULESET, *(f"${c}{row}" for c in cols)])


def score_formula(row: int) -> str:
    return f"=PE_SCORE({_udf_args(row)})"


def explain_formula(row: int) -> str:
    return f"=PE_EXPLAIN({_udf_args(row)})"


# ── 问卷 ──────────────────────────────────────────────────
SURVEY_TITLE = "B2"
SURVEY_ISSUED, SURVEY_RETURNED, SURVEY_VALID, SURVEY_COUNT_CHECK = "B3", "D3", "F3", "H3"
_VALID = "$F$3"
SURVEY_HEADER_ROW = 5
SURVEY_FIRST_ROW = 6
QUESTIONS = 20
OPTIONS = 4
SURVEY_LAST_ROW = SURVEY_FIRST_ROW + QUESTIONS * OPTIONS - 1
# option columns: 选项 C, 选项内容 D, 标准分值 E, 人数 F; per question: 题号 A, 问题内容 B, 本题得分 G, 本题满分 H, 人数核对 I
SURVEY_TOTAL_ROW = SURVEY_LAST_ROW + 2
SURVEY_SUMMARY = {  # row label → (row, formula)
    "total": SURVEY_TOTAL_ROW, "max": SURVEY_TOTAL_ROW + 1, "valid": SURVEY_TOTAL_ROW + 2,
    "average": SURVEY_TOTAL_ROW + 3, "rate": SURVEY_TOTAL_ROW + 4,
}
SURVEY_VALUE_COLUMN = "G"


def question_rows(number: int) -> range:
    first = SURVEY_FIRST_ROW + (number - 1) * OPTIONS
    return range(first, first + OPTIONS)


def survey_cell(key: str) -> str:
    return f"{SURVEY_VALUE_COLUMN}{SURVEY_SUMMARY[key]}"


_ALL_POINTS = f"$E${SURVEY_FIRST_ROW}:$E${SURVEY_LAST_ROW}"
_ALL_COUNTS = f"$F${SURVEY_FIRST_ROW}:$F${SURVEY_LAST_ROW}"


def survey_formulas() -> dict[str, str]:
    """Summary cell → formula."""
    total, top, average = survey_cell("total"), survey_cell("max"), survey_cell("average")
    return {
        total: f"=PE_SURVEY_TOTAL({_ALL_POINTS},{_ALL_COUNTS})",
        top: f"=SUM(H{SURVEY_FIRST_ROW}:H{SURVEY_LAST_ROW})",
        survey_cell("valid"): f'=IF({SURVEY_VALID}="","",{SURVEY_VALID})',
        average: f"=PE_SURVEY_AVG({_ALL_POINTS},{_ALL_COUNTS},{SURVEY_VALID})",
        survey_cell("rate"): f'=IF(AND(ISNUMBER({average}),{top}>0),{average}/{top},"")',
        SURVEY_COUNT_CHECK: (
            f'=IF(COUNT({SURVEY_ISSUED},{SURVEY_RETURNED},{SURVEY_VALID})=0,"",'
            f'IF({SURVEY_RETURNED}>{SURVEY_ISSUED},"收回问卷多于发放问卷",'
            f'IF({SURVEY_VALID}>{SURVEY_RETURNED},"有效问卷多于收回问卷","✓")))'
        ),
    }


def question_formulas(number: int) -> dict[str, str]:
    rows = question_rows(number)
    first, last = rows[0], rows[-1]
    points, counts = f"E{first}:E{last}", f"F{first}:F{last}"
    return {
        f"G{first}": f'=IF(COUNT({points},{counts})=0,"",PE_SURVEY_TOTAL({points},{counts}))',
        f"H{first}": f'=IF(COUNT({points})=0,"",MAX({points}))',
        f"I{first}": (
            f'=IF(COUNT({counts})=0,"",IF(SUM({counts})={_VALID},"✓",'
            f'"人数合计"&SUM({counts})&"，有效问卷"&{_VALID}))'
        ),
    }


# ── bindings: source → the cell that holds the data ─────
def source_ref(source: str) -> str:
    """``accounts.61.final`` → ``决算!O9``; ``info.staff_quota`` → ``基本信息!B8``; ``survey.rate`` → ``问卷!G91``."""
    kind, _, rest = source.partition(".")
    if kind == "accounts":
        number, _, column = rest.partition(".")
        return f"{ACCOUNTS}!{account_cell(int(number), column)}"
    if kind == "info":
        return f"{INFO}!{info_cell(rest)}"
    return f"{SURVEY}!{survey_cell(rest)}"


def bound_formula(source: str) -> str:
    """A bound input shows the data cell, keeping a blank cell blank (a plain reference would give 0)."""
    ref = source_ref(source)
    return f'=IF({ref}="","",{ref})'


# ── 汇总 ──────────────────────────────────────────────────
SUMMARY_HEADER_ROW = 6


@dataclass(frozen=True)
class SummaryLayout:
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


def summary_layout(rs: Ruleset) -> SummaryLayout:
    rows: dict[str, int] = {}
    row = SUMMARY_HEADER_ROW + 1
    for l1 in rs.level1:
        rows[l1.code] = row
        row += 1
        for l2 in rs.children(l1.code):
            rows[l2.code] = row
            row += 1
    total = row
    return SummaryLayout(rows, total, total + 1, total + 2, total + 3, total + 4, total + 6, total + 7, total + 9)


# ── 报告 ──────────────────────────────────────────────────
REPORT_FIRST_ROW = 3
REPORT_ROW = {key: REPORT_FIRST_ROW + i for i, (key, _) in enumerate(NARRATIVE_SECTIONS)}
REPORT_KEY_COLUMN, REPORT_TITLE_COLUMN, REPORT_TEXT_COLUMN = "A", "B", "C"

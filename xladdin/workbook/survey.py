"""问卷: the satisfaction questionnaire tally — points × counts per option, total, average, rate."""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from openpyxl.styles import Alignment
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from scoring import (
    Assessment,
    Survey,
    SurveyOption,
    SurveyQuestion,
    parse_points,
    parse_respondents,
    parse_scale,
)
from scoring import cells as core_cells

from . import style as S
from .file import WorkbookFile
from .sheet import BuildJob, Expected, Reading

NAME = "问卷"
TITLE = "B2"
ISSUED, RETURNED, VALID, COUNT_CHECK = "B3", "D3", "F3", "H3"
SCALE = "B4"  # 分值方案: 10/5/0 for every question of three options without its own points
_SCALE_CELL = "$B$4"
_COUNTS = (("issued", ISSUED, "发放问卷"), ("returned", RETURNED, "收回问卷"), ("valid", VALID, "有效问卷"))
_VALID = "$F$3"
HEADER_ROW = 5
FIRST_ROW = 6
QUESTIONS = 20
OPTIONS = 4
LAST_ROW = FIRST_ROW + QUESTIONS * OPTIONS - 1
# option columns: 选项 C, 选项内容 D, 标准分值 E, 人数 F, 计分分值 J (E, or the 分值方案's point: what the core scores
# with); per question: 题号 A, 问题内容 B, 本题得分 G, 本题满分 H, 人数核对 I
SCORED = "J"
TOTAL_ROW = LAST_ROW + 2
SUMMARY_ROWS = {"total": TOTAL_ROW, "max": TOTAL_ROW + 1, "valid": TOTAL_ROW + 2, "average": TOTAL_ROW + 3, "rate": TOTAL_ROW + 4,
                "top1": TOTAL_ROW + 5, "top2": TOTAL_ROW + 6}
ADDED_ROWS = ("top1", "top2")  # later than layout 1's first workbooks: a file without them is not flagged
SUMMARY_LABELS = {"total": "问卷总分", "max": "问卷满分（各题最高分值之和）", "valid": "有效问卷份数",
                  "average": "问卷综合得分（问卷总分÷有效问卷份数）", "rate": "满意率（问卷综合得分÷问卷满分）",
                  "top1": "选最高档人数占比（各题选最高分选项的人数÷作答人数）", "top2": "选最高两档人数占比"}
VALUE_COLUMN = "G"
BUTTON_CELL = "K2"  # right of the sheet: the installer's 导入问卷星数据… button (xladdin.IMPORT_BUTTONS)
_ALL_POINTS = f"${SCORED}${FIRST_ROW}:${SCORED}${LAST_ROW}"
_TYPED = "E"  # what the totals summed before the 计分分值 column: a workbook written then keeps these formulas
_ALL_COUNTS = f"$F${FIRST_ROW}:$F${LAST_ROW}"


def question_rows(number: int) -> range:
    first = FIRST_ROW + (number - 1) * OPTIONS
    return range(first, first + OPTIONS)


def cell(key: str) -> str:
    """Cell of a summary figure: total, max, valid, average or rate."""
    return f"{VALUE_COLUMN}{SUMMARY_ROWS[key]}"


def count_check_cell(number: int) -> str:
    """The 人数核对 cell of question ``number``."""
    return f"I{question_rows(number)[0]}"


def summary_formulas(points: str = SCORED) -> dict[str, str]:
    """Summary cell → formula (``points``: the column of the points summed)."""
    total, top, average = cell("total"), cell("max"), cell("average")
    every = f"${points}${FIRST_ROW}:${points}${LAST_ROW}"
    return {
        total: f"=PE_SURVEY_TOTAL({every},{_ALL_COUNTS})",
        top: f"=SUM(H{FIRST_ROW}:H{LAST_ROW})",
        cell("valid"): f'=IF({VALID}="","",{VALID})',
        # blank until the count is typed, without calling the add-in (LibreOffice recalculates cells saved empty)
        average: f'=IF({VALID}="","",PE_SURVEY_AVG({every},{_ALL_COUNTS},{VALID}))',
        cell("rate"): f'=IF(AND(ISNUMBER({average}),{top}>0),{average}/{top},"")',
        **{cell(key): _top_formula(n, points) for key, n in (("top1", 1), ("top2", 2))},
        COUNT_CHECK: (
            f'=IF(COUNT({ISSUED},{RETURNED},{VALID})=0,"",'
            f'IF({RETURNED}>{ISSUED},"收回问卷多于发放问卷",'
            f'IF({VALID}>{RETURNED},"有效问卷多于收回问卷","✓")))'
        ),
    }


def _top_formula(options: int, column: str) -> str:
    """Σ over questions of the answers given to options scored ≥ the question's n-th highest score, ÷ all answers
    (``Survey.top_share``); an empty question adds 0."""
    parts = []
    for number in range(1, QUESTIONS + 1):
        rows = question_rows(number)
        points, counts = f"{column}{rows[0]}:{column}{rows[-1]}", f"F{rows[0]}:F{rows[-1]}"
        least = f"IFERROR(LARGE({points},{options}),MIN({points}))" if options > 1 else f"MAX({points})"
        parts.append(f'SUMIF({points},">="&{least},{counts})')
    answers = f"SUM({_ALL_COUNTS})"
    return f'=IF({answers}=0,"",ROUND(({"+".join(parts)})/{answers},4))'


def question_formulas(number: int, column: str = SCORED) -> dict[str, str]:
    """本题得分, 本题满分 and 人数核对 of question ``number`` (``column``: the column of the points they use)."""
    rows = question_rows(number)
    first, last = rows[0], rows[-1]
    points, counts = f"{column}{first}:{column}{last}", f"F{first}:F{last}"
    return {
        f"G{first}": f'=IF(COUNT({points},{counts})=0,"",PE_SURVEY_TOTAL({points},{counts}))',
        f"H{first}": f'=IF(COUNT({points})=0,"",MAX({points}))',
        f"I{first}": (
            f'=IF(COUNT({counts})=0,"",IF(SUM({counts})={_VALID},"✓",'
            f'"人数合计"&SUM({counts})&"，有效问卷"&{_VALID}))'
        ),
    }


def option_formulas(number: int) -> dict[str, str]:
    """The 计分分值 of each option row of question ``number``: "" for a blank row and a typed number as typed, without
    calling the add-in; else ``PE_SURVEY_POINT`` (the 分值方案's point, as the core scores)."""
    rows = question_rows(number)
    block = f"C{rows[0]}:F{rows[-1]}"
    return {f"{SCORED}{row}": (f'=IF(COUNTA(C{row}:F{row})=0,"",IF(ISNUMBER(E{row}),E{row},'
                               f'PE_SURVEY_POINT({_SCALE_CELL},{block},{position})))')
            for position, row in enumerate(rows, start=1)}


def input_values(survey: Survey | None) -> dict[str, object]:
    """Every input cell of the sheet with what it holds for ``survey`` (None: blank) — what the builder
    writes and what the import button writes into an open workbook."""
    values: dict[str, object] = {TITLE: survey.title if survey and survey.title else None,
                                 SCALE: survey.scale if survey and survey.scale else None}
    values.update({ref: getattr(survey, attr) if survey else None for attr, ref, _ in _COUNTS})
    questions = survey.questions if survey else []
    if len(questions) > QUESTIONS or any(len(q.options) > OPTIONS for q in questions):
        raise ValueError(f"问卷超过{QUESTIONS}题或某题超过{OPTIONS}个选项，工作簿放不下")
    for number in range(1, QUESTIONS + 1):
        question = questions[number - 1] if number <= len(questions) else None
        rows = question_rows(number)
        values[f"B{rows[0]}"] = question.text if question else None
        options = question.options if question else []
        for i, row in enumerate(rows):
            option = options[i] if i < len(options) else None
            values.update({f"C{row}": option.label if option else None, f"D{row}": option.text if option else None,
                           f"E{row}": option.points if option else None, f"F{row}": option.count if option else None})
    return values


# ── build ─────────────────────────────────────────────────
def build(ws: Worksheet, job: BuildJob) -> None:
    values = input_values(job.evaluation.survey if job.evaluation else None)
    S.title(ws, "A1", "满意度调查问卷", f"{SCORED}1")
    S.label_cell(ws, "A2", "问卷标题", bold=True)
    S.input_cell(ws, TITLE, values[TITLE])
    ws.merge_cells(f"{TITLE}:{SCORED}2")
    count = S.whole_at_least(ws, 0, "填写份数（整数）")
    for label_ref, (attr, ref, label) in zip(("A3", "C3", "E3"), _COUNTS):
        S.label_cell(ws, label_ref, f"{label}（份）", bold=True)
        S.input_cell(ws, ref, values[ref], S.COUNT, wrap=True)
        count.add(ref)
    S.label_cell(ws, "G3", "份数核对", bold=True)
    S.label_cell(ws, "A4", "分值方案", bold=True)
    S.input_cell(ws, SCALE, values[SCALE], S.TEXT)  # text: Excel would take 10/5/2 for a date
    ws.merge_cells(f"{SCALE}:{SCORED}4")
    S.validation(ws, None, "各题通用的标准分值，按选项顺序用 / 分隔，如 10/5/0；不同选项个数各写一个，用；分隔，"
                           "如 100/80/60/0；100/60/0。某选项填写了标准分值时以所填为准；"
                           "「计分分值」列显示各选项计分所用的分值。", "").add(SCALE)
    S.header_row(ws, HEADER_ROW, [("A", "题号"), ("B", "问题内容"), ("C", "选项"), ("D", "选项内容"),
                                  ("E", "标准分值"), ("F", "人数"), ("G", "本题得分"), ("H", "本题满分"), ("I", "人数核对"),
                                  (SCORED, "计分分值")])
    points = S.decimal_at_least(ws, 0, "该选项的标准分值，如 10、5、0")
    people = S.whole_at_least(ws, 0, "选择该选项的人数")
    for number in range(1, QUESTIONS + 1):
        _build_question(ws, number, values, points, people)
    formulas = summary_formulas()
    for key, row in SUMMARY_ROWS.items():
        S.label_cell(ws, f"A{row}", SUMMARY_LABELS[key], bold=True)
        ws.merge_cells(f"A{row}:F{row}")
        ws[f"A{row}"].alignment = Alignment(horizontal="right")
        ref = cell(key)
        S.computed_cell(ws, ref, formulas[ref], S.PERCENT if key in ("rate", *ADDED_ROWS) else None)
    S.computed_cell(ws, COUNT_CHECK, formulas[COUNT_CHECK], wrap=True)
    ws.merge_cells(f"{COUNT_CHECK}:I3")
    checks = f"I{FIRST_ROW}:I{LAST_ROW} {COUNT_CHECK}"
    S.highlight(ws, checks, f'I{FIRST_ROW}="✓"', None, S.OK_FONT)
    S.highlight(ws, checks, f'I{FIRST_ROW}<>""', S.FAIL_FILL, S.FAIL_FONT)
    S.widths(ws, {"A": 9, "B": 36, "C": 9, "D": 24, "E": 9, "F": 8, "G": 11, "H": 11, "I": 22, SCORED: 9})
    S.fit_rows(ws, range(2, LAST_ROW + 1))  # the counts' labels wrap in two lines: 发放问卷 / （份）
    ws.freeze_panes = f"A{FIRST_ROW}"
    S.print_setup(ws, landscape=False, title_rows=f"{HEADER_ROW}:{HEADER_ROW}")


def _build_question(ws: Worksheet, number: int, values: dict[str, object],
                    points: DataValidation, people: DataValidation) -> None:
    rows = question_rows(number)
    first, last = rows[0], rows[-1]
    S.label_cell(ws, f"A{first}", number)
    S.input_cell(ws, f"B{first}", values[f"B{first}"], wrap=True)
    for col in ("A", "B"):
        ws.merge_cells(f"{col}{first}:{col}{last}")
    ws[f"A{first}"].alignment = S.CENTER
    for row in rows:
        S.input_cell(ws, f"C{row}", values[f"C{row}"])
        S.input_cell(ws, f"D{row}", values[f"D{row}"], wrap=True)
        S.input_cell(ws, f"E{row}", values[f"E{row}"])
        S.input_cell(ws, f"F{row}", values[f"F{row}"], S.COUNT)
        points.add(f"E{row}")
        people.add(f"F{row}")
    for ref, formula in option_formulas(number).items():
        S.computed_cell(ws, ref, formula)
    for ref, formula in question_formulas(number).items():
        S.computed_cell(ws, ref, formula)
        col = ref[0]
        ws.merge_cells(f"{col}{first}:{col}{last}")
        ws[ref].alignment = S.CENTER


def defined_names(job: BuildJob) -> dict[str, str]:
    return {"有效问卷数": VALID, "问卷综合得分": cell("average"), "问卷满意率": cell("rate")}


# ── read ──────────────────────────────────────────────────
@dataclass(frozen=True)
class Form:
    """The questionnaire as typed, counts possibly blank (None): what an import completes."""

    title: str
    scale: str
    counts: dict[str, int | None]
    questions: list[SurveyQuestion]

    @property
    def empty(self) -> bool:
        return not self.questions and not self.title and not self.scale and all(v is None for v in self.counts.values())

    def survey(self, **counts: int) -> Survey:
        extra = {"title": self.title} if self.title else {}
        return Survey.model_validate({**self.counts, **counts, "questions": self.questions, "scale": self.scale, **extra})


COUNT_CELLS = frozenset(f"{NAME}!{ref}" for _, ref, _ in _COUNTS)  # what a survey import fills when blank


def read_form(book: WorkbookFile) -> Form:
    """Title, 分值方案, counts and questions; an unreadable cell is a problem of ``book``."""
    counts = {attr: book.parse(NAME, ref, label, parse_respondents) for attr, ref, label in _COUNTS}
    scale = book.text(NAME, SCALE)
    if book.parse(NAME, SCALE, "分值方案", _scale) is None:
        scale = ""
    questions = [q for number in range(1, QUESTIONS + 1) if (q := _read_question(book, number))]
    return Form(book.text(NAME, TITLE), scale, counts, questions)


def import_form(book: WorkbookFile) -> Form:
    """The form an import completes (its unreadable cells are already ``book``'s problems, not listed twice)."""
    before = len(book.problems)
    form = read_form(book)
    del book.problems[before:]
    return form


def form_of(survey: Survey | None) -> Form:
    if survey is None:
        return Form("", "", {attr: None for attr, _, _ in _COUNTS}, [])
    return Form(survey.title, survey.scale, {attr: getattr(survey, attr) for attr, _, _ in _COUNTS}, survey.questions)


def form_cells(form: Form) -> dict[str, object]:
    """The input cells of ``form`` with its counts left blank (a new year's questionnaire: the form without answers)."""
    survey = form.survey(issued=0, returned=0, valid=0)
    counts = {ref for _, ref, _ in _COUNTS} | {f"F{row}" for number in range(1, QUESTIONS + 1) for row in question_rows(number)}
    return {ref: None if ref in counts else value for ref, value in input_values(survey).items()}


def form_results(form: Form) -> dict[str, float | str]:
    """What the sheet's formulas show for ``form_cells(form)``, by place (``问卷!G6``): no answers yet."""
    values: dict[str, float | str] = {}
    questions = form.survey(issued=0, returned=0, valid=0).questions  # with the 分值方案's points, as written
    for number in range(1, QUESTIONS + 1):
        question = questions[number - 1] if number <= len(questions) else None
        rows = question_rows(number)
        points = [p for p in question.points if p is not None] if question else []
        values.update({f"G{rows[0]}": 0.0 if points else "", f"H{rows[0]}": float(max(points)) if points else "",
                       f"I{rows[0]}": ""})
        values.update(_scored_values(rows, question, rows[: len(question.options)] if question else ()))
    top = sum(v for key, v in values.items() if key.startswith("H") and isinstance(v, float))
    values.update({cell("total"): 0.0, cell("max"): top, cell("valid"): "", cell("average"): "", cell("rate"): "",
                   cell("top1"): "", cell("top2"): "", COUNT_CHECK: ""})
    return {f"{NAME}!{ref}": value for ref, value in values.items()}


def _scored_values(rows: Sequence[int], question: SurveyQuestion | None, placed: Sequence[int]) -> dict[str, float | str]:
    """The 计分分值 cells of ``rows``: the points of ``question``'s options on the rows ``placed``, else blank."""
    shown = {row: p for row, p in zip(placed, question.points) if p is not None} if question else {}
    return {f"{SCORED}{row}": float(shown[row]) if row in shown else "" for row in rows}


def _scale(value: object, what: str) -> str | None:
    parse_scale(value)
    return None if value is None else str(value).strip() or None


_OPTION_ROW = "survey.options.{number}.{index}"  # provenance: the 标准分值 cell of a question's index-th option


def read(book: WorkbookFile, reading: Reading) -> None:
    """The questionnaire; left out (None) when any of its cells cannot be read, as its figures are then unknown."""
    before = len(book.problems)
    form = read_form(book)
    reading.fields["survey"] = None
    if form.empty:
        return
    for attr, ref, label in _COUNTS:
        reading.provenance[f"survey.{attr}"] = f"{NAME}!{ref}"
        if form.counts[attr] is None and book.blank(NAME, ref):
            book.problem(NAME, ref, f"已填写问卷内容，但{label}份数未填写，如 49（导入问卷星数据时自动填写）")
    if len(book.problems) == before:
        reading.fields["survey"] = form.survey()
        for question in form.questions:
            filled = [row for row in question_rows(question.number) if not _blank_row(book, row)]
            reading.provenance.update({_OPTION_ROW.format(number=question.number, index=index): f"{NAME}!E{row}"
                                       for index, row in enumerate(filled, start=1)})


def _blank_row(book: WorkbookFile, row: int) -> bool:
    return all(book.blank(NAME, f"{c}{row}") for c in "CDEF")


def _read_question(book: WorkbookFile, number: int) -> SurveyQuestion | None:
    """A question's options; an option's blank standard points stay None (the 分值方案 or the user fills them)."""
    rows = question_rows(number)
    options = []
    for row in rows:
        if _blank_row(book, row):
            continue
        before = len(book.problems)
        points = book.parse(NAME, f"E{row}", f"第{number}题标准分值", parse_points)
        unreadable = len(book.problems) > before  # a problem already; a blank mark such as — is blank points
        count = book.parse(NAME, f"F{row}", f"第{number}题人数", parse_respondents)
        if unreadable:
            continue
        label = book.text(NAME, f"C{row}") or chr(ord("A") + row - rows[0])
        options.append(SurveyOption(label=label, text=book.text(NAME, f"D{row}"), points=points, count=count or 0))
    text = book.text(NAME, f"B{rows[0]}")
    if not options:
        if text:
            book.problem(NAME, f"B{rows[0]}", f"第{number}题没有选项：请填写选项、标准分值和人数")
        return None
    return SurveyQuestion(number=number, text=text, options=options)


# ── check ─────────────────────────────────────────────────
Placed = dict[int, tuple[SurveyQuestion, tuple[int, ...]]]  # question number on the sheet → question, its options' rows


def expected(assessment: Assessment) -> list[Expected]:
    """Every formula on the sheet with the value it shows (what Excel computes from the same cells); the formulas
    written before the 计分分值 column are still accepted (their totals leave out the 分值方案's points)."""
    survey = assessment.evaluation.survey
    placed = _placed(survey.questions if survey else [], assessment.provenance)
    # a questionnaire typed but not readable (e.g. its counts blank): what its cells show is not known here
    unknown = survey is None and f"survey.{_COUNTS[1][0]}" in assessment.provenance
    found = []
    for number in range(1, QUESTIONS + 1):
        values = _question_values(number, placed, survey.valid if survey else None)
        score = f"G{question_rows(number)[0]}"
        before = question_formulas(number, _TYPED)
        found += [Expected(f"{NAME}!{ref}", f"问卷第{number}题{'得分' if ref == score else ''}", formula,
                           None if unknown else values[ref], earlier=(before[ref],))
                  for ref, formula in question_formulas(number).items()]
        found += [Expected(f"{NAME}!{ref}", f"问卷第{number}题计分分值", formula, None if unknown else values[ref],
                           optional=True) for ref, formula in option_formulas(number).items()]
    values = _summary_values(survey, placed)
    names = {cell("total"): "问卷总分", cell("average"): "问卷综合得分"}
    added = {cell(key) for key in ADDED_ROWS}
    before = summary_formulas(_TYPED)
    earlier: dict[str, tuple[str, ...]] = {ref: (formula,) for ref, formula in before.items()}
    # before the average stayed blank until the count was typed
    earlier[cell("average")] += (f"=PE_SURVEY_AVG(${_TYPED}${FIRST_ROW}:${_TYPED}${LAST_ROW},{_ALL_COUNTS},{VALID})",)
    found += [Expected(f"{NAME}!{ref}", names.get(ref, f"问卷{ref}"), formula, None if unknown else values[ref],
                       optional=ref in added, earlier=earlier[ref]) for ref, formula in summary_formulas().items()]
    return found


def _placed(questions: list[SurveyQuestion], provenance: Mapping[str, str]) -> Placed:
    """Where each question's options are: the rows the reader found them on, else where the builder writes them."""
    placed: Placed = {}
    for index, question in enumerate(questions, start=1):
        read = [provenance.get(_OPTION_ROW.format(number=question.number, index=i)) for i in range(1, len(question.options) + 1)]
        rows = tuple(int(place.rpartition("!E")[2]) for place in read if place is not None)
        if len(rows) == len(question.options):
            placed[question.number] = (question, rows)
        else:
            placed[index] = (question, tuple(question_rows(index))[: len(question.options)])
    return placed


def _question_values(number: int, placed: Placed, valid: int | None) -> dict[str, float | str]:
    """本题得分, 本题满分, 人数核对 and the 计分分值 cells as the question's formulas give them."""
    rows = question_rows(number)
    first = rows[0]
    question, option_rows = placed.get(number, (None, ()))
    values = _scored_values(rows, question, option_rows)
    if question is None:
        return {**values, f"G{first}": "", f"H{first}": "", f"I{first}": ""}
    answers = question.answers
    check = "✓" if answers == valid else f"人数合计{answers}，有效问卷{'' if valid is None else valid}"
    score = float(question.total) if question.scored else core_cells.survey_total(*_columns(placed, [number]))
    top = float(question.max_points) if any(p is not None for p in question.points) else ""
    return {**values, f"G{first}": score, f"H{first}": top, f"I{first}": check}


def _columns(placed: Placed, numbers: Iterable[int]) -> tuple[list[object], list[object]]:
    """The 计分分值 and 人数 cells of questions ``numbers`` as the sheet holds them (four rows each)."""
    points: list[object] = []
    counts: list[object] = []
    for number in numbers:
        question, rows = placed.get(number, (None, ()))
        options = dict(zip(rows, question.options)) if question else {}
        for row in question_rows(number):
            option = options.get(row)
            points.append(option.points if option else None)
            counts.append(option.count if option else None)
    return points, counts


def _summary_values(survey: Survey | None, placed: Placed) -> dict[str, float | str]:
    top = float(survey.max_score) if survey else 0.0
    mean: float | str = ""
    total: float | str = float(survey.total) if survey else 0.0
    if survey is not None and survey.unscored:
        every = _columns(placed, range(1, QUESTIONS + 1))
        total = core_cells.survey_total(*every)
        mean = core_cells.survey_avg(*every, survey.valid)
    elif survey is not None:
        mean = "有效问卷数为0，无法计算问卷得分" if survey.average is None else float(survey.average)
    counts = ""
    if survey is not None:
        counts = ("收回问卷多于发放问卷" if survey.returned > survey.issued
                  else "有效问卷多于收回问卷" if survey.valid > survey.returned else "✓")
    return {
        cell("total"): total,
        cell("max"): top,
        cell("valid"): survey.valid if survey else "",
        cell("average"): mean,
        cell("rate"): mean / top if isinstance(mean, float) and top > 0 else "",
        **{cell(key): _share(survey, n) for key, n in (("top1", 1), ("top2", 2))},
        COUNT_CHECK: counts,
    }


def _share(survey: Survey | None, options: int) -> float | str:
    share = survey.top_share(options) if survey else None
    return "" if share is None else float(share.quantize(Decimal("0.0001"), ROUND_HALF_UP))

"""指标体系: one row per 三级 indicator — inputs, override, live score and explanation, texts.

Inputs are validated and formatted by what they hold (``InputKind``), through one table
each: a rule type with an input kind missing here fails a test, not a user's build.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal

from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from scoring import (
    MISSING_INPUT,
    Assessment,
    EvidenceError,
    Group,
    Indicator,
    IndicatorEntry,
    InputKind,
    RuleInput,
    Ruleset,
    describe_source,
    fmt_points,
    parse_number,
    resolve_source,
)

from . import accounts, info, survey
from . import style as S
from .file import WorkbookError, WorkbookFile
from .file import NAME_RULESET
from .sheet import BuildJob, Expected, Reading

NAME = "指标体系"
HEADER_ROW = 3
FIRST_ROW = 4
# Widths: inputs and results (A–O) print side by side on one A4 landscape page at PRINT_SCALE; an input column
# holds “①②③④=0.6” on one line. The reference texts (P–R) print after them, with 代码 and 三级指标.
COLUMNS = (
    ("level1", "A", "一级指标", 8), ("level2", "B", "二级指标", 8), ("code", "C", "代码", 6),
    ("name", "D", "三级指标", 16), ("weight", "E", "分值", 5), ("rule", "F", "计分方式", 20),
    ("label1", "G", "输入1项目", 11), ("input1", "H", "输入1", 16), ("label2", "I", "输入2项目", 11),
    ("input2", "J", "输入2", 16), ("override", "K", "人工得分", 7), ("reason", "L", "人工评定理由", 12),
    ("score", "M", "得分", 8), ("explain", "N", "计分说明", 34), ("note", "O", "备注", 18),
    ("definition", "P", "指标解释", 50), ("guide", "Q", "评分细则", 80), ("source", "R", "数据来源", 42),
)
COL = {key: letter for key, letter, _, _ in COLUMNS}
INPUT_COLUMNS = (COL["input1"], COL["input2"])
LABEL_COLUMNS = (COL["label1"], COL["label2"])
PRINT_SCALE = 72  # percent: columns A–O across one A4 landscape page (S.print_scale)
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def order(rs: Ruleset) -> list[tuple[Group, Group, Indicator]]:
    """三级 indicators grouped under their 一级 and 二级, as the sheet lists them."""
    return [(l1, l2, indicator) for l1 in rs.level1 for l2 in rs.subgroups(l1.code) for indicator in rs.indicators_of(l2.code)]


def rows(rs: Ruleset) -> dict[str, int]:
    """Indicator code → its row."""
    return {indicator.code: FIRST_ROW + index for index, (_, _, indicator) in enumerate(order(rs))}


def total_row(rs: Ruleset) -> int:
    return FIRST_ROW + len(rs.indicators)


def score_range(rs: Ruleset, column: str = COL["score"]) -> str:
    """``指标体系!M4:M34``: one column over every indicator row."""
    return f"{NAME}!{column}{FIRST_ROW}:{column}{total_row(rs) - 1}"


def total_formulas(rs: Ruleset) -> dict[str, str]:
    """The 合计 row: weights and scores summed."""
    total, score = total_row(rs), COL["score"]
    last = total - 1
    return {f"E{total}": f"=SUM(E{FIRST_ROW}:E{last})",
            f"{score}{total}": f"=ROUND(SUM({score}{FIRST_ROW}:{score}{last}),2)"}


def _udf_args(row: int) -> str:
    cols = (COL["code"], COL["input1"], COL["input2"], COL["override"], COL["reason"])
    return ",".join([NAME_RULESET, *(f"${c}{row}" for c in cols)])


def score_formula(row: int) -> str:
    return f"=PE_SCORE({_udf_args(row)})"


def explain_formula(row: int) -> str:
    return f"=PE_EXPLAIN({_udf_args(row)})"


_SOURCE_SHEETS: dict[str, tuple[str, Callable[[str], str]]] = {
    "accounts": (accounts.NAME, lambda rest: accounts.cell(int(rest.split(".")[0]), rest.split(".")[1])),
    "info": (info.NAME, info.cell),
    "survey": (survey.NAME, survey.cell),
}


def source_ref(source: str) -> str:
    """``accounts.61.final`` → ``决算!O9``; ``info.staff_quota`` → ``基本信息!B8``; ``survey.rate`` → ``问卷!G91``."""
    kind, _, rest = source.partition(".")
    sheet, locate = _SOURCE_SHEETS[kind]
    return f"{sheet}!{locate(rest)}"


def bound_formula(source: str) -> str:
    """A bound input shows the data cell, keeping a blank cell blank (a plain reference would give 0)."""
    ref = source_ref(source)
    return f'=IF({ref}="","",{ref})'


# ── input kinds: one validation and one number format each ───────────────
ValidationFactory = Callable[[Worksheet, Indicator, RuleInput], DataValidation]
_NUMBER_PROMPT = "填写数值；比率可写95%或0.95（不带%的按小数理解）"
VALIDATIONS: dict[InputKind, tuple[Callable[[Indicator], tuple[object, ...]], ValidationFactory]] = {
    # kind → (key of the validation rows share, how to make it)
    "criteria": (lambda ind: ("criteria",), lambda ws, ind, ref: S.validation(
        ws, None, "填写符合的细则，如①②④或1,2,4；部分符合写③=0.7；全部符合填「全部」，均不符合填「无」", "")),
    "level": (lambda ind: ("level", ind.code), lambda ws, ind, ref: S.choice(
        ws, list(ref.choices), f"选择档次：{ref.hint}")),
    "yes_no": (lambda ind: ("yes_no",), lambda ws, ind, ref: S.choice(
        ws, ["是", "否"], "是否存在否决情形：填「是」该指标不得分")),
    "score": (lambda ind: ("score", ind.weight), lambda ws, ind, ref: S.decimal_between(
        ws, 0, fmt_points(ind.weight), f"酌情评分：填写0至{fmt_points(ind.weight)}之间的得分")),
    "count": (lambda ind: ("count",), lambda ws, ind, ref: S.whole_at_least(ws, 0, "填写扣分事项的项数，没有填0")),
    "number": (lambda ind: ("number",), lambda ws, ind, ref: S.validation(ws, None, _NUMBER_PROMPT, "")),
    "rate": (lambda ind: ("number",), lambda ws, ind, ref: S.validation(ws, None, _NUMBER_PROMPT, "")),
    "percent": (lambda ind: ("percent",), lambda ws, ind, ref: S.validation(
        ws, None, "填写百分点数值，如 95 表示95%（也可写95%）", "")),
    "target": (lambda ind: ("target",), lambda ws, ind, ref: S.validation(
        ws, None, "填写年度指标值，如≥50个、≤90万元、100%、9月底前、2天以内；定性指标如达成预期指标", "")),
    "actual": (lambda ind: ("actual",), lambda ws, ind, ref: S.validation(
        ws, None, "填写实际完成值，如48个、95万元、96%、9月20日；时限指标也可填按时完成或逾期", "")),
    "band": (lambda ind: ("band", ind.code), lambda ws, ind, ref: S.validation(
        ws, None, f"以评定结果开头，其后可写说明，如「{ref.choices[0]}：……」。可选：{ref.hint}", "")),
}
_UNIT_FORMATS = {"元": S.MONEY, "万元": S.AMOUNT}
FORMATS: dict[InputKind, str | None] = {
    "criteria": None, "level": None, "yes_no": None, "score": None, "count": None, "number": None,
    "rate": S.PERCENT, "percent": None, "target": S.TEXT, "actual": S.TEXT, "band": None,
}


def input_format(ref: RuleInput) -> str | None:
    return _UNIT_FORMATS.get(ref.unit) or FORMATS[ref.kind]


class _Validations:
    """One data validation per kind of input, shared by all the rows that need it."""

    def __init__(self, ws: Worksheet):
        self.ws = ws
        self.made: dict[tuple[object, ...], DataValidation] = {}

    def _get(self, key: tuple[object, ...], make: Callable[[], DataValidation]) -> DataValidation:
        if key not in self.made:
            self.made[key] = make()
        return self.made[key]

    def add(self, indicator: Indicator, ref: RuleInput, cell: str) -> None:
        key_of, make = VALIDATIONS[ref.kind]
        self._get(key_of(indicator), lambda: make(self.ws, indicator, ref)).add(cell)

    def override(self, indicator: Indicator, cell: str) -> None:
        weight = fmt_points(indicator.weight)
        self._get(("override", weight), lambda: S.decimal_between(
            self.ws, 0, weight, f"不采用规则得分时填写0至{weight}之间的人工得分，并在右侧填写理由")).add(cell)


# ── build ─────────────────────────────────────────────────
def build(ws: Worksheet, job: BuildJob) -> None:
    rs, evaluation = job.rs, job.evaluation
    last_col = COLUMNS[-1][1]
    S.title(ws, "A1", rs.name, f"{last_col}1")
    S.literal(ws, "A2", "黄色格为输入；得分与计分说明由 PE_SCORE、PE_EXPLAIN 实时计算；"
                        "取自决算、基本信息、问卷的输入是引用公式，请在源表修改。人工得分须同时填写理由。")
    ws.merge_cells(f"A2:{last_col}2")
    S.header_row(ws, HEADER_ROW, [(col, text) for _, col, text, _ in COLUMNS])
    validations = _Validations(ws)
    listed = order(rs)
    for index, (l1, l2, indicator) in enumerate(listed):
        row = FIRST_ROW + index
        entry = evaluation.entry(indicator.code) if evaluation else None
        S.label_cell(ws, f"A{row}", f"{l1.code}{l1.name}（{fmt_points(l1.weight)}分）", bold=True)
        S.label_cell(ws, f"B{row}", f"{l2.code}{l2.name}（{fmt_points(l2.weight)}分）", bold=True)
        _build_row(ws, row, indicator, entry, validations)
    total = total_row(rs)
    first, last = FIRST_ROW, total - 1
    for _, col, _, _ in COLUMNS:
        S.label_cell(ws, f"{col}{total}", None)
    S.label_cell(ws, f"A{total}", "合计", bold=True)
    ws.merge_cells(f"A{total}:D{total}")
    totals = total_formulas(rs)
    S.computed_cell(ws, f"E{total}", totals[f"E{total}"])
    score = COL["score"]
    S.computed_cell(ws, f"{score}{total}", totals[f"{score}{total}"], S.SCORE)
    _highlights(ws, first, last)
    S.widths(ws, {col: width for _, col, _, width in COLUMNS})
    ws.freeze_panes = f"E{FIRST_ROW}"
    _build_print(ws, rs.name, listed, total)


def _build_print(ws: Worksheet, heading: str, listed: list[tuple[Group, Group, Indicator]], total: int) -> None:
    """Each indicator's inputs and results (A–O) on one A4 landscape page, all of them first; then the reference
    texts (P–R) with 代码 and 三级指标 repeated at the left; the title in the page header (rows 1–2 stay on
    screen). Pages break between 二级 groups, and a 一级 label longer than a page is merged page by page, so no
    merged label is split."""
    S.fit_rows(ws, range(HEADER_ROW, total))
    ws.print_area = f"A{HEADER_ROW}:{COLUMNS[-1][1]}{total}"
    S.print_setup(ws, landscape=True, title_rows=f"{HEADER_ROW}:{HEADER_ROW}", scale=PRINT_SCALE)
    S.column_pages(ws, (COL["note"],), f"{COL['code']}:{COL['name']}", across_first=False)
    S.page_header(ws, heading)
    pages = S.row_pages(ws, _group_starts(listed), FIRST_ROW, total, HEADER_ROW, PRINT_SCALE)
    _merge_groups(ws, listed, pages)


def _group_starts(listed: list[tuple[Group, Group, Indicator]]) -> list[int]:
    """The first row of each 二级 group (where a page may break)."""
    return [FIRST_ROW + i for i in range(len(listed)) if i == 0 or listed[i][1].code != listed[i - 1][1].code]


def _data(value: object) -> object:
    """A value as the cell should hold it: plain numeric text becomes a number."""
    if isinstance(value, str) and _PLAIN_NUMBER.fullmatch(value.strip()):
        return Decimal(value.strip())
    return value


def _build_row(ws: Worksheet, row: int, indicator: Indicator, entry: IndicatorEntry | None,
               validations: _Validations) -> None:
    S.label_cell(ws, f"{COL['code']}{row}", indicator.code)
    S.label_cell(ws, f"{COL['name']}{row}", indicator.name)
    S.label_cell(ws, f"{COL['weight']}{row}", indicator.weight)
    S.label_cell(ws, f"{COL['rule']}{row}", indicator.describe_rule())
    refs = indicator.rule.inputs()
    entered = list(entry.inputs) if entry else []
    for i, (label_col, input_col) in enumerate(zip(LABEL_COLUMNS, INPUT_COLUMNS)):
        cell = f"{input_col}{row}"
        if i >= len(refs):
            S.na_cell(ws, f"{label_col}{row}", None)
            S.na_cell(ws, cell, None)
            continue
        ref = refs[i]
        S.label_cell(ws, f"{label_col}{row}", _input_label(ref))
        value = entered[i] if i < len(entered) else None
        if ref.source and value is None:
            S.computed_cell(ws, cell, bound_formula(ref.source), input_format(ref), wrap=True)
        else:
            S.input_cell(ws, cell, _data(value), input_format(ref), wrap=True)
            validations.add(indicator, ref, cell)
    override = f"{COL['override']}{row}"
    S.input_cell(ws, override, entry.override if entry else None, S.SCORE, wrap=True)
    validations.override(indicator, override)
    S.input_cell(ws, f"{COL['reason']}{row}", entry.reason if entry and entry.reason else None, wrap=True)
    S.computed_cell(ws, f"{COL['score']}{row}", score_formula(row), S.SCORE, wrap=True)
    S.computed_cell(ws, f"{COL['explain']}{row}", explain_formula(row), wrap=True)
    S.input_cell(ws, f"{COL['note']}{row}", entry.note if entry and entry.note else None, wrap=True)
    for key, text in (("definition", indicator.definition), ("guide", indicator.scoring_guide), ("source", indicator.data_source)):
        S.label_cell(ws, f"{COL[key]}{row}", text or None)


def _input_label(ref: RuleInput) -> str:
    text = f"{ref.label}（{ref.unit}）" if ref.unit else ref.label
    if not ref.source:
        return text
    where = describe_source(ref.source)
    sheet = {"info": info.NAME, "survey": survey.NAME}.get(ref.source.split(".")[0])
    return f"{text}\n取自{sheet}「{where}」" if sheet else f"{text}\n取自{where}"


def _merge_groups(ws: Worksheet, listed: list[tuple[Group, Group, Indicator]], page_starts: list[int]) -> None:
    """一级 and 二级 labels merged over their rows; a group that goes on over a page break is merged on each page,
    its label repeated."""
    breaks = {row - FIRST_ROW for row in page_starts}
    for column, level in (("A", 0), ("B", 1)):
        start = 0
        for i in range(1, len(listed) + 1):
            if i == len(listed) or listed[i][level].code != listed[start][level].code or i in breaks:
                if i - 1 > start:
                    ws.merge_cells(f"{column}{FIRST_ROW + start}:{column}{FIRST_ROW + i - 1}")
                ws[f"{column}{FIRST_ROW + start}"].alignment = S.CENTER
                start = i


def _highlights(ws: Worksheet, first: int, last: int) -> None:
    score, override, reason = COL["score"], COL["override"], COL["reason"]
    results = f"{score}{first}:{score}{last}"
    S.highlight(ws, f"{reason}{first}:{reason}{last}", f'AND(${override}{first}<>"",${reason}{first}="")',
                S.FAIL_FILL, S.FAIL_FONT)  # an override needs its reason
    S.highlight(ws, results, f'LEFT({score}{first},{len(MISSING_INPUT)})="{MISSING_INPUT}"', None, S.MUTED_FONT)
    S.highlight(ws, results, f"ISTEXT({score}{first})", S.FAIL_FILL, S.FAIL_FONT)
    S.highlight(ws, f"{results} {override}{first}:{override}{last}", f'${override}{first}<>""', S.AMBER_FILL, S.AMBER_FONT)


def defined_names(job: BuildJob) -> dict[str, str]:
    return {}


# ── read ──────────────────────────────────────────────────
def _literal(value: object) -> str | int | Decimal | None:
    """A typed input as the model keeps it: blank is "", floats become exact decimals."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return parse_number(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value  # type: ignore[return-value]  # openpyxl gives str or int here


def _check_rows(book: WorkbookFile) -> None:
    """The sheet lists the ruleset's indicators in order, then 合计."""
    rs, ws = book.ruleset, book.sheets[NAME]
    for code, row in rows(rs).items():
        ref = f"{COL['code']}{row}"
        if ws.value(ref) != code:
            raise WorkbookError(
                f"工作簿的指标体系与规则集「{rs.id}」不一致：{NAME}!{ref} 应为指标{code}，"
                f"实际为「{ws.value(ref) or ''}」（工作簿可能按其他规则集生成，或被增删了行）"
            )
    if ws.value(f"A{total_row(rs)}") != "合计":
        raise WorkbookError(f"工作簿的指标体系与规则集「{rs.id}」不一致：{NAME}!A{total_row(rs)} 应为「合计」")


def read(book: WorkbookFile, reading: Reading) -> None:
    _check_rows(book)
    ws = book.sheets[NAME]
    entries = []
    for (_, _, indicator), row in zip(order(book.ruleset), rows(book.ruleset).values()):
        inputs: list[object] = []
        for index, (ref, input_col) in enumerate(zip(indicator.rule.inputs(), INPUT_COLUMNS), start=1):
            cell = f"{input_col}{row}"
            reading.provenance[f"indicators.{indicator.code}.input{index}"] = f"{NAME}!{cell}"
            if ref.source and ws.formula(cell) is not None:
                inputs.append(None)  # bound: the core takes the data it points at
                continue
            try:
                inputs.append(_literal(book.raw(NAME, cell)))
            except EvidenceError as exc:
                book.problem(NAME, cell, f"{indicator.code}{ref.label}：{exc}")
                inputs.append(None)
        override = f"{COL['override']}{row}"
        reading.provenance[f"indicators.{indicator.code}.override"] = f"{NAME}!{override}"
        entries.append(IndicatorEntry.model_validate(dict(
            code=indicator.code, inputs=inputs,
            override=book.parse(NAME, override, f"{indicator.code}人工得分", parse_number, ("分",), "1.5"),
            reason=book.text(NAME, f"{COL['reason']}{row}"),
            note=book.text(NAME, f"{COL['note']}{row}"),
        )))
    reading.fields["indicators"] = entries


# ── check ─────────────────────────────────────────────────
def expected(assessment: Assessment) -> list[Expected]:
    rs, evaluation = assessment.ruleset, assessment.evaluation
    results = {r.code: r for r in assessment.scorecard.indicators}
    found: list[Expected] = []
    for (_, _, indicator), row in zip(order(rs), rows(rs).values()):
        result = results[indicator.code]
        score = float(result.score) if result.score is not None else result.explanation
        found.append(Expected(f"{NAME}!{COL['score']}{row}", f"{indicator.code}得分", score_formula(row), score))
        found.append(Expected(f"{NAME}!{COL['explain']}{row}", f"{indicator.code}计分说明",
                              explain_formula(row), result.explanation))
        for ref, col in zip(indicator.rule.inputs(), INPUT_COLUMNS):
            if ref.source:
                data = resolve_source(evaluation, ref.source)
                found.append(Expected(f"{NAME}!{col}{row}", f"{indicator.code}{ref.label}", bound_formula(ref.source),
                                      "" if data is None else float(data), bound=True))
    totals = total_formulas(rs)
    weight, score = (f"{column}{total_row(rs)}" for column in ("E", COL["score"]))
    values = {weight: float(sum((i.weight for i in rs.indicators), Decimal(0))), score: float(assessment.scorecard.total)}
    found += [Expected(f"{NAME}!{ref}", "指标体系合计", formula, values[ref]) for ref, formula in totals.items()]
    return found

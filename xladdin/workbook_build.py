"""Build the evaluation workbook from a ruleset: a blank template, or filled with an evaluation."""
from __future__ import annotations

import re
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.worksheet import Worksheet

from scoring import sources
from scoring.accounts import COLUMN_NAMES, COLUMNS, IDENTITIES, ROWS, SECTION_FIRST_COLUMN
from scoring.model import BasicInfo, Evaluation, IndicatorEntry
from scoring.narrative import NARRATIVE_SECTIONS
from scoring.numbers import fmt_points
from scoring.rule_text import describe_rule
from scoring.rules import CIRCLED, InputRef
from scoring.ruleset import Indicator, Ruleset
from scoring.survey import Survey

from . import workbook_layout as L
from . import workbook_style as S
from .workbook_guide import COLOURS, guide_sections

_PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")
_COLOUR_FILLS = {"input": S.INPUT_FILL, "computed": S.COMPUTED_FILL, "na": S.NA_FILL,
                 "fail": S.FAIL_FILL, "amber": S.AMBER_FILL}


def build_workbook(rs: Ruleset, evaluation: Evaluation | None = None, ruleset_ref: str | None = None) -> Workbook:
    """The whole workbook; ``evaluation`` None gives the blank template.

    ``ruleset_ref`` is what the 规则集 cell holds (default the ruleset's id; a .toml path for a custom one).
    """
    wb = Workbook()
    wb.remove(wb.active)
    sheets = {name: wb.create_sheet(name) for name in L.SHEETS}
    _guide(sheets[L.GUIDE], rs, ruleset_ref or rs.id)
    _info(sheets[L.INFO], evaluation.info if evaluation else None)
    _accounts(sheets[L.ACCOUNTS], evaluation)
    _indicators(sheets[L.INDICATORS], rs, evaluation)
    _survey(sheets[L.SURVEY], evaluation.survey if evaluation else None)
    _summary(sheets[L.SUMMARY], rs)
    _report(sheets[L.REPORT], evaluation.narrative if evaluation else {})
    layout = L.summary_layout(rs)
    names = {
        L.NAME_RULESET: (L.GUIDE, L.GUIDE_RULESET),
        L.NAME_LAYOUT: (L.GUIDE, L.GUIDE_LAYOUT),
        L.NAME_TOTAL: (L.SUMMARY, f"D{layout.total_row}"),
        L.NAME_GRADE: (L.SUMMARY, f"D{layout.grade_row}"),
        "有效问卷数": (L.SURVEY, L.SURVEY_VALID),
        "问卷综合得分": (L.SURVEY, L.survey_cell("average")),
        "问卷满意率": (L.SURVEY, L.survey_cell("rate")),
    }
    for name, (sheet, cell) in names.items():
        wb.defined_names[name] = DefinedName(name, attr_text=L.absolute(sheet, cell))
    for ws in wb.worksheets:
        S.protect(ws)
    return wb


def _data(value: object) -> object:
    """A value as the cell should hold it: plain numeric text becomes a number."""
    if isinstance(value, str) and _PLAIN_NUMBER.fullmatch(value.strip()):
        return Decimal(value.strip())
    return value


# ── 说明 ──────────────────────────────────────────────────
def _guide(ws: Worksheet, rs: Ruleset, ruleset_ref: str) -> None:
    S.title(ws, "A1", "部门整体支出绩效评价工作簿", "B1")
    for ref, label, value in (
        (L.GUIDE_RULESET, "规则集", ruleset_ref),
        (L.GUIDE_RULESET_TITLE, "规则集名称", rs.name),
        (L.GUIDE_LAYOUT, "工作簿版式", L.LAYOUT_VERSION),
    ):
        S.label_cell(ws, f"A{ref[1:]}", label, bold=True, fill=S.HEADER_FILL)
        S.label_cell(ws, ref, value, fill=S.COMPUTED_FILL)
    row = 7
    colours = dict((text, key) for key, text in COLOURS)
    for heading, lines in guide_sections(rs):
        S.literal(ws, f"A{row}", heading)
        ws[f"A{row}"].font = S.BOLD
        row += 1
        for line in lines:
            S.literal(ws, f"B{row}", line)
            ws[f"B{row}"].alignment = S.WRAP
            if line in colours:
                S.label_cell(ws, f"A{row}", "示例", fill=_COLOUR_FILLS[colours[line]])
            row += 1
        row += 1
    S.widths(ws, {"A": 16, "B": 110})
    S.print_setup(ws, landscape=False)


# ── 基本信息 ──────────────────────────────────────────────
_INFO_HINTS = {"text": "", "count": "整数", "amount": "万元", "date": "日期，如 2024-01-01", "year": "四位年份"}
_INFO_FORMATS = {"count": "0", "amount": S.AMOUNT, "date": S.DATE, "year": "0", "text": S.TEXT}


def _info(ws: Worksheet, info: BasicInfo | None) -> None:
    S.title(ws, "A1", "基本信息", "C1")
    S.header_row(ws, 2, [("A", "项目"), ("B", "内容"), ("C", "说明")])
    rules = {
        "count": S.whole_at_least(ws, 0, "填写人数（整数）"),
        "amount": S.decimal_at_least(ws, 0, "填写金额，单位万元"),
        "year": S.validation(ws, "whole", "填写评价年度，如 2024", "年度应在2000至2100之间", "2000", "2100", "between"),
    }
    credit = S.validation(ws, "textLength", "18位统一社会信用代码", "统一社会信用代码应为18位", "18", None, "equal")
    for field in L.INFO_FIELDS:
        ref = L.info_cell(field.name)
        row = ref[1:]
        S.label_cell(ws, f"A{row}", field.label)
        S.input_cell(ws, ref, getattr(info, field.name) if info else None, _INFO_FORMATS[field.kind])
        hint = _INFO_HINTS[field.kind]
        S.label_cell(ws, f"C{row}", None if hint in field.label else hint)
        if field.kind in rules:
            rules[field.kind].add(ref)
        if field.name == "credit_code":
            credit.add(ref)
    _projects(ws, info.key_projects if info else [])
    _progress(ws, info.execution_progress if info else [])
    S.widths(ws, {"A": 30, "B": 34, "C": 18, "D": 10, "E": 30})
    ws.freeze_panes = "A3"
    S.print_setup(ws, landscape=False)


def _projects(ws: Worksheet, projects: list) -> None:
    if len(projects) > L.PROJECT_ROWS:
        raise ValueError(f"重点项目超过{L.PROJECT_ROWS}个，工作簿放不下")
    S.literal(ws, f"A{L.PROJECTS_TITLE_ROW}", "重点项目")
    ws[f"A{L.PROJECTS_TITLE_ROW}"].font = S.BOLD
    S.header_row(ws, L.PROJECTS_TITLE_ROW + 1, [(col, text) for _, col, text in L.PROJECT_COLUMNS])
    yes_no = S.choice(ws, ["是", "否"], "该重点项目是否完成")
    money = S.decimal_at_least(ws, 0, "填写金额，单位万元")
    for i in range(L.PROJECT_ROWS):
        row = L.PROJECTS_FIRST_ROW + i
        project = projects[i] if i < len(projects) else None
        for key, col, _ in L.PROJECT_COLUMNS:
            value = getattr(project, key) if project else None
            if key == "completed":
                value = None if value is None else ("是" if value else "否")
                yes_no.add(f"{col}{row}")
            elif key in ("budget", "spent"):
                money.add(f"{col}{row}")
            S.input_cell(ws, f"{col}{row}", value, S.AMOUNT if key in ("budget", "spent") else None, wrap=True)


def _progress(ws: Worksheet, points: list) -> None:
    if len(points) > L.PROGRESS_ROWS:
        raise ValueError(f"预算执行进度超过{L.PROGRESS_ROWS}个时点，工作簿放不下")
    S.literal(ws, f"A{L.PROGRESS_TITLE_ROW}", "预算执行进度")
    ws[f"A{L.PROGRESS_TITLE_ROW}"].font = S.BOLD
    S.header_row(ws, L.PROGRESS_TITLE_ROW + 1, [("A", "时点（如 6月末）"), ("B", "执行进度")])
    rate = S.validation(ws, "decimal", "填写百分数，如 60.46%", "执行进度应在0%至1000%之间", "0", "10", "between")
    for i in range(L.PROGRESS_ROWS):
        row = L.PROGRESS_FIRST_ROW + i
        point = points[i] if i < len(points) else None
        S.input_cell(ws, f"A{row}", point.label if point else None)
        S.input_cell(ws, f"B{row}", point.rate if point else None, S.PERCENT)
        rate.add(f"B{row}")


# ── 决算 ──────────────────────────────────────────────────
def _accounts(ws: Worksheet, evaluation: Evaluation | None) -> None:
    accounts = evaluation.accounts if evaluation else None
    S.title(ws, "A1", "收入支出决算总表", f"{L.ACC_LAST_COLUMN}1")
    ws["A1"].alignment = S.CENTER
    ws["A2"] = f'="编制单位："&{L.INFO}!{L.info_cell("unit_name")}'
    S.literal(ws, "H2", "财决01表")
    S.literal(ws, "O2", "单位：元")
    ws["O2"].alignment = Alignment(horizontal="right")
    S.header_row(ws, 3, [("A", "收入"), ("F", "支出")])
    ws.merge_cells("A3:E3")
    ws.merge_cells(f"F3:{L.ACC_LAST_COLUMN}3")
    heads = {"income": "项目", "function": "项目（按功能分类）", "nature": "项目（按支出性质和经济分类）"}
    for section, (name_col, number_col, amount_cols) in L.ACC_SECTIONS.items():
        titles = [(name_col, heads[section]), (number_col, "行次")]
        titles += [(col, COLUMN_NAMES[c]) for col, c in zip(amount_cols, COLUMNS)]
        S.header_row(ws, 4, titles)
        first = SECTION_FIRST_COLUMN[section]
        S.header_row(ws, 5, [(name_col, "栏次"), (number_col, "")] + [(col, str(first + i)) for i, col in enumerate(amount_cols)])
    for line in range(1, L.ACC_LINES + 1):
        row = L.ACC_FIRST_ROW + line - 1
        for section, number in L.line_numbers(line).items():
            _account_line(ws, row, section, number, accounts)
    _checks(ws)
    amounts = " ".join(f"{cols[0]}{L.ACC_FIRST_ROW}:{cols[2]}{L.ACC_FIRST_ROW + L.ACC_LINES - 1}"
                       for _, _, cols in L.ACC_SECTIONS.values())
    S.highlight(ws, amounts, f"AND(ISNUMBER(C{L.ACC_FIRST_ROW}),C{L.ACC_FIRST_ROW}<0)", S.FAIL_FILL, S.FAIL_FONT)
    S.widths(ws, {"A": 30, "B": 5, "C": 15, "D": 15, "E": 15, "F": 28, "G": 5, "H": 15, "I": 15, "J": 15,
                  "K": 30, "L": 5, "M": 15, "N": 15, "O": 15, "P": 2, "Q": 11, "R": 48, "S": 15, "T": 15, "U": 15})
    ws.freeze_panes = f"A{L.ACC_FIRST_ROW}"
    S.print_setup(ws, landscape=True, title_rows="3:5")


def _account_line(ws: Worksheet, row: int, section: str, number: int | None, accounts) -> None:
    name_col, number_col, amount_cols = L.ACC_SECTIONS[section]
    info = ROWS.get(number) if number else None
    S.label_cell(ws, f"{name_col}{row}", info.name if info else None, wrap=False)
    if info and info.indent:
        ws[f"{name_col}{row}"].alignment = Alignment(indent=info.indent * 2)
    S.label_cell(ws, f"{number_col}{row}", number)
    ws[f"{number_col}{row}"].alignment = S.CENTER
    for col, column in zip(amount_cols, COLUMNS):
        ref = f"{col}{row}"
        if info is None:
            S.label_cell(ws, ref, None)
        elif column in info.na:
            S.na_cell(ws, ref)
        else:
            S.input_cell(ws, ref, accounts.get(number, column) if accounts else None, S.MONEY)


def _checks(ws: Worksheet) -> None:
    code_col, text_col = L.CHECK_CODE_COLUMN, L.CHECK_TEXT_COLUMN
    S.header_row(ws, 3, [(code_col, "勾稽检查（✓ 相符；差额 = 左边 − 右边；空白 = 未填数）")])
    ws.merge_cells(f"{code_col}3:{L.CHECK_COLUMNS['final']}3")
    columns = list(L.CHECK_COLUMNS.items())
    S.header_row(ws, 4, [(code_col, "代码"), (text_col, "勾稽关系")] + [(col, COLUMN_NAMES[c]) for c, col in columns])
    numbers = [(col, "栏次 " + "/".join(str(first + i) for first in SECTION_FIRST_COLUMN.values()))
               for i, (_, col) in enumerate(columns)]
    S.header_row(ws, 5, [(code_col, ""), (text_col, "")] + numbers)
    for identity in IDENTITIES:
        row = L.check_row(identity)
        S.label_cell(ws, f"{code_col}{row}", identity.code)
        S.label_cell(ws, f"{text_col}{row}", identity.text)
        for column, col in L.CHECK_COLUMNS.items():
            if L.check_applies(identity, column):
                S.computed_cell(ws, f"{col}{row}", L.check_formula(identity, column))
                ws[f"{col}{row}"].alignment = Alignment(horizontal="center", vertical="top")
            else:
                S.na_cell(ws, f"{col}{row}")
    first, last = L.CHECK_FIRST_ROW, L.check_row(IDENTITIES[-1])
    left, right = columns[0][1], columns[-1][1]
    cells = f"{left}{first}:{right}{last}"
    S.highlight(ws, cells, f'{left}{first}="✓"', None, S.OK_FONT)
    S.highlight(ws, cells, f'AND({left}{first}<>"",{left}{first}<>"—")', S.FAIL_FILL, S.FAIL_FONT)


# ── 指标体系 ──────────────────────────────────────────────
def _indicators(ws: Worksheet, rs: Ruleset, evaluation: Evaluation | None) -> None:
    last_col = L.IND_COLUMNS[-1][1]
    S.title(ws, "A1", rs.name, f"{last_col}1")
    S.literal(ws, "A2", "黄色格为输入；得分与计分说明由 PE_SCORE、PE_EXPLAIN 实时计算；"
                        "取自决算、基本信息、问卷的输入是引用公式，请在源表修改。人工得分须同时填写理由。")
    ws.merge_cells(f"A2:{last_col}2")
    S.header_row(ws, L.IND_HEADER_ROW, [(col, text) for _, col, text, _ in L.IND_COLUMNS])
    validations = _Validations(ws)
    order = L.indicator_order(rs)
    for index, (l1, l2, indicator) in enumerate(order):
        row = L.IND_FIRST_ROW + index
        entry = evaluation.entry(indicator.code) if evaluation else None
        S.label_cell(ws, f"A{row}", f"{l1.code}{l1.name}（{fmt_points(l1.weight)}分）", bold=True)
        S.label_cell(ws, f"B{row}", f"{l2.code}{l2.name}（{fmt_points(l2.weight)}分）", bold=True)
        _indicator_row(ws, row, indicator, entry, validations)
    _merge_groups(ws, order)
    total = L.indicator_total_row(rs)
    first, last = L.IND_FIRST_ROW, total - 1
    for _, col, _, _ in L.IND_COLUMNS:
        S.label_cell(ws, f"{col}{total}", None)
    S.label_cell(ws, f"A{total}", "合计", bold=True)
    ws.merge_cells(f"A{total}:D{total}")
    S.computed_cell(ws, f"E{total}", f"=SUM(E{first}:E{last})")
    score = L.IND["score"]
    S.computed_cell(ws, f"{score}{total}", f"=ROUND(SUM({score}{first}:{score}{last}),2)", S.SCORE)
    _indicator_highlights(ws, first, last)
    S.widths(ws, {col: width for _, col, _, width in L.IND_COLUMNS})
    ws.freeze_panes = f"E{L.IND_FIRST_ROW}"
    S.print_setup(ws, landscape=True, title_rows=f"{L.IND_HEADER_ROW}:{L.IND_HEADER_ROW}")


def _indicator_row(ws: Worksheet, row: int, indicator: Indicator, entry: IndicatorEntry | None, validations) -> None:
    col = L.IND
    S.label_cell(ws, f"{col['code']}{row}", indicator.code)
    S.label_cell(ws, f"{col['name']}{row}", indicator.name)
    S.label_cell(ws, f"{col['weight']}{row}", indicator.weight)
    S.label_cell(ws, f"{col['rule']}{row}", describe_rule(indicator))
    refs = indicator.rule.inputs()
    entered = list(entry.inputs) if entry else []
    for i, (label_col, input_col) in enumerate(zip(L.LABEL_COLUMNS, L.INPUT_COLUMNS)):
        ref = f"{input_col}{row}"
        if i >= len(refs):
            S.na_cell(ws, f"{label_col}{row}", None)
            S.na_cell(ws, ref, None)
            continue
        S.label_cell(ws, f"{label_col}{row}", _input_label(refs[i]))
        value = entered[i] if i < len(entered) else None
        if refs[i].source and value is None:
            S.computed_cell(ws, ref, L.bound_formula(refs[i].source), _input_format(indicator, refs[i]))
        else:
            S.input_cell(ws, ref, _data(value), _input_format(indicator, refs[i]), wrap=True)
            validations.add(indicator, i, ref)
    override = f"{col['override']}{row}"
    S.input_cell(ws, override, entry.override if entry else None, S.SCORE)
    validations.override(indicator, override)
    S.input_cell(ws, f"{col['reason']}{row}", entry.reason if entry and entry.reason else None, wrap=True)
    S.computed_cell(ws, f"{col['score']}{row}", L.score_formula(row), S.SCORE)
    S.computed_cell(ws, f"{col['explain']}{row}", L.explain_formula(row), wrap=True)
    S.input_cell(ws, f"{col['note']}{row}", entry.note if entry and entry.note else None, wrap=True)
    for key, text in (("definition", indicator.definition), ("guide", indicator.scoring_guide), ("source", indicator.data_source)):
        S.label_cell(ws, f"{col[key]}{row}", text or None)


def _input_label(ref: InputRef) -> str:
    text = f"{ref.label}（{ref.unit}）" if ref.unit else ref.label
    if not ref.source:
        return text
    where = sources.describe(ref.source)
    sheet = {"info": L.INFO, "survey": L.SURVEY}.get(ref.source.split(".")[0])
    return f"{text}\n取自{sheet}「{where}」" if sheet else f"{text}\n取自{where}"


def _input_format(indicator: Indicator, ref: InputRef) -> str | None:
    rate = getattr(indicator.rule, "rate", None)
    if ref.unit in ("元", "万元"):
        return S.MONEY if ref.unit == "元" else S.AMOUNT
    if rate is not None and rate.formula == "direct" and rate.unit == "ratio":
        return S.PERCENT
    return None


class _Validations:
    """One data validation per kind of input, shared by all the rows that need it."""

    def __init__(self, ws: Worksheet):
        self.ws = ws
        self.made: dict[tuple, object] = {}

    def _get(self, key: tuple, make):
        if key not in self.made:
            self.made[key] = make()
        return self.made[key]

    def add(self, indicator: Indicator, index: int, ref: str) -> None:
        rule, ws = indicator.rule, self.ws
        kind = rule.type
        if kind == "level":
            marks = [CIRCLED[i] for i in range(len(rule.levels))]
            levels = "；".join(f"{CIRCLED[i]}{lv.text}（{fmt_points(lv.points)}分）" for i, lv in enumerate(rule.levels))
            dv = self._get((kind, len(marks), indicator.code), lambda: S.choice(ws, marks, f"选择档次：{levels}"))
        elif kind == "veto" and index == 1:
            dv = self._get(("yes_no",), lambda: S.choice(ws, ["是", "否"], "是否存在否决情形：填「是」该指标不得分"))
        elif kind in ("checklist", "veto"):
            dv = self._get(("criteria",), lambda: S.validation(
                ws, None, "填写符合的细则，如①②④或1,2,4；部分符合写③=0.7；全部符合填「全部」，均不符合填「无」", ""))
        elif kind == "discretionary":
            weight = fmt_points(indicator.weight)
            dv = self._get((kind, weight), lambda: S.decimal_between(ws, 0, weight, f"酌情评分：填写0至{weight}之间的得分"))
        elif kind == "deduction":
            dv = self._get((kind,), lambda: S.whole_at_least(ws, 0, "填写扣分事项的项数，没有填0"))
        else:
            dv = self._get(("rate",), lambda: S.validation(
                ws, None, "填写数值；比率可写95%或0.95（不带%的按小数理解）", ""))
        dv.add(ref)

    def override(self, indicator: Indicator, ref: str) -> None:
        weight = fmt_points(indicator.weight)
        self._get(("override", weight), lambda: S.decimal_between(
            self.ws, 0, weight, f"不采用规则得分时填写0至{weight}之间的人工得分，并在右侧填写理由")).add(ref)


def _merge_groups(ws: Worksheet, order) -> None:
    for column, key in (("A", lambda item: item[0].code), ("B", lambda item: item[1].code)):
        start = 0
        for i in range(1, len(order) + 1):
            if i == len(order) or key(order[i]) != key(order[start]):
                if i - 1 > start:
                    ws.merge_cells(f"{column}{L.IND_FIRST_ROW + start}:{column}{L.IND_FIRST_ROW + i - 1}")
                ws[f"{column}{L.IND_FIRST_ROW + start}"].alignment = S.CENTER
                start = i


def _indicator_highlights(ws: Worksheet, first: int, last: int) -> None:
    score, override = L.IND["score"], L.IND["override"]
    cells = f"{score}{first}:{score}{last}"
    S.highlight(ws, cells, f'LEFT({score}{first},{len(L.MISSING_PREFIX)})="{L.MISSING_PREFIX}"', None, S.MUTED_FONT)
    S.highlight(ws, cells, f"ISTEXT({score}{first})", S.FAIL_FILL, S.FAIL_FONT)
    S.highlight(ws, f"{cells} {override}{first}:{override}{last}", f'${override}{first}<>""', S.AMBER_FILL, S.AMBER_FONT)


# ── 问卷 ──────────────────────────────────────────────────
def _survey(ws: Worksheet, survey: Survey | None) -> None:
    S.title(ws, "A1", "满意度调查问卷", "I1")
    S.label_cell(ws, "A2", "问卷标题", bold=True)
    S.input_cell(ws, L.SURVEY_TITLE, survey.title if survey else None)
    ws.merge_cells(f"{L.SURVEY_TITLE}:I2")
    count = S.whole_at_least(ws, 0, "填写份数（整数）")
    for label_ref, ref, label, attr in (("A3", L.SURVEY_ISSUED, "发放问卷（份）", "issued"),
                                        ("C3", L.SURVEY_RETURNED, "收回问卷（份）", "returned"),
                                        ("E3", L.SURVEY_VALID, "有效问卷（份）", "valid")):
        S.label_cell(ws, label_ref, label, bold=True)
        S.input_cell(ws, ref, getattr(survey, attr) if survey else None, "0")
        count.add(ref)
    S.label_cell(ws, "G3", "份数核对", bold=True)
    S.header_row(ws, L.SURVEY_HEADER_ROW, [("A", "题号"), ("B", "问题内容"), ("C", "选项"), ("D", "选项内容"),
                                           ("E", "标准分值"), ("F", "人数"), ("G", "本题得分"), ("H", "本题满分"), ("I", "人数核对")])
    questions = survey.questions if survey else []
    if len(questions) > L.QUESTIONS or any(len(q.options) > L.OPTIONS for q in questions):
        raise ValueError(f"问卷超过{L.QUESTIONS}题或某题超过{L.OPTIONS}个选项，工作簿放不下")
    points = S.decimal_at_least(ws, 0, "该选项的标准分值，如 10、5、0")
    people = S.whole_at_least(ws, 0, "选择该选项的人数")
    for number in range(1, L.QUESTIONS + 1):
        question = questions[number - 1] if number <= len(questions) else None
        _question(ws, number, question, points, people)
    formulas = L.survey_formulas()
    labels = {"total": "问卷总分", "max": "问卷满分（各题最高分值之和）", "valid": "有效问卷份数",
              "average": "问卷综合得分（问卷总分÷有效问卷份数）", "rate": "满意率（问卷综合得分÷问卷满分）"}
    for key, row in L.SURVEY_SUMMARY.items():
        S.label_cell(ws, f"A{row}", labels[key], bold=True)
        ws.merge_cells(f"A{row}:F{row}")
        ws[f"A{row}"].alignment = Alignment(horizontal="right")
        ref = L.survey_cell(key)
        S.computed_cell(ws, ref, formulas[ref], S.PERCENT if key == "rate" else None)
    S.computed_cell(ws, L.SURVEY_COUNT_CHECK, formulas[L.SURVEY_COUNT_CHECK])
    ws.merge_cells(f"{L.SURVEY_COUNT_CHECK}:I3")
    checks = f"I{L.SURVEY_FIRST_ROW}:I{L.SURVEY_LAST_ROW} {L.SURVEY_COUNT_CHECK}"
    S.highlight(ws, checks, f'I{L.SURVEY_FIRST_ROW}="✓"', None, S.OK_FONT)
    S.highlight(ws, checks, f'I{L.SURVEY_FIRST_ROW}<>""', S.FAIL_FILL, S.FAIL_FONT)
    S.widths(ws, {"A": 6, "B": 40, "C": 6, "D": 24, "E": 9, "F": 8, "G": 11, "H": 11, "I": 24})
    ws.freeze_panes = f"A{L.SURVEY_FIRST_ROW}"
    S.print_setup(ws, landscape=False, title_rows=f"{L.SURVEY_HEADER_ROW}:{L.SURVEY_HEADER_ROW}")


def _question(ws: Worksheet, number: int, question, points, people) -> None:
    rows = L.question_rows(number)
    first, last = rows[0], rows[-1]
    S.label_cell(ws, f"A{first}", number)
    S.input_cell(ws, f"B{first}", question.text if question else None, wrap=True)
    for col in ("A", "B"):
        ws.merge_cells(f"{col}{first}:{col}{last}")
    ws[f"A{first}"].alignment = S.CENTER
    options = question.options if question else []
    for i, row in enumerate(rows):
        option = options[i] if i < len(options) else None
        S.input_cell(ws, f"C{row}", option.label if option else None)
        S.input_cell(ws, f"D{row}", option.text if option else None, wrap=True)
        S.input_cell(ws, f"E{row}", option.points if option else None)
        S.input_cell(ws, f"F{row}", option.count if option else None, "0")
        points.add(f"E{row}")
        people.add(f"F{row}")
    for ref, formula in L.question_formulas(number).items():
        S.computed_cell(ws, ref, formula)
        col = ref[0]
        ws.merge_cells(f"{col}{first}:{col}{last}")
        ws[ref].alignment = S.CENTER


# ── 汇总 ──────────────────────────────────────────────────
def _summary(ws: Worksheet, rs: Ruleset) -> None:
    layout = L.summary_layout(rs)
    S.title(ws, "A1", "评价结果汇总", "D1")
    for row, label, formula in ((2, "被评价单位", "unit_name"), (3, "评价年度", "year")):
        S.label_cell(ws, f"A{row}", label, bold=True)
        ref = f"{L.INFO}!{L.info_cell(formula)}"
        S.computed_cell(ws, f"B{row}", f'=IF({ref}="","",{ref})')
    S.label_cell(ws, "A4", "规则集", bold=True)
    S.computed_cell(ws, "B4", f"={L.NAME_RULESET}")
    S.header_row(ws, L.SUMMARY_HEADER_ROW, [("A", "代码"), ("B", "指标"), ("C", "分值"), ("D", "得分")])
    order = L.indicator_order(rs)
    score = L.IND["score"]
    for l1 in rs.level1:
        row = layout.group_rows[l1.code]
        children = [layout.group_rows[g.code] for g in rs.children(l1.code)]
        _summary_line(ws, row, l1.code, l1.name, l1.weight, f"=ROUND(SUM(D{children[0]}:D{children[-1]}),2)", bold=True)
        for l2 in rs.children(l1.code):
            rows = [L.IND_FIRST_ROW + i for i, item in enumerate(order) if item[1].code == l2.code]
            formula = f"=ROUND(SUM({L.INDICATORS}!{score}{rows[0]}:{score}{rows[-1]}),2)"
            _summary_line(ws, layout.group_rows[l2.code], l2.code, f"　{l2.name}", l2.weight, formula)
    tops = ",".join(f"D{layout.group_rows[g.code]}" for g in rs.level1)
    _summary_line(ws, layout.total_row, "", "总分", rs.total_weight, f"=ROUND(SUM({tops}),2)", bold=True)
    scores = f"{L.INDICATORS}!{score}{L.IND_FIRST_ROW}:{score}{L.indicator_total_row(rs) - 1}"
    override = L.IND["override"]
    overrides = f"{L.INDICATORS}!{override}{L.IND_FIRST_ROW}:{override}{L.indicator_total_row(rs) - 1}"
    findings = _findings(ws, rs, layout)
    for row, label, formula in (
        (layout.grade_row, "等级", f"=PE_GRADE(D{layout.total_row},{L.NAME_RULESET})"),
        (layout.incomplete_row, "未能计分的指标（个）", f"=ROWS({scores})-COUNT({scores})"),
        (layout.overridden_row, "人工评定的指标（个）", f"=COUNTA({overrides})"),
        (layout.survey_row, "问卷综合得分", f"={L.SURVEY}!{L.survey_cell('average')}"),
        (layout.failures_row, "未通过的检查（项）",
         f'=ROWS({findings})-COUNTIF({findings},"✓")-COUNTBLANK({findings})'
         f'-COUNTIF({findings},"{L.OVERRIDDEN}")-COUNTIF({findings},"{L.MISSING_PREFIX}*")'),
        (layout.missing_row, "尚缺输入的指标（个）", f'=COUNTIF({findings},"{L.MISSING_PREFIX}*")'),
    ):
        _summary_line(ws, row, "", label, None, formula, bold=row == layout.grade_row)
    S.widths(ws, {"A": 12, "B": 64, "C": 24, "D": 40})
    S.print_setup(ws, landscape=False)


def _summary_line(ws: Worksheet, row: int, code: str, name: str, weight, formula: str, bold: bool = False) -> None:
    S.label_cell(ws, f"A{row}", code or None, bold=bold)
    S.label_cell(ws, f"B{row}", name, bold=bold)
    S.label_cell(ws, f"C{row}", weight)
    S.computed_cell(ws, f"D{row}", formula, S.SCORE)
    if bold:
        ws[f"D{row}"].font = S.BOLD


def _findings(ws: Worksheet, rs: Ruleset, layout: L.SummaryLayout) -> str:
    """The live list of every check; returns the range of its result cells."""
    header = layout.findings_header_row
    S.header_row(ws, header, [("A", "类别"), ("B", "检查内容"), ("C", "位置"), ("D", "结果")])
    lines: list[tuple[str, str, str, str]] = []
    for identity in IDENTITIES:
        for column, col in L.CHECK_COLUMNS.items():
            if L.check_applies(identity, column):
                ref = f"{col}{L.check_row(identity)}"
                lines.append(("决算勾稽", f"{identity.code} {identity.text}", f"{L.ACCOUNTS}!{ref}（{COLUMN_NAMES[column]}）",
                              f"={L.ACCOUNTS}!{ref}"))
    lines.append(("问卷", "收回问卷不多于发放问卷，有效问卷不多于收回问卷", f"{L.SURVEY}!{L.SURVEY_COUNT_CHECK}",
                  f"={L.SURVEY}!{L.SURVEY_COUNT_CHECK}"))
    for number in range(1, L.QUESTIONS + 1):
        ref = f"I{L.question_rows(number)[0]}"
        lines.append(("问卷", f"第{number}题各选项人数合计等于有效问卷数", f"{L.SURVEY}!{ref}", f"={L.SURVEY}!{ref}"))
    score, override = L.IND["score"], L.IND["override"]
    for index, (_, _, indicator) in enumerate(L.indicator_order(rs)):
        row = L.IND_FIRST_ROW + index
        cell = f"{L.INDICATORS}!{score}{row}"
        lines.append(("指标计分", f"{indicator.code} {indicator.name}", cell,
                      f'=IF(ISNUMBER({cell}),IF({L.INDICATORS}!{override}{row}="","✓","{L.OVERRIDDEN}"),{cell})'))
    first = layout.findings_first_row
    for i, (kind, text, where, formula) in enumerate(lines):
        row = first + i
        S.label_cell(ws, f"A{row}", kind)
        S.label_cell(ws, f"B{row}", text)
        S.label_cell(ws, f"C{row}", where)
        S.computed_cell(ws, f"D{row}", formula, wrap=True)
    last = first + len(lines) - 1
    cells = f"D{first}:D{last}"
    S.highlight(ws, cells, f'D{first}="✓"', None, S.OK_FONT)
    S.highlight(ws, cells, f'LEFT(D{first},{len(L.MISSING_PREFIX)})="{L.MISSING_PREFIX}"', None, S.MUTED_FONT)
    S.highlight(ws, cells, f'D{first}="{L.OVERRIDDEN}"', S.AMBER_FILL, S.AMBER_FONT)
    S.highlight(ws, cells, f'D{first}<>""', S.FAIL_FILL, S.FAIL_FONT)
    return f"D{first}:D{last}"


# ── 报告 ──────────────────────────────────────────────────
def _report(ws: Worksheet, narrative: dict[str, str]) -> None:
    S.title(ws, "B1", "评价报告正文（按栏目填写，供生成报告使用）", "C1")
    S.header_row(ws, 2, [(L.REPORT_KEY_COLUMN, "键"), (L.REPORT_TITLE_COLUMN, "部分"), (L.REPORT_TEXT_COLUMN, "内容")])
    for key, heading in NARRATIVE_SECTIONS:
        row = L.REPORT_ROW[key]
        S.label_cell(ws, f"{L.REPORT_KEY_COLUMN}{row}", key)
        S.label_cell(ws, f"{L.REPORT_TITLE_COLUMN}{row}", heading, bold=True)
        S.input_cell(ws, f"{L.REPORT_TEXT_COLUMN}{row}", narrative.get(key) or None, wrap=True)
        ws.row_dimensions[row].height = 120
    S.widths(ws, {L.REPORT_KEY_COLUMN: 10, L.REPORT_TITLE_COLUMN: 28, L.REPORT_TEXT_COLUMN: 100})
    ws.column_dimensions[L.REPORT_KEY_COLUMN].hidden = True
    ws.freeze_panes = f"A{L.REPORT_FIRST_ROW}"
    S.print_setup(ws, landscape=False)

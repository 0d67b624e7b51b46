"""The report's tables: 指标体系 (附件3), 问卷 (附件4), 工作底稿 (附件5), 收入支出决算总表 (附件6)."""
from __future__ import annotations

import copy
import functools
import itertools
import math
from collections.abc import Iterable, Mapping, Sequence

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.shared import Mm, Pt

from scoring import (
    COLUMN_NAMES,
    COLUMNS,
    PRINTED_LINES,
    ROWS,
    Accounts,
    Group,
    Indicator,
    IndicatorEntry,
    IndicatorScore,
    Ruleset,
    Scorecard,
    Survey,
    fmt2,
    fmt_money,
    fmt_points,
    printed_line,
)

from .analysis import em_width, reader_explanation
from .layout import TABLE_SIZE, clark, element, new_element
from .writer import Writer

ACCOUNTS_SIZE = Pt(7.5)  # 六号, the smallest readable size: the whole form on one landscape page
ACCOUNTS_SPACING = Pt(8.5)  # exact line height: compact rows
ACCOUNTS_SIDE = 0.6  # mm of cell padding left and right
ACCOUNTS_SLACK = 0.5  # mm more per column than its text needs: borders and rounding to twips
ACCOUNTS_LINE_NUMBER = 4.5  # mm: a 行次 column (two digits)
_MIN_CHARS = 4  # a 项目 column holds at least this many characters a line
CELL_SIDE = 1.9  # mm of cell padding left and right in the report's tables
FIT_SLACK = 0.8  # mm more than a measured column's text needs: borders, rounding to twips, font metrics
_JC = {"L": "left", "C": "center", "R": "right"}  # no justified cells: short lines would be stretched
_W_ATTR = clark("w:w")


def fit_mm(texts: Iterable[str], *, most: float | None = None, least: float = 1, size: Pt = TABLE_SIZE,
           side_mm: float = CELL_SIDE) -> float:
    """The width (mm) of a column in which the widest line of ``texts`` never wraps; ``most`` and ``least`` bound
    the measure in em (a longer text then wraps, a shorter column is not made narrower)."""
    widest = max((em_width(line) for text in texts for line in text.split("\n")), default=least)
    widest = max(least, widest if most is None else min(most, widest))
    return widest * size.pt * 25.4 / 72 + 2 * side_mm + FIT_SLACK


def share_widths(total_mm: float, measured: Mapping[int, float], flexible: Mapping[int, float]) -> list[float]:
    """Column widths: ``measured`` ones as they are, the rest of ``total_mm`` shared by ``flexible`` in proportion
    to their weights."""
    rest = total_mm - sum(measured.values())
    weight = sum(flexible.values())
    widths = {**measured, **{column: rest * w / weight for column, w in flexible.items()}}
    return [widths[column] for column in range(len(widths))]


def _table(writer: Writer, widths_mm: Sequence[float], side_margin_mm: float = CELL_SIDE, end_margin_mm: float = 0.5):
    table = writer.new_table(len(widths_mm))
    table._tbl.tblPr.style = writer.style_id("Table Grid")
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table._tbl.tblGrid.gridCol_lst, widths_mm):
        column.w = Mm(width)
    margins = new_element("w:tblCellMar")
    for side, mm in (("top", end_margin_mm), ("left", side_margin_mm), ("bottom", end_margin_mm),
                     ("right", side_margin_mm)):
        element(margins, f"w:{side}", w=str(round(mm / 25.4 * 1440)), type="dxa")
    table._tbl.tblPr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")
    return table


@functools.lru_cache(maxsize=None)
def _cell_properties(width: int, span: int, merge: bool | None):
    """A ``w:tcPr`` (a template: rows append copies; lxml's copy.copy copies the whole element)."""
    tc_pr = new_element("w:tcPr")
    element(tc_pr, "w:tcW", w=str(width), type="dxa")
    if span > 1:
        element(tc_pr, "w:gridSpan", val=str(span))
    if merge is not None:
        element(tc_pr, "w:vMerge", **({"val": "restart"} if merge else {}))
    element(tc_pr, "w:vAlign", val="center")
    return tc_pr


@functools.lru_cache(maxsize=None)
def _paragraph_properties(style: str, keep: bool, line_twips: int | None, jc: str):
    """A table cell's ``w:pPr`` (a template, as ``_cell_properties``); ``line_twips``: an exact line height."""
    p_pr = new_element("w:pPr")
    element(p_pr, "w:pStyle", val=style)
    if keep:
        element(p_pr, "w:keepNext")
    if line_twips is not None:
        element(p_pr, "w:spacing", line=str(line_twips), lineRule="exact")
    element(p_pr, "w:jc", val=jc)
    return p_pr


def _row(writer: Writer, table, values: Sequence[str], aligns: str, *, header: bool = False, keep: bool = False,
         size: Pt = TABLE_SIZE, spacing: Pt | None = None, role: str | None = None,
         spans: dict[int, int] | None = None, merged: dict[int, bool] | None = None) -> None:
    """Append a row, built directly as XML (tables are most of the report; python-docx's API is slow).

    ``spacing`` is an exact line height (default: the style's single spacing). No row splits across
    pages; header rows (黑体, centred) repeat on every page; ``keep`` holds the row with the next one.
    ``spans`` maps a first column to the number of columns it covers (the covered values are
    ignored); ``merged`` maps a column to True where a vertical merge starts, False where it continues.
    """
    spans, merged = spans or {}, merged or {}
    widths = [int(col.get(_W_ATTR)) for col in table._tbl.tblGrid]
    style, line_twips = writer.style_id("Table Text"), None if spacing is None else round(spacing.pt * 20)
    tr = new_element("w:tr")
    tr_pr = element(tr, "w:trPr")
    element(tr_pr, "w:cantSplit")
    if header:
        element(tr_pr, "w:tblHeader")
    column = 0
    while column < len(widths):
        span = spans.get(column, 1)
        tc = element(tr, "w:tc")
        tc.append(copy.copy(_cell_properties(sum(widths[column:column + span]), span, merged.get(column))))
        paragraph_properties = _paragraph_properties(style, keep, line_twips, _JC["C" if header else aligns[column]])
        for line in values[column].split("\n"):
            p = element(tc, "w:p")
            p.append(copy.copy(paragraph_properties))
            if line:
                p.append(writer.run_xml(line, "heading1" if header else role or "body",
                                        size=None if size == TABLE_SIZE else size))
        column += span
    table._tbl.append(tr)


def _score(value) -> str:
    return "—" if value is None else fmt2(value)


def indicator_table(writer: Writer, rs: Ruleset, card: Scorecard) -> None:
    """附件3: 一级/二级 cells merged over their 三级 rows, then a 合计 row."""
    results = {r.code: r for r in card.indicators}
    weights = [fmt_points(ind.weight) for ind in rs.indicators] + [fmt_points(rs.total_weight)]
    scores = [_score(r.score) for r in card.indicators] + [fmt2(card.total)]
    widths = share_widths(writer.width.mm, {0: 22, 1: 24, 2: 42, 3: fit_mm(weights, least=2), 4: fit_mm(scores, least=2),
                                            7: 28}, {5: 50, 6: 57})
    table = _table(writer, widths)
    _row(writer, table, ("一级指标", "二级指标", "三级指标", "指标分值", "得分", "指标解释", "指标评分细则", "数据来源"),
         "CCCCCCCC", header=True)
    for group in rs.level1:
        subs = rs.subgroups(group.code)
        group_rows = sum(len(rs.indicators_of(sub.code)) for sub in subs)
        first_in_group = True
        for sub in subs:
            items = rs.indicators_of(sub.code)
            for n, ind in enumerate(items):
                merged = {}
                if group_rows > 1:
                    merged[0] = first_in_group
                if len(items) > 1:
                    merged[1] = n == 0
                _row(writer, table, (
                    f"{group.code}{group.name}（{fmt_points(group.weight)}分）" if first_in_group else "",
                    f"{sub.code}{sub.name}（{fmt_points(sub.weight)}分）" if n == 0 else "",
                    f"{ind.code}{ind.name}（{fmt_points(ind.weight)}分）", fmt_points(ind.weight),
                    _score(results[ind.code].score), ind.definition, ind.scoring_guide, ind.data_source,
                ), "CCLRRLLL", merged=merged)
                first_in_group = False
    _row(writer, table, ("合计", "", "", fmt_points(rs.total_weight), fmt2(card.total), "", "", ""), "CCCRRLLL",
         spans={0: 3, 5: 3})


def survey_table(writer: Writer, survey: Survey) -> None:
    """附件4: options per question with points × count, then 问卷总分 / 有效问卷份数 / 问卷综合得分.

    The last question's rows and the result rows keep together, so the results never stand alone on a page.
    """
    table = _table(writer, (14, 46, 40, fit_mm(["标准分值"]), 16, 20))
    _row(writer, table, ("标题序号", "问题内容", "选项内容", "标准分值", "问卷数", "得分"), "CCCCCC", header=True)
    for question in survey.questions:
        last = question is survey.questions[-1]
        several = len(question.options) > 1
        for n, option in enumerate(question.options):
            _row(writer, table, (
                str(question.number) if n == 0 else "", question.text if n == 0 else "",
                f"{option.label}.{option.text}", "—" if option.points is None else fmt_points(option.points),
                str(option.count), "—" if option.points is None else fmt_points(option.points * option.count),
            ), "CLLRRR", keep=last, merged={0: n == 0, 1: n == 0} if several else None)
    average = "—" if survey.average is None else fmt2(survey.average)
    results = (
        ("问卷总分", (fmt_points(survey.max_score), "", fmt_points(survey.total))),
        ("有效问卷份数", ("", str(survey.valid), "")),
        ("问卷综合得分", ("", "", average)),
    )
    for index, (label, values) in enumerate(results, start=1):
        _row(writer, table, (label, "", "", *values), "CCCRRR", keep=index < len(results), spans={0: 3})
    for note in survey.scale_notes():  # the 分值方案 the standard points came from
        writer.paragraph(f"注：{note}。", "Table Text")


def inner_quotes(text: str) -> str:
    """Double quotes inside a quotation become single ones (“三公经费”控制率 → ‘三公经费’控制率)."""
    return text.replace("“", "‘").replace("”", "’")


def workpaper(writer: Writer, ind: Indicator, result: IndicatorScore, entry: IndicatorEntry | None,
              parents: tuple[Group, Group], project: str, evaluator: str, show_reasons: bool = False) -> None:
    """附件5: one 评价底稿 per 三级 indicator; a manual score's reason (written for reviewers) only if asked."""
    group, sub = parents
    writer.paragraph("", "Table Text")
    table = _table(writer, (28, 128))
    rows = (
        (f"{ind.code}“{inner_quotes(ind.name)}”评价底稿", "heading1"), (f"项目名称：{project}", None), (f"评价机构：{evaluator}", None),
    )
    for text, role in rows:
        _row(writer, table, (text, ""), "CC" if role else "LL", keep=True, role=role, spans={0: 2})
    result_text = result.explanation if show_reasons else f"{reader_explanation(result).rstrip('。')}。"
    if show_reasons and entry is not None and entry.note:
        result_text += f"\n评价说明：{entry.note}"
    score = "未能计分" if result.score is None else f"{fmt2(result.score)}分"
    details = (
        ("所属指标", f"{group.code}{group.name}／{sub.code}{sub.name}"),
        ("指标解释", ind.definition or "—"),
        ("指标分值", f"{fmt_points(ind.weight)}分"),
        ("评分细则", ind.scoring_guide or "—"),
        ("数据来源", ind.data_source or "—"),
        ("评价结果", result_text),
        ("指标得分", score),
    )
    for index, (label, text) in enumerate(details, start=1):
        _row(writer, table, (label, text), "CL", keep=index < len(details))


def _amounts(accounts: Accounts, number: int) -> list[str]:
    row = ROWS[number]
    out = []
    for column in COLUMNS:
        value = accounts.get(number, column)
        out.append("—" if column in row.na else "" if value is None else fmt_money(value))
    return out


def _side(accounts: Accounts, number: int | None) -> list[str]:
    """Name, 行次 and three amounts; a 行次 the form leaves blank shows only its number; None: five blanks."""
    if number is None:
        return [""] * 5
    if number not in ROWS:
        return ["", str(number), "", "", ""]
    row = ROWS[number]
    return ["　" * row.indent + row.name, str(number), *_amounts(accounts, number)]


def _name_widths(names: list[tuple[str, str, str]], available: float, char: float) -> list[float]:
    """Widths (mm) of the three 项目 columns sharing ``available`` mm: the split that needs the fewest text lines.

    ``names``: the three names on each line; ``char``: the width of one character (mm).
    """
    columns = [[em_width(name) for name in column] for column in zip(*names)]
    longest = math.ceil(max(map(max, columns)))

    @functools.cache
    def lines(column: int, chars: int) -> list[int]:
        return [math.ceil(em / chars) if em else 1 for em in columns[column]]

    def fit(chars: int) -> float:
        return chars * char + 2 * ACCOUNTS_SIDE + ACCOUNTS_SLACK

    splits = []
    for first, second in itertools.product(range(_MIN_CHARS, longest + 1), repeat=2):
        third = min(math.floor((available - fit(first) - fit(second) - fit(0)) / char), longest)
        if third >= _MIN_CHARS:
            height = sum(map(max, lines(0, first), lines(1, second), lines(2, third)))
            splits.append((height, (first, second, third)))
    _, best = min(splits)
    spare = (available - sum(map(fit, best))) / 3
    return [fit(chars) + spare for chars in best]


def accounts_table(writer: Writer, accounts: Accounts) -> None:
    """附件6: 财决01表 收入支出决算总表 in 元, 行次 and 栏次 as the form prints them, on one landscape page.

    Amount columns fit the widest amount; the three 项目 columns share the rest so that the fewest names wrap.
    """
    lines = []
    for line in range(1, PRINTED_LINES + 1):
        numbers = printed_line(line)
        lines.append(([cell for number in numbers.values() for cell in _side(accounts, number)], numbers["nature"]))
    size, spacing = ACCOUNTS_SIZE, ACCOUNTS_SPACING
    char = size.pt * 25.4 / 72
    amounts = [values[block + column] for values, _ in lines for block in (0, 5, 10) for column in (2, 3, 4)]
    amount = max(map(em_width, [*amounts, COLUMN_NAMES["initial"]])) * char + 2 * ACCOUNTS_SIDE + ACCOUNTS_SLACK
    available = writer.width.mm - 9 * amount - 3 * ACCOUNTS_LINE_NUMBER
    income, function, nature = _name_widths([(v[0], v[5], v[10]) for v, _ in lines], available, char)
    widths = [income, ACCOUNTS_LINE_NUMBER, amount, amount, amount, function, ACCOUNTS_LINE_NUMBER, amount, amount,
              amount, nature, ACCOUNTS_LINE_NUMBER, amount, amount, amount]
    table = _table(writer, widths, side_margin_mm=ACCOUNTS_SIDE, end_margin_mm=0)
    _row(writer, table, ("收入", *[""] * 4, "支出", *[""] * 9), "C" * 15, header=True, size=size, spacing=spacing,
         spans={0: 5, 5: 10})
    _row(writer, table, (
        "项目", "行次", "年初预算数", "全年预算数", "决算数", "项目（按功能分类）", "行次", "年初预算数", "全年预算数",
        "决算数", "项目（按支出性质和经济分类）", "行次", "年初预算数", "全年预算数", "决算数",
    ), "C" * 15, header=True, size=size, spacing=spacing)
    _row(writer, table, (
        "栏次", "", "1", "2", "3", "栏次", "", "4", "5", "6", "栏次", "", "7", "8", "9",
    ), "C" * 15, header=True, size=size, spacing=spacing)
    for values, nature_number in lines:
        spans = {10: 5} if nature_number is None else None
        _row(writer, table, values, "LCRRR" * 3, size=size, spacing=spacing, spans=spans)

"""The report's tables: 指标体系 (附件3), 问卷 (附件4), 工作底稿 (附件5), 收入支出决算总表 (附件6)."""
from __future__ import annotations

from collections.abc import Sequence

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.shared import Mm, Pt

from scoring import (
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

from .layout import TABLE_SIZE, element
from .writer import Writer

ACCOUNTS_SIZE = Pt(7)
ACCOUNTS_SPACING = Pt(8.5)  # exact line height: compact rows
_JC = {"L": "left", "C": "center", "R": "right", "J": "both"}


def _table(writer: Writer, widths_mm: Sequence[float], side_margin_mm: float = 1.9, end_margin_mm: float = 0.5):
    table = writer.doc.add_table(rows=0, cols=len(widths_mm))
    table._tbl.tblPr.style = writer.style_id("Table Grid")
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table._tbl.tblGrid.gridCol_lst, widths_mm):
        column.w = Mm(width)
    margins = OxmlElement("w:tblCellMar")
    for side, mm in (("top", end_margin_mm), ("left", side_margin_mm), ("bottom", end_margin_mm),
                     ("right", side_margin_mm)):
        element(margins, f"w:{side}", w=str(round(mm / 25.4 * 1440)), type="dxa")
    table._tbl.tblPr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")
    return table


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
    widths = [col.w.twips for col in table._tbl.tblGrid.gridCol_lst]
    tr = OxmlElement("w:tr")
    tr_pr = element(tr, "w:trPr")
    element(tr_pr, "w:cantSplit")
    if header:
        element(tr_pr, "w:tblHeader")
    column = 0
    while column < len(widths):
        span = spans.get(column, 1)
        tc = element(tr, "w:tc")
        tc_pr = element(tc, "w:tcPr")
        element(tc_pr, "w:tcW", w=str(sum(widths[column:column + span])), type="dxa")
        if span > 1:
            element(tc_pr, "w:gridSpan", val=str(span))
        if column in merged:
            element(tc_pr, "w:vMerge", **({"val": "restart"} if merged[column] else {}))
        element(tc_pr, "w:vAlign", val="center")
        for line in values[column].split("\n"):
            p = element(tc, "w:p")
            p_pr = element(p, "w:pPr")
            element(p_pr, "w:pStyle", val=writer.style_id("Table Text"))
            if keep:
                element(p_pr, "w:keepNext")
            if spacing is not None:
                element(p_pr, "w:spacing", line=str(round(spacing.pt * 20)), lineRule="exact")
            element(p_pr, "w:jc", val=_JC["C" if header else aligns[column]])
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
    table = _table(writer, (22, 24, 42, 12, 12, 50, 57, 28))
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
                ), "CCJRRJJJ", merged=merged)
                first_in_group = False
    _row(writer, table, ("合计", "", "", fmt_points(rs.total_weight), fmt2(card.total), "", "", ""), "CCCRRJJJ",
         spans={0: 3, 5: 3})


def survey_table(writer: Writer, survey: Survey) -> None:
    """附件4: options per question with points × count, then 问卷总分 / 有效问卷份数 / 问卷综合得分.

    The last question's rows and the result rows keep together, so the results never stand alone on a page.
    """
    table = _table(writer, (14, 48, 40, 18, 16, 20))
    _row(writer, table, ("标题序号", "问题内容", "选项内容", "标准分值", "问卷数", "得分"), "CCCCCC", header=True)
    for question in survey.questions:
        last = question is survey.questions[-1]
        several = len(question.options) > 1
        for n, option in enumerate(question.options):
            _row(writer, table, (
                str(question.number) if n == 0 else "", question.text if n == 0 else "",
                f"{option.label}.{option.text}", fmt_points(option.points), str(option.count),
                fmt_points(option.points * option.count),
            ), "CJLRRR", keep=last, merged={0: n == 0, 1: n == 0} if several else None)
    average = "—" if survey.average is None else fmt2(survey.average)
    results = (
        ("问卷总分", (fmt_points(survey.max_score), "", fmt_points(survey.total))),
        ("有效问卷份数", ("", str(survey.valid), "")),
        ("问卷综合得分", ("", "", average)),
    )
    for index, (label, values) in enumerate(results, start=1):
        _row(writer, table, (label, "", "", *values), "CCCRRR", keep=index < len(results), spans={0: 3})


def workpaper(writer: Writer, ind: Indicator, result: IndicatorScore, entry: IndicatorEntry | None,
              parents: tuple[Group, Group], project: str, evaluator: str, show_reasons: bool = False) -> None:
    """附件5: one 评价底稿 per 三级 indicator; a manual score's reason (written for reviewers) only if asked."""
    group, sub = parents
    writer.paragraph("", "Table Text")
    table = _table(writer, (28, 128))
    rows = (
        (f"{ind.code}“{ind.name}”评价底稿", "heading1"), (f"项目名称：{project}", None), (f"评价机构：{evaluator}", None),
    )
    for text, role in rows:
        _row(writer, table, (text, ""), "CC" if role else "LL", keep=True, role=role, spans={0: 2})
    if result.score is not None and result.score == result.override and not show_reasons:
        result_text = f"经评价组综合评定，得{fmt2(result.score)}分。"
    else:
        result_text = result.explanation
    if entry is not None and entry.note:
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
        _row(writer, table, (label, text), "CJ", keep=index < len(details))


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


def accounts_table(writer: Writer, accounts: Accounts) -> None:
    """附件6: 财决01表 收入支出决算总表 in 元, 行次 and 栏次 as the form prints them."""
    amount = (247 - 24 - 28 - 28 - 3 * 5.5) / 9
    widths = (24, 5.5, amount, amount, amount, 28, 5.5, amount, amount, amount, 28, 5.5, amount, amount, amount)
    table = _table(writer, widths, side_margin_mm=0.6, end_margin_mm=0)
    size, spacing = ACCOUNTS_SIZE, ACCOUNTS_SPACING
    aligns = "LCRRR" * 3
    _row(writer, table, ("收入", *[""] * 4, "支出", *[""] * 9), "C" * 15, header=True, size=size, spacing=spacing,
         spans={0: 5, 5: 10})
    _row(writer, table, (
        "项目", "行次", "年初预算数", "全年预算数", "决算数", "项目（按功能分类）", "行次", "年初预算数", "全年预算数",
        "决算数", "项目（按支出性质和经济分类）", "行次", "年初预算数", "全年预算数", "决算数",
    ), "C" * 15, header=True, size=size, spacing=spacing)
    _row(writer, table, (
        "栏次", "", "1", "2", "3", "栏次", "", "4", "5", "6", "栏次", "", "7", "8", "9",
    ), "C" * 15, header=True, size=size, spacing=spacing)
    for line in range(1, PRINTED_LINES + 1):
        numbers = printed_line(line)
        values = [cell for number in numbers.values() for cell in _side(accounts, number)]
        spans = {10: 5} if numbers["nature"] is None else None
        _row(writer, table, values, aligns, size=size, spacing=spacing, spans=spans)

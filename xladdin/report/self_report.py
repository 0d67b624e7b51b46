"""The self-evaluation outputs: a short 自评报告 with the 自评表 as a landscape table (Word, GB/T 9704 fonts),
and the 自评表 as an xlsx in the form's own layout (values only) for upload."""
from __future__ import annotations

import io
from decimal import Decimal

from docx import Document
from docx.document import Document as DocxDocument

from scoring import (
    BASIC_COLUMNS,
    BASIC_ITEMS,
    FUND_COLUMNS,
    FUND_LINES,
    HUNDRED,
    Assessment,
    Evaluation,
    EvidenceError,
    Finding,
    Indicator,
    IndicatorScore,
    MissingInput,
    SelfForm,
    chinese_numeral,
    fill,
    fmt2,
    fmt_money,
    fmt_points,
    is_known,
    most_severe_first,
    placeholder_values,
    resolve_source,
)

from .draft import is_draft, mark_draft, unfinished_text
from .layout import ReportFonts, configure
from .tables import _row, _table, fit_mm, share_widths
from .writer import Writer, property_text

NEEDS_REASON = "【需说明】"  # a row below its target without the department's 偏差原因
UNFILLED = "【未填写】"
FORM_HEADERS = ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施")
FORM_FLEXIBLE = {2: 52, 7: 66}  # 三级指标 and 偏差原因 share what the measured columns leave of the page width
# 一、基本情况: the evaluation's narrative sections of that meaning (the 自评表's 基本情况 cells), in report order
BASIC_SECTIONS = {"functions": "主要职能", "org": "机构设置和人员情况", "funds": "年度预算安排情况"}


def render_self(assessment: Assessment, fonts: ReportFonts) -> tuple[DocxDocument, list[Finding], bool]:
    """The 自评报告 document, its own findings, and whether it is a draft."""
    evaluation, card = assessment.evaluation, assessment.scorecard
    form = evaluation.self_form or SelfForm()
    info = evaluation.info
    doc = Document()
    configure(doc, fonts)
    writer = Writer(doc, fonts)
    title = f"{info.unit_text}{info.year_text}年度部门整体支出绩效自评报告"
    doc.core_properties.title = property_text(title)
    title_paragraph = writer.title(title, info.unit_name)
    findings: list[Finding] = []

    writer.heading("一、基本情况", 1)
    findings += _basic_info(writer, assessment)
    writer.heading("二、绩效目标完成情况", 1)
    for text, head in ((form.goal_expected, "年度总体目标"), (form.goal_actual, "实际完成情况")):
        writer.paragraph(text.strip() or UNFILLED, head=f"{head}：", head_role="heading2")
        if not text.strip():
            findings.append(Finding(severity="warning", code="RPT-EMPTY", where=f"年度总体目标（{head}）",
                                    message=f"「{head}」未填写，报告中显示为{UNFILLED}"))
    writer.text(_result_text(assessment), outline=False)
    writer.heading("三、偏差原因分析", 1)
    short = _short_of_weight(assessment)
    if not short:
        writer.paragraph("各项指标均达到年度指标值，无偏差。")
    rows = {code for code, _ in form.coded_rows()}
    for number, (result, score, reason) in enumerate(short, start=1):
        fixed = result.code not in rows  # the ruleset's own indicator (e.g. 预算执行率): the form has no reason cell
        shown = reason or (_fixed_facts(assessment, result) if fixed else NEEDS_REASON)
        writer.paragraph(shown, head=f"{number}. {result.name}（得{fmt2(score)}分，分值{fmt_points(result.weight)}分）：",
                         head_role="body", bold_head=True)
        if not reason and not fixed:
            findings.append(Finding(severity="warning", code="RPT-REASON", where=_where(assessment, result.code),
                                    message=f"「{result.name}」未达满分，但未填写偏差原因分析及改进措施，"
                                            f"报告中显示为{NEEDS_REASON}"))
    writer.heading("四、存在的问题及改进措施", 1)
    if form.issues.strip():
        writer.text(form.issues, outline=False)
    else:
        writer.paragraph(UNFILLED)
        findings.append(Finding(severity="warning", code="RPT-EMPTY", where="存在的问题及改进措施",
                                message=f"「存在的问题及改进措施」未填写文字，报告中显示为{UNFILLED}"))
    writer.annex(1, f"{info.unit_text}{info.year_text}年度部门整体支出绩效自评表", landscape=True)
    form_table(writer, assessment)
    findings += unfinished_text(doc, writer, findings)
    draft = is_draft(card, [*assessment.findings, *findings])
    if draft:
        mark_draft(writer, title_paragraph, card, most_severe_first([*assessment.findings, *findings]))
    return doc, findings, draft


def _where(assessment: Assessment, code: str) -> str:
    return assessment.provenance.get(f"indicators.{code}", f"指标{code}")


def _basic_info(writer: Writer, assessment: Assessment) -> list[Finding]:
    """（一）主要职能 （二）机构设置和人员情况 （三）年度预算安排情况, as the user wrote them (placeholders filled);
    a blank 职能 or 机构人员 prints 【未填写】 (a draft), a blank 年度预算 is written from the fund block."""
    evaluation = assessment.evaluation
    info = evaluation.info
    writer.text(f"{info.unit_text}" + (f"，主管部门为{info.supervisor}。" if info.supervisor else "。"), outline=False)
    values = placeholder_values(evaluation, assessment.scorecard)
    findings: list[Finding] = []
    for number, (key, name) in enumerate(BASIC_SECTIONS.items(), start=1):
        heading = f"（{chinese_numeral(number)}）{name}"
        writer.heading(heading, 2)
        where = assessment.provenance.get(f"narrative.{key}", f"自评报告「{heading}」")
        text = evaluation.narrative.get(key, "").strip()
        if text:
            filled, missing = fill(text, values)
            findings += [_placeholder_finding(where, placeholder) for placeholder in dict.fromkeys(missing)]
            writer.text(filled, outline=False)
        elif key == "funds":
            writer.text(_funds_text(assessment), outline=False)
            findings.append(Finding(severity="info", code="RPT-EMPTY", where=where,
                                    message=f"「{name}」未填写，报告按自评表资金情况自动生成"))
        else:
            writer.paragraph(UNFILLED)
            findings.append(Finding(severity="warning", code="RPT-EMPTY", where=where,
                                    message=f"「{name}」未填写，报告中显示为{UNFILLED}"))
    return findings


def _placeholder_finding(where: str, name: str) -> Finding:
    """As the 评价报告 says it: a known placeholder without data (a draft), or an unknown one (an error)."""
    if is_known(name):
        return Finding(severity="warning", code="RPT-DATA", where=where,
                       message=f"占位符{{{name}}}所需的数据未填写，报告中显示为【缺少数据：{name}】")
    return Finding(severity="error", code="RPT-PLACEHOLDER", where=where,
                   message=f"未知的占位符{{{name}}}，报告中显示为【未知占位符：{name}】；请检查拼写（可用占位符见说明）")


def _funds_text(assessment: Assessment) -> str:
    """The year's budget and spending from the fund block (the 年度预算安排情况 a blank cell stands for)."""
    evaluation = assessment.evaluation
    fund = (evaluation.self_form or SelfForm()).fund
    total = fund.total
    if total.budget is None or total.final is None:
        return "【资金情况未填写完整】"
    rate = f"，预算执行率{fmt2(total.final / total.budget * HUNDRED)}%" if total.budget else ""
    fiscal = f"，其中财政拨款{fmt_money(fund.fiscal.budget)}{fund.unit}" if fund.fiscal.budget is not None else ""
    return (f"{evaluation.info.year_text}年度资金全年预算数{fmt_money(total.budget)}{fund.unit}{fiscal}；"
            f"全年执行数{fmt_money(total.final)}{fund.unit}{rate}。")


def _fixed_facts(assessment: Assessment, result: IndicatorScore) -> str:
    """A fixed indicator's figures in words (the form has no 偏差原因 cell for it), e.g.
    “预算执行率为94.67%（年度资金总额全年执行数1,312.56万元、全年预算数1,386.40万元）。”"""
    evaluation = assessment.evaluation
    indicator = assessment.ruleset.indicator(result.code)
    _, actual = _inputs(evaluation, indicator, [])
    fund = (evaluation.self_form or SelfForm()).fund
    figures: list[str] = []
    for ref in indicator.rule.inputs():
        kind, line, column = (ref.source or "..").split(".")[:3]
        value = getattr(fund.line(line), column, None) if kind == "fund" and line in FUND_LINES else None
        if value is not None:
            label = FUND_LINES[line].removeprefix("其中：")
            figures.append(f"{label if not figures else ''}{FUND_COLUMNS[column]}{fmt_money(value)}{fund.unit}")
    return f"{result.name}为{actual or '—'}" + (f"（{'、'.join(figures)}）" if figures else "") + "。"


def _result_text(assessment: Assessment) -> str:
    rs, card = assessment.ruleset, assessment.scorecard
    count = len(card.indicators)
    full = sum(1 for r in card.indicators if r.score is not None and r.score == r.weight)
    parts = "、".join(f"{g.name}{fmt2(card.subtotals[g.code])}分（分值{fmt_points(g.weight)}分）" for g in rs.level1)
    if not card.complete:
        return (f"共{count}项三级指标，其中{full}项得满分。自评结果未完成：有指标未能计分，"
                f"已计分指标合计{fmt2(card.total)}分，不评定等级。各一级指标：{parts}。")
    return (f"共{count}项三级指标，其中{full}项得满分。按自评表计分，总得分{fmt2(card.total)}分，"
            f"等级为“{card.grade}”。各一级指标：{parts}。")


def _short_of_weight(assessment: Assessment) -> list[tuple[IndicatorScore, Decimal, str]]:
    """Indicators that lost points, their score and the department's 偏差原因 (rows only; the fixed ones have none)."""
    evaluation = assessment.evaluation
    found = []
    for result in assessment.scorecard.indicators:
        if result.score is None or result.score >= result.weight:
            continue
        entry = evaluation.entry(result.code)
        found.append((result, result.score, entry.note.strip() if entry else ""))
    return found


def form_table(writer: Writer, assessment: Assessment) -> None:
    """The fund block, then the indicator table (一级/二级 cells merged over their rows), then the total."""
    rs, card, evaluation = assessment.ruleset, assessment.scorecard, assessment.evaluation
    form = evaluation.self_form or SelfForm()
    fund = form.fund
    table = _table(writer, (44, 50, 50, 50, 53))
    _row(writer, table, (f"资金情况（{fund.unit}）", *FUND_COLUMNS.values(), "执行率"), "CCCCC", header=True)
    for line, label in FUND_LINES.items():
        amounts = fund.line(line)
        rate = "—" if not amounts.budget or amounts.final is None else f"{fmt2(amounts.final / amounts.budget * HUNDRED)}%"
        _row(writer, table, (label, *(_amount(getattr(amounts, c)) for c in FUND_COLUMNS), rate), "LRRRR")
    for indicator in (i for i in rs.indicators if i.parent not in {g.code for g in rs.open_groups}):
        writer.paragraph(f"{indicator.name}（{fmt_points(indicator.weight)}分）{indicator.describe_rule()}。", "Plain")
    if form.basic is not None:
        _basic_table(writer, form)
    writer.paragraph("", "Plain")
    results = {r.code: r for r in card.indicators}
    rows = dict(form.coded_rows())
    extra = [key for key, on in (("nature", rs.rows.nature_column), ("unit", rs.rows.unit_column)) if on]
    headers = (*FORM_HEADERS[:3], *(_EXTRA_HEADERS[k] for k in extra), *FORM_HEADERS[3:])
    lines = []
    for group in rs.level1:
        items = [(sub, ind) for sub in rs.subgroups(group.code) for ind in rs.indicators_of(sub.code)]
        top = any(sub.open and sub.weight > 0 and sub.choices for sub in rs.subgroups(group.code))  # 年度绩效目标 → 产出…
        for n, (sub, ind) in enumerate(items):
            entry = evaluation.entry(ind.code)
            target, actual = _inputs(evaluation, ind, list(entry.inputs) if entry else [])
            first_of_sub = n == 0 or items[n - 1][0].code != sub.code
            merged = {0: n == 0} if len(items) > 1 else {}
            if len(rs.indicators_of(sub.code)) > 1:
                merged[1] = first_of_sub
            row = rows.get(ind.code)
            lines.append(((
                f"{group.name}\n（{fmt_points(group.weight)}分）" if n == 0 else "",
                (f"{sub.name}\n（{fmt_points(sub.weight)}分）" if top else sub.name) if first_of_sub else "", ind.name,
                *(getattr(row, key, "") or "" for key in extra), target, actual, fmt_points(ind.weight),
                _score(results[ind.code]), _reason_cell(results[ind.code], entry.note if entry else "", ind.code in rows),
            ), merged))
    total = ("总分", *([""] * (4 + len(extra))), fmt_points(rs.total_weight), fmt2(card.total), card.grade or "未完成")
    column = [[*values] for values in zip(headers, *(values for values, _ in lines), total)]
    shift = len(extra)
    measured = {0: fit_mm(column[0], most=6), 1: fit_mm(column[1], most=7), 3 + shift: fit_mm(column[3 + shift], most=8, least=5),
                4 + shift: fit_mm(column[4 + shift], most=8, least=5), 5 + shift: fit_mm(column[5 + shift], least=2),
                6 + shift: fit_mm(column[6 + shift], least=2), **{3 + i: fit_mm(column[3 + i], most=4, least=2) for i in range(shift)}}
    flexible = {2: FORM_FLEXIBLE[2], 7 + shift: FORM_FLEXIBLE[7]}
    table = _table(writer, share_widths(writer.width.mm, measured, flexible))
    _row(writer, table, headers, "C" * len(headers), header=True)
    for values, merged in lines:
        _row(writer, table, values, "CCL" + "C" * shift + "CCRRL", merged=merged)
    _row(writer, table, total, "CCCCC" + "C" * shift + "RRC", spans={0: 5 + shift})


_EXTRA_HEADERS = {"nature": "指标性质", "unit": "计量单位"}


def _basic_table(writer: Writer, form: SelfForm) -> None:
    """The 基础数据表: the staff figures in words, then the money items typed."""
    basic = form.basic
    assert basic is not None
    quota, actual = basic.staff.quota, basic.staff.actual
    if quota is not None or actual is not None:
        rate = f"，人员控制率{fmt2(Decimal(actual) / quota * HUNDRED)}%" if quota and actual is not None else ""
        writer.paragraph(f"编制数{quota if quota is not None else '—'}人，在职人数"
                         f"{actual if actual is not None else '—'}人{rate}。", "Plain")
    lines = [item for item in BASIC_ITEMS if any(v is not None for v in basic.line(item).model_dump().values())]
    if not lines:
        return
    table = _table(writer, (60, 50, 50, 50))
    _row(writer, table, (f"基础数据表（{basic.unit}）", *BASIC_COLUMNS.values()), "CCCC", header=True)
    for item in lines:
        amounts = basic.line(item)
        _row(writer, table, (BASIC_ITEMS[item], *(_amount(getattr(amounts, c)) for c in BASIC_COLUMNS)), "LRRR")


def _reason_cell(result: IndicatorScore, reason: str, own_row: bool) -> str:
    """The department's 偏差原因; 【需说明】 for its own row that lost points without one."""
    short = result.score is not None and result.score < result.weight
    return reason.strip() or (NEEDS_REASON if own_row and short else "")


def _inputs(evaluation: Evaluation, indicator: Indicator, values: list[object]) -> tuple[str, str]:
    """年度指标值 and 实际完成值 as typed; a fixed indicator scored from a rate of the data shows that rate."""
    refs = indicator.rule.inputs()
    if refs and refs[0].kind == "target":
        target = values[0] if values else None
        actual = values[1] if len(values) > 1 else None
        return _text(target), _text(actual)
    rate = getattr(indicator.rule, "rate", None)
    if rate is not None and all(ref.source for ref in refs):
        try:
            return "—", f"{fmt2(rate.evaluate([resolve_source(evaluation, ref.source or '') for ref in refs]).pct)}%"
        except (EvidenceError, MissingInput):
            return "—", ""
    return "—", "—"


def _text(value: object) -> str:
    if value is None:
        return ""
    return fmt_points(value) if isinstance(value, Decimal) else str(value)


def _amount(value: Decimal | None) -> str:
    return "" if value is None else fmt_money(value)


def _score(result: IndicatorScore) -> str:
    return "未计分" if result.score is None else fmt2(result.score)


def form_workbook(assessment: Assessment) -> bytes:
    """The 自评表 sheet alone, every formula replaced by the value the core computes (for upload)."""
    from ..workbook import basic_data, build_workbook, expected_cells, self_sheet
    from ..workbook.style import literal

    wb = build_workbook(assessment.ruleset, assessment.evaluation, assessment.evaluation.ruleset)
    kept = (self_sheet.NAME, basic_data.NAME)  # the form, and its 基础数据表 when the structure has one
    for name in wb.sheetnames:
        if name not in kept:
            del wb[name]
    for item in expected_cells(assessment):
        sheet, ref = item.place.split("!")
        if sheet in kept:
            literal(wb[sheet], ref, item.value)
    for name in list(wb.defined_names):
        del wb.defined_names[name]
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()

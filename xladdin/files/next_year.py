"""`pe-eval new --from LAST_YEAR.xlsx`: this year's workbook started from last year's.

Carried: the unit's standing facts (名称, 信用代码, 主管部门, 单位性质, 编制数, 评价机构), the questionnaire's
form (titles, options, standard points, 分值方案; no answers), the progress labels (6月末…; no rates), a self
form's structure and rows (二级, 名称, 指标值, 分值, 计分方式; no actuals, scores or reasons), and last year's
figures this year compares with (上年三公经费 from last year's 本年; a 基础数据表's 上年决算 column from last year's
本年决算, and its 编制数). The year is last year's + 1 and the
评价时段 the new year's whole year when last year's was a whole year. Everything else is left blank to renew.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from scoring import BASIC_ITEMS, BasicData, BasicInfo, Evaluation, Ruleset, SelfForm, fmt_points

from ..workbook import open_workbook, read_evaluation
from ..workbook import info as info_sheet
from ..workbook import survey as survey_sheet
from .imports import Kept, workbook_with

_STANDING = ("unit_name", "credit_code", "supervisor", "unit_type", "staff_quota", "evaluator")
_ROW_RENEWED = {"actual": None, "entered": None, "reported": None, "reason": ""}  # a self form row's year-bound cells


@dataclass(frozen=True)
class NextYear:
    data: bytes
    year: int | None
    carried: list[str]  # what was carried, one line each (where it is, what it holds)


def next_year(last: Path, rs: Ruleset | None = None, ruleset_ref: str | None = None) -> NextYear:
    """The new workbook's bytes from last year's workbook ``last`` (scored by ``rs``, default last year's ruleset)."""
    book = open_workbook(last)
    evaluation, _ = read_evaluation(book)
    rs = rs or book.ruleset
    ref = ruleset_ref or (book.ruleset_ref if rs is book.ruleset else None) or rs.id
    carried: list[str] = []
    info = _info(evaluation.info, carried)
    new = Evaluation(ruleset=ref, info=info)
    if evaluation.self_form is not None and rs.form == "self":
        new.self_form = _self_form(evaluation, carried)
    kept = Kept()
    if rs.form != "self" and book.ruleset.form != "self":
        labels = [p.label for p in evaluation.info.execution_progress] or _labels(book)
        for i, label in enumerate(labels[: info_sheet.PROGRESS_ROWS]):
            kept.cells[f"{info_sheet.NAME}!A{info_sheet.PROGRESS_FIRST_ROW + i}"] = label
        if labels:
            carried.append(f"{info_sheet.NAME}：预算执行进度的时点 {'、'.join(labels)}（执行进度待填写）")
        form = survey_sheet.import_form(book)
        if form.questions:
            kept.cells.update({f"{survey_sheet.NAME}!{ref}": v for ref, v in survey_sheet.form_cells(form).items()})
            kept.results.update(survey_sheet.form_results(form))
            scale = f"，分值方案 {form.scale}" if form.scale else ""
            carried.append(f"{survey_sheet.NAME}：问卷标题、{len(form.questions)}道题的题目、选项和标准分值{scale}"
                           "（发放、收回、有效份数和各选项人数待填写或导入）")
    return NextYear(workbook_with(rs, new, ref, kept), info.year, carried)


def _info(last: BasicInfo, carried: list[str]) -> BasicInfo:
    fields = BasicInfo.model_fields
    kept = {name: getattr(last, name) for name in _STANDING if getattr(last, name) not in (None, "")}
    carried += [f"{info_sheet.NAME}：{fields[name].description}「{value}」" for name, value in kept.items()]
    year = last.year + 1 if last.year is not None else None
    info = BasicInfo(**kept, year=year)
    if year is not None:
        carried.append(f"{info_sheet.NAME}：评价年度 {year}（上年 {last.year} + 1）")
        if (last.period_start, last.period_end) == (dt.date(last.year or 0, 1, 1), dt.date(last.year or 0, 12, 31)):
            info.period_start, info.period_end = dt.date(year, 1, 1), dt.date(year, 12, 31)
            carried.append(f"{info_sheet.NAME}：评价时段 {year}年1月1日至12月31日")
    if last.three_public_current is not None:
        info.three_public_previous = last.three_public_current
        carried.append(f"{info_sheet.NAME}：上年三公经费 {fmt_points(last.three_public_current)}万元（上年工作簿的本年三公经费）")
    return info


def _self_form(last: Evaluation, carried: list[str]) -> SelfForm:
    form = last.self_form
    assert form is not None
    rows = [row.model_copy(update=_ROW_RENEWED) for row in form.rows if not row.blank]
    carried.append(f"自评表：{len(rows)}行三级指标的二级指标、名称、年度指标值、分值和计分方式（实际完成值、得分和偏差原因待填写，"
                   "年度指标值请按本年目标核对）")
    if form.structure is not None:
        carried.append("自评表：表样设置（一级指标及分值、预算执行率的计分方式）")
    return form.model_copy(update={"rows": rows, "fund": type(form.fund)(unit=form.fund.unit), "goal_expected": "",
                                   "goal_actual": "", "reported": {}, "reported_total": None, "issues": "",
                                   "basic": _basic(form.basic, carried)})


def _basic(last: BasicData | None, carried: list[str]) -> BasicData | None:
    """This year's 基础数据表: last year's 本年决算 as 上年决算, and the 编制数; the rest to fill."""
    if last is None:
        return None
    lines = {item: {"last_final": last.line(item).final} for item in BASIC_ITEMS if last.line(item).final is not None}
    basic = BasicData.model_validate({"unit": last.unit, "staff": {"quota": last.staff.quota}, **lines})
    if lines:
        carried.append(f"基础数据表：上年决算（上年工作簿的本年决算）{'、'.join(BASIC_ITEMS[i].removeprefix('其中：') for i in lines)}")
    if last.staff.quota is not None:
        carried.append(f"基础数据表：编制数 {last.staff.quota}人（在职人数待填写）")
    return None if basic.blank else basic


def _labels(book) -> list[str]:  # a WorkbookFile
    """Progress labels typed without their rates (read_evaluation leaves those out)."""
    rows = range(info_sheet.PROGRESS_FIRST_ROW, info_sheet.PROGRESS_FIRST_ROW + info_sheet.PROGRESS_ROWS)
    return [label for row in rows if (label := book.text(info_sheet.NAME, f"A{row}"))]

"""The roll-up workbook of a batch (汇总.xlsx): values only, openpyxl charts.

Sheets: 汇总 (one row per file), 排名 (per ruleset), 图表 (grade distribution, scores by unit),
指标得分 (per indicator, or per 二级 indicator for self-evaluation forms), 无法读取; and when asked
名单核对 (expected units with no file, duplicates, units not on the list) and 与上年对比.

Every sheet prints as a submitted table does: A4 landscape one page wide, its title, 编制单位 (to fill in)
and date in the page header, the header row on every page, long texts wrapped inside their cells.
Rulesets are shown by name.
"""
from __future__ import annotations

import datetime as dt
import functools
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.header_footer import HeaderFooterItem
from openpyxl.worksheet.worksheet import Worksheet

from scoring import INCOMPLETE, IndicatorValue, RulesetError, Snapshot, describe_change, load_ruleset, round2

from .runner import FileResult
from .roster import RosterCheck, YearOverYear
from ..workbook import style as S

GRADE_ORDER = ("优", "良", "中", "差")
SHARE = Decimal("0.0001")
TITLE = "部门整体支出绩效评价结果汇总表"
_TOP = Alignment(vertical="top")  # numbers level with the first line of a wrapped text beside them


@dataclass(frozen=True)
class Ranked:
    ruleset: str
    rank: int | None  # None: the result is not complete, so not ranked
    result: FileResult


@dataclass(frozen=True)
class Stat:
    """One indicator (or a self-evaluation form's 二级 indicator) over the units of one ruleset."""

    ruleset: str
    code: str
    name: str
    weight: Decimal  # the average, for 二级 indicators whose rows differ by unit
    units: int
    average: Decimal
    rate: Decimal  # average score ÷ weight
    losing: int  # units below full marks
    share: Decimal  # losing ÷ units


def _snap(result: FileResult) -> Snapshot:
    assert result.snapshot is not None
    return result.snapshot


def ranking(results: Sequence[FileResult]) -> list[Ranked]:
    """Per ruleset: complete results by total, highest first (equal totals share a rank), then incomplete ones."""
    read = [r for r in results if r.snapshot is not None]
    ranked = []
    for ruleset in dict.fromkeys(_snap(r).ruleset for r in read):
        mine = sorted((r for r in read if _snap(r).ruleset == ruleset), key=lambda r: (not _snap(r).complete, -_snap(r).total))
        previous: tuple[Decimal, int | None] | None = None
        for place, result in enumerate(mine, start=1):
            snap = _snap(result)
            rank = None if not snap.complete else previous[1] if previous and previous[0] == snap.total else place
            ranked.append(Ranked(ruleset, rank, result))
            previous = (snap.total, rank)
    return ranked


def indicator_stats(results: Sequence[FileResult]) -> list[Stat]:
    """Average score and the share of units losing points: per indicator of a report ruleset; per 二级
    indicator of a self-evaluation ruleset (its 三级 rows are each unit's own). Unscored items are left out."""
    items: dict[tuple[str, str], tuple[str, list[tuple[Decimal, Decimal]]]] = {}
    for snap in (r.snapshot for r in results if r.snapshot is not None):
        for code, name, score, weight in _scored(snap):
            items.setdefault((snap.ruleset, code), (name, []))[1].append((score, weight))
    stats = []
    for (ruleset, code), (name, pairs) in items.items():
        units = len(pairs)
        scored, weights = sum((s for s, _ in pairs), Decimal(0)), sum((w for _, w in pairs), Decimal(0))
        losing = sum(1 for s, w in pairs if s < w)
        stats.append(Stat(ruleset, code, name, round2(weights / units), units, round2(scored / units),
                          (scored / weights).quantize(SHARE) if weights else Decimal(0), losing, (Decimal(losing) / units).quantize(SHARE)))
    first = {ruleset: at for at, ruleset in enumerate(dict.fromkeys(s.ruleset for s in stats))}
    return sorted(stats, key=lambda s: first[s.ruleset])  # stable: a ruleset's items stay in their order


def _scored(snap: Snapshot) -> list[tuple[str, str, Decimal, Decimal]]:
    """(code, name, score, weight) of each scored indicator; of a self-evaluation form, of each 二级 indicator
    whose rows are all scored, by code (A1 … D1, as the form prints them)."""
    if snap.form == "report":
        return [(i.code, i.name, i.score, i.weight) for i in snap.indicators if i.score is not None]
    groups: dict[str, list[IndicatorValue]] = {}
    for indicator in snap.indicators:
        groups.setdefault(indicator.group, []).append(indicator)
    return [(code, rows[0].group_name, sum((i.score or Decimal(0) for i in rows), Decimal(0)), sum((i.weight for i in rows), Decimal(0)))
            for code, rows in sorted(groups.items()) if all(i.score is not None for i in rows)]


def grade_counts(results: Sequence[FileResult]) -> list[tuple[str, int]]:
    """Units per grade, 优 to 差 (a custom ruleset's other grades after them), then 未完成."""
    grades = [_snap(r).grade or INCOMPLETE for r in results if r.snapshot is not None]
    order = [*GRADE_ORDER, *sorted(set(grades) - {*GRADE_ORDER, INCOMPLETE}), INCOMPLETE]
    return [(grade, grades.count(grade)) for grade in order]


@functools.cache
def ruleset_name(ruleset: str) -> str:
    """A ruleset's name for people (its id when it cannot be loaded here, e.g. a custom one embedded in a workbook)."""
    try:
        return load_ruleset(ruleset).name
    except (RulesetError, OSError):
        return ruleset


def unit_label(result: FileResult) -> str:
    """The unit's name, or the file's name when the file has none (a chart bar never goes without a label)."""
    return _snap(result).unit_name or f"（未填单位名称）{PurePath(result.path).name}"


def rollup_bytes(results: Sequence[FileResult], roster: RosterCheck, years: YearOverYear | None = None,
                 today: dt.date | None = None) -> bytes:
    """The roll-up workbook of ``results`` (in input order); ``today`` is the date printed in the page headers."""
    wb = Workbook()
    wb.remove(wb.worksheets[0])
    ranked = ranking(results)
    _summary(wb.create_sheet("汇总"), results, ranked, roster)
    ranks = wb.create_sheet("排名")
    _ranking(ranks, ranked)
    _charts(wb.create_sheet("图表"), results, ranks, len(ranked))
    _stats(wb.create_sheet("指标得分"), indicator_stats(results))
    _unreadable(wb.create_sheet("无法读取"), results)
    if roster.checked or roster.duplicates:
        _roster(wb.create_sheet("名单核对"), roster)
    if years is not None:
        _years(wb.create_sheet("与上年对比"), years)
    for ws in wb.worksheets:
        _page_header(ws, today or dt.date.today())
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _table(ws: Worksheet, header: Sequence[str], rows: Sequence[Sequence[object]], widths: Sequence[float],
           formats: dict[int, str] | None = None) -> None:
    """A header row, then the rows; texts stay texts (never formulas); ``formats`` by column number (from 1)."""
    for column, (title, width) in enumerate(zip(header, widths), start=1):
        cell = ws.cell(1, column)
        S.literal(ws, cell.coordinate, title)
        cell.font, cell.fill, cell.alignment, cell.border = S.BOLD, S.HEADER_FILL, S.CENTER, S.BOX
        ws.column_dimensions[get_column_letter(column)].width = width
    for offset, values in enumerate(rows, start=1):
        for column, value in enumerate(values, start=1):
            cell = ws.cell(1 + offset, column)
            S.literal(ws, cell.coordinate, value)
            cell.border, cell.alignment = S.BOX, _TOP
            if formats and column in formats:
                cell.number_format = formats[column]
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(len(rows), 1) + 1}"
    S.print_setup(ws, landscape=True, title_rows="1:1")
    S.fit_rows(ws, [1])  # a wrapped header row as tall as its text: it never covers the first data row


def _page_header(ws: Worksheet, today: dt.date) -> None:
    """The title (and the sheet), 编制单位 to fill in and the date, on every printed page."""
    header = HeaderFooterItem()
    ws.HeaderFooter.oddHeader = header
    header.center.text = f"{TITLE}（{ws.title}）"
    header.left.text = "编制单位：______________"
    header.right.text = f"编制日期：{today:%Y年%m月%d日}"
    ws.page_margins.top = 0.8  # inches: room for the header above the table


def _summary(ws: Worksheet, results: Sequence[FileResult], ranked: list[Ranked], roster: RosterCheck) -> None:
    places = {item.result.path: item.rank for item in ranked}
    repeated = {path for _, paths in roster.duplicates for path in paths}
    rows = []
    for number, result in enumerate((r for r in results if r.snapshot is not None), start=1):
        snap = _snap(result)
        note = "同一单位有多个文件（见 名单核对）；" if result.path in repeated else ""
        rows.append([number, result.path, snap.unit_name, snap.credit_code, snap.year, ruleset_name(snap.ruleset),
                     snap.total, snap.grade or INCOMPLETE, "是" if snap.complete else "否", places[result.path],
                     result.errors, result.warnings, "、".join(result.unscored), note + result.first_error])
    header = ("序号", "文件", "单位名称", "统一社会信用代码", "年度", "规则集", "总得分", "等级", "是否完成", "名次",
              "错误", "警告", "未计分指标", "说明")
    _table(ws, header, rows, (5, 22, 20, 20, 6, 20, 8, 6, 6, 6, 6, 6, 16, 34), {7: S.SCORE})
    _wrap(ws, 2, 3, 6, 13, 14)


def _ranking(ws: Worksheet, ranked: list[Ranked]) -> None:
    rows = [[ruleset_name(item.ruleset), item.rank if item.rank is not None else "—", unit_label(item.result),
             _snap(item.result).year, _snap(item.result).total, _snap(item.result).grade or INCOMPLETE, item.result.path]
            for item in ranked]
    _table(ws, ("规则集", "名次", "单位名称", "年度", "总得分", "等级", "文件"), rows, (24, 6, 30, 7, 9, 8, 40), {5: S.SCORE})
    _wrap(ws, 1, 3, 7)


def _charts(ws: Worksheet, results: Sequence[FileResult], source: Worksheet, ranked: int) -> None:
    counts = grade_counts(results)
    _table(ws, ("等级", "单位数"), counts, (10, 8))
    grades = BarChart()
    grades.type, grades.title, grades.legend = "col", "等级分布", None
    grades.add_data(Reference(ws, min_col=2, min_row=1, max_row=len(counts) + 1), titles_from_data=True)
    grades.set_categories(Reference(ws, min_col=1, min_row=2, max_row=len(counts) + 1))
    _show_axes(grades, "单位数")
    ws.add_chart(grades, "D2")
    if ranked:  # scores by unit, as ranked (the 排名 sheet's columns 单位名称 and 总得分)
        scores = BarChart()
        scores.type, scores.title, scores.legend = "bar", "各单位总得分", None
        scores.add_data(Reference(source, min_col=5, min_row=1, max_row=ranked + 1), titles_from_data=True)
        scores.set_categories(Reference(source, min_col=3, min_row=2, max_row=ranked + 1))
        scores.x_axis.scaling.orientation = "maxMin"  # the first ranked at the top
        scores.height, scores.width = min(max(7.5, 0.8 * ranked + 3), 500), 18
        scores.y_axis.scaling.min = 0
        _show_axes(scores, "总得分")
        ws.add_chart(scores, "D18")


def _show_axes(chart: BarChart, value_title: str) -> None:
    chart.y_axis.title = value_title
    chart.x_axis.delete = chart.y_axis.delete = False  # openpyxl 3.1 hides both axes unless told
    chart.dataLabels = DataLabelList(showVal=True, showCatName=False, showSerName=False, showLegendKey=False, showPercent=False)


def _stats(ws: Worksheet, stats: list[Stat]) -> None:
    rows = [[ruleset_name(s.ruleset), s.code, s.name, s.weight, s.units, s.average, s.rate, s.losing, s.share]
            for s in stats]
    header = ("规则集", "代码", "指标（自评表为二级指标）", "分值", "单位数", "平均得分", "平均得分率", "失分单位数", "失分单位比例")
    _table(ws, header, rows, (24, 8, 40, 7, 7, 9, 10, 10, 12), {4: S.SCORE, 6: S.SCORE, 7: "0.0%", 9: "0.0%"})
    _wrap(ws, 1, 2, 3)


def _unreadable(ws: Worksheet, results: Sequence[FileResult]) -> None:
    rows = [[r.path, r.failure] for r in results if r.snapshot is None]
    _table(ws, ("文件", "原因"), rows or [["（无）", ""]], (50, 90))


def _roster(ws: Worksheet, roster: RosterCheck) -> None:
    rows: list[list[object]] = [["未报送（名单中的单位没有文件）", name, ""] for name in roster.missing]
    rows += [["重复（同一单位同一年度有多个文件）", name, "\n".join(paths)] for name, paths in roster.duplicates]
    rows += [["名单外（不在名单中的单位）", name, path] for name, path in roster.unexpected]
    _table(ws, ("类别", "单位名称", "文件"), rows or [["（名单中的单位都有文件，没有重复）", "", ""]], (34, 30, 60))
    _wrap(ws, 3)


def _years(ws: Worksheet, years: YearOverYear) -> None:
    rows: list[list[object]] = []
    for last, this, comparison in years.compared:
        total = comparison.total
        swings = "；".join(f"{c.name} {describe_change(c)}" for c in comparison.swings if c is not total)
        revised = "；".join(f"{c.name}：{'，'.join(c.revised)}" for c in comparison.revised)
        rows.append([_snap(this).unit_name, this.path, last.path, total.last, total.this, total.change,
                     comparison.last.grade or INCOMPLETE, comparison.this.grade or INCOMPLETE, swings, revised,
                     "；".join(comparison.notes)])
    rows += [[_snap(r).unit_name, r.path, "", None, _snap(r).total, None, "", _snap(r).grade or INCOMPLETE, "", "", "上年没有该单位的文件"]
             for r in years.without_last]
    rows += [[_snap(r).unit_name, "", r.path, _snap(r).total, None, None, _snap(r).grade or INCOMPLETE, "", "", "", "本年没有该单位的文件"]
             for r in years.without_this]
    rows += [["", "", r.path, None, None, None, "", "", "", "", f"上年的文件无法读取：{r.failure}"] for r in years.unreadable]
    header = ("单位名称", "本年文件", "上年文件", "上年总得分", "本年总得分", "变化", "上年等级", "本年等级",
              "大幅变化的项目", "计分规则或分值改变的指标", "说明")
    _table(ws, header, rows, (30, 30, 30, 10, 10, 8, 8, 8, 50, 50, 30), {4: S.SCORE, 5: S.SCORE, 6: "+0.00;-0.00;0.00"})
    _wrap(ws, 9, 10, 11)


def _wrap(ws: Worksheet, *columns: int) -> None:
    """Wrap the texts of these columns, rows tall enough to show them (Calc and Excel do not grow rows on opening)."""
    for column in columns:
        for row in ws.iter_rows(min_row=2, min_col=column, max_col=column):
            row[0].alignment = S.WRAP
    S.fit_rows(ws, range(2, ws.max_row + 1))

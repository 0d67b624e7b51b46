"""Realistic export files for the import tests, built from the seed: 问卷星 answer sheets and 部门决算 tables."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook

from scoring import (
    COLUMNS,
    PRINTED_LINES,
    ROWS,
    Accounts,
    Survey,
    SurveyOption,
    SurveyQuestion,
    printed_line,
)

META = ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP"]
UNIT = "寻甸回族彝族自治县融媒体中心"
FORM_SHEET = "Z01 收入支出决算总表(财决01表)"
# the sample's 基本信息 assets (万元) as Z12 prints them (元)
ASSETS = [("流动资产合计", "448300.00"), ("固定资产净值", "17875100.00"), ("资产总计", "18532200.00")]
LIABILITIES = [("负债合计", "9961600.00")]


def seed_positions(survey: Survey) -> list[list[int]]:
    """Per respondent, the option (1-based position) chosen in each question; the counts are the survey's,
    spread over the respondents differently in each question."""
    columns = []
    for question in survey.questions:
        chosen = [i + 1 for i, option in enumerate(question.options) for _ in range(option.count)]
        turn = question.number * 7 % len(chosen)
        columns.append(chosen[turn:] + chosen[:turn])
    return [list(row) for row in zip(*columns)]


Answer = Callable[[SurveyQuestion, SurveyOption], object]
BY_MODE: dict[str, Answer] = {
    "按序号": lambda q, o: q.options.index(o) + 1,
    "按文本": lambda q, o: o.text,
    "按分数": lambda q, o: float(o.points),
}


def survey_table(survey: Survey, mode: str, skipped_respondent: bool = True) -> list[list[object]]:
    """A 问卷星 export of ``survey``'s counts: meta columns, one column per question and a 填空 question last;
    with ``skipped_respondent`` a 50th respondent who skipped every question (-3 按序号, (跳过) 按文本)."""
    answer = BY_MODE[mode]
    header = [*META, *(f"{q.number}、{q.text}" for q in survey.questions), f"{len(survey.questions) + 1}、您对本部门还有什么意见和建议？"]
    rows: list[list[object]] = [header]
    start = dt.datetime(2025, 3, 1, 9, 0)
    for r, positions in enumerate(seed_positions(survey)):
        answers = [answer(q, q.options[p - 1]) for q, p in zip(survey.questions, positions)]
        rows.append([r + 1, start + dt.timedelta(minutes=7 * r), f"{1 + r % 3}分{r % 60}秒", "微信", "N/A",
                     f"112.117.{r // 10}.{r}(云南-昆明)", *answers, "无" if r % 4 else "(跳过)"])
    if skipped_respondent:
        skip = -3 if mode != "按文本" else "(跳过)"
        rows.append([len(rows), start + dt.timedelta(days=1), "15秒", "手机提交", "直接访问", "36.102.1.8(云南-曲靖)",
                     *[skip] * len(survey.questions), "(跳过)"])
    return rows


def form_table(accounts: Accounts, unit: str = UNIT, year: int = 2024, wan: bool = False) -> list[list[object]]:
    """The 部门决算 software's 财决01表 of ``accounts``: title rows, 编制单位, three blocks side by side, 行次,
    — where a column does not apply; amounts in 元 (in 万元 with ``wan``)."""
    scale = Decimal(10000) if wan else Decimal(1)
    rows: list[list[object]] = [
        ["", f"{year}年度收入支出决算总表"],
        [""],
        ["", f"编制单位：{unit}", "", "", "", "", "", "", "", "", "", "", "", "", "", f"单位：{'万元' if wan else '元'}"],
        ["", "收入", "", "", "", "", "支出"],
        ["", "项目", "行次", "年初预算数", "全年预算数", "决算数", "项目(按功能分类)", "行次", "年初预算数", "全年预算数", "决算数",
         "项目(按支出性质和经济分类)", "行次", "年初预算数", "全年预算数", "决算数"],
        ["", "栏次", "", 1, 2, 3, "栏次", "", 4, 5, 6, "栏次", "", 7, 8, 9],
    ]
    for line in range(1, PRINTED_LINES + 1):
        row: list[object] = [""]
        for number in printed_line(line).values():
            if number is None:
                row += ["", "", "", "", ""]
                continue
            known = ROWS.get(number)
            label = ("      " * known.indent + known.name) if known else ""
            row += [label, number]
            for column in COLUMNS:
                value = accounts.get(number, column)
                if known and column in known.na:
                    row.append("—")
                else:
                    row.append("" if value is None else float(value / scale))
        rows.append(row)
    return rows


def assets_table(unit: str = UNIT) -> list[list[object]]:
    """Z12 资产负债简表 (元): the sample's assets left, liabilities right."""
    rows: list[list[object]] = [["资产负债简表"], [f"编制单位：{unit}", "", "", "", "", "", "", "单位：元"],
                                ["项目", "行次", "年初数", "年末数", "项目", "行次", "年初数", "年末数"]]
    for i, (label, amount) in enumerate(ASSETS):
        right = LIABILITIES[i] if i < len(LIABILITIES) else ("", "")
        rows.append([label, i + 1, "", float(amount), right[0], i + 31 if right[0] else "", "",
                     float(right[1]) if right[1] else ""])
    return rows


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = Workbook()
    book.remove(book.worksheets[0])
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path

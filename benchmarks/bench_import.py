"""Benchmark: importing a 问卷星 export of 10,000 respondents × 30 questions. Prints figures; asserts nothing.

Target: the whole import (read, find the questions, match and screen) within 2× a bare calamine read of the same
.xlsx file (the reader underneath; the rest is the size pre-scan and the per-row work).

For each file kind (按序号 .xlsx, 按文本 .xlsx, 按序号 .csv): reading the file, finding the questions, and the
tally — on its own, and matched to 30 workbook questions with --min-seconds and --dedupe-ip screening.
The best of five runs is shown (the machine is shared: the minimum is the least disturbed). (The workbook holds 20 questions, so writing one is not part of this.)

Run: python benchmarks/bench_import.py
"""
from __future__ import annotations

import csv
import random
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from scoring import SurveyOption, SurveyQuestion, import_survey, read_survey_export
from xladdin.files.export_tables import read_table_file

RESPONDENTS, QUESTIONS = 10_000, 30
TEXTS = ("非常满意", "满意", "一般", "不满意")
POINTS = (10, 8, 5, 0)
T = TypeVar("T")
TARGET_RATIO = 2.0
QUESTION_LIST = [SurveyQuestion(number=n, text=f"您对第{n}项工作是否满意？", options=[
    SurveyOption(label=chr(65 + i), text=t, points=Decimal(p)) for i, (t, p) in enumerate(zip(TEXTS, POINTS))])
    for n in range(1, QUESTIONS + 1)]


def _rows(by_text: bool) -> list[list[object]]:
    chance = random.Random(2024)
    header: list[object] = ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP"]
    header += [f"{q.number}、{q.text}" for q in QUESTION_LIST]
    rows = [header]
    for r in range(RESPONDENTS):
        answers = [chance.choice((1, 1, 1, 2, 2, 3, 4, -2)) for _ in QUESTION_LIST]
        cells = [TEXTS[a - 1] if a > 0 else "(跳过)" for a in answers] if by_text else answers
        rows.append([r + 1, f"2025/3/1 {r % 24}:{r % 60:02d}:00", f"{r % 5}分{r % 60}秒", "微信", "N/A",
                     f"10.{r % 250}.{r % 7}.{r % 200}(云南-昆明)", *cells])
    return rows


def _xlsx(path: Path, rows: list[list[object]]) -> None:
    """openpyxl writes every text inline, Chinese as character references: a sheet twice the size of one with
    shared strings, as other writers make them; the reading figures are on the slow side."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Sheet1")
    for row in rows:
        sheet.append(row)
    book.save(path)


def _csv(path: Path, rows: list[list[object]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)


def _best(step: Callable[[], T]) -> tuple[float, T]:
    times = []
    for _ in range(5):
        start = time.perf_counter()
        result = step()
        times.append(time.perf_counter() - start)
    return min(times), result


def _calamine(path: Path) -> int:
    book = CalamineWorkbook.from_path(str(path))
    cells = sum(len(book.get_sheet_by_name(name).to_python(skip_empty_area=False)) for name in book.sheet_names)
    book.close()
    return cells


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        files = {
            "按序号 .xlsx": (Path(folder) / f"1_按序号_基准问卷_{RESPONDENTS}_{RESPONDENTS}.xlsx", _xlsx, False),
            "按文本 .xlsx": (Path(folder) / f"1_按文本_基准问卷_{RESPONDENTS}_{RESPONDENTS}.xlsx", _xlsx, True),
            "按序号 .csv": (Path(folder) / f"1_按序号_基准问卷_{RESPONDENTS}_{RESPONDENTS}.csv", _csv, False),
        }
        print(f"{RESPONDENTS}份答卷 × {QUESTIONS}题（五次运行的最小值，秒）")
        for kind, (path, write, by_text) in files.items():
            write(path, _rows(by_text))
            _measure(kind, path)


def _measure(kind: str, path: Path) -> None:
    read, sheets = _best(lambda: read_table_file(path))
    table = next(iter(sheets.values()))
    layout, export = _best(lambda: read_survey_export(table, path.name))
    alone, _ = _best(lambda: import_survey(export))
    matched, result = _best(lambda: import_survey(export, QUESTION_LIST, min_seconds=30, dedupe_ip=True))
    total = read + layout + matched
    print(f"{kind}（{path.stat().st_size / 1e6:.1f} MB）：读取 {read:.3f}  表头 {layout:.3f}  统计 {alone:.3f}  "
          f"对应工作簿并筛选 {matched:.3f}  合计 {total:.3f}（有效{result.valid}份）")
    if path.suffix == ".xlsx":
        floor, _ = _best(lambda: _calamine(path))
        ratio = total / floor
        print(f"    calamine 直接读取 {floor:.3f}：合计为其 {ratio:.2f} 倍（目标 ≤ {TARGET_RATIO:g} 倍，"
              f"{'达到' if ratio <= TARGET_RATIO else '未达到'}）")


if __name__ == "__main__":
    main()

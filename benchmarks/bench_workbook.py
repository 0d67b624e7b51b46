"""Benchmark: the evaluation workbook. Prints figures; asserts nothing.

- bare openpyxl load of the sample vs `pe-eval score` on it (in-process, and as a command);
- import time of the UDF module in a fresh interpreter (what Excel's COM server pays once);
- time per PE_SCORE call (the Python side; Excel adds ~13 ms of COM per call).

Run: python benchmarks/bench_workbook.py
"""
from __future__ import annotations

import contextlib
import io
import statistics
import subprocess
import sys
import time
import timeit

from openpyxl import load_workbook

from scoring import cells
from xladdin.workbook.build_templates import TEMPLATES_DIR, sample_name
from xladdin.cli import main as pe_eval

SAMPLE = TEMPLATES_DIR / sample_name()
ROOT = TEMPLATES_DIR.parent


def _median_ms(func, repeat: int = 7) -> float:
    return statistics.median(timeit.repeat(func, number=1, repeat=repeat)) * 1000


def _score_in_process() -> None:
    with contextlib.redirect_stdout(io.StringIO()):
        pe_eval(["score", str(SAMPLE)])


def _import_ms(statement: str) -> float:
    code = f"import time; t = time.perf_counter(); {statement}; print((time.perf_counter() - t) * 1000)"
    runs = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout)
            for _ in range(5)]
    return statistics.median(runs)


def main() -> None:
    load_workbook(SAMPLE)  # warm imports and the file cache
    _score_in_process()
    bare = _median_ms(lambda: load_workbook(SAMPLE))
    bare_read_only = _median_ms(lambda: load_workbook(SAMPLE, read_only=True).close())
    score = _median_ms(_score_in_process)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "xladdin.cli", "score", str(SAMPLE)], capture_output=True, check=True, cwd=ROOT)
    command = (time.perf_counter() - start) * 1000
    print(f"示例工作簿：{SAMPLE.name}（{SAMPLE.stat().st_size // 1024} KB）")
    print(f"openpyxl 直接加载（完整模式）：中位 {bare:.0f} ms；只读模式 {bare_read_only:.0f} ms")
    print(f"pe-eval score（进程内，读取+计分+输出）：中位 {score:.0f} ms，为完整加载的 {score / bare:.2f} 倍")
    print(f"pe-eval score（新进程，含 Python 启动与导入）：{command:.0f} ms")
    udfs = _import_ms("import xladdin.excel.udfs")
    xlwings = _import_ms("import xlwings")
    after_xlwings = _import_ms("import xlwings; t = time.perf_counter(); import xladdin.excel.udfs")
    print(f"导入 xladdin.excel.udfs（新进程）：中位 {udfs:.0f} ms，其中 xlwings {xlwings:.0f} ms；"
          f"xlwings 已加载时（Excel 的 COM 服务器即如此）{after_xlwings:.0f} ms")
    args = ("xundian-2024", "B12", 1069931.86, 1069931.86, None, None)
    cells.score(*args)
    calls = 1000
    per_call = min(timeit.repeat(lambda: cells.score(*args), number=calls, repeat=5)) / calls * 1000
    per_checklist = min(timeit.repeat(lambda: cells.score("xundian-2024", "A14", "①②③=0.7", None, None, None),
                                      number=calls, repeat=5)) / calls * 1000
    print(f"PE_SCORE 每次调用（Python 部分）：B12 {per_call:.3f} ms，A14 {per_checklist:.3f} ms；"
          f"整张指标体系（31 个得分 + 31 个说明）约 {per_call * 62:.1f} ms")


if __name__ == "__main__":
    main()

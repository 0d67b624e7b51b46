"""Benchmark: the sample report — docx build (and the charts in it), then PDF conversion, timed separately.

Prints figures; asserts nothing.

Run: python benchmarks/bench_report.py [--repeat N]
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _timed(function: Callable[..., Any], spent: list[float]) -> Callable[..., Any]:
    """``function`` that also appends each call's duration to ``spent``."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - start)

    return wrapper


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description="报告生成耗时")
    parser.add_argument("--repeat", type=int, default=5, help="docx 生成重复次数（默认5）")
    args = parser.parse_args()

    start = time.perf_counter()
    from scoring import assess, load_ruleset, sample_evaluation
    from xladdin.files.pdf_convert import ConverterMissing, docx_to_pdf
    from xladdin.report import build_report, charts

    imports = time.perf_counter() - start
    chart_times: list[float] = []  # the two charts of each build
    charts.score_chart = _timed(charts.score_chart, chart_times)
    charts.progress_chart = _timed(charts.progress_chart, chart_times)
    evaluation = sample_evaluation()
    rs = load_ruleset(evaluation.ruleset)
    with tempfile.TemporaryDirectory(prefix="pe-bench-") as tmp:
        runs, in_charts = [], []
        for n in range(args.repeat):
            start = time.perf_counter()
            result = build_report(assess(evaluation, rs), Path(tmp) / f"report{n}.docx")  # as `pe-eval report`: assess, then build
            runs.append(time.perf_counter() - start)
            in_charts.append(sum(chart_times))
            chart_times.clear()
        size = result.docx_path.stat().st_size
        print(f"导入 xladdin.report: {_ms(imports)}")
        print(f"docx 生成（示例，首次，含 matplotlib 导入）: {_ms(runs[0])}，其中两张图表 {_ms(in_charts[0])}")
        if len(runs) > 1:
            warm, warm_charts = runs[1:], in_charts[1:]
            print(f"docx 生成（预热后{len(warm)}次，含评分，不含PDF）: 中位 {_ms(statistics.median(warm))}，最快 {_ms(min(warm))}"
                  "（目标 ≤ 300 ms）")
            print(f"  其中两张图表: 中位 {_ms(statistics.median(warm_charts))}，最快 {_ms(min(warm_charts))}")
        print(f"docx 大小: {size / 1024:.0f} KB")
        start = time.perf_counter()
        try:
            pdf = docx_to_pdf(result.docx_path)
        except ConverterMissing as exc:
            print(f"PDF 转换: 跳过（{exc.message}）")
            return
        print(f"PDF 转换（LibreOffice，含启动）: {_ms(time.perf_counter() - start)}，{pdf.stat().st_size / 1024:.0f} KB")


if __name__ == "__main__":
    main()

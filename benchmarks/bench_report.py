"""Benchmark: the sample report — docx build (and the charts in it), then PDF conversion, timed separately.

Prints figures; asserts nothing. Target: the docx build without drawing the charts ≤ 1.5× a python-docx floor
of the same content — a plain ``Document()`` given the built report's paragraphs' texts, its tables' rows
(``add_row().cells``, ``cell.text``) and its pictures (the charts already drawn), with no styling at all.

Run: python benchmarks/bench_report.py [--repeat N]
"""
from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

TARGET_RATIO = 1.5


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
        if len(runs) > 1:
            own = min(run - chart for run, chart in zip(runs[1:], in_charts[1:]))
            floor = min(_floor_time(result.docx_path) for _ in range(args.repeat))
            ratio = own / floor
            print(f"docx 生成（不含图表绘制，最快）{_ms(own)}；python-docx 下限（同样的段落、表格行与图片，最快）{_ms(floor)}："
                  f"为其 {ratio:.2f} 倍（目标 ≤ {TARGET_RATIO:g} 倍，{'达到' if ratio <= TARGET_RATIO else '未达到'}）")
        start = time.perf_counter()
        try:
            pdf = docx_to_pdf(result.docx_path)
        except ConverterMissing as exc:
            print(f"PDF 转换: 跳过（{exc.message}）")
            return
        print(f"PDF 转换（LibreOffice，含启动）: {_ms(time.perf_counter() - start)}，{pdf.stat().st_size / 1024:.0f} KB")


def _floor_time(path: Path) -> float:
    """Seconds python-docx takes to write ``path``'s paragraphs, table rows and pictures into a blank document."""
    import docx
    from docx.oxml.ns import qn

    def texts(element: Any) -> str:
        return "".join(t.text or "" for t in element.iter(qn("w:t")))

    built = docx.Document(str(path))
    blocks: list[tuple[str, Any]] = []
    for child in built.element.body.iterchildren():
        if child.tag == qn("w:p"):
            blocks.append(("p", texts(child)))
        elif child.tag == qn("w:tbl"):
            blocks.append(("t", [["\n".join(texts(p) for p in tc.iter(qn("w:p"))) for tc in tr.iter(qn("w:tc"))]
                                 for tr in child.iter(qn("w:tr"))]))
    pictures = [part.blob for part in built.part.package.parts if part.content_type.startswith("image/")]
    start = time.perf_counter()
    document = docx.Document()
    for kind, content in blocks:
        if kind == "p":
            document.add_paragraph(content)
            continue
        table = document.add_table(rows=0, cols=max(map(len, content)))
        for values in content:
            for cell, value in zip(table.add_row().cells, values):
                cell.text = value
    for picture in pictures:
        document.add_picture(io.BytesIO(picture))
    document.save(io.BytesIO())
    return time.perf_counter() - start


if __name__ == "__main__":
    main()

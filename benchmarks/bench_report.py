"""Benchmark: the sample report — docx build, then PDF conversion, timed separately. Prints figures; asserts nothing.

Run: python benchmarks/bench_report.py [--repeat N]
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description="报告生成耗时")
    parser.add_argument("--repeat", type=int, default=5, help="docx 生成重复次数（默认5）")
    args = parser.parse_args()

    start = time.perf_counter()
    from scoring import assess, load_ruleset, sample_evaluation
    from xladdin.pdf_convert import ConverterMissing, docx_to_pdf
    from xladdin.report import build_report

    imports = time.perf_counter() - start
    evaluation = sample_evaluation()
    rs = load_ruleset(evaluation.ruleset)
    with tempfile.TemporaryDirectory(prefix="pe-bench-") as tmp:
        runs = []
        for n in range(args.repeat):
            start = time.perf_counter()
            result = build_report(assess(evaluation, rs), Path(tmp) / f"report{n}.docx")  # as `pe-eval report`: assess, then build
            runs.append(time.perf_counter() - start)
        size = result.docx_path.stat().st_size
        print(f"导入 xladdin.report: {imports * 1000:.0f} ms")
        print(f"docx 生成（示例，首次，含 matplotlib 导入）: {runs[0] * 1000:.0f} ms")
        if len(runs) > 1:
            warm = runs[1:]
            print(f"docx 生成（其后{len(warm)}次）: 中位 {statistics.median(warm) * 1000:.0f} ms，最快 {min(warm) * 1000:.0f} ms")
        print(f"docx 大小: {size / 1024:.0f} KB")
        start = time.perf_counter()
        try:
            pdf = docx_to_pdf(result.docx_path)
        except ConverterMissing as exc:
            print(f"PDF 转换: 跳过（{exc.message}）")
            return
        print(f"PDF 转换（LibreOffice，含启动）: {(time.perf_counter() - start) * 1000:.0f} ms，{pdf.stat().st_size / 1024:.0f} KB")


if __name__ == "__main__":
    main()

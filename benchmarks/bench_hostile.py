"""Benchmark: wall time and peak memory of `pe-eval check` on the hostile workbooks of tests/test_hostile_files.py.

Run: python benchmarks/bench_hostile.py    (prints figures; asserts nothing; targets: < 2 s and < 200 MB each)
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.test_hostile_files import (  # noqa: E402
    INFO_SHEET, SAMPLE, long_cell, many_sheets, rewrite, rows_sheet, run_check, shared_strings,
)

CASES = {
    "示例工作簿（对照）": lambda path: path.write_bytes(SAMPLE.read_bytes()),
    "40个附加工作表×400 KB": lambda path: many_sheets(path, 40, 400_000),
    "10万行、无 <dimension> 的工作表": lambda path: rewrite(path, replace={INFO_SHEET: rows_sheet(100_000)}),
    "40万行的工作表（超过单个部件上限）": lambda path: rewrite(path, replace={INFO_SHEET: rows_sheet(400_000)}),
    "30万条共享文本": lambda path: rewrite(path, add={"xl/sharedStrings.xml": shared_strings(300_000)}),
    "报告一格250万字（超过 Excel 上限）": lambda path: long_cell(path, 2_500_000),
    "报告15格×32,767字、无标点": lambda path: long_cell(path, 32_767, cells=tuple(f"C{row}" for row in range(3, 18))),
}


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="pe-hostile-") as tmp:
        print(f"{'情形':<28} 退出码   用时(s)   峰值内存(MB)   文件(KB)")
        for n, (name, make) in enumerate(CASES.items()):
            path = Path(tmp) / f"case{n}.xlsx"
            make(path)
            code, _, seconds, peak = run_check(path)
            print(f"{name:<28} {code:>4} {seconds:>9.2f} {peak:>12.0f} {path.stat().st_size / 1024:>10.0f}")


if __name__ == "__main__":
    main()

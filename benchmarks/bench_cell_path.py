"""How light the cell path is: CPU time to import what a worksheet cell needs, in a fresh process (min of 7).

    python benchmarks/bench_cell_path.py

Prints ``import xladdin.excel.udfs`` (what Excel's UDF server imports) against ``import xlwings`` alone
(target ≤ 1.8×), ``import scoring.cells`` (the LibreOffice component's path) and the first PE_SCORE and
PE_ROW_SCORE calls, which load and validate a ruleset.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = 7
TIMED = ("import time; start = time.process_time(); {code}; "
         "print((time.process_time() - start) * 1000)")


def _cpu_ms(code: str, setup: str = "") -> float:
    """Minimum CPU milliseconds of ``code`` over fresh interpreters (``setup`` runs first, untimed)."""
    program = (setup + "; " if setup else "") + TIMED.format(code=code)
    return min(float(subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True,
                                    cwd=ROOT).stdout) for _ in range(RUNS))


def main() -> None:
    xlwings = _cpu_ms("import xlwings")
    udfs = _cpu_ms("import xladdin.excel.udfs")
    cells = _cpu_ms("import scoring.cells")
    first_score = _cpu_ms("cells.score('xundian-2024', 'B12', 1069931.86, 1069931.86, None, None)",
                          setup="import scoring.cells as cells")
    first_row = _cpu_ms("cells.row_score('self-2020', '数量指标', '开展活动', '≥50场', '52场', 10, None, None, None)",
                        setup="import scoring.cells as cells")
    print(f"CPU 时间（新进程，{RUNS} 次取最小）：")
    print(f"  import xlwings                 {xlwings:7.1f} ms")
    print(f"  import xladdin.excel.udfs      {udfs:7.1f} ms   为 xlwings 的 {udfs / xlwings:.2f} 倍（目标 ≤ 1.8 倍）")
    print(f"  import scoring.cells           {cells:7.1f} ms   （LibreOffice 组件的导入）")
    print(f"  首次 PE_SCORE（载入规则集）     {first_score:7.1f} ms")
    print(f"  首次 PE_ROW_SCORE（载入规则集） {first_row:7.1f} ms")


if __name__ == "__main__":
    main()

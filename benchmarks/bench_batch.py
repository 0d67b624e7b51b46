"""Benchmark: `pe-eval batch` on 100 / 500 / 1,000 generated department workbooks, against loading the same files
with openpyxl read-only in one process (targets: CPU time of all its processes at most 1.2× that loop's, and
linear). Prints figures; asserts nothing.

The workbooks are varied, not copies (tests/department_files.py): 7 in 10 third-party reports (xundian-2024), 3 in 10
self-evaluation forms (self-2020), each its own unit, credit code, amounts, indicator inputs and questionnaire counts.
They are written once, in parallel, into --dir and reused by later runs.

Each measurement runs in a fresh interpreter and times the work only (not Python's start): the batch is
`pe-eval batch DIR --out 汇总.csv` (and `--out 汇总.xlsx`, the roll-up workbook); the baseline is
openpyxl.load_workbook(read_only=True, data_only=True) of each file, reading every cell of every sheet.
Peak memory: the largest resident size of the main process and of any worker (getrusage), and the main
process's peak Python allocation (tracemalloc, which slows it a little, so it is a separate run).
Each timing is the fastest of --repeat runs, baseline and batch taking turns (the machine may be busy).

Run: python benchmarks/bench_batch.py [--dir DIR] [--sizes 100 500 1000] [--repeat 2]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from department_files import report_department, self_department, write_workbook  # noqa: E402

SELF_SHARE = 3  # in 10
CPU_TARGET = 1.2  # batch's CPU time (all processes) against the one-process openpyxl loop's

_BATCH = """
import contextlib, io, json, resource, sys, time, tracemalloc
from xladdin.batch import runner as batch
from xladdin.cli import main
folder, out, serial, trace = sys.argv[1], sys.argv[2], sys.argv[3] == "1", sys.argv[4] == "1"
if serial:
    batch.PARALLEL_FROM = 10 ** 9
if trace:
    tracemalloc.start()
def cpu(who):
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime
start, cpu_start = time.perf_counter(), cpu(resource.RUSAGE_SELF) + cpu(resource.RUSAGE_CHILDREN)
with contextlib.redirect_stdout(io.StringIO()):
    code = main(["batch", folder, "--out", out])
seconds = time.perf_counter() - start
cpu_seconds = cpu(resource.RUSAGE_SELF) + cpu(resource.RUSAGE_CHILDREN) - cpu_start  # the workers, once ended
print(json.dumps({"code": code, "seconds": seconds, "cpu": cpu_seconds, "main_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "worker_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                  "traced_mb": tracemalloc.get_traced_memory()[1] / 2 ** 20 if trace else None}))
"""

_BASELINE = """
import json, resource, sys, time
from pathlib import Path
import openpyxl
files = sorted(Path(sys.argv[1]).glob("*.xlsx"))
start, cpu_start = time.perf_counter(), time.process_time()
for path in files:
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            pass
    wb.close()
print(json.dumps({"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu_start, "main_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _write(job: tuple[str, int]) -> None:
    folder, n = job
    evaluation = self_department(n, seed=n * 7) if n % 10 < SELF_SHARE else report_department(n, seed=n * 7)
    write_workbook(Path(folder) / f"{n:04d}.xlsx", evaluation)


def generate(folder: Path, count: int) -> None:
    """``count`` workbooks in ``folder`` (those already there are kept)."""
    folder.mkdir(parents=True, exist_ok=True)
    todo = [(str(folder), n) for n in range(count) if not (folder / f"{n:04d}.xlsx").exists()]
    if todo:
        print(f"写出 {len(todo)} 个工作簿到 {folder} …", flush=True)
        with ProcessPoolExecutor() as pool:
            list(pool.map(_write, todo, chunksize=8))


def subset(pool: Path, size: int) -> Path:
    """A folder of the first ``size`` workbooks (hard links, so nothing is copied)."""
    folder = pool.parent / f"{pool.name}-{size}"
    folder.mkdir(exist_ok=True)
    for n in range(size):
        link = folder / f"{n:04d}.xlsx"
        if not link.exists():
            os.link(pool / f"{n:04d}.xlsx", link)
    return folder


def measure(script: str, *args: str) -> dict:
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, cwd=ROOT, check=True)
    return json.loads(done.stdout.splitlines()[-1])


def batch(folder: Path, suffix: str, serial: bool = False, trace: bool = False) -> dict:
    with tempfile.TemporaryDirectory() as scratch:
        return measure(_BATCH, str(folder), str(Path(scratch) / f"汇总{suffix}"), "1" if serial else "0", "1" if trace else "0")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "pe-eval-bench-batch")
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 500, 1000])
    parser.add_argument("--repeat", type=int, default=2, help="runs of each timing; the fastest is shown")
    args = parser.parse_args()
    pool = args.dir / "all"
    generate(pool, max(args.sizes))
    print(f"CPU {os.cpu_count()} 核，负载 {os.getloadavg()[0]:.1f}；每项取 {args.repeat} 次中最快的一次\n")
    print(f"{'文件数':>6} {'openpyxl只读(秒)':>16} {'batch→csv(秒)':>14} {'倍数':>6} {'CPU倍数':>7} {'batch→xlsx(秒)':>15} "
          f"{'每个文件(毫秒)':>14} {'主进程MB':>9} {'工作进程MB':>10} {'主进程Python峰值MB':>18} {'基线MB':>7}")
    cpu_ratios: list[float] = []
    for size in sorted(args.sizes):
        folder = subset(pool, size)
        runs = [(measure(_BASELINE, str(folder)), batch(folder, ".csv"), batch(folder, ".xlsx")) for _ in range(args.repeat)]
        base, csv, xlsx = (min((run[i] for run in runs), key=lambda m: m["seconds"]) for i in range(3))
        cpu_ratio = min(run[1]["cpu"] for run in runs) / min(run[0]["cpu"] for run in runs)
        cpu_ratios.append(cpu_ratio)
        traced = batch(folder, ".csv", trace=True)
        print(f"{size:>6} {base['seconds']:>16.1f} {csv['seconds']:>14.1f} {csv['seconds'] / base['seconds']:>6.2f} {cpu_ratio:>7.2f} "
              f"{xlsx['seconds']:>15.1f} {csv['seconds'] / size * 1000:>14.1f} {csv['main_mb']:>9.0f} {csv['worker_mb']:>10.0f} "
              f"{traced['traced_mb']:>18.1f} {base['main_mb']:>7.0f}", flush=True)
    worst = max(cpu_ratios)
    print(f"\nbatch→csv 的 CPU 时间（所有进程，各取最少）为 openpyxl 只读单进程循环的 {min(cpu_ratios):.2f}–{worst:.2f} 倍"
          f"（目标 ≤ {CPU_TARGET:g} 倍，{'达到' if worst <= CPU_TARGET else '未达到'}）")
    smallest = subset(pool, min(args.sizes))
    one = min((batch(smallest, ".csv", serial=True) for _ in range(args.repeat)), key=lambda m: m["seconds"])
    base = min((measure(_BASELINE, str(smallest)) for _ in range(args.repeat)), key=lambda m: m["seconds"])
    print(f"\n同 {min(args.sizes)} 个文件只用一个进程：{one['seconds']:.1f} 秒，为 openpyxl 只读读取的 {one['seconds'] / base['seconds']:.2f} 倍")


if __name__ == "__main__":
    main()

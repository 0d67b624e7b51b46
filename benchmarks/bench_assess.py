"""Benchmark: BEFORE (a baseline commit) vs AFTER (the working tree) for check, PE_SCORE and the UDF import.

Run: python benchmarks/bench_assess.py [--baseline COMMIT] [--repeat N] [--excel-venv DIR]
The baseline is checked out into a temporary `git worktree` (always removed afterwards); each tree is
measured in its own subprocess with cwd and PYTHONPATH set to that tree. Only version-stable entry points
are used: xladdin.cli.main, scoring.cells.score and `import xladdin.excel.udfs`.
"Warm" repeats a command in one process; the baseline kept each parsed workbook in a per-process cache,
so its warm figures skip the file parse. "new process" is what a user running `pe-eval check` waits for.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = "workbook_templates/xundian-2024-sample.xlsx"
IMPORT_CODE = ("import time,xlwings; t=time.perf_counter(); import xladdin.excel.udfs; "
               "print(time.perf_counter()-t); print(xladdin.excel.udfs.__file__)")
ROWS = (  # key, label, target
    ("check_process_ms", "check, new process (ms)", ""),
    ("check_ms", "check, warm (ms)", ""),
    ("score_ms", "score, warm (ms)", ""),
    ("check_over_score", "check / score", "<= 1.3"),
    ("openpyxl_ms", "openpyxl read-only load (ms)", ""),
    ("check_over_openpyxl", "check / openpyxl load", "<= 2"),
    ("pe_score_b12_us", "PE_SCORE B12 (us/call)", "<= 50"),
    ("pe_score_a11_us", "PE_SCORE A11 checklist (us/call)", "<= 50"),
    ("udfs_import_ms", "import xladdin.excel.udfs after xlwings (ms)", "<= 150"),
)


def _median_ms(func, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _cli(argv: list[str]) -> int:
    from xladdin.cli import main

    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as err:
        try:
            rc = main(argv)
        except SystemExit as exc:
            rc = exc.code
    if rc not in (0, 1):  # 1 = findings (check); anything else means the command failed
        raise RuntimeError(f"pe-eval {' '.join(argv)} exited {rc}: {err.getvalue().strip()}")
    return rc


def _open_readonly(path: str) -> None:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    for ws in wb.worksheets:
        for _ in ws.iter_rows(values_only=True):
            pass
    wb.close()


def _per_call_us(func, calls: int) -> float:
    for _ in range(50):
        func()
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(calls):
            func()
        runs.append((time.perf_counter() - start) / calls * 1e6)
    return statistics.median(runs)


def measure(repeat: int, python: str) -> dict:
    """All figures for the tree in the current directory (run inside the child)."""
    tree = Path.cwd().resolve()
    import scoring
    import scoring.cells as cells

    origin = Path(scoring.__file__).resolve()
    if tree not in origin.parents:
        raise RuntimeError(f"scoring imported from {origin}, not from {tree}")
    out: dict = {"scoring_file": str(origin)}
    times: dict[str, list[float]] = {"check": [], "score": []}
    for cmd in times:
        _cli([cmd, SAMPLE])  # warm-up: imports, ruleset cache
    for _ in range(repeat):  # alternated, so a slow spell of the machine hits both alike
        for cmd in times:
            times[cmd].append(_median_ms(lambda: _cli([cmd, SAMPLE]), 1))
    for cmd, runs in times.items():
        out[f"{cmd}_ms"] = statistics.median(runs)
    _open_readonly(SAMPLE)
    out["openpyxl_ms"] = _median_ms(lambda: _open_readonly(SAMPLE), repeat)
    out["check_over_score"] = out["check_ms"] / out["score_ms"]
    out["check_over_openpyxl"] = out["check_ms"] / out["openpyxl_ms"]
    samples = {"b12": ("B12", 900000, 1000000), "a11": ("A11", "①②③④", None)}
    for key, (code, in1, in2) in samples.items():
        out[f"pe_score_{key}_value"] = cells.score("xundian-2024", code, in1, in2, None, None)
        out[f"pe_score_{key}_us"] = _per_call_us(lambda: cells.score("xundian-2024", code, in1, in2, None, None), 2000)
    env = {**os.environ, "PYTHONPATH": str(tree)}
    out["check_process_ms"] = _median_ms(lambda: subprocess.run(
        [sys.executable, "-m", "xladdin.cli", "check", SAMPLE], cwd=tree, env=env, capture_output=True), 7)
    # As installed: byte-compiled modules (the first run writes them), whatever PYTHONDONTWRITEBYTECODE says here.
    env = {key: value for key, value in env.items() if key != "PYTHONDONTWRITEBYTECODE"}
    times = []
    for _ in range(8):
        proc = subprocess.run([python, "-c", IMPORT_CODE], cwd=tree, env=env, capture_output=True, text=True)
        if proc.returncode:
            raise RuntimeError(f"import xladdin.excel.udfs failed:\n{proc.stderr[-2000:]}")
        seconds, udfs_file = proc.stdout.split("\n")[:2]
        times.append(float(seconds) * 1000)
    out["udfs_import_ms"] = statistics.median(times[1:])
    out["udfs_file"] = udfs_file
    out["import_python"] = python
    return out


def run_child(tree: Path, args: argparse.Namespace) -> dict:
    """Measure `tree` in a fresh interpreter whose imports resolve inside that tree."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--measure-only", "--json",
           "--repeat", str(args.repeat), "--import-python", args.import_python]
    env = {**os.environ, "PYTHONPATH": str(tree)}
    proc = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True)
    if proc.returncode:
        return {"error": (proc.stderr.strip() or proc.stdout.strip())[-1500:]}
    return json.loads(proc.stdout)


def _fmt(figures: dict, key: str) -> str:
    if "error" in figures:
        return "ERROR"
    value = figures[key]
    return f"{value:.2f}" if key.startswith("check_over") else f"{value:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="0843ee2", help="commit measured as BEFORE (default: 0843ee2)")
    parser.add_argument("--repeat", type=int, default=15, help="repetitions per millisecond figure")
    parser.add_argument("--measure-only", action="store_true", help="measure the tree in the current directory")
    parser.add_argument("--json", action="store_true", help="with --measure-only: print figures as JSON")
    parser.add_argument("--excel-venv", metavar="DIR", help="venv whose python measures the udfs import")
    parser.add_argument("--import-python", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.import_python is None:
        venv = Path(args.excel_venv) if args.excel_venv else None
        exe = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python") if venv else None
        args.import_python = str(exe) if exe else sys.executable
    if args.measure_only:
        figures = measure(args.repeat, args.import_python)
        print(json.dumps(figures, ensure_ascii=False) if args.json else
              "\n".join(f"{k}: {v}" for k, v in figures.items()))
        return

    started = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="pe-eval-baseline-"))
    worktree = tmp / "tree"
    try:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--quiet", "--detach", str(worktree),
                        args.baseline], check=True)
        before = run_child(worktree, args)
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(worktree)], check=False)
        shutil.rmtree(tmp, ignore_errors=True)
    after = run_child(ROOT, args)

    print(f"runner: {sys.executable}   udfs import measured with: {args.import_python}   repeat={args.repeat}")
    for name, figures in (("before", before), ("after", after)):
        print(f"{name}: {figures.get('scoring_file', '-')}")
    print(f"\n{'measurement':<40} | {'before':>10} | {'after':>10} | target")
    print("-" * 76)
    for key, label, target in ROWS:
        print(f"{label:<40} | {_fmt(before, key):>10} | {_fmt(after, key):>10} | {target}")
    for name, figures in (("BEFORE", before), ("AFTER", after)):
        if "error" in figures:
            print(f"\n{name} ({args.baseline if name == 'BEFORE' else 'working tree'}) failed:\n{figures['error']}")
    print(f"\ntotal run time: {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()

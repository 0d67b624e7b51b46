"""Cost of the PE_ functions in LibreOffice Calc (issue 23): per call and the first call of a LibreOffice process.

    python benchmarks/bench_calc.py [--rows 2000] [--repeat 3]

Installs pe-eval into a throwaway profile (``xladdin.calc.install``; as ``nobody`` when run as root), then in one
headless LibreOffice times ``calculateAll()`` over ROWS formulas of each kind. Per-call cost = (time with the PE_
formula − time with a plain formula over the same cells) ÷ ROWS, best of REPEAT. The first call is timed in a
fresh LibreOffice: the first PE_GRADE cell (loads the component and imports the scoring core), then the same
import alone in LibreOffice's Python for the breakdown. Targets: ≤ 0.3 ms per PE_SCORE, ≤ 0.5 ms per row
function, first call ≤ 0.5 s. Prints figures; asserts nothing.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from xladdin.calc import install, programs  # noqa: E402
from xladdin.calc.profile import LibreOffice, office_environment  # noqa: E402

NOBODY = 65534
KINDS = {  # name → (formula for row i, plain formula over the same cells, target ms)
    "PE_SCORE": ('=PE_SCORE($A$1,B{i},C{i},D{i},E{i},F{i})', '=IF(B{i}="","",B{i}&C{i}&D{i}&E{i}&F{i})', 0.3),
    "PE_ROW_SCORE": ('=PE_ROW_SCORE($A$2,G{i},H{i},I{i},J{i},K{i},L{i},M{i},N{i})',
                     '=IF(G{i}="","",G{i}&H{i}&I{i}&J{i}&K{i}&L{i}&M{i}&N{i})', 0.5),
}
SCORE_INPUTS = (("A11", "①②③④"), ("A12", "①②"), ("A13", 1.8), ("A11", "①③"))
ROW_INPUTS = (("数量指标", "举办群众文化活动场次", "≥120场", "126场", 8),
              ("数量指标", "送戏下乡演出场次", "≥60场", "54场", 6),
              ("质量指标", "演出合格率", "100%", "98%", 5))


def workbook(path: Path, rows: int, plain: bool) -> None:
    wb = Workbook()
    ws = wb.worksheets[0]
    ws["A1"], ws["A2"] = "xundian-2024", "self-2020"
    for i in range(3, rows + 3):
        code, value = SCORE_INPUTS[i % len(SCORE_INPUTS)]
        ws[f"B{i}"], ws[f"C{i}"] = code, value
        ws[f"G{i}"], ws[f"H{i}"], ws[f"I{i}"], ws[f"J{i}"], ws[f"K{i}"] = ROW_INPUTS[i % len(ROW_INPUTS)]
        for column, (formula, baseline, _) in zip("PQ", KINDS.values()):
            ws[f"{column}{i}"] = (baseline if plain else formula).format(i=i)
    wb.save(path)
    path.chmod(0o644)


def calculate(run: programs.OfficeSession, path: Path, repeat: int) -> float:
    doc = run("open", path=str(path))
    try:
        return min(run("calculate", doc=doc) for _ in range(repeat))
    finally:
        run("close", doc=doc)


def first_call(office: LibreOffice, profile: Path) -> tuple[float, float]:
    """(seconds for soffice to start and accept the pipe, seconds for the first PE_GRADE cell)."""
    started = time.perf_counter()
    with programs.session(office, profile) as run:
        ready = time.perf_counter() - started
        doc = run("new")
        started = time.perf_counter()
        run("set", doc=doc, cell="Sheet1!A1", value='=PE_GRADE(95;"xundian-2024")', formula=True)
        value = run("cells", doc=doc, cells=["Sheet1!A1"])["Sheet1!A1"]
        first = time.perf_counter() - started
    assert value == "优", value
    return ready, first


def core_import(office: LibreOffice, profile: Path) -> str:
    """The import of scoring.cells in LibreOffice's Python from the installed extension, and its biggest parts."""
    assert office.python is not None
    pythonpath = next(profile.glob("user/uno_packages/cache/uno_packages/*/*.oxt/pythonpath"))
    code = f"import sys, time; sys.path.insert(0, {str(pythonpath)!r}); t = time.perf_counter(); import scoring.cells; " \
           "print(f'{time.perf_counter() - t:.3f}')"
    total = subprocess.run([str(office.python), "-I", "-c", code], capture_output=True, text=True,
                           env=office_environment(office.python), check=True).stdout.strip()
    timed = subprocess.run([str(office.python), "-I", "-X", "importtime", "-c", code], capture_output=True, text=True,
                           env=office_environment(office.python), check=True).stderr.splitlines()
    parts = []
    for line in timed:
        fields = line.split("|")
        if len(fields) == 3 and fields[1].strip().isdigit():
            parts.append((int(fields[1]), fields[2].rstrip()))
    top = sorted((p for p in parts if p[1].count("  ") <= 2), reverse=True)[:8]  # top-level and first-level imports
    return f"{float(total) * 1000:.0f} ms\n" + "\n".join(f"      {us / 1000:7.1f} ms  {name.strip()}" for us, name in top)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--first", type=int, default=3, help="LibreOffice processes for the first-call time")
    args = parser.parse_args()
    office = programs.located()
    if office is None or office.python is None:
        print("需要 LibreOffice 和 python3-uno（sudo bash .ci/system-packages.sh）")
        return 1
    work = Path(tempfile.mkdtemp(prefix="pe-bench-calc-"))
    work.chmod(0o777)
    try:
        profile = work / "profile"
        profile.mkdir()
        if os.geteuid() == 0:
            os.chown(profile, NOBODY, NOBODY)
        install.install(profile, say=lambda text: None)
        starts = [first_call(office, profile) for _ in range(args.first)]
        firsts = sorted(first for _, first in starts)
        print(f"LibreOffice {office.soffice}; {args.rows} rows per kind, best of {args.repeat}; load {os.getloadavg()[0]:.1f}")
        print(f"first call in a new LibreOffice process: median {firsts[len(firsts) // 2] * 1000:.0f} ms, "
              f"{' / '.join(f'{first * 1000:.0f}' for first in firsts)} ms in {len(firsts)} processes (target ≤ 500 ms); "
              f"soffice start {min(ready for ready, _ in starts):.2f} s (not counted)")
        print(f"   import scoring.cells in LibreOffice's Python alone: {core_import(office, profile)}")
        pe, plain = work / "pe.xlsx", work / "plain.xlsx"
        workbook(pe, args.rows, plain=False)
        workbook(plain, args.rows, plain=True)
        with programs.session(office, profile) as run:
            calculate(run, pe, 1)  # the core is imported here, not in the timed runs
            with_pe, without = calculate(run, pe, args.repeat), calculate(run, plain, args.repeat)
        per_call = (with_pe - without) * 1000 / (args.rows * len(KINDS))
        print(f"calculateAll: {with_pe:.3f} s with PE_ formulas, {without:.3f} s with plain formulas "
              f"({args.rows * len(KINDS)} cells)")
        print(f"mean per PE_ call (PE_SCORE and PE_ROW_SCORE together): {per_call:.3f} ms")
        for name, (formula, baseline, target) in KINDS.items():
            only = {other: KINDS[other] for other in KINDS if other != name}
            print(f"{name}: {_per_kind(office, profile, work, args, name, only):.3f} ms per call (target ≤ {target} ms)")
        import_start = time.perf_counter()
        from xladdin.calc import dispatch

        dispatch.compute("PE_GRADE", (95.0, "xundian-2024"))
        started = time.perf_counter()
        for _ in range(2000):
            dispatch.compute("PE_SCORE", ("xundian-2024", "A11", "①②③④", None, None, None))
        print(f"for comparison, dispatch.compute in this Python without LibreOffice: "
              f"{(time.perf_counter() - started) / 2:.3f} ms per PE_SCORE "
              f"(core import {(started - import_start) * 1000:.0f} ms)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def _per_kind(office: LibreOffice, profile: Path, work: Path, args: argparse.Namespace, name: str,
              others: dict[str, tuple[str, str, float]]) -> float:
    """ms per call of one function: a workbook where only it is a PE_ formula, against the plain workbook."""
    path = work / f"{name}.xlsx"
    saved = dict(KINDS)
    try:
        for other, (_, baseline, target) in others.items():
            KINDS[other] = (baseline, baseline, target)
        workbook(path, args.rows, plain=False)
    finally:
        KINDS.clear()
        KINDS.update(saved)
    with programs.session(office, profile) as run:
        calculate(run, path, 1)
        with_one, without = calculate(run, path, args.repeat), calculate(run, work / "plain.xlsx", args.repeat)
    return (with_one - without) * 1000 / args.rows


if __name__ == "__main__":
    sys.exit(main())

"""Sweep: every command on every generated hostile input (tests/hostile_inputs.py); counts outcomes and prints the
time and peak memory of each run against the targets (< 10 s, < 300 MB), flagging the runs that miss them.

Run: python benchmarks/hostile_sweep.py [NAME…]    (NAME: only inputs whose name contains it; asserts nothing)
"""
from __future__ import annotations

import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]

from hostile_inputs import commands, prepare, run  # noqa: E402

TIMEOUT_S = 120
TARGET_S, TARGET_MB = 10, 300


def main(names: tuple[str, ...]) -> None:
    counts: Counter[str] = Counter()
    slowest, largest = (0.0, ""), (0.0, "")
    with tempfile.TemporaryDirectory(prefix="pe-sweep-") as tmp:
        print(f"{'结果':<14} {'用时(s)':>7} {'峰值(MB)':>8}  输入 / 命令")
        for item in prepare(Path(tmp), names):
            for argv in commands(item.kind, item.path, item.path.parent):
                outcome = run(argv, TIMEOUT_S, item.path.parent)
                counts[outcome.kind] += 1
                shown = f"{item.name[:28]} / {argv[0]} {' '.join(a for a in argv[1:] if a.startswith('-'))}"
                slowest = max(slowest, (outcome.seconds, shown))
                largest = max(largest, (outcome.peak_mb, shown))
                missed = outcome.kind not in ("ok", "clean error") or outcome.seconds > TARGET_S or outcome.peak_mb > TARGET_MB
                print(f"{outcome.kind:<14} {outcome.seconds:>7.2f} {outcome.peak_mb:>8.0f}  {shown}"
                      + ("   ← 未达标" if missed else ""), flush=True)
    print(f"运行{sum(counts.values())}次：" + "，".join(f"{name} {n}" for name, n in sorted(counts.items())))
    print(f"最慢 {slowest[0]:.2f} s（{slowest[1]}）；内存峰值最高 {largest[0]:.0f} MB（{largest[1]}）")


if __name__ == "__main__":
    main(tuple(sys.argv[1:]))

"""Sweep: every command on generated hostile and broken inputs; counts clean errors, tracebacks and slow runs.

Run: python benchmarks/hostile_sweep.py    (prints the counts and each run that was not clean; asserts nothing)
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.test_hostile_files import (  # noqa: E402
    INFO_SHEET, corrupt, many_sheets, rewrite, rows_sheet, shared_strings,
)

SLOW_S = 60
DTD = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'


def _json(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def inputs(folder: Path) -> list[Path]:
    """Hostile inputs, each made by a small generator."""
    seed = json.loads((ROOT / "scoring" / "samples" / "xundian-2024.json").read_text(encoding="utf-8"))
    made = [corrupt(folder / f"{how}.xlsx", how) for how in ("deflate", "crc", "encrypted", "deflate64")]
    made += [
        many_sheets(folder / "many-sheets.xlsx", 40, 400_000),
        rewrite(folder / "rows.xlsx", replace={INFO_SHEET: rows_sheet(100_000)}),
        rewrite(folder / "big-part.xlsx", replace={INFO_SHEET: rows_sheet(400_000)}),
        rewrite(folder / "strings.xlsx", add={"xl/sharedStrings.xml": shared_strings(300_000)}),
        rewrite(folder / "dtd.xlsx", replace={INFO_SHEET: b'<?xml version="1.0"?>' + DTD + b"<worksheet/>"}),
        rewrite(folder / "stored.xlsx", compression=zipfile.ZIP_STORED),
    ]
    (folder / "text.xlsx").write_bytes(b"not a workbook")
    (folder / "ole.xlsx").write_bytes(b"\xd0\xcf\x11\xe0" + bytes(100))
    with zipfile.ZipFile(folder / "plain.xlsx", "w") as archive:
        archive.writestr("a.txt", "hello")
    made += [folder / "text.xlsx", folder / "ole.xlsx", folder / "plain.xlsx"]
    deep = dict(seed, info={**seed["info"], "unit_name": '=HYPERLINK("http://x","y")\x01\x0b' + "长" * 300})
    huge = json.loads(json.dumps(seed))
    huge["survey"]["questions"][0]["options"][0].update(points=99999999999999, count=99999999999999)
    progress = json.loads(json.dumps(seed))
    progress["info"]["execution_progress"] = [{"label": "$x^2$", "rate": "0.6"}]
    made += [
        _json(folder / "nested.json", "[" * 100_000),
        _json(folder / "bigint.json", '{"ruleset": "xundian-2024", "info": {"year": ' + "9" * 4400 + "}}"),
        _json(folder / "control.json", json.dumps(deep, ensure_ascii=False)),
        _json(folder / "survey.json", json.dumps(huge, ensure_ascii=False)),
        _json(folder / "mathtext.json", json.dumps(progress, ensure_ascii=False)),
        _json(folder / "empty.json", ""),
        _json(folder / "garbage.json", '{"ruleset": 3}'),
    ]
    return made


def run(argv: list[str]) -> tuple[str, float]:
    start = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, "-m", "xladdin.cli", *argv], capture_output=True, text=True,
                              timeout=SLOW_S, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return "slow", SLOW_S
    seconds = time.perf_counter() - start
    if "Traceback" in done.stderr or "Traceback" in done.stdout:
        return "traceback", seconds
    clean = done.returncode in (0, 1) or (done.returncode == 2 and (done.stderr.startswith("错误：") or argv[0] == "batch"))
    return ("ok" if done.returncode in (0, 1) else "clean error") if clean else f"exit {done.returncode}", seconds


def main() -> None:
    counts: Counter[str] = Counter()
    with tempfile.TemporaryDirectory(prefix="pe-sweep-") as tmp:
        folder = Path(tmp)
        for path in inputs(folder):
            for argv in (["score", str(path)], ["check", str(path)], ["batch", str(path)],
                         ["report", str(path), "-o", str(folder / f"{path.stem}-report.docx")]):
                outcome, seconds = run(argv)
                counts[outcome] += 1
                if outcome not in ("ok", "clean error") or seconds > 10:
                    print(f"{outcome:<12} {seconds:6.1f}s  pe-eval {argv[0]} {path.name}")
    print(f"运行{sum(counts.values())}次：" + "，".join(f"{name} {n}" for name, n in sorted(counts.items())))


if __name__ == "__main__":
    main()

"""Fuzz: random mutations of real inputs through the commands that read them; counts the outcomes and flags every
internal error, traceback or process crash (the product must give a clean Chinese message instead). Asserts nothing.

Kinds (each mutates the shipped samples or test fixtures, seeded, so a run can be repeated):
  json      evaluation data: leaves replaced by odd values (huge numbers, surrogates, "=A1" …) → score/check
  toml      the shipped ruleset: numbers replaced (1e999, nan, 20 digits, strings …) → ruleset, check --ruleset
  workbook  the two sample workbooks: bytes and tokens in their XML parts → assess_workbook
  xlsx      a 部门决算 export saved by LibreOffice (shared strings): numbers and bytes mutated → read_table_file,
            each in its own process (a reader that aborts ends the process: counted as a crash)
  xls       the 问卷星 .xls fixture: bytes of its records mutated → read_table_file, each in its own process

Run: python benchmarks/fuzz_inputs.py [KIND …] [--runs N] [--seed S]
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from scoring import UserError, sample_evaluation  # noqa: E402
from xladdin.cli import main as cli  # noqa: E402

ODD_VALUES = [None, "", "十", -1, 0, 1e308, -1e308, "1e999", 10 ** 30, "９９", True, [], {}, "=A1", "\u0000", "2024年13月",
              "≥-5%", "≤0", "100%%", 3.3, "5万元", "1/0"]
ODD_NUMBERS = ["1e999", "-1", "0", "99999999999999999999", "1e-30", "nan", "inf", '"x"', "[]", "{}", "true", '"=A1"',
               "0.000000000001", "-0", "1_000"]
READ_IN_A_PROCESS = ("import sys\nfrom pathlib import Path\nfrom xladdin.files.export_tables import read_table_file\n"
                     "from scoring import UserError\ntry:\n    read_table_file(Path(sys.argv[1])); print('ok')\n"
                     "except UserError:\n    print('clean')")


def _command(argv: list[str]) -> str:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli(argv)
        except SystemExit as stop:
            code = stop.code
    return "internal" if "程序内部错误" in err.getvalue() or "Traceback" in err.getvalue() else f"exit {code}"


def _leaves(node: object, path: tuple = ()) -> Iterator[tuple]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _leaves(value, (*path, index))
    else:
        yield path


def fuzz_json(rng: random.Random, folder: Path) -> Iterator[str]:
    bases = [json.loads(sample_evaluation(name).model_dump_json()) for name in ("xundian-2024", "self-2020")]
    path = folder / "评价.json"
    while True:
        data = json.loads(json.dumps(rng.choice(bases)))
        leaves = [leaf for leaf in _leaves(data) if leaf]
        for _ in range(rng.randint(1, 4)):
            *parents, last = rng.choice(leaves)
            node = data
            for key in parents:
                node = node[key]
            node[last] = rng.choice(ODD_VALUES)
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        yield _command([rng.choice(["score", "check"]), str(path)])


def fuzz_toml(rng: random.Random, folder: Path) -> Iterator[str]:
    source = (ROOT / "scoring" / "rules" / "rulesets" / "xundian-2024.toml").read_text(encoding="utf-8")
    numbers = [m.span() for m in re.finditer(r"(?<![\w.])\d+(?:\.\d+)?(?![\w.])", source)]
    evaluation, path = folder / "评价.json", folder / "规则.toml"
    evaluation.write_text(sample_evaluation().model_dump_json(), encoding="utf-8")
    while True:
        text = source
        for start, end in sorted(rng.sample(numbers, rng.randint(1, 3)), reverse=True):
            text = text[:start] + rng.choice(ODD_NUMBERS) + text[end:]
        path.write_text(text, encoding="utf-8")
        yield _command(rng.choice([["ruleset", str(path)], ["check", str(evaluation), "--ruleset", str(path)]]))


def _mutated_zip(rng: random.Random, parts: dict[str, bytes], names: list[str], target: Path,
                 tokens: list[bytes]) -> None:
    changed = dict(parts)
    for _ in range(rng.randint(1, 4)):
        name = rng.choice(names)
        data = bytearray(changed[name])
        position, choice = rng.randrange(len(data)), rng.random()
        if choice < 0.4:
            data[position:position + rng.randint(0, 8)] = rng.choice(tokens)
        elif choice < 0.7:
            data[position] = rng.randrange(256)
        else:
            del data[position:position + rng.randint(1, 30)]
        changed[name] = bytes(data)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in changed.items():
            archive.writestr(name, data)


def fuzz_workbook(rng: random.Random, folder: Path) -> Iterator[str]:
    from xladdin.workbook import assess_workbook

    tokens = [b' r="', b"<c ", b"<row ", b't="s"', b't="d"', b't="b"', b't="e"', b"<v>", b"</v>", b'<f t="shared" si="0"/>',
              b's="', b'date1904="1"', b"<is><t>", b'localSheetId="0"', b'<definedName name="x">', b'"']
    sources = []
    for name in ("xundian-2024-sample.xlsx", "self-2020-sample.xlsx"):
        with zipfile.ZipFile(ROOT / "workbook_templates" / name) as archive:
            parts = {info.filename: archive.read(info) for info in archive.infolist()}
        mutable = [n for n in parts if n.endswith(".xml") and ("worksheets" in n or n.count("/") == 1 and n.startswith("xl/"))]
        sources.append((parts, mutable))
    path = folder / "工作簿.xlsx"
    while True:
        parts, names = rng.choice(sources)
        _mutated_zip(rng, parts, names, path, tokens)
        try:
            assess_workbook(path)
            yield "ok"
        except UserError:
            yield "clean"
        except Exception as exc:  # noqa: BLE001 - what the fuzzer looks for
            yield f"internal {type(exc).__name__}"


def _read_in_a_process(path: Path) -> str:
    done = subprocess.run([sys.executable, "-c", READ_IN_A_PROCESS, str(path)], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    return done.stdout.strip() if done.returncode == 0 else f"crash {done.returncode}"


def fuzz_xlsx(rng: random.Random, folder: Path) -> Iterator[str]:
    from export_files import FORM_SHEET, form_table, write_xlsx

    from xladdin.files.pdf_convert import find_converter

    written = write_xlsx(folder / "决算.xlsx", {FORM_SHEET: form_table(sample_evaluation().accounts)})
    office = find_converter()
    if office:  # LibreOffice writes shared strings and numbers of its own: more for the reader to trust
        subprocess.run([office, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless", "--convert-to",
                        "xlsx:Calc MS Excel 2007 XML", "--outdir", str(folder / "saved"), str(written)],
                       capture_output=True, timeout=180, env={"PATH": "/usr/bin:/bin", "HOME": str(folder)})
        written = folder / "saved" / written.name if (folder / "saved" / written.name).exists() else written
    with zipfile.ZipFile(written) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    names = [n for n in parts if n.endswith((".xml", ".rels"))]
    tokens = [b"99999999999", b"4294967295", b"18446744073709551615", b' r="XFD1048576"', b' R="A1048576"', b"<c ",
              b"<row ", b'uniqueCount="9999999999"', b'<dimension ref="A1:XFD1048576"/>', b'"', b"<", b"&#"]
    path = folder / "导出.xlsx"
    while True:
        _mutated_zip(rng, parts, names, path, tokens)
        yield _read_in_a_process(path)


def fuzz_xls(rng: random.Random, folder: Path) -> Iterator[str]:
    source = (ROOT / "tests" / "fixtures" / "wjx-text-export.xls").read_bytes()
    path = folder / "导出.xls"
    while True:
        data = bytearray(source)
        for _ in range(rng.randint(1, 6)):
            data[rng.randrange(512, len(data))] = rng.randrange(256)  # the compound file's header kept
        path.write_bytes(data)
        yield _read_in_a_process(path)


KINDS: dict[str, Callable[[random.Random, Path], Iterator[str]]] = {
    "json": fuzz_json, "toml": fuzz_toml, "workbook": fuzz_workbook, "xlsx": fuzz_xlsx, "xls": fuzz_xls}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kinds", nargs="*", metavar="KIND", help="、".join(KINDS) + "（默认全部）")
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    unknown = [kind for kind in args.kinds if kind not in KINDS]
    if unknown:
        parser.error(f"unknown kind: {', '.join(unknown)}")
    for kind in args.kinds or KINDS:
        folder = Path(tempfile.mkdtemp(prefix=f"pe-fuzz-{kind}-"))
        try:
            runs = KINDS[kind](random.Random(args.seed), folder)
            outcomes = Counter(next(runs) for _ in range(args.runs))
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        bad = sum(n for outcome, n in outcomes.items() if outcome.startswith(("internal", "crash")))
        print(f"{kind}：{args.runs}次，" + "，".join(f"{outcome} {n}" for outcome, n in sorted(outcomes.items()))
              + ("" if not bad else f"   ← {bad}次内部错误或崩溃"), flush=True)


if __name__ == "__main__":
    main()

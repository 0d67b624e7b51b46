"""Hostile and oversized inputs for every command, each made by a small generator (for tests/test_hostile_sweep.py
and benchmarks/hostile_sweep.py), and a runner that classifies what a command did with one.

Kinds: ``workbook`` (an evaluation .xlsx), ``json`` (evaluation data), ``toml`` (a --ruleset), ``roster``
(a --expected 名单) and ``export`` (a 问卷星/部门决算 export to import).
"""
from __future__ import annotations

import json
import os
import random
import re
import signal
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from export_files import FORM_SHEET, form_table, write_xlsx
from test_hostile_files import SAMPLE, long_cell, many_sheets, rewrite, sheet_part

from scoring import sample_evaluation

ROOT = Path(__file__).resolve().parents[1]
FAR = "XFD1048576"  # Excel's last cell
FAR_CELL = [  # the far cell in every way XML lets a position be written
    f'<c r="{FAR}" t="inlineStr"><is><t>x</t></is></c>',
    f"<c r='{FAR}' t='inlineStr'><is><t>x</t></is></c>",
    f'<c r = "{FAR}" t="inlineStr"><is><t>x</t></is></c>',
    f'<c r="{FAR.lower()}" t="inlineStr"><is><t>x</t></is></c>',
    '<c r="&#88;FD1048576" t="inlineStr"><is><t>x</t></is></c>',
    f'<C R="{FAR}" T="inlineStr"><IS><T>x</T></IS></C>',  # upper-case XML
    f'<x:c xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" r="{FAR}"><x:v>1</x:v></x:c>',
]


@dataclass(frozen=True)
class Input:
    name: str
    kind: str
    make: Callable[[Path], Path]


def _sheet_xml(name: str) -> str:
    with zipfile.ZipFile(SAMPLE) as archive:
        return archive.read(sheet_part(name)).decode()


def _with_sheet(path: Path, name: str, edit: Callable[[str], str], add: dict[str, bytes] | None = None) -> Path:
    return rewrite(path, replace={sheet_part(name): edit(_sheet_xml(name)).encode()}, add=add)


def _cell(ref: str, inner: str) -> Callable[[str], str]:
    """Replace cell ``ref`` of a sheet (its whole element) with ``inner``."""
    def edit(xml: str) -> str:
        new, found = re.subn(rf'<c r="{ref}"[^>]*?(?:/>|>.*?</c>)', inner, xml, count=1, flags=re.S)
        assert found, ref
        return new
    return edit


def _far_row(cell: str) -> Callable[[str], str]:
    return lambda xml: xml.replace("</sheetData>", f'<row r="1048576">{cell}</row></sheetData>')


def _after_sheet_data(element: str) -> Callable[[str], str]:
    """Insert ``element`` where the schema allows it after sheetData (before the page setup)."""
    def edit(xml: str) -> str:
        at = xml.find("<pageMargins")
        at = at if at >= 0 else xml.rindex("</worksheet>")
        return xml[:at] + element + xml[at:]
    return edit


def _styles(count: int, extra_format: str = "") -> bytes:
    """styles.xml with ``count`` cell formats (and a first one of ``extra_format``)."""
    with zipfile.ZipFile(SAMPLE) as archive:
        xml = archive.read("xl/styles.xml").decode()
    xfs = re.search(r"<cellXfs[^>]*>(.*?)</cellXfs>", xml, re.S)
    assert xfs
    rng = random.Random(count)  # varied, so the part compresses like a real one (not refused as a zip bomb)
    items = xfs[1] + extra_format + "".join(f'<xf numFmtId="{rng.randrange(50)}" fontId="0" fillId="0" borderId="0" '
                                            f'applyAlignment="{rng.randrange(2)}"/>' for _ in range(count))
    total = len(re.findall(r"<xf\b", items))
    return (xml[:xfs.start()] + f'<cellXfs count="{total}">{items}</cellXfs>' + xml[xfs.end():]).encode()


def _time_formatted_input(path: Path) -> Path:
    """An indicator input (指标体系!H4) typed as a time: a number whose format is h:mm:ss."""
    with zipfile.ZipFile(SAMPLE) as archive:
        xml = archive.read("xl/styles.xml").decode()
    index = len(re.findall(r"<xf\b", re.search(r"<cellXfs[^>]*>(.*?)</cellXfs>", xml, re.S)[1]))
    styles = _styles(0, '<xf numFmtId="21" fontId="0" fillId="0" borderId="0" applyNumberFormat="1"/>')
    sheet = _cell("H4", f'<c r="H4" s="{index}"><v>0.5</v></c>')(_sheet_xml("指标体系"))
    return rewrite(path, replace={"xl/styles.xml": styles, sheet_part("指标体系"): sheet.encode()})


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _json(seed_edit: Callable[[dict], object], sample: str = "xundian-2024") -> Callable[[Path], Path]:
    def make(path: Path) -> Path:
        data = json.loads(sample_evaluation(sample).model_dump_json())
        seed_edit(data)
        path.write_text(json.dumps(data, ensure_ascii=True), encoding="utf-8")
        return path
    return make


def _text(content: str | bytes) -> Callable[[Path], Path]:
    def make(path: Path) -> Path:
        (path.write_bytes if isinstance(content, bytes) else lambda c: path.write_text(c, encoding="utf-8"))(content)
        return path
    return make


def _zeros(size: int) -> Callable[[Path], Path]:
    """A file of ``size`` zero bytes (sparse: made instantly, read as a real one)."""
    def make(path: Path) -> Path:
        with path.open("wb") as handle:
            handle.truncate(size)
        return path
    return make


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def _export_far(cell: str) -> Callable[[Path], Path]:
    """A 部门决算 export whose sheet also holds the far cell, spelled ``cell``."""
    def make(path: Path) -> Path:
        write_xlsx(path, {FORM_SHEET: form_table(sample_evaluation().accounts)})
        with zipfile.ZipFile(path) as archive:
            parts = {item.filename: archive.read(item.filename) for item in archive.infolist()}
        sheet = next(name for name in parts if name.startswith("xl/worksheets/sheet"))
        parts[sheet] = parts[sheet].replace(b"</sheetData>", f'<row r="1048576">{cell}</row></sheetData>'.encode())
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in parts.items():
                archive.writestr(name, data)
        return path
    return make


def _sparse_xls(path: Path) -> Path:
    """An old .xls export (问卷星's) whose first cell record is moved to the sheet's last cell (row 65,536, column IV):
    read as it is, the sheet would be a block of 16,777,216 cells."""
    data = bytearray((Path(__file__).parent / "fixtures" / "wjx-text-export.xls").read_bytes())
    record = data.find(b"\xfd\x00\x0a\x00")  # LABELSST, 10 bytes: row, column, format, string index
    struct.pack_into("<HH", data, record + 4, 65_535, 255)
    path.write_bytes(data)
    return path


def _dimensions_xls(path: Path) -> Path:
    """An old .xls export whose DIMENSIONS record declares its first row after its last: calamine reserves room for
    the wrapped-around count of rows (4 billion) times its columns, and aborts the process it runs in."""
    data = bytearray((Path(__file__).parent / "fixtures" / "wjx-text-export.xls").read_bytes())
    record = data.find(b"\x00\x02\x0e\x00")  # DIMENSIONS, 14 bytes: first row, last row + 1 (u32), columns (u16)
    (after_last,) = struct.unpack_from("<I", data, record + 8)
    struct.pack_into("<I", data, record + 4, after_last + 1)
    path.write_bytes(data)
    return path


def _declared_strings(path: Path) -> Path:
    """A 部门决算 export whose shared-string table declares 99,999,999,999 texts (it holds one): calamine reserves
    room for them before reading any, and aborts the process."""
    write_xlsx(path, {FORM_SHEET: form_table(sample_evaluation().accounts)})
    with zipfile.ZipFile(path) as archive:
        parts = {item.filename: archive.read(item.filename) for item in archive.infolist()}
    parts["xl/sharedStrings.xml"] = (b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
                                     b'uniqueCount="99999999999"><si><t>x</t></si></sst>')
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(b"</Relationships>", (
        b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
        b'Target="sharedStrings.xml"/></Relationships>'))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def _export_binary(path: Path) -> Path:
    """A 部门决算 export whose sheet part is binary noise (as an .xlsb part renamed, or a damaged download)."""
    _export_far("")(path)
    with zipfile.ZipFile(path) as archive:
        parts = {item.filename: archive.read(item.filename) for item in archive.infolist()}
    sheet = next(name for name in parts if name.startswith("xl/worksheets/sheet"))
    parts[sheet] = random.Random(7).randbytes(50_000)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def _defined_names(count: int) -> Callable[[Path], Path]:
    def make(path: Path) -> Path:
        with zipfile.ZipFile(SAMPLE) as archive:
            workbook = archive.read("xl/workbook.xml").decode()
        names = "".join(f'<definedName name="n{n}">说明!$B$3</definedName>' for n in range(count))  # part < 10 MB
        if "<definedNames>" in workbook:
            workbook = workbook.replace("<definedNames>", "<definedNames>" + names, 1)
        else:
            workbook = workbook.replace("</sheets>", f"</sheets><definedNames>{names}</definedNames>", 1)
        return rewrite(path, replace={"xl/workbook.xml": workbook.encode()})
    return make


def _nesting(depth: int) -> str:
    """Elements nested ``depth`` deep, with varied names (so the part is not refused as a zip bomb)."""
    rng = random.Random(depth)
    tags = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(3)) for _ in range(depth)]
    return "".join(f"<{tag}>" for tag in tags) + "".join(f"</{tag}>" for tag in reversed(tags))


def _chinese(size: int, seed: int = 0) -> str:
    """Unpunctuated Chinese with a placeholder here and there: the slowest text for the report's lint."""
    rng = random.Random(seed)
    return "".join(rng.choice("本单位认真履行职责年度预算执行良好资金使用规范绩效目标基本完成") for _ in range(size))


def _questions(count: int) -> Callable[[dict], None]:
    def edit(data: dict) -> None:
        first = data["survey"]["questions"][0]
        data["survey"]["questions"] = [dict(first, number=n + 1, text=f"第{n + 1}题：{first['text']}") for n in range(count)]
    return edit


def _unit(text: str) -> Callable[[dict], None]:
    return lambda data: data["info"].__setitem__("unit_name", text)


def _accounts(value: object) -> Callable[[dict], None]:
    def edit(data: dict) -> None:
        data["accounts"]["rows"]["1"][2] = value  # 决算数 of row 1
    return edit


def _fund(value: object) -> Callable[[dict], None]:
    def edit(data: dict) -> None:
        data["self_form"]["fund"]["total"] = {"initial": value, "budget": value, "final": value}
    return edit


def inputs() -> list[Input]:
    """Every hostile input, by kind."""
    made: list[Input] = []
    for n, cell in enumerate(FAR_CELL):
        made.append(Input(f"far-cell-{n}", "workbook", lambda p, c=cell: _with_sheet(p, "基本信息", _far_row(c))))
        made.append(Input(f"export-far-cell-{n}", "export", _export_far(cell)))
    made += [
        Input("dimension-far", "workbook", lambda p: _with_sheet(
            p, "基本信息", lambda x: re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:{FAR}"/>', x))),
        Input("column-300000", "workbook", lambda p: _with_sheet(
            p, "基本信息", _far_row(f'<c r="{_column_letters(300_000)}5"><v>1</v></c>'))),
        Input("merge-whole-sheet", "workbook", lambda p: _with_sheet(
            p, "基本信息", _after_sheet_data(f'<mergeCells count="1"><mergeCell ref="A1:{FAR}"/></mergeCells>'))),
        Input("hyperlink-whole-sheet", "workbook", lambda p: _with_sheet(p, "基本信息", _after_sheet_data(
            f'<hyperlinks><hyperlink ref="A1:{FAR}" location="\'基本信息\'!A1" display="x"/></hyperlinks>'))),
        Input("cell-2.5M-chars", "workbook", lambda p: long_cell(p, 2_500_000)),
        Input("cells-15x32767", "workbook", lambda p: long_cell(p, 32_767, cells=tuple(f"C{r}" for r in range(3, 18)))),
        Input("dense-extra-sheets", "workbook", lambda p: many_sheets(p, 8, 400_000)),
        Input("styles-120k", "workbook", lambda p: rewrite(p, replace={"xl/styles.xml": _styles(120_000)})),
        Input("unit-lone-surrogate", "workbook", lambda p: _with_sheet(
            p, "基本信息", _cell("B3", '<c r="B3" t="inlineStr"><is><t>寻甸_xD800_融媒体中心</t></is></c>'))),
        Input("unit-controls", "workbook", lambda p: _with_sheet(
            p, "基本信息", _cell("B3", '<c r="B3" t="inlineStr"><is><t>=HYPERLINK("x")_x001B_[2K_x000D_总得分</t></is></c>'))),
        Input("accounts-extreme", "workbook", lambda p: _with_sheet(
            p, "决算", lambda x: re.sub(r'(<c r="[D-F]\d+"[^>]*><v>)[^<]*', r"\g<1>1.7976931348623157E+308", x))),
        Input("accounts-extreme-text", "workbook", lambda p: _with_sheet(
            p, "决算", lambda x: re.sub(r'<c r="(F\d+)"([^>]*)><v>[^<]*</v></c>',
                                       r'<c r="\1" t="inlineStr"><is><t>1e999999</t></is></c>', x))),
        Input("indicator-time-format", "workbook", _time_formatted_input),
        Input("ruleset-cell-10000", "workbook", lambda p: _with_sheet(
            p, "说明", _cell("B3", f'<c r="B3" t="inlineStr"><is><t>{"规" * 10_000}</t></is></c>'))),
        Input("fifo.xlsx", "workbook", _fifo),
        Input("zeros.xlsx", "workbook", _zeros(30_000_000)),
        Input("long-" + "长" * 80, "workbook", lambda p: rewrite(p)),  # 245 bytes: derived names must be shortened
        Input("fifo.json", "json", _fifo),
        Input("zeros.json", "json", _zeros(30_000_000)),
        Input("zeros-small.json", "json", _zeros(4096)),
        Input("nested.json", "json", _text("[" * 100_000)),
        Input("bigint.json", "json", _text('{"ruleset": "xundian-2024", "info": {"year": ' + "9" * 4400 + "}}")),
        Input("unit-surrogate.json", "json", _json(_unit("寻甸\ud800中心"))),
        Input("unit-controls.json", "json", _json(_unit('=HYPERLINK("x")\x1b[2K\r总得分：100'))),
        Input("accounts-extreme.json", "json", _json(_accounts("1E+999999"))),
        Input("accounts-huge.json", "json", _json(_accounts("9" * 4000))),
        Input("fund-extreme.json", "json", _json(_fund("1E+999999"), "self-2020")),
        Input("fund-huge.json", "json", _json(_fund("9" * 4000 + ".5"), "self-2020")),
        Input("fund-tiny.json", "json", _json(_fund("1E-999999"), "self-2020")),
        Input("row-weight-extreme.json", "json", _json(
            lambda d: d["self_form"]["rows"][0].update(weight="1E+999999", actual="1E+999999个"), "self-2020")),
        Input("fifo.toml", "toml", _fifo),
        Input("zeros.toml", "toml", _zeros(30_000_000)),
        Input("zeros-small.toml", "toml", _zeros(4096)),
        Input("nested.toml", "toml", _text("a = " + "[" * 100_000 + "]" * 100_000)),
        Input("fifo.txt", "roster", _fifo),
        Input("zeros.txt", "roster", _zeros(30_000_000)),
        Input("zeros-small.txt", "roster", _zeros(4096)),
        Input("far.xlsx", "roster", _export_far(FAR_CELL[5])),
        Input("export-binary-sheet", "export", _export_binary),
        Input("export-sparse.xls", "export", _sparse_xls),
        Input("export-dimensions.xls", "export", _dimensions_xls),
        Input("export-declared-strings", "export", _declared_strings),
        Input("defined-names-180k", "workbook", _defined_names(180_000)),
        Input("nesting-700k", "workbook", lambda p: _with_sheet(
            p, "基本信息", lambda x: x.replace("</sheetData>", "</sheetData>" + _nesting(700_000)))),
        Input("progress-10000.json", "json", _json(lambda d: d["info"].__setitem__(
            "execution_progress", [{"label": f"第{n}期", "rate": f"0.{n % 100:02}"} for n in range(10_000)]))),
        Input("questions-2000.json", "json", _json(_questions(2_000))),
        Input("narrative-2.5M.json", "json", _json(lambda d: d["narrative"].__setitem__("org", _chinese(2_500_000)))),
        Input("narrative-15x32767.json", "json", _json(
            lambda d: d["narrative"].update({key: _chinese(32_767, n) for n, key in enumerate(list(d["narrative"])[:15])}))),
        Input("fifo-export.csv", "export", _fifo),
        Input("zeros-export.csv", "export", _zeros(30_000_000)),
        Input("zeros-small-export.csv", "export", _zeros(4096)),
    ]
    return made


SUFFIX = {"workbook": ".xlsx", "json": ".json", "toml": ".toml", "roster": ".txt", "export": ".xlsx"}


def place(item: Input, folder: Path) -> Path:
    """The input, made in ``folder`` under its name (with its kind's suffix unless the name has one)."""
    name = item.name if Path(item.name).suffix in (".xlsx", ".xls", ".json", ".toml", ".txt", ".csv") else item.name + SUFFIX[item.kind]
    return item.make(folder / name)


@dataclass(frozen=True)
class Made:
    name: str
    kind: str
    path: Path


def prepare(folder: Path, names: tuple[str, ...] = ()) -> list[Made]:
    """Make every input (or those whose name contains one of ``names``) in ``folder``, in a separate process:
    a child's peak memory as the kernel reports it includes its parent's at fork, so the runner stays small."""
    script = ("import json, sys; from pathlib import Path; sys.path[:0] = sys.argv[1:3]; import hostile_inputs as h; "
              "print(json.dumps(h.make_all(Path(sys.argv[3]), tuple(sys.argv[4:]))))")
    done = subprocess.run([sys.executable, "-c", script, str(ROOT / "tests"), str(ROOT), str(folder), *names],
                          capture_output=True, text=True, check=True, cwd=ROOT)
    return [Made(name, kind, Path(path)) for name, kind, path in json.loads(done.stdout)]


def make_all(folder: Path, names: tuple[str, ...] = ()) -> list[tuple[str, str, str]]:
    made = []
    write_xlsx(folder / "决算导出.xlsx", {FORM_SHEET: form_table(sample_evaluation().accounts)})
    for item in inputs():
        if not names or any(name in item.name for name in names):
            own = folder / item.name[:40]
            own.mkdir()
            made.append((item.name, item.kind, str(place(item, own))))
    return made


def commands(kind: str, path: Path, folder: Path) -> list[list[str]]:
    """Every command that takes an input of ``kind``, with ``path`` in its place (``folder``: where it may write)."""
    out = str(folder / "输出")
    good = str(SAMPLE)
    if kind in ("workbook", "json"):
        argv = [["score", str(path)], ["check", str(path)], ["report", str(path), "-o", out + ".docx"],
                ["batch", str(path)], ["compare", str(path), str(path)]]
        if kind == "workbook":
            argv += [["values", str(path), "-o", out + ".xlsx"], ["values", str(path)], ["report", str(path)],
                     ["values", str(path), "-o", str(folder / ("长" * 90 + ".xlsx"))],  # the user's own name, too long
                     ["import", "accounts", str(folder.parent / "决算导出.xlsx"), "--into", str(path)]]
        return argv
    if kind == "toml":
        return [["check", good, "--ruleset", str(path)], ["ruleset", str(path)], ["batch", good, "--ruleset", str(path)]]
    if kind == "roster":
        return [["batch", good, "--expected", str(path)]]
    return [["import", "survey", str(path)], ["import", "accounts", str(path)],
            ["import", "accounts", str(path), "--into", good, "-o", out + "-import.xlsx"]]


@dataclass(frozen=True)
class Outcome:
    kind: str  # ok, clean error, internal error, traceback, crash, hang
    seconds: float
    peak_mb: float
    stderr: str


# Runs the command and reports its exit code and peak memory. A child's peak as the kernel counts it starts from
# its parent's at fork, so the command is started by this small interpreter, never by a large test process.
_LAUNCHER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.call(sys.argv[2:])\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
    "open(sys.argv[1], 'w', encoding='ascii').write(f'{code} {peak}')\n"
)


def run(argv: list[str], timeout: float, cwd: Path) -> Outcome:
    """Run `pe-eval ARGV`: what it did, its wall time and its own peak memory (MB)."""
    with tempfile.TemporaryDirectory(prefix="pe-run-") as tmp:
        out, err, report = Path(tmp) / "out", Path(tmp) / "err", Path(tmp) / "report"
        start = time.perf_counter()
        with out.open("wb") as stdout, err.open("wb") as stderr:
            launcher = subprocess.Popen(
                [sys.executable, "-c", _LAUNCHER, str(report), sys.executable, "-m", "xladdin.cli", *argv],
                stdout=stdout, stderr=stderr, stdin=subprocess.DEVNULL, cwd=cwd, start_new_session=True,
                env={**os.environ, "PYTHONUTF8": "1", "PYTHONPATH": str(ROOT)})
            try:
                launcher.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(launcher.pid, signal.SIGKILL)  # the command too: it is in the launcher's session
                launcher.wait()
        seconds = time.perf_counter() - start
        stdout_text, stderr_text = out.read_text(errors="replace"), err.read_text(errors="replace")
        if not report.exists():
            return Outcome("hang" if seconds >= timeout else "crash", seconds, 0.0, stderr_text)
        code_text, peak_text = report.read_text(encoding="ascii").split()
    code, peak = int(code_text), float(peak_text)
    if "Traceback" in stderr_text or "Traceback" in stdout_text or "Exception ignored" in stderr_text:
        kind = "traceback"
    elif "程序内部错误" in stderr_text or "程序内部错误" in stdout_text:
        kind = "internal error"
    elif code in (0, 1):
        kind = "ok"
    elif code == 2 and (stderr_text.startswith("错误：") or argv[0] == "batch"):
        kind = "clean error"
    else:
        kind = "crash"
    return Outcome(kind, seconds, peak, stderr_text)


__all__ = ["Input", "Made", "Outcome", "commands", "inputs", "make_all", "place", "prepare", "run"]

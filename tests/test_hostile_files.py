"""Hostile and broken workbooks, made by small generators: each is refused or read in bounded time and
memory, with a Chinese message and the documented exit code, never a traceback.

Resource cases run `pe-eval check` in a subprocess and bound its wall time and peak memory generously
(this machine is shared and noisy); benchmarks/bench_hostile.py prints the tight figures.
"""
import os
import random
import re
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from xladdin.workbook import build_templates
from xladdin.workbook import WorkbookError, assess_workbook

SAMPLE = build_templates.TEMPLATES_DIR / build_templates.sample_name()
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def sheet_part(name: str) -> str:
    """The zip member of the sample's sheet ``name`` (found through the workbook, as a reader does)."""
    with zipfile.ZipFile(SAMPLE) as archive:
        workbook = archive.read("xl/workbook.xml").decode()
        rels = archive.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(rf'<sheet [^>]*name="{name}"[^>]*r:id="([^"]+)"', workbook)[1]
    target = re.search(rf'<Relationship [^>]*Target="([^"]+)"[^>]*Id="{rid}"', rels)[1]
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


INFO_SHEET = sheet_part("基本信息")  # a sheet the reader parses
REPORT_SHEET = sheet_part("报告")
TIME_LIMIT_S = 10
MEMORY_LIMIT_MB = 400


def rewrite(path: Path, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None,
            compression: int = zipfile.ZIP_DEFLATED) -> Path:
    """The sample with some parts replaced or added."""
    replace, add = replace or {}, add or {}
    with zipfile.ZipFile(SAMPLE) as src, zipfile.ZipFile(path, "w", compression) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, replace.get(item.filename, src.read(item.filename)))
        for name, data in add.items():
            dst.writestr(name, data)
    return path


def noise(size: int, seed: int) -> str:
    """Text that compresses like real data (so it is not refused as a zip bomb)."""
    rng = random.Random(seed)
    return "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(size))


def rows_sheet(rows: int) -> bytes:
    """A sheet of ``rows`` rows and no <dimension>: a reader must stop streaming at its cap."""
    body = "".join(f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>{n}</t></is></c></row>' for n in range(1, rows + 1))
    return f'<worksheet xmlns="{MAIN_NS}"><sheetData>{body}</sheetData></worksheet>'.encode()


def many_sheets(path: Path, count: int, size: int) -> Path:
    """``count`` extra sheets of ``size`` bytes each, listed in the workbook like real ones."""
    with zipfile.ZipFile(SAMPLE) as src:
        workbook = src.read("xl/workbook.xml").decode()
        rels = src.read("xl/_rels/workbook.xml.rels").decode()
        types = src.read("[Content_Types].xml").decode()
    sheets, links, overrides, parts = [], [], [], {}
    for n in range(count):
        name = f"xl/worksheets/extra{n}.xml"
        cell = f'<row r="1"><c r="A1" t="inlineStr"><is><t>{noise(size, n)}</t></is></c></row>'
        parts[name] = f'<worksheet xmlns="{MAIN_NS}"><sheetData>{cell}</sheetData></worksheet>'.encode()
        sheets.append(f'<sheet xmlns:r="{REL_NS}" name="附加{n}" sheetId="{100 + n}" r:id="rX{n}"/>')
        links.append(f'<Relationship Type="{REL_NS}/worksheet" Target="/{name}" Id="rX{n}"/>')
        overrides.append(f'<Override PartName="/{name}" ContentType="application/vnd.openxmlformats-officedocument.'
                         'spreadsheetml.worksheet+xml"/>')
    return rewrite(path, replace={
        "xl/workbook.xml": workbook.replace("</sheets>", "".join(sheets) + "</sheets>").encode(),
        "xl/_rels/workbook.xml.rels": rels.replace("</Relationships>", "".join(links) + "</Relationships>").encode(),
        "[Content_Types].xml": types.replace("</Types>", "".join(overrides) + "</Types>").encode(),
    }, add=parts)


def shared_strings(count: int) -> bytes:
    items = "".join(f"<si><t>{n}</t></si>" for n in range(count))
    return f'<sst xmlns="{MAIN_NS}" count="{count}" uniqueCount="{count}">{items}</sst>'.encode()


_MEASURE = (  # run in a fresh interpreter, so the peak memory of its one child is this case's alone
    "import resource, subprocess, sys, time\n"
    "start = time.perf_counter()\n"
    "done = subprocess.run([sys.executable, '-m', 'xladdin.cli', 'check', sys.argv[1]], capture_output=True)\n"
    "seconds = time.perf_counter() - start\n"
    "sys.stderr.buffer.write(done.stderr)\n"
    "print(done.returncode, seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)\n"
)


def run_check(path: Path) -> tuple[int, str, float, float]:
    """Exit code, stderr, wall seconds and peak memory (MB) of `pe-eval check` on ``path``."""
    done = subprocess.run([sys.executable, "-c", _MEASURE, str(path)], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONUTF8": "1"})
    code, seconds, peak = done.stdout.split()
    return int(code), done.stderr, float(seconds), float(peak)


@pytest.mark.parametrize("case, message", [
    ("many_sheets", None),  # extra sheets are never parsed: the file reads as the sample
    ("rows", "应为「单位名称」"),  # 100,000 rows without <dimension>: streamed up to the cap, then refused
    ("big_part", "超过单个部件"),
    ("shared_strings", "共享文本"),
])
def test_large_files_are_read_or_refused_in_bounded_time_and_memory(tmp_path, case, message):
    path = tmp_path / f"{case}.xlsx"
    if case == "many_sheets":
        many_sheets(path, 40, 400_000)
    elif case == "rows":
        rewrite(path, replace={INFO_SHEET: rows_sheet(100_000)})
    elif case == "big_part":
        rewrite(path, replace={INFO_SHEET: rows_sheet(400_000)})
    else:
        rewrite(path, add={"xl/sharedStrings.xml": shared_strings(300_000)})
    code, err, seconds, peak = run_check(path)
    assert "Traceback" not in err
    assert (code == 0) if message is None else (code == 2 and err.startswith("错误：") and message in err), err
    assert seconds < TIME_LIMIT_S and peak < MEMORY_LIMIT_MB, (seconds, peak)


def corrupt(path: Path, how: str) -> Path:
    """The sample with one member broken the way a damaged download or an odd tool breaks it."""
    data = bytearray(SAMPLE.read_bytes())
    with zipfile.ZipFile(SAMPLE) as archive:
        info = archive.getinfo(INFO_SHEET)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    if how == "deflate":
        data[start:start + 40] = bytes(40)  # the compressed stream itself
    elif how == "crc":
        data[start + info.compress_size - 4] ^= 0xFF  # last compressed bytes: inflates, CRC does not match
    else:  # in the local header and the central directory entry alike
        central = _central_entry(bytes(data), info.filename)
        if how == "encrypted":  # general-purpose flag bit 0
            data[info.header_offset + 6] |= 0x01
            data[central + 8] |= 0x01
        else:  # compression method 9, deflate64
            data[info.header_offset + 8] = data[central + 10] = 9
    path.write_bytes(bytes(data))
    return path


def _central_entry(data: bytes, name: str) -> int:
    """Offset of ``name``'s central directory record."""
    at = data.index(b"PK\x05\x06")  # end of central directory
    offset = int.from_bytes(data[at + 16:at + 20], "little")
    while data[offset:offset + 4] == b"PK\x01\x02":
        size = int.from_bytes(data[offset + 28:offset + 30], "little")
        if data[offset + 46:offset + 46 + size].decode() == name:
            return offset
        offset += 46 + size + int.from_bytes(data[offset + 30:offset + 32], "little") + \
            int.from_bytes(data[offset + 32:offset + 34], "little")
    raise KeyError(name)


@pytest.mark.parametrize("how", ["deflate", "crc", "encrypted", "deflate64"])
def test_a_damaged_zip_member_is_a_clear_error(tmp_path, how):
    with pytest.raises(WorkbookError, match="已损坏|不是 Excel 工作簿|无法读取"):
        assess_workbook(corrupt(tmp_path / f"{how}.xlsx", how))


def long_cell(path: Path, size: int, cells: tuple[str, ...] = ("C3",), seed: int = 0) -> Path:
    """The sample with 报告 cells of ``size`` characters of unpunctuated Chinese (more than Excel lets a cell hold
    when ``size`` > 32,767: only a crafted file has it). Varied characters, so the zip is not refused as a bomb."""
    rng = random.Random(seed)
    with zipfile.ZipFile(SAMPLE) as archive:
        xml = archive.read(REPORT_SHEET).decode()
    for ref in cells:
        text = "".join(rng.choice("本单位认真履行职责年度预算执行良好资金使用规范绩效目标基本完成") for _ in range(size))
        xml, found = re.subn(rf'<c r="{ref}"[^>]*?(?:/>|>.*?</c>)', f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>',
                             xml, count=1, flags=re.S)
        assert found, ref
    return rewrite(path, replace={REPORT_SHEET: xml.encode()})


def test_a_cell_longer_than_excel_allows_is_a_finding_naming_it_and_the_rest_is_read(tmp_path):
    assessment = assess_workbook(long_cell(tmp_path / "long.xlsx", 2_500_000))
    (finding,) = [f for f in assessment.findings if "超过 Excel 单元格的上限" in f.message]
    assert (finding.severity, finding.where) == ("error", "报告!C3") and "已按空白读取" in finding.message
    assert assessment.scorecard.total == Decimal("93.56")  # the indicators are read as usual; the result is not final


def test_cells_at_excels_limit_are_read_in_bounded_time(tmp_path):
    """15 cells of 32,767 characters of unpunctuated Chinese: the report's lint is linear in the text."""
    path = long_cell(tmp_path / "full.xlsx", 32_767, cells=tuple(f"C{row}" for row in range(3, 18)))
    code, err, seconds, peak = run_check(path)
    assert code in (0, 1) and "Traceback" not in err, err
    assert seconds < TIME_LIMIT_S and peak < MEMORY_LIMIT_MB, (seconds, peak)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
@pytest.mark.parametrize("argv", [
    ["score", "{fifo}.json"], ["check", "{fifo}.xlsx"], ["values", "{fifo}.xlsx"], ["ruleset", "{fifo}.toml"],
    ["check", str(SAMPLE), "--ruleset", "{fifo}.toml"], ["batch", str(SAMPLE), "--expected", "{fifo}.txt"],
    ["import", "accounts", "{fifo}.xlsx"], ["score", "/dev/zero"],
])
def test_a_named_pipe_or_device_is_refused_not_waited_on(tmp_path, argv):
    if argv[-1] == "/dev/zero" and not Path(argv[-1]).exists():
        pytest.skip("no /dev/zero")
    fifo = tmp_path / "管道"
    argv = [a.replace("{fifo}", str(fifo)) for a in argv]
    for arg in argv:
        if arg.startswith(str(fifo)):
            os.mkfifo(arg)
    done = subprocess.run([sys.executable, "-m", "xladdin.cli", *argv], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONUTF8": "1"})
    assert done.returncode == 2 and done.stderr.startswith("错误：") and "Traceback" not in done.stderr, done.stderr
    assert "不是普通文件" in done.stderr or "找不到" in done.stderr, done.stderr

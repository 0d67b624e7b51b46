"""Every command on bad input ends with a Chinese message and an exit code, never a Python traceback."""
import os
import shutil
import subprocess
import sys
import zipfile

import pytest
from openpyxl import load_workbook

from xladdin.workbook import build_templates
from xladdin.cli import main

SAMPLE = build_templates.TEMPLATES_DIR / build_templates.sample_name()


def _bad_inputs(tmp_path):
    files = {
        "missing.xlsx": None,
        "text.xlsx": b"not a workbook",
        "empty.json": b"",
        "garbage.json": b'{"ruleset": 3, "info": []}',
        "deep.json": b"[" * 100_000,
        "wrong.toml.json": b'{"ruleset": "nope", "info": {"unit_name": "x"}}',
        "plain.xlsx": "zip",
        "mistyped.xlsx": "mistyped",
    }
    made = []
    for name, data in files.items():
        path = tmp_path / name
        if data == "zip":
            with zipfile.ZipFile(path, "w") as archive:
                archive.writestr("a.txt", "hello")
        elif data == "mistyped":
            wb = load_workbook(SAMPLE)
            wb["决算"]["E6"], wb["基本信息"]["B4"], wb["问卷"]["F6"] = "320万元", "今年", "四十"
            wb.save(path)
        elif data is not None:
            path.write_bytes(data)
        made.append(path)
    return made


def test_no_command_raises_on_bad_input(tmp_path, capsys):
    outputs = tmp_path / "out"
    outputs.mkdir()
    for path in _bad_inputs(tmp_path):
        for argv in (["score", str(path)], ["score", str(path), "--json"], ["check", str(path)],
                     ["report", str(path), "-o", str(outputs / f"{path.stem}.docx")], ["batch", str(path)],
                     ["score", str(path), "--ruleset", "nope"], ["ruleset", str(path)]):
            code = main(argv)  # an exception here is the traceback a user would see
            assert code in (0, 1, 2), (argv, code)
            err = capsys.readouterr().err
            said = err.startswith("错误：") or argv[0] == "batch"  # batch reports each file in its rows
            assert "Traceback" not in err and (code != 2 or said), (argv, err)
    assert main(["batch", str(tmp_path)]) == 2  # a folder of bad files: every row reported, none stops it
    assert capsys.readouterr().out.count("无法读取") >= 5


def test_a_bad_file_in_a_new_process_prints_one_chinese_line(tmp_path):
    path = tmp_path / "text.xlsx"
    path.write_bytes(b"not a workbook")
    done = subprocess.run([sys.executable, "-m", "xladdin.cli", "check", str(path)], capture_output=True, text=True)
    assert done.returncode == 2 and done.stderr.startswith("错误：") and "Traceback" not in done.stderr


@pytest.mark.parametrize("command", ["score", "check"])
def test_a_mistyped_workbook_reports_and_exits_1_not_2(tmp_path, command, capsys):
    (path,) = [p for p in _bad_inputs(tmp_path) if p.name == "mistyped.xlsx"]
    shutil.copy(path, tmp_path / "copy.xlsx")
    assert main([command, str(tmp_path / "copy.xlsx")]) in (0, 1)


def test_a_defect_of_ours_is_a_message_not_a_traceback(tmp_path, capsys, monkeypatch):
    from xladdin.cli import commands as cli

    monkeypatch.setattr(cli, "render_findings", lambda findings: 1 / 0)
    assert main(["check", str(SAMPLE)]) == 2
    assert "程序内部错误（ZeroDivisionError" in capsys.readouterr().err
    monkeypatch.setenv("PE_EVAL_DEBUG", "1")
    with pytest.raises(ZeroDivisionError):
        main(["check", str(SAMPLE)])


@pytest.mark.parametrize("name, data, message", [
    ("bigint.json", b'{"ruleset": "xundian-2024", "info": {"year": ' + b"9" * 4400 + b"}}", "无法读取的数值"),
    ("nested.json", b"[" * 100_000, "嵌套层数过多"),
])
def test_hostile_json_is_a_clear_error(tmp_path, capsys, name, data, message):
    (tmp_path / name).write_bytes(data)
    assert main(["check", str(tmp_path / name)]) == 2 and message in capsys.readouterr().err


def test_a_nul_in_a_path_is_a_clear_error(capsys):
    assert main(["score", "a\0b.xlsx"]) == 2 and "空字符" in capsys.readouterr().err


def test_a_workbook_with_only_unit_and_year_is_unfinished_not_差(tmp_path, capsys):
    path = tmp_path / "blank.xlsx"
    assert main(["new", "--ruleset", "xundian-2024", str(path)]) == 0
    wb = load_workbook(path)
    wb["基本信息"]["B3"], wb["基本信息"]["B4"] = "某县某局", 2025
    wb.save(path)
    capsys.readouterr()
    assert main(["score", str(path)]) == 0
    out = capsys.readouterr().out
    assert "未完成：31项指标中31项未能计分" in out and "差" not in out.split("\n")[1]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (Linux)")
def test_a_full_disk_under_the_output_is_one_clean_line():
    """Output redirected to a full disk: one Chinese line, no "Exception ignored" from the flush at exit."""
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "xladdin.cli", "score", str(SAMPLE)], stdout=full,
                              stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUTF8": "1"})
    assert (done.returncode, done.stderr) == (2, "错误：无法写出结果：磁盘已满\n")

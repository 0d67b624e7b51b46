"""What a newcomer meets first: Chinese usage, help and argument errors, --version, the ruleset list, findings
of a blank workbook that name their cells."""
import re
from importlib.metadata import version

import pytest

from scoring import load_ruleset, shipped_rulesets
from xladdin.cli import main
from xladdin.cli.parser import ChineseParser

ENGLISH = re.compile(r"(?<![-\w])(usage|error|argument|required|options|show this|unrecognized|invalid|expected)", re.I)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("argv, said", [
    ([], "缺少必需的参数：命令"),
    (["score"], "缺少必需的参数：FILE"),
    (["score", "x.json", "--bogus"], "无法识别的参数：--bogus"),
    (["report", "x.json", "-o"], "参数 -o/--out：需要一个值"),
    (["nosuch"], "参数 命令：没有 'nosuch' 这一项（可选：'score', 'check'"),
    (["import", "survey"], "缺少必需的参数：EXPORT"),
])
def test_argument_errors_are_chinese(capsys, argv, said):
    code, out, err = run(capsys, *argv)
    usage, message = err.splitlines()[0], err.splitlines()[-1]
    assert code == 2 and out == ""
    assert usage.startswith("用法：pe-eval") and message.startswith("错误：") and said in message, err
    assert not ENGLISH.search(err), err


@pytest.mark.parametrize("argv", [["-h"], ["score", "-h"], ["batch", "--help"], ["import", "accounts", "-h"]])
def test_help_is_chinese(capsys, argv):
    code, out, _ = run(capsys, *argv)
    assert code == 0 and out.startswith("用法：pe-eval")
    assert "\n选项:\n" in out and re.search(r"^  -h, --help +显示本帮助并退出$", out, re.M)
    assert not ENGLISH.search(out), out


def test_other_parsers_stay_english():
    import argparse

    ChineseParser(prog="x").format_help()
    assert argparse.ArgumentParser(prog="y").format_usage().startswith("usage: y")


def test_version(capsys):
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out == f"pe-eval {version('pe-eval')}\n"


def test_ruleset_without_a_name_lists_the_shipped_ones(capsys):
    code, out, _ = run(capsys, "ruleset")
    lines = out.splitlines()
    assert code == 0 and lines[0].startswith("内置规则集")
    assert [line.split()[0] for line in lines[1:]] == shipped_rulesets()
    xundian = next(line for line in lines if line.lstrip().startswith("xundian-2024"))
    assert load_ruleset("xundian-2024").name in xundian and "31个三级指标，满分100分" in xundian
    assert "自评表" in next(line for line in lines if line.lstrip().startswith("self-2020"))


def test_missing_indicator_inputs_name_their_cells(tmp_path, capsys):
    blank = tmp_path / "空白.xlsx"
    assert main(["new", "--ruleset", "xundian-2024", str(blank)]) == 0
    capsys.readouterr()
    assert main(["check", str(blank)]) == 1
    missing = [line for line in capsys.readouterr().out.splitlines() if " IND-MISSING " in line]
    assert len(missing) == 31
    assert all(re.match(r"\[错误\] IND-MISSING 指标体系![A-Z]+\d+：", line) for line in missing), missing
    assert missing[0].startswith("[错误] IND-MISSING 指标体系!H4：A11未能计分：缺少输入：符合的细则")

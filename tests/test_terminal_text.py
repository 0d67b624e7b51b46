"""Nothing a file holds acts on the terminal: ESC, CR, BEL and bidirectional overrides in unit names, indicator
names and file names are printed escaped by every command (score, check, batch, compare)."""
import json
import re
from pathlib import Path

import pytest

from scoring import sample_evaluation
from xladdin.cli import main
from xladdin.cli.common import shown

ROOT = Path(__file__).resolve().parents[1]
FORGED = "\x1b[2K\r总得分：100.00分    等级：优\x07"  # erase the line, go back to its start, write a forged result
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f\u202e]")


def hostile_files(folder: Path) -> tuple[Path, Path]:
    """A ruleset whose first indicator's name and an evaluation whose unit name carry terminal controls."""
    toml = (ROOT / "scoring" / "rules" / "rulesets" / "xundian-2024.toml").read_text(encoding="utf-8")
    ruleset = folder / "规则集.toml"
    ruleset.write_text(toml.replace('name = "部门中长期规划目标的明确性与合理性"',
                                    'name = "中长期规划\\u001b]0;标题\\u0007\\u202e反向"', 1), encoding="utf-8")
    evaluation = sample_evaluation()
    evaluation.info.unit_name = "寻甸县融媒体中心" + FORGED
    evaluation.ruleset = str(ruleset)
    data = folder / "评价\x1b[31m\r.json"  # a file name with controls as well
    data.write_text(evaluation.model_dump_json(), encoding="utf-8")
    return ruleset, data


def test_shown_escapes_what_a_terminal_acts_on_and_keeps_the_rest():
    assert shown("单位\x1b[2K\r名\x07\t列\n行\u202e\ud800") == "单位\\x1b[2K\\r名\\x07\t列\n行\\u202e\\ud800"


@pytest.mark.parametrize("command", ["score", "check", "batch", "compare"])
def test_workbook_text_and_file_names_are_printed_escaped(tmp_path, capsys, command):
    _, data = hostile_files(tmp_path)
    argv = {"compare": ["compare", str(data), str(data)]}.get(command, [command, str(data)])
    main(argv)
    out, err = capsys.readouterr()
    assert not RAW.search(out + err), (out + err)[:600]
    if command in ("score", "batch", "compare"):
        assert "寻甸县融媒体中心\\x1b[2K\\r总得分：100.00分    等级：优\\x07" in out
    if command == "score":
        assert "中长期规划\\x1b]0;标题\\x07\\u202e反向" in out
        assert re.search(r"^总得分：93\.56分    等级：优$", out, re.M)  # the true result still reads plainly
    if command == "batch":
        assert "评价\\x1b[31m\\r.json" in out


def test_json_output_stays_valid_json_with_the_text_intact(tmp_path, capsys):
    _, data = hostile_files(tmp_path)
    main(["score", "--json", str(data)])
    card = json.loads(capsys.readouterr().out)
    assert card["indicators"][0]["name"] == "中长期规划\x1b]0;标题\x07\u202e反向"


def test_an_error_message_naming_a_file_is_escaped(tmp_path, capsys):
    assert main(["score", str(tmp_path / "无此\x1b[2J文件.json")]) == 2
    assert capsys.readouterr().err == f"错误：找不到文件：{tmp_path}/无此\\x1b[2J文件.json\n"

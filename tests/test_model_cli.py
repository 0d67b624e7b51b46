"""The evaluation model (JSON round trip, schema) and the `pe-eval` command line."""
import json
from decimal import Decimal
import subprocess
import sys

import pytest

from scoring.evaluate import score_evaluation
from scoring.model import Evaluation, EvaluationError, parse_evaluation
from xladdin.cli import main


def test_json_round_trip(seed):
    again = Evaluation.model_validate_json(seed.model_dump_json())
    assert again == seed
    assert score_evaluation(again).total == score_evaluation(seed).total


def test_schema_describes_the_model():
    schema = Evaluation.model_json_schema()
    assert {"ruleset", "info", "accounts", "indicators", "survey", "narrative"} <= set(schema["properties"])
    assert schema["$defs"]["BasicInfo"]["properties"]["staff_quota"]["description"] == "编制数"


def test_bad_json_is_explained_in_chinese():
    with pytest.raises(EvaluationError, match="不是有效的 JSON"):
        parse_evaluation("{", "x.json")
    with pytest.raises(EvaluationError, match="info：缺少必填项"):
        parse_evaluation('{"ruleset": "xundian-2024"}', "x.json")


@pytest.fixture
def sample_file(tmp_path, seed):
    path = tmp_path / "样例.json"
    path.write_text(seed.model_dump_json(), encoding="utf-8")
    return path


def test_score_json(sample_file, capsys):
    assert main(["score", str(sample_file), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ruleset"] == "xundian-2024" and data["total"] == 93.56 and data["grade"] == "优"
    assert data["subtotals"]["A"] == 32.6 and data["subtotals"]["B"] == 18.56 and data["subtotals"]["C"] == 42.4
    assert data["survey"] == {"total": 4835, "valid": 49, "average": 98.67}
    b12 = next(i for i in data["indicators"] if i["code"] == "B12")
    assert {k: b12[k] for k in ("weight", "score", "computed", "override")} == {"weight": 4, "score": 3.36, "computed": 4, "override": 3.36}
    assert {"code", "name", "explanation"} <= set(b12)


def test_score_human(sample_file, capsys):
    main(["score", str(sample_file)])
    out = capsys.readouterr().out
    assert "总得分：93.56分    等级：优" in out


def test_check_exit_status(sample_file, seed, tmp_path, capsys):
    assert main(["check", str(sample_file), "--json"]) == 0
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert {f["severity"] for f in findings} == {"warning"}
    assert {"severity", "code", "where", "message", "expected", "actual"} <= set(findings[0])
    seed.accounts.set(1, "final", Decimal("5220840.39"))
    broken = tmp_path / "broken.json"
    broken.write_text(seed.model_dump_json(), encoding="utf-8")
    assert main(["check", str(broken)]) == 1
    out = capsys.readouterr().out
    assert "[错误] ACC-27 决算表第27行决算数（栏次3）" in out and "差额-0.01元" in out


def test_missing_file_and_wrong_type(tmp_path, capsys):
    assert main(["score", str(tmp_path / "无.json")]) == 2
    assert "找不到文件" in capsys.readouterr().err
    other = tmp_path / "a.txt"
    other.write_text("x")
    assert main(["score", str(other)]) == 2
    assert "不支持的文件类型" in capsys.readouterr().err


def test_demo_never_overwrites(tmp_path, capsys):
    assert main(["demo", "--out", str(tmp_path)]) == 0
    assert main(["demo", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert (tmp_path / "xundian-2024-sample.json").exists()
    assert (tmp_path / "xundian-2024-sample(2).json").exists()
    assert "总得分93.56分" in out


def test_schema_command_runs_as_console_module():
    result = subprocess.run([sys.executable, "-m", "xladdin.cli", "schema"], capture_output=True, text=True, check=True)
    assert json.loads(result.stdout)["title"] == "Evaluation"

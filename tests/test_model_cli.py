"""The evaluation model (JSON round trip, schema) and the `pe-eval` command line."""
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from scoring import Evaluation, EvaluationError, parse_evaluation, score_evaluation
from xladdin.cli import main


def test_json_round_trip(seed, xundian):
    again = Evaluation.model_validate_json(seed.model_dump_json())
    assert again == seed
    assert score_evaluation(again, xundian).total == score_evaluation(seed, xundian).total


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
    assert {f["severity"] for f in findings} == {"warning", "info"}
    assert {f["code"] for f in findings if f["severity"] == "info"} == {"XCHK-PROGRESS", "XCHK-BUDGET-ADJUST",
                                                                        "XCHK-OVERRIDE-TOTAL", "XCHK-PARTIAL",
                                                                        "XCHK-PROCUREMENT", "RPT-LINT-PLAN-YEAR"}
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


def test_schema_command_runs_as_console_module():
    result = subprocess.run([sys.executable, "-m", "xladdin.cli", "schema"], capture_output=True, text=True, check=True)
    assert json.loads(result.stdout)["title"] == "Evaluation"


SAMPLE_WORKBOOK = Path(__file__).resolve().parents[1] / "workbook_templates" / "xundian-2024-sample.xlsx"


def test_report_command_from_the_workbook(tmp_path, capsys):
    out = tmp_path / "报告.docx"
    assert main(["report", str(SAMPLE_WORKBOOK), "-o", str(out), "--json", "--font-body", "仿宋"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["docx"] == str(out) and data["pdf"] is None and out.exists()
    assert {f["severity"] for f in data["findings"]} <= {"warning", "info"}
    assert not [f for f in data["findings"] if f["code"].startswith("WB-")]  # its cached values agree with the core
    assert main(["report", str(SAMPLE_WORKBOOK), "-o", str(out)]) == 2  # never overwritten silently
    assert "未覆盖" in capsys.readouterr().err


def test_batch_scores_every_file_and_survives_bad_ones(tmp_path, seed, capsys):
    (tmp_path / "a.json").write_text(seed.model_dump_json(), encoding="utf-8")
    seed.accounts.set(1, "final", Decimal("1"))
    (tmp_path / "b.json").write_text(seed.model_dump_json(), encoding="utf-8")
    (tmp_path / "c.json").write_text("{", encoding="utf-8")
    (tmp_path / "~$临时.xlsx").write_bytes(b"")
    summary = tmp_path / "汇总.csv"
    assert main(["batch", str(tmp_path), "--out", str(summary)]) == 2  # a file could not be read
    out = capsys.readouterr().out
    assert "共3个文件：1个有错误，1个无法读取。" in out
    lines = summary.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "文件,单位名称,年度,规则集,总得分,等级,错误,警告,未计分指标,说明"
    assert ",93.56,优,0,9,," in lines[1]
    assert ",93.56,优,1,9,," in lines[2] and "勾稽不符" in lines[2]
    assert "无法读取" in lines[3]
    (tmp_path / "c.json").unlink()
    assert main(["batch", str(tmp_path)]) == 1  # findings only


def test_batch_csv_keeps_formula_like_text_as_text(tmp_path, seed, capsys):
    seed.info.unit_name = '=HYPERLINK("http://x","点击")'
    (tmp_path / "a.json").write_text(seed.model_dump_json(), encoding="utf-8")
    summary = tmp_path / "汇总.csv"
    main(["batch", str(tmp_path), "--out", str(summary)])
    assert '"\'=HYPERLINK(' in summary.read_text(encoding="utf-8-sig")


def test_batch_survives_a_crash_in_one_file(tmp_path, seed, capsys, monkeypatch):
    from xladdin.files import load

    for name in ("a.json", "b.json"):
        (tmp_path / name).write_text(seed.model_dump_json(), encoding="utf-8")
    original = load.load_assessment

    def crash_on_a(path, ruleset=None):
        if path.name == "a.json":
            raise ArithmeticError("boom")
        return original(path, ruleset)
    monkeypatch.setattr(load, "load_assessment", crash_on_a)
    assert main(["batch", str(tmp_path)]) == 2
    out = capsys.readouterr().out
    assert "程序内部错误（ArithmeticError）" in out and "93.56" in out


def test_a_closed_output_pipe_is_not_a_traceback(tmp_path, seed):
    """`pe-eval check x | head -1` when head has already stopped reading: the command ends quietly."""
    path = tmp_path / "e.json"
    path.write_text(seed.model_dump_json(), encoding="utf-8")
    command = [sys.executable, "-m", "xladdin.cli", "check", str(path)]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # closed before the command writes anything
    err = proc.stderr.read().decode("utf-8")
    assert proc.wait() == 141 and "Traceback" not in err

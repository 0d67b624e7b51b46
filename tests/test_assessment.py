"""One assessment pass: each command opens a workbook once, scores once, and uses the ruleset it was given."""
import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

import scoring.assessment
import xladdin.workbook.file
from scoring import Assessment, assess, load_ruleset, sample_evaluation
from xladdin.workbook import build_templates
from xladdin.cli import main
from xladdin.workbook import assess_workbook
from xladdin.workbook import indicators as indicators_sheet
from xladdin.workbook import info as info_sheet

SAMPLE = build_templates.TEMPLATES_DIR / build_templates.sample_name()
DOC = Path(__file__).resolve().parents[1] / "docs" / "ruleset-format.md"


@pytest.fixture
def example_toml(tmp_path):
    """The complete example of docs/ruleset-format.md, saved as a user would."""
    path = tmp_path / "ex.toml"
    path.write_text(re.findall(r"```toml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)[-1], encoding="utf-8")
    return path


@pytest.fixture
def counts(monkeypatch):
    """How often a file is guarded, parsed, and an evaluation scored."""
    seen = {"guard": 0, "parse": 0, "score": 0}

    def counting(name, module, attr):
        original = getattr(module, attr)

        def wrapper(*args, **kwargs):
            seen[name] += 1
            return original(*args, **kwargs)
        monkeypatch.setattr(module, attr, wrapper)

    counting("guard", xladdin.workbook.file, "guard")
    counting("parse", xladdin.workbook.file, "_parse_sheets")
    counting("score", scoring.assessment, "score_evaluation")
    return seen


def test_check_opens_the_workbook_once_and_scores_once(counts, capsys):
    assert main(["check", str(SAMPLE)]) == 0
    assert counts == {"guard": 1, "parse": 1, "score": 1}


def test_report_opens_the_workbook_once_and_scores_once(tmp_path, counts, capsys):
    assert main(["report", str(SAMPLE), "-o", str(tmp_path / "r.docx")]) == 0
    assert counts == {"guard": 1, "parse": 1, "score": 1}


def test_batch_opens_each_workbook_once_and_scores_each_once(tmp_path, counts, capsys):
    for name in ("a.xlsx", "b.xlsx", "c.xlsx"):
        shutil.copy(SAMPLE, tmp_path / name)
    assert main(["batch", str(tmp_path)]) == 0
    assert counts == {"guard": 3, "parse": 3, "score": 3}
    assert capsys.readouterr().out.count("93.56") == 3


def test_score_with_a_user_ruleset_prints_its_own_names(tmp_path, example_toml, seed, capsys):
    data = tmp_path / "sample.json"
    data.write_text(seed.model_dump_json(), encoding="utf-8")
    assert main(["score", str(data), "--ruleset", str(example_toml)]) == 0
    out = capsys.readouterr().out
    assert "规则集：示例指标体系" in out and "A1 预算管理" in out and "项目支出预算执行率" in out
    assert "寻甸" not in out.splitlines()[0].split("规则集")[1]
    assert main(["score", str(data), "--ruleset", str(example_toml), "--json"]) == 0
    card = json.loads(capsys.readouterr().out)
    assert card["ruleset"] == "example" and [i["code"] for i in card["indicators"]] == ["A11", "A12", "A13"]
    a11 = card["indicators"][0]
    assert a11["name"] == "项目支出预算执行率" and a11["score"] is None  # the sample's A11 input was typed for a checklist


def test_a_user_ruleset_keeping_a_shipped_id_is_used_as_given(tmp_path, example_toml, seed, capsys):
    copy = tmp_path / "copy.toml"
    copy.write_text(example_toml.read_text(encoding="utf-8").replace('id = "example"', 'id = "xundian-2024"'),
                    encoding="utf-8")
    data = tmp_path / "sample.json"
    data.write_text(seed.model_dump_json(), encoding="utf-8")
    assert main(["score", str(data), "--ruleset", str(copy)]) == 0
    assert "规则集：示例指标体系" in capsys.readouterr().out


def test_a_workbook_built_from_a_user_ruleset_scores_with_it(tmp_path, example_toml, capsys):
    out = tmp_path / "example.xlsx"
    assert main(["new", "--ruleset", str(example_toml), str(out)]) == 0
    wb = load_workbook(out)
    wb[info_sheet.NAME][info_sheet.cell("unit_name")] = "某县某局"
    wb[info_sheet.NAME][info_sheet.cell("year")] = 2025
    wb.save(out)
    capsys.readouterr()
    assert main(["score", str(out)]) == 0
    text = capsys.readouterr().out
    assert text.startswith("某县某局 2025年度") and "规则集：示例指标体系" in text and "资金使用合规性" in text
    assert main(["score", str(out), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["ruleset"] == "example"


def test_assessment_is_one_immutable_result(seed, xundian):
    assessment = assess(seed, xundian, source="seed.json")
    assert isinstance(assessment, Assessment) and assessment.scorecard.total == Decimal("93.56")
    assert assessment.ruleset is xundian and assessment.evaluation is seed
    with pytest.raises(AttributeError):
        assessment.findings = ()  # type: ignore[misc]
    with pytest.raises(TypeError):
        assessment.provenance["x"] = "y"  # type: ignore[index]
    more = assessment.with_findings([])
    assert more.findings == assessment.findings and more is not assessment


def test_a_ruleset_is_resolved_once_per_process():
    assert load_ruleset("xundian-2024") is load_ruleset("xundian-2024")
    assert sample_evaluation().ruleset == "xundian-2024"


def test_a_workbook_of_a_user_ruleset_refuses_another_and_accepts_its_moved_file(tmp_path, example_toml, capsys):
    out = tmp_path / "example.xlsx"
    assert main(["new", "--ruleset", str(example_toml), str(out)]) == 0
    wb = load_workbook(out)
    wb[info_sheet.NAME][info_sheet.cell("year")] = 2025
    wb.save(out)
    capsys.readouterr()
    assert main(["score", str(out), "--ruleset", "xundian-2024"]) == 2
    assert "按规则集「example」生成，不能改用规则集「xundian-2024」" in capsys.readouterr().err
    moved = tmp_path / "moved.toml"
    example_toml.rename(moved)
    assert main(["score", str(out)]) == 0  # the workbook carries its ruleset: the file is not needed
    assert "规则集：示例指标体系" in capsys.readouterr().out
    assert main(["score", str(out), "--ruleset", str(moved)]) == 0
    assert "规则集：示例指标体系" in capsys.readouterr().out


def _c101_typed_as_95(tmp_path):
    """The sample with C101's rate typed as 95 (meaning 95%) and its override removed: unscorable."""
    wb = load_workbook(SAMPLE)
    ws = wb[indicators_sheet.NAME]
    row = indicators_sheet.rows(load_ruleset("xundian-2024"))["C101"]
    ws[f"H{row}"], ws[f"K{row}"], ws[f"L{row}"] = 95, None, None
    path = tmp_path / "c101.xlsx"
    wb.save(path)
    return path


def test_an_unscored_indicator_makes_the_result_incomplete(tmp_path, capsys):
    path = _c101_typed_as_95(tmp_path)
    assert main(["score", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].startswith("未完成：31项指标中1项未能计分：C101（")
    assert lines[2].startswith("已计分指标合计：") and "不评定等级" in lines[2] and "等级：" not in "".join(lines[:3])
    assert main(["score", str(path), "--json"]) == 0
    card = json.loads(capsys.readouterr().out)
    assert card["complete"] is False and card["grade"] is None
    assert [u["code"] for u in card["incomplete"]] == ["C101"] and "95" in card["incomplete"][0]["reason"]


def test_an_override_without_reason_keeps_the_rule_score_and_is_an_error(tmp_path, capsys):
    wb = load_workbook(SAMPLE)
    row = indicators_sheet.rows(load_ruleset("xundian-2024"))["B12"]
    wb[indicators_sheet.NAME][f"L{row}"] = None  # reason removed, override 3.36 kept
    path = tmp_path / "no-reason.xlsx"
    wb.save(path)
    assessment = assess_workbook(path)
    b12 = next(r for r in assessment.scorecard.indicators if r.code == "B12")
    assert b12.score == b12.computed == Decimal("4.00") and assessment.scorecard.complete  # 100% executed
    assert any(f.code == "IND-INPUT" and "未填写理由" in f.message for f in assessment.errors)


def test_a_rate_typed_as_5_is_flagged_with_both_readings(seed, xundian):
    entry = seed.entry("C101")
    entry.inputs, entry.override, entry.reason = [5], None, ""
    assessment = assess(seed, xundian)
    c101 = next(r for r in assessment.scorecard.indicators if r.code == "C101")
    assert c101.score == Decimal("18.00")  # 500% as typed; scored, but not silently
    bare, out_of_range = [f for f in assessment.findings if f.code == "IND-RANGE"]
    assert bare.severity == out_of_range.severity == "warning"
    assert "按比例理解为500.00%；如指5%，请填写「5%」" in bare.message
    assert "超出合理范围（0%～100%）" in out_of_range.message and "请核对" in c101.explanation
    entry.inputs = ["5%"]
    assert not [f for f in assess(seed, xundian).findings if f.code == "IND-RANGE"]


def test_report_of_an_incomplete_evaluation_is_a_draft_without_grade(tmp_path, capsys):
    from docx import Document

    path = _c101_typed_as_95(tmp_path)
    out = tmp_path / "r.docx"
    assert main(["report", str(path), "-o", str(out)]) == 1
    assert "征求意见稿" in capsys.readouterr().out
    text = "\n".join(p.text for p in Document(out).paragraphs)
    assert "（征求意见稿）" in text and "有1项指标未能计分" in text
    assert "评价等级为未评定（尚有1项指标未能计分）" in text and "评价等级为“" not in text
    assert main(["report", str(path), "-o", str(out), "--force", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["draft"] is True


def test_report_of_the_sample_is_final(tmp_path, capsys):
    assert main(["report", str(SAMPLE), "-o", str(tmp_path / "r.docx"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["draft"] is False

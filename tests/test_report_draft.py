"""A report is final only when its text is ready to submit: no 【…】 marker, no unfilled section or 偏差原因,
no internal wording (rule-engine explanations, reviewers' notes) — otherwise a 征求意见稿 that lists why."""
import json

import pytest
from docx import Document

from scoring import assess, load_ruleset, sample_evaluation
from xladdin.report import build_report
from xladdin.report.draft import DRAFT_MARK

SELF = load_ruleset("self-2020")


def document_text(path) -> str:
    doc = Document(path)
    cells = (p.text for t in doc.tables for row in t.rows for cell in row.cells for p in cell.paragraphs)
    return "\n".join([*(p.text for p in doc.paragraphs), *cells])


def self_sample():
    return sample_evaluation("self-2020")


def test_the_seed_report_is_final_and_written_for_people(tmp_path, seed_assessment):
    result = build_report(seed_assessment, tmp_path / "r.docx")
    text = document_text(result.docx_path)
    assert not result.draft and DRAFT_MARK not in text
    for internal in ("规则无法计算", "沿用", "报告未说明扣分依据", "按规则：", "评价说明：", "【", "{", "““"):
        assert internal not in text, internal
    assert "B13“‘三公经费’控制率”评价底稿" in text
    assert text.count("经评价组综合评定") == 2 * 5  # five overrides: in the analysis and in their workpapers


def test_override_reasons_stay_in_the_workpapers_and_keep_the_report_final(tmp_path, seed_assessment):
    result = build_report(seed_assessment, tmp_path / "r.docx", show_reasons=True)
    text = document_text(result.docx_path)
    assert not result.draft
    assert "评价说明：评价报告只记录了该指标得分" in text and "人工评定3.36分（理由：沿用评价报告记录得分3.36分" in text
    analysis = text[text.index("指标得分分析"):text.index("附件1")]
    assert "理由：" not in analysis and "评价说明" not in analysis


def test_an_empty_section_makes_a_draft_naming_it(tmp_path, seed, xundian):
    seed.narrative["problems"] = ""
    result = build_report(assess(seed, xundian), tmp_path / "r.docx")
    text = document_text(result.docx_path)
    assert result.draft and DRAFT_MARK in text
    listed = text[text.index("待处理事项"):text.index("一、部门概况")]
    assert "报告「六、存在的问题」：「六、存在的问题」未填写文字，报告中该部分显示为【未填写】" in listed
    assert "六、存在的问题\n【未填写】\n七、改进措施及建议" in text


def test_a_placeholder_without_data_makes_a_draft(tmp_path, seed, xundian):
    seed.info.supervisor = ""
    seed.narrative["org"] += "\n主管部门为{主管部门}。"
    result = build_report(assess(seed, xundian), tmp_path / "r.docx")
    assert result.draft
    assert "【缺少数据：主管部门】" in document_text(result.docx_path)


def test_a_typed_marker_or_internal_wording_makes_a_draft_quoting_the_sentence(tmp_path, seed, xundian):
    seed.narrative["experience"] = "一是加强预算管理。二是规范资产管理，【待补充数据】后再定。\n按规则：执行率100%。"
    result = build_report(assess(seed, xundian), tmp_path / "r.docx")
    assert result.draft
    found = {f.code: f for f in result.findings if f.code in ("RPT-UNFINISHED", "RPT-INTERNAL")}
    assert found["RPT-UNFINISHED"].where == "报告「五、主要经验做法」"
    assert "二是规范资产管理，【待补充数据】后再定。" in found["RPT-UNFINISHED"].message
    assert "按规则：执行率100%。" in found["RPT-INTERNAL"].message


def test_a_legitimate_sentence_is_not_flagged(tmp_path, seed, xundian):
    seed.narrative["experience"] = "一是严格按规则执行预算，沿用上年的内控制度。"
    result = build_report(assess(seed, xundian), tmp_path / "r.docx")
    assert not result.draft
    assert not [f for f in result.findings if f.code in ("RPT-UNFINISHED", "RPT-INTERNAL")]


@pytest.fixture
def self_files(tmp_path):
    evaluation = self_sample()
    filled = tmp_path / "filled.json"
    filled.write_text(evaluation.model_dump_json(), encoding="utf-8")
    data = json.loads(evaluation.model_dump_json())
    row = next(r for r in data["self_form"]["rows"] if r["name"] == "送戏下乡演出场次")  # 54 of ≥60 场
    row["reason"] = ""
    missing = tmp_path / "missing.json"
    missing.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return filled, missing


def test_a_self_report_without_a_reason_for_a_row_below_target_is_a_draft(tmp_path, self_files, capsys):
    from xladdin.cli import main

    filled, missing = self_files
    assert main(["report", str(missing), "-o", str(tmp_path / "m.docx")]) == 1
    text = document_text(tmp_path / "m.docx")
    listed = text[text.index("待处理事项"):text.index("一、基本情况")]
    assert "「送戏下乡演出场次」未达满分，但未填写偏差原因分析及改进措施，报告中显示为【需说明】" in listed
    assert "送戏下乡演出场次（得5.40分，分值6分）：【需说明】" in text
    assert "征求意见稿" in capsys.readouterr().out
    assert main(["report", str(missing), "-o", str(tmp_path / "m2.docx"), "--force"]) == 0

    assert main(["report", str(filled), "-o", str(tmp_path / "f.docx")]) == 0
    text = document_text(tmp_path / "f.docx")
    assert DRAFT_MARK not in text and "【" not in text


def test_the_budget_execution_row_states_its_figures_not_the_formula(tmp_path):
    result = build_report(assess(self_sample(), SELF), tmp_path / "s.docx")
    text = document_text(result.docx_path)
    assert "预算执行率为94.67%（年度资金总额全年执行数1,312.56万元、全年预算数1,386.40万元）。" in text
    assert "10×94.67%" not in text and "全年执行数1312.56" not in text


def test_a_self_report_without_its_goals_is_a_draft(tmp_path):
    evaluation = self_sample()
    evaluation.self_form.goal_actual = ""
    result = build_report(assess(evaluation, SELF), tmp_path / "s.docx")
    text = document_text(result.docx_path)
    assert result.draft and "实际完成情况：【未填写】" in text
    assert "「实际完成情况」未填写，报告中显示为【未填写】" in text[:text.index("一、基本情况")]


def test_a_long_sentence_is_quoted_around_the_marker(tmp_path, seed, xundian):
    seed.narrative["experience"] = "甲" * 100 + "，【待补充数据】后再定" + "乙" * 100 + "。"
    result = build_report(assess(seed, xundian), tmp_path / "r.docx")
    (finding,) = [f for f in result.findings if f.code == "RPT-UNFINISHED"]
    quoted = finding.message.split("：“", 1)[1].split("”；", 1)[0]
    assert quoted.startswith("…甲") and quoted.endswith("乙…") and "，【待补充数据】后再定" in quoted and len(quoted) <= 64

"""The 自评报告's 一、基本情况 (职能, 机构人员, 年度预算) from the 自评表 or the JSON's narrative; a blank self form
prints no machine text; fund amounts in 计分说明 with separators and unit."""
import json

from docx import Document

from scoring import assess, load_ruleset, sample_evaluation
from xladdin.cli import main
from xladdin.report import build_report
from xladdin.report.draft import DRAFT_MARK
from xladdin.workbook import build_workbook, expected_cells, open_workbook, read_evaluation, workbook_findings
from xladdin.workbook import self_sheet

SELF = load_ruleset("self-2020")


def _text(path) -> str:
    return "\n".join(p.text for p in Document(path).paragraphs)


def _body(text: str) -> str:
    """一、基本情况 up to 二、."""
    return text[text.rindex("一、基本情况"):text.index("二、绩效目标完成情况")]


def test_the_samples_basic_information_is_printed_and_the_report_is_final(tmp_path):
    evaluation = sample_evaluation("self-2020")
    result = build_report(assess(evaluation, SELF), tmp_path / "s.docx")
    body = _body(_text(result.docx_path))
    assert not result.draft and "【" not in body
    assert body.index("（一）主要职能") < body.index("（二）机构设置和人员情况") < body.index("（三）年度预算安排情况")
    assert "青山县文化和旅游局，主管部门为青山县人民政府。" in body
    assert "下属县文化馆、县图书馆、县博物馆3个事业单位" in body and "全年预算为1,386.40万元" in body
    assert not [f for f in result.findings if f.code == "RPT-EMPTY"]


def test_empty_functions_and_organisation_make_a_draft_naming_them(tmp_path, capsys):
    evaluation = sample_evaluation("self-2020")
    data = json.loads(evaluation.model_dump_json())
    del data["narrative"]["functions"], data["narrative"]["org"]
    missing = tmp_path / "missing.json"
    missing.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert main(["report", str(missing), "-o", str(tmp_path / "m.docx")]) == 1
    text = _text(tmp_path / "m.docx")
    assert DRAFT_MARK in text and "征求意见稿" in capsys.readouterr().out
    listed = text[text.index("待处理事项"):text.rindex("一、基本情况")]
    assert "「主要职能」未填写，报告中显示为【未填写】" in listed
    assert "「机构设置和人员情况」未填写，报告中显示为【未填写】" in listed
    body = _body(text)
    assert "（一）主要职能\n【未填写】\n（二）机构设置和人员情况\n【未填写】" in body
    assert main(["report", str(sample_json(tmp_path)), "-o", str(tmp_path / "f.docx")]) == 0


def sample_json(tmp_path):
    path = tmp_path / "filled.json"
    path.write_text(sample_evaluation("self-2020").model_dump_json(), encoding="utf-8")
    return path


def test_a_blank_budget_text_is_written_from_the_fund_block_and_said_so(tmp_path):
    evaluation = sample_evaluation("self-2020")
    del evaluation.narrative["funds"]
    result = build_report(assess(evaluation, SELF), tmp_path / "s.docx")
    body = _body(_text(result.docx_path))
    assert not result.draft
    assert ("（三）年度预算安排情况\n2024年度资金全年预算数1,386.40万元，其中财政拨款1,330.40万元；"
            "全年执行数1,312.56万元，预算执行率94.67%。") in body
    (note,) = [f for f in result.findings if f.code == "RPT-EMPTY"]
    assert note.severity == "info" and "年度预算安排情况" in note.message and "资金情况自动生成" in note.message


def test_a_placeholder_in_the_basic_information_is_filled_or_makes_a_draft(tmp_path):
    evaluation = sample_evaluation("self-2020")
    evaluation.narrative["org"] = "{单位名称}下设4个股室。{评价机构}负责本次自评。"
    result = build_report(assess(evaluation, SELF), tmp_path / "s.docx")
    body = _body(_text(result.docx_path))
    assert "青山县文化和旅游局下设4个股室。【缺少数据：评价机构】负责本次自评。" in body
    assert result.draft and any(f.code == "RPT-DATA" and "评价机构" in f.message for f in result.findings)


def test_the_form_has_the_three_cells_and_reads_them_back_with_their_places(tmp_path):
    evaluation = sample_evaluation("self-2020")
    path = tmp_path / "s.xlsx"
    build_workbook(SELF, evaluation).save(path)
    read, provenance = read_evaluation(open_workbook(path))
    assert read.narrative == evaluation.narrative
    ws = open_workbook(path)
    lay = self_sheet.layout(SELF)
    rows = self_sheet.basic_rows(SELF, lay)
    assert provenance["narrative.functions"] == f"自评表!C{rows['functions']}"
    assert [ws.text("自评表", f"A{row}") for row in rows.values()] == ["主要职能", "机构设置和人员情况", "年度预算安排情况"]
    assert min(rows.values()) > lay.level1_header + len(SELF.level1)  # below the form: no input cell moved


def test_a_blank_self_form_shows_no_machine_text(tmp_path):
    """What the blank forms' formulas show (test_workbook_formulas proves the engine agrees cell by cell)."""
    for name in ("self-2020", "self-coef", "self-top80"):
        path = tmp_path / f"{name}.xlsx"
        build_workbook(load_ruleset(name)).save(path)
        book = open_workbook(path)
        evaluation, provenance = read_evaluation(book)
        assessment = assess(evaluation, book.ruleset, provenance=provenance)
        shown = {e.place: e.value for e in expected_cells(assessment) if isinstance(e.value, str) and e.value}
        assert not [(place, value) for place, value in shown.items() if "缺少" in value or "分值合计" in value], name


def test_a_filled_form_still_names_what_is_missing_and_which_groups_do_not_add_up():
    evaluation = sample_evaluation("self-2020")
    evaluation.self_form.fund.total.final = None
    evaluation.self_form.rows = evaluation.self_form.rows[:-1]
    shown = {e.what: e.value for e in expected_cells(assess(evaluation, SELF))}
    assert shown["D11计分说明"] == "缺少输入：全年执行数"
    assert any(isinstance(v, str) and v.startswith("分值合计") for v in shown.values())


def test_fund_amounts_in_the_explanation_have_separators_and_the_blocks_unit():
    evaluation = sample_evaluation("self-2020")
    explanation = assess(evaluation, SELF).scorecard.indicators[0].explanation
    assert explanation == "全年执行数1,312.56万元，全年预算数1,386.40万元，预算执行率94.67%，10×94.67%=9.47分"
    evaluation.self_form.fund.unit = "元"
    assert assess(evaluation, SELF).scorecard.indicators[0].explanation.startswith("全年执行数1,312.56元，全年预算数1,386.40元")


def test_a_form_written_before_the_blank_guards_keeps_its_formulas_without_warnings(tmp_path):
    """The formulas the form had before (they show 缺少输入 on a blank form, but are right) are not reported changed."""
    path = tmp_path / "old.xlsx"
    wb = build_workbook(SELF, sample_evaluation("self-2020"))
    ws = wb["自评表"]
    ws["D11"], ws["F11"] = '=PE_SCORE(规则集,"D11",E6,D6,"","")', '=PE_EXPLAIN(规则集,"D11",E6,D6,"","")'
    lay = self_sheet.layout(SELF)
    first = lay.level1_header + 1
    for row in range(first, first + len(SELF.level1)):
        ws[f"E{row}"] = f'=IF(B{row}=C{row},"✓","分值合计"&B{row}&"分，应为"&C{row}&"分")'
    assert _changed_formulas(wb, path) == []
    ws[f"E{first}"] = "=1"  # a formula really changed is still reported
    assert _changed_formulas(wb, path) == [f"自评表!E{first}"]


def _changed_formulas(wb, path) -> list[str]:
    wb.save(path)
    book = open_workbook(path)
    evaluation, provenance = read_evaluation(book)
    findings = workbook_findings(book, assess(evaluation, book.ruleset, provenance=provenance))
    return [f.where for f in findings if f.code == "WB-FORMULA"]


def test_the_form_prints_down_to_its_settings_block_but_not_the_report_texts():
    """The 基本情况 texts are the report's; printed under the form they would sit below its repeated header row."""
    ws = build_workbook(SELF, sample_evaluation("self-2020"))["自评表"]
    lay = self_sheet.layout(SELF)
    last_printed = int(ws.print_area.rsplit("$", 1)[1])
    assert lay.level1_header + len(SELF.level1) <= last_printed < min(self_sheet.basic_rows(SELF, lay).values()) - 1

"""Headless reading of evaluation workbooks, its errors, and the `pe-eval` commands that use it."""
import json
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from scoring import assess, load_ruleset, sample_evaluation, score_evaluation
from xladdin.workbook import build_templates
from xladdin.cli import main
from xladdin.workbook import (
    SHEET_NAMES, WorkbookError, accounts, assess_workbook, build_workbook, expected_cells, file, guide, indicators, info,
    open_workbook, read_evaluation, report, saved_results, survey, workbook_findings,
)
from xladdin.workbook.file import NAME_LAYOUT

SAMPLE = build_templates.TEMPLATES_DIR / build_templates.sample_name()
V1_SAMPLE = Path(__file__).with_name("fixtures") / "layout-v1-xundian-2024-sample.xlsx"
XUNDIAN = load_ruleset("xundian-2024")


def read_workbook(path):
    return read_evaluation(open_workbook(path))[0]


def test_round_trip_of_the_sample(seed):
    evaluation = read_workbook(SAMPLE)
    assert evaluation.ruleset == seed.ruleset
    assert evaluation.info == seed.info
    assert evaluation.accounts == seed.accounts
    assert evaluation.survey == seed.survey
    assert evaluation.narrative == seed.narrative
    for got, want in zip(evaluation.indicators, seed.indicators):
        assert (got.code, got.override, got.reason, got.note) == (want.code, want.override, want.reason, want.note)
    assert score_evaluation(evaluation, XUNDIAN) == score_evaluation(seed, XUNDIAN)
    assert score_evaluation(evaluation, XUNDIAN).total == Decimal("93.56")


def test_a_workbook_written_by_the_first_layout_still_reads(seed):
    """A file built by the builder before the sheet modules existed (kept as a fixture) reads the same."""
    assessment = assess_workbook(V1_SAMPLE)
    assert assessment.scorecard.total == Decimal("93.56") and assessment.scorecard.grade == "优"
    assert assessment.evaluation.accounts == seed.accounts and assessment.evaluation.narrative == seed.narrative


def test_provenance_names_the_cell_of_each_input():
    provenance = assess_workbook(SAMPLE).provenance
    b12 = indicators.rows(XUNDIAN)["B12"]
    assert provenance["info.year"] == f"基本信息!{info.cell('year')}" == "基本信息!B4"
    assert provenance["accounts.61.final"] == "决算!O9"
    assert provenance["indicators.B12.input1"] == f"指标体系!H{b12}"
    assert provenance["survey.valid"] == "问卷!F3" and provenance["narrative.problems"].startswith("报告!C")


def test_report_sections_are_found_by_key_not_position(tmp_path, seed):
    def swap(wb):
        ws = wb[report.NAME]
        first, last = report.FIRST_ROW, report.FIRST_ROW + 11  # org … problems
        for column in (report.KEY_COLUMN, report.TITLE_COLUMN, report.TEXT_COLUMN):
            a, b = ws[f"{column}{first}"], ws[f"{column}{last}"]
            a.value, b.value = b.value, a.value
    assert read_workbook(_edited(tmp_path, swap)).narrative == seed.narrative


def test_a_missing_or_repeated_report_section_is_refused(tmp_path):
    row = report.FIRST_ROW
    with pytest.raises(WorkbookError, match="报告工作表缺少栏目「（一）部门机构设置、编制」"):
        read_workbook(_edited(tmp_path, _set(report.NAME, f"A{row}", "nothing")))
    with pytest.raises(WorkbookError, match="重复"):
        read_workbook(_edited(tmp_path, _set(report.NAME, f"A{row + 1}", "org"), "twice.xlsx"))


def test_a_workbook_refuses_another_ruleset():
    with pytest.raises(WorkbookError, match="按规则集「xundian-2024」生成，不能改用规则集「mof-2013」"):
        assess_workbook(SAMPLE, load_ruleset("mof-2013"))
    assert assess_workbook(SAMPLE, XUNDIAN).scorecard.total == Decimal("93.56")


def test_bound_inputs_read_as_use_the_binding():
    entries = {e.code: e for e in read_workbook(SAMPLE).indicators}
    assert entries["B12"].inputs == [None, None]  # formulas → take 决算 第61行
    assert entries["C101"].inputs == [""]  # blank unbound input
    assert entries["A14"].inputs == ["①②③=0.7"] and entries["A13"].inputs == [Decimal("1.8")]


def _edited(tmp_path, edit, name="edited.xlsx"):
    wb = load_workbook(SAMPLE)
    edit(wb)
    path = tmp_path / name
    wb.save(path)
    return path


def _set(sheet, ref, value):
    def edit(wb):
        wb[sheet][ref] = value
    return edit


def _before_embedding(edit):
    """A workbook written before rulesets were embedded: 说明!B3 alone names its ruleset."""
    from openpyxl.workbook.defined_name import DefinedName

    from xladdin.workbook.file import EMBED_SHEET, NAME_RULESET, NAME_RULESET_REF

    def old(wb):
        wb.remove(wb[EMBED_SHEET])
        wb.defined_names.pop(NAME_RULESET_REF)
        wb.defined_names[NAME_RULESET] = DefinedName(NAME_RULESET, attr_text=f"{guide.NAME}!$B$3")
        edit(wb)
    return old


def test_a_typed_value_in_a_bound_input_is_used_and_flagged(tmp_path):
    b12 = indicators.rows(XUNDIAN)["B12"]
    assert b12 == indicators.FIRST_ROW + 15
    path = _edited(tmp_path, _set(indicators.NAME, f"H{b12}", 969931.86))
    assessment = assess_workbook(path)
    b12_result = next(r for r in assessment.scorecard.indicators if r.code == "B12")
    assert b12_result.computed == Decimal("3.13")
    warnings = [f for f in assessment.findings if f.code == "WB-BINDING"]
    assert [f.where for f in warnings] == [f"指标体系!H{b12}"]


def test_a_changed_formula_is_flagged(tmp_path):
    path = _edited(tmp_path, _set(indicators.NAME, "M4", 2))
    book = open_workbook(path)
    found = [f for f in workbook_findings(book, assess(read_evaluation(book)[0], XUNDIAN)) if f.code == "WB-FORMULA"]
    assert [f.where for f in found] == ["指标体系!M4"] and "=PE_SCORE(" in found[0].message


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda wb: wb.remove(wb[survey.NAME]), "缺少工作表「问卷」"),
        (lambda wb: wb.defined_names.pop(NAME_LAYOUT), "不是本工具生成的评价工作簿（缺少定义名称「版式版本」）"),
        (_set(guide.NAME, "B5", 99), "工作簿版式为「99」，本程序只能读取第1版"),
        (_before_embedding(_set(guide.NAME, "B3", "nope")), "工作簿使用的规则集「nope」无法使用：没有名为「nope」的规则集"),
        (_before_embedding(_set(guide.NAME, "B3", "mof-2013")), "与规则集「mof-2013」不一致：指标体系!C6 应为指标A21"),
        (_before_embedding(_set(guide.NAME, "B3", r"\\server\share\rules.toml")), "位于网络路径上"),
        (_before_embedding(_set(guide.NAME, "B3", "/no/such/rules.toml")), "不存在、不是本机的普通文件"),
        (_set(accounts.NAME, "B6", 2), "决算!B6 应为行次1"),
    ],
)
def test_a_workbook_of_another_layout_cannot_be_read(tmp_path, edit, message):
    path = _edited(tmp_path, edit)
    with pytest.raises(WorkbookError) as caught:
        read_workbook(path)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    "sheet, ref, value, message",
    [
        (accounts.NAME, "C6", "四百万", "「四百万」不是有效的第1行年初预算数，应填写数字，如 4,228,106.35"),
        (info.NAME, info.cell("staff_quota"), "=20+8", "是公式，但文件里没有 Excel 保存的计算结果"),
        (info.NAME, info.cell("year"), "二〇二四", "「二〇二四」不是有效的评价年度，应填写数字，如 2024"),
        (info.NAME, info.cell("staff_actual"), "23.5", "应为非负整数，如 23"),
        (info.NAME, info.cell("three_public_current"), -2, "本年三公经费（万元）：应不小于0"),
        (indicators.NAME, "K4", "满分", "「满分」不是有效的A11人工得分，应填写数字，如 1.5"),
        (survey.NAME, "E6", "十分", "「十分」不是有效的第1题标准分值，应填写数字，如 10"),  # blank: SURVEY-POINTS
    ],
)
def test_an_unreadable_cell_is_an_error_finding_naming_the_cell(tmp_path, sheet, ref, value, message):
    assessment = assess_workbook(_edited(tmp_path, _set(sheet, ref, value)))
    found = [f for f in assessment.errors if f.code == "WB-INPUT"]
    assert [f.where for f in found] == [f"{sheet}!{ref}"] and message in found[0].message


def test_every_bad_cell_is_listed_in_one_run(tmp_path, capsys):
    def mistype(wb):
        wb[accounts.NAME]["E6"] = "320万元"
        wb[info.NAME][info.cell("year")] = "今年"
        wb[info.NAME][info.cell("staff_quota")] = "二十八"
        wb[survey.NAME]["F6"] = "四十"
    path = _edited(tmp_path, mistype)
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    for place in ("决算!E6", "基本信息!B4", f"基本信息!{info.cell('staff_quota')}", "问卷!F6"):
        assert f"WB-INPUT {place}" in out
    assert "如 2024" in out and "如 23" in out and "如 4,228,106.35" in out


def test_a_blank_required_field_is_an_error_and_a_recommended_one_a_warning(tmp_path):
    def blank(wb):
        wb[info.NAME][info.cell("unit_name")] = None
        wb[info.NAME][info.cell("credit_code")] = None
    assessment = assess_workbook(_edited(tmp_path, blank))
    by_code = {f.code: f for f in assessment.findings}
    assert by_code["INFO-REQUIRED"].where == "基本信息!B3" and "单位名称未填写" in by_code["INFO-REQUIRED"].message
    assert by_code["INFO-RECOMMENDED"].severity == "warning" and "统一社会信用代码" in by_code["INFO-RECOMMENDED"].message


def _zip(path, members: dict[str, bytes]):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_hostile_or_wrong_files(tmp_path, monkeypatch):
    cases = {
        "text.xlsx": (b"not a workbook", "不是 Excel 工作簿"),
        "old.xlsx": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "旧版 .xls 或设置了打开密码"),
    }
    for name, (data, message) in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(WorkbookError, match=message):
            read_workbook(tmp_path / name)
    with pytest.raises(WorkbookError, match="缺少 xl/workbook.xml"):
        read_workbook(_zip(tmp_path / "plain.xlsx", {"a.txt": b"hello"}))
    with pytest.raises(WorkbookError, match="压缩比异常"):
        read_workbook(_zip(tmp_path / "bomb.xlsx", {"xl/workbook.xml": b"<a/>", "xl/big.xml": b"\0" * 5_000_000}))
    with pytest.raises(WorkbookError, match="无法读取"):
        read_workbook(tmp_path / "missing.xlsx")
    monkeypatch.setattr(file, "MAX_FILE_BYTES", 1000)
    with pytest.raises(WorkbookError, match="过大"):
        read_workbook(SAMPLE)


def test_xml_entity_bomb_is_refused(tmp_path):
    """A billion-laughs DTD in a worksheet part is refused before openpyxl (stdlib iterparse) sees it."""
    dtd = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    path = tmp_path / "entities.xlsx"
    with zipfile.ZipFile(SAMPLE) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = b'<?xml version="1.0"?>' + dtd + data
            dst.writestr(item, data)
    with pytest.raises(WorkbookError, match="sheet1.xml 含有 DTD 或实体声明"):
        read_workbook(path)


def test_written_workbooks_carry_the_values_the_core_computes(tmp_path):
    saved = saved_results(open_workbook(SAMPLE))
    assert saved["汇总!D19"] == 93.56 and saved["问卷!G90"] == 98.67 and saved["指标体系!M19"] == 3.36
    wb = load_workbook(SAMPLE)
    wb.save(tmp_path / "resaved.xlsx")  # openpyxl drops cached values when it saves
    assert saved_results(open_workbook(tmp_path / "resaved.xlsx")) == {}
    assert "WB-NO-CACHE" in {f.code for f in assess_workbook(tmp_path / "resaved.xlsx").findings}


@pytest.mark.parametrize("name", ["xundian-2024-sample.xlsx", "xundian-2024-template.xlsx", "mof-2013-template.xlsx"])
def test_every_formula_cell_of_a_written_workbook_has_a_value(name):
    """In the sheet XML: a non-empty <v>, or a text result (t="str", which may be empty)."""
    with zipfile.ZipFile(build_templates.TEMPLATES_DIR / name) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
    cells = [c for xml in sheets for c in re.findall(r"<c [^>]*>(?:(?!</c>).)*<f>.*?</c>", xml, re.S)]
    assert len(cells) > 250
    assert [c for c in cells if not (re.search(r"<v>[^<]+</v>", c) or ' t="str"' in c.split(">")[0])] == []


# ── the command line ─────────────────────────────────────
def test_score_and_check_a_workbook(capsys):
    assert main(["score", str(SAMPLE)]) == 0
    assert "总得分：93.56分    等级：优" in capsys.readouterr().out
    assert main(["check", str(SAMPLE), "--json"]) == 0
    findings = json.loads(capsys.readouterr().out)["findings"]
    notes = [f["code"] for f in findings if f["severity"] == "info"]
    assert [c for c in notes if not c.startswith(("XCHK-", "RPT-LINT-"))] == [] and len(notes) == 13  # cached values agree
    assert {f["code"] for f in findings if f["severity"] == "warning"} == {"IND-OVERRIDE", "INFO-CREDIT-CODE",
                                                                          "RPT-LINT-POLICY", "RPT-LINT-PARTS",
                                                                          "RPT-LINT-SURVEY"}


def test_check_json_output_unchanged_for_json_files(tmp_path, seed, capsys):
    path = tmp_path / "e.json"
    path.write_text(seed.model_dump_json(), encoding="utf-8")
    assert main(["check", str(path), "--json"]) == 0
    assert not any(f["code"].startswith("WB-") for f in json.loads(capsys.readouterr().out)["findings"])


def test_broken_workbook_is_a_usage_error(tmp_path, capsys):
    path = _edited(tmp_path, lambda wb: wb.remove(wb[accounts.NAME]))
    assert main(["score", str(path)]) == 2
    assert "缺少工作表「决算」" in capsys.readouterr().err


def test_new_writes_a_blank_template_and_never_overwrites(tmp_path, capsys):
    out = tmp_path / "评价.xlsx"
    assert main(["new", "--ruleset", "mof-2013", str(out)]) == 0
    wb = load_workbook(out)
    assert wb[guide.NAME]["B3"].value == "mof-2013" and [ws.title for ws in wb if ws.sheet_state == "visible"] == list(SHEET_NAMES)
    before = out.read_bytes()
    assert main(["new", "--ruleset", "xundian-2024", str(out)]) == 2
    assert "文件已存在" in capsys.readouterr().err and out.read_bytes() == before
    assert main(["new", "--ruleset", "mof-2013", str(tmp_path / "x.xls")]) == 2
    assert main(["new", "--ruleset", "nope", str(tmp_path / "y.xlsx")]) == 2


def test_new_with_a_custom_ruleset_file(tmp_path):
    from scoring.rules.ruleset import RULESET_DIR  # the shipped file as a user would copy it

    custom = tmp_path / "自定义.toml"
    custom.write_text((RULESET_DIR / "mof-2013.toml").read_text(encoding="utf-8").replace('id = "mof-2013"', 'id = "my-2025"'),
                      encoding="utf-8")
    out = tmp_path / "custom.xlsx"
    assert main(["new", "--ruleset", str(custom), str(out)]) == 0
    assert load_workbook(out)[guide.NAME]["B3"].value == str(custom.resolve())
    assessment = assess_workbook(out)  # the layout and ruleset are accepted; only data is missing
    assert {"单位名称未填写：报告标题和文中引用需要它", "评价年度未填写：报告标题和文中引用需要它"} <= {
        f.message for f in assessment.errors}
    assert not assessment.scorecard.complete and assessment.scorecard.grade is None


def test_demo_writes_the_sample_workbook(tmp_path, capsys):
    import datetime as dt

    from xladdin.files.pdf_convert import find_converter

    assert main(["demo", "--out", str(tmp_path)]) == 0
    assert main(["demo", "--out", str(tmp_path)]) == 0  # second run: numbered copies, nothing overwritten
    out = capsys.readouterr().out
    assert "总得分93.56分，等级优" in out and "总得分92.37分，等级优" in out
    day = f"{dt.date.today():%Y%m%d}"
    expected = []
    for name, kind in (("xundian-2024", "绩效评价报告"), ("self-2020", "绩效自评报告")):
        for n in ("", "(2)"):
            stem = f"{name}-sample{n}"
            expected += [f"{stem}.json", f"{stem}.xlsx", f"{stem}_{kind}_{day}.docx"]
            expected += [f"{stem}_{kind}_{day}.pdf"] if find_converter() else []
            expected += [f"{stem}_自评表_{day}_数值版.xlsx"] if name.startswith("self") else []
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(expected)
    assert assess_workbook(tmp_path / "xundian-2024-sample.xlsx").scorecard.total == score_evaluation(sample_evaluation(), XUNDIAN).total


def test_every_formula_cell_the_builder_wrote_is_checked():
    book = open_workbook(SAMPLE)
    covered = {e.place for e in expected_cells(assess(read_evaluation(book)[0], XUNDIAN)) if e.formula}
    written = {f"{title}!{ref}" for title, sheet in book.sheets.items() for ref, cell in sheet.cells.items()
               if cell.formula is not None}
    assert written and written == covered


@pytest.mark.parametrize("sheet, ref", [("汇总", "D19"), ("汇总", "D7"), ("问卷", "H6"), ("指标体系", "M35")])
def test_a_number_typed_over_a_total_is_flagged(tmp_path, sheet, ref):
    found = [f for f in assess_workbook(_edited(tmp_path, _set(sheet, ref, 99))).findings if f.code == "WB-FORMULA"]
    assert [f.where for f in found] == [f"{sheet}!{ref}"] and "实际为「99」" in found[0].message


def test_control_characters_survive_a_round_trip_without_escapes(tmp_path, seed):
    seed.info.unit_name = "某局\x0b（测试）"
    seed.narrative["org"] = "第一行\x01第二行"
    path = tmp_path / "ctrl.xlsx"
    build_workbook(XUNDIAN, seed).save(path)  # the builder drops what a sheet cannot store
    evaluation = read_workbook(path)
    assert evaluation.info.unit_name == "某局（测试）" and evaluation.narrative["org"] == "第一行第二行"
    wb = load_workbook(path)
    wb[info.NAME][info.cell("unit_name")] = "某局_x000B_（测试）"  # as a sheet stores an escaped control character
    wb.save(path)
    assert read_workbook(path).info.unit_name == "某局\x0b（测试）"

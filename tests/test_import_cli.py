"""`pe-eval import survey|accounts` end to end: export files on disk, the sample workbook, new files only.

tests/fixtures/wjx-text-export.xls is a 问卷星-style 按文本 export (6 respondents, a ┋ multi-select, 其他〖…〗,
skips) written with openpyxl and saved as Excel 97-2003 by LibreOffice (``soffice --convert-to xls``).
"""
import datetime as dt
import json
import zipfile
from decimal import Decimal

import pytest
from export_files import FORM_SHEET, assets_table, form_table, survey_table, write_xlsx
from openpyxl import Workbook, load_workbook

from scoring import COLUMNS, ROWS
from xladdin.workbook import build_templates
from xladdin.cli import commands as cli
from xladdin.workbook import accounts as accounts_sheet
from xladdin.workbook import survey as survey_sheet

SAMPLE = build_templates.TEMPLATES_DIR / build_templates.sample_name()
FIXTURES = build_templates.TEMPLATES_DIR.parent / "tests" / "fixtures"
SURVEY_NAME = "812345678_按序号_寻甸县融媒体中心满意度调查问卷_50_50.xlsx"


@pytest.fixture
def pe_eval():
    """`pe-eval` itself (its parser has the import commands)."""
    return cli.main


def _cleared(tmp_path, sheet, refs, name):
    book = load_workbook(SAMPLE)
    for ref in refs:
        book[sheet][ref] = None
    path = tmp_path / name
    book.save(path)
    return path


@pytest.fixture
def no_counts(tmp_path, seed):
    refs = [f"F{row}" for q in seed.survey.questions for row in survey_sheet.question_rows(q.number)[: len(q.options)]]
    return _cleared(tmp_path, survey_sheet.NAME, refs, "评价-无人数.xlsx")


@pytest.fixture
def no_accounts(tmp_path):
    refs = [accounts_sheet.cell(n, c) for n, row in ROWS.items() for c in COLUMNS if c not in row.na]
    return _cleared(tmp_path, accounts_sheet.NAME, refs, "评价-无决算.xlsx")


def _out(capsys):
    return capsys.readouterr().out


def test_survey_export_into_the_sample_with_counts_cleared_gives_4835_and_98_67(pe_eval, tmp_path, seed, no_counts, capsys):
    export = write_xlsx(tmp_path / SURVEY_NAME, {"Sheet1": survey_table(seed.survey, "按序号")})
    before = no_counts.read_bytes()
    assert pe_eval(["score", str(no_counts), "--json"]) == 0
    assert json.loads(_out(capsys))["survey"]["total"] == 0
    assert pe_eval(["import", "survey", str(export), "--into", str(no_counts)]) == 0
    out = _out(capsys)
    target = tmp_path / f"评价-无人数_导入_{dt.date.today():%Y%m%d}.xlsx"
    assert f"已写入：{target}" in out
    assert "（按序号）：收回50份，有效49份，不计1份：\n  第51行：未回答任何计分题目" in out
    assert "问卷得分：98.67分（问卷总分4835 ÷ 有效问卷49份）" in out and "总得分：93.56分    等级：优" in out
    assert "导出文件第11题「您对本部门还有什么意见和建议？」不在工作簿问卷表中，未导入" in out
    assert no_counts.read_bytes() == before  # the input is never written
    assert pe_eval(["score", str(target), "--json"]) == 0
    data = json.loads(_out(capsys))
    assert data["survey"] == {"total": 4835, "valid": 49, "average": 98.67} and data["total"] == 93.56
    assert pe_eval(["import", "survey", str(export), "--into", str(no_counts), "--json"]) == 0
    again = json.loads(_out(capsys))
    assert again["output"] == str(target.with_name(f"{target.stem}(2).xlsx")) and again["valid"] == 49
    assert again["excluded"] == [{"row": 51, "reason": "未回答任何计分题目"}]


def test_accounts_export_into_the_sample_checks_as_the_sample_and_a_changed_amount_breaks_its_identities(
        pe_eval, tmp_path, seed, no_accounts, capsys):
    assert pe_eval(["check", str(SAMPLE), "--json"]) == 0
    expected = json.loads(_out(capsys))["findings"]
    export = write_xlsx(tmp_path / "部门决算.xlsx", {"封面": [["2024年度部门决算报表"]], FORM_SHEET: form_table(seed.accounts),
                                                  "Z12 资产负债简表": assets_table()})
    out = tmp_path / "导入.xlsx"
    assert pe_eval(["import", "accounts", str(export), "--into", str(no_accounts), "-o", str(out)]) == 0
    assert "财决01表）：编制单位 寻甸回族彝族自治县融媒体中心，2024年度，读到" in _out(capsys)
    assert pe_eval(["check", str(out), "--json"]) == 0
    assert json.loads(_out(capsys))["findings"] == expected

    seed.accounts.set(60, "final", seed.accounts.get(60, "final") + Decimal("100"))  # 公用经费决算数 100 元 more
    changed = write_xlsx(tmp_path / "部门决算-改.xlsx", {FORM_SHEET: form_table(seed.accounts)})
    out = tmp_path / "导入-改.xlsx"
    assert pe_eval(["import", "accounts", str(changed), "--into", str(no_accounts), "-o", str(out)]) == 1
    _out(capsys)
    assert pe_eval(["check", str(out), "--json"]) == 1
    found = json.loads(_out(capsys))["findings"]
    new = [f for f in found if f not in expected]
    assert [(f["code"], f["where"], f["difference"]) for f in new] == [("ACC-58", "决算表第58行决算数（栏次9）", -100.0)]
    assert [f for f in expected if f not in found] == []


def test_without_into_the_export_is_printed_csv_and_xls_included(pe_eval, tmp_path, seed, capsys):
    rows = survey_table(seed.survey, "按文本")
    csv_path = tmp_path / "812345678_按文本_满意度调查_50_50.csv"
    csv_path.write_bytes("\r\n".join(",".join(str(v) for v in row) for row in rows).encode("gb18030"))
    assert pe_eval(["import", "survey", str(csv_path), "--json"]) == 0
    data = json.loads(_out(capsys))
    assert (data["returned"], data["valid"], len(data["questions"])) == (50, 49, 11)
    assert data["questions"][5] == {"number": 6, "title": "您认为该部门办理事务是否方便？", "counts": [46, 3], "skipped": 0}
    assert data["questions"][10]["counts"] == [36] and data["questions"][10]["skipped"] == 13  # 按文本: a 填空 too
    assert pe_eval(["import", "survey", str(FIXTURES / "wjx-text-export.xls")]) == 0
    out = _out(capsys)
    assert "（按文本）：收回6份，有效5份，不计1份：\n  第7行：未回答任何计分题目" in out
    assert "第2题 您通过哪些渠道了解本部门？（未作答1人）\n  电视：2人\n  微信公众号：3人\n  网站：2人" in out
    assert "第3题 您最希望本部门改进哪方面？（未作答1人）\n  办事效率：2人\n  其他：1人\n  信息公开：1人" in out


def test_accounts_without_into_prints_the_rows_and_their_check(pe_eval, tmp_path, seed, capsys):
    export = write_xlsx(tmp_path / "决算.xlsx", {FORM_SHEET: form_table(seed.accounts, wan=True)})
    assert pe_eval(["import", "accounts", str(export), "--json"]) == 0
    data = json.loads(_out(capsys))
    assert set(data) == {"unit_name", "year", "unit", "rows", "findings"}
    assert data["rows"]["1"] == [4228106.35, 5220840.38, 5220840.38] and data["rows"]["68"] == [None, None, 5350765.53]
    assert data["findings"] == []  # every identity holds
    assert pe_eval(["import", "accounts", str(export)]) == 0
    out = _out(capsys)
    assert "   1  4,228,106.35  5,220,840.38  5,220,840.38" in out and "所有勾稽关系和数据检查均通过" in out
    seed.accounts.set(27, "final", Decimal("1"))
    write_xlsx(export, {FORM_SHEET: form_table(seed.accounts)})
    assert pe_eval(["import", "accounts", str(export), "--json"]) == 1
    assert {f["code"] for f in json.loads(_out(capsys))["findings"]} == {"ACC-27", "ACC-31", "ACC-86"}


def test_new_files_only(pe_eval, tmp_path, seed, no_counts, capsys):
    export = write_xlsx(tmp_path / SURVEY_NAME, {"Sheet1": survey_table(seed.survey, "按序号")})
    taken = tmp_path / "已有.xlsx"
    taken.write_bytes(b"keep")
    base = ["import", "survey", str(export), "--into", str(no_counts)]
    assert pe_eval([*base, "-o", str(taken)]) == 2
    assert "文件已存在，未覆盖" in capsys.readouterr().err and taken.read_bytes() == b"keep"
    assert pe_eval([*base, "-o", str(taken), "--force"]) == 0
    assert load_workbook(taken)["问卷"]["F6"].value == 48
    assert pe_eval([*base, "-o", str(no_counts), "--force"]) == 2
    assert "是输入文件" in capsys.readouterr().err
    assert pe_eval(["import", "survey", str(export), "-o", str(taken)]) == 2
    assert "-o 只能与 --into 一起使用" in capsys.readouterr().err


def test_refusals_name_the_problem_and_write_nothing(pe_eval, tmp_path, seed, no_counts, no_accounts, capsys):
    other = write_xlsx(tmp_path / "民政局决算.xlsx", {FORM_SHEET: form_table(seed.accounts, unit="寻甸县民政局")})
    assert pe_eval(["import", "accounts", str(other), "--into", str(no_accounts)]) == 2
    assert "编制单位为「寻甸县民政局」" in capsys.readouterr().err
    wrong = survey_table(seed.survey, "按序号")
    wrong[5][8] = 7  # row 6, question 3: no 7th option
    export = write_xlsx(tmp_path / SURVEY_NAME, {"Sheet1": wrong})
    assert pe_eval(["import", "survey", str(export), "--into", str(no_counts)]) == 2
    err = capsys.readouterr().err
    assert "导出文件第3题（I列）「7」超出工作簿第3题的3个选项（A 及时得到反馈 10分；B 反馈但不及时 5分；C 未反馈 0分）（1处，如第6行）" in err
    assert sorted(p.name for p in tmp_path.glob("*_导入_*")) == []
    book = load_workbook(no_counts)
    book["问卷"]["F6"] = "四十"
    book.save(tmp_path / "有错.xlsx")
    assert pe_eval(["import", "survey", str(export), "--into", str(tmp_path / "有错.xlsx")]) == 2
    assert "问卷!F6" in capsys.readouterr().err


@pytest.mark.parametrize("kind", ["survey", "accounts"])
def test_a_self_form_takes_no_survey_or_accounts_import(pe_eval, tmp_path, seed, kind, capsys):
    """A 自评表 has neither a 问卷 nor a 决算 sheet: the import is refused, not lost in a copy of the form."""
    export = (write_xlsx(tmp_path / SURVEY_NAME, {"Sheet1": survey_table(seed.survey, "按序号")}) if kind == "survey"
              else write_xlsx(tmp_path / "决算.xlsx", {FORM_SHEET: form_table(seed.accounts)}))
    form = build_templates.TEMPLATES_DIR / "self-2020-sample.xlsx"
    assert pe_eval(["import", kind, str(export), "--into", str(form), "--force", "-o", str(tmp_path / "新.xlsx")]) == 2
    err = capsys.readouterr().err
    assert f"「self-2020-sample.xlsx」是自评表，没有{'问卷表' if kind == 'survey' else '决算表'}" in err and "Traceback" not in err
    assert not (tmp_path / "新.xlsx").exists()


def test_hostile_and_wrong_files_get_a_chinese_message(pe_eval, tmp_path, capsys):
    far = Workbook()
    far.active["A1"], far.active["XFD1048576"] = "序号", 1  # calamine would try to hold 17 billion cells
    far.save(tmp_path / "far.xlsx")
    (tmp_path / "page.xls").write_text("<html><table><tr><td>序号</td></tr></table></html>")
    (tmp_path / "text.xlsx").write_text("not a workbook")
    with zipfile.ZipFile(tmp_path / "bomb.xlsx", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b" " * 50_000_000)
    with zipfile.ZipFile(tmp_path / "hidden.xlsx", "w") as archive:  # far cells written so a plain search misses them
        archive.writestr("xl/sheet.xml", b"<row r='9'><c r = 'XFD1048576'/><c r=\"&#88;FD1\"/></row>")
    cases = {"far.xlsx": "表格范围超过", "hidden.xlsx": "表格范围超过", "page.xls": "网页表格（HTML）",
             "text.xlsx": "不是有效的 Excel 文件", "bomb.xlsx": "疑似压缩炸弹", "missing.csv": "找不到导出文件"}
    for name, message in cases.items():
        for kind in ("survey", "accounts"):
            assert pe_eval(["import", kind, str(tmp_path / name)]) == 2, name
            err = capsys.readouterr().err
            assert err.startswith("错误：") and message in err and "Traceback" not in err, (name, err)

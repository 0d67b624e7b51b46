"""Inputs that once gave an internal error now give a clean Chinese message naming the cell or the file."""
import re
import zipfile

import pytest
from hostile_inputs import inputs

from xladdin.cli import main
from xladdin.files.safe_io import NAME_MAX_BYTES, available_path
from xladdin.workbook import assess_workbook

MADE = {item.name: item for item in inputs()}


def make(name: str, folder):
    item = MADE[name]
    return item.make(folder / (name if "." in name else f"{name}.xlsx"))


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_time_formatted_indicator_input_is_the_cells_own_message(tmp_path, capsys):
    code, out, err = run(capsys, "check", make("indicator-time-format", tmp_path))
    assert code == 1 and err == ""
    assert "[错误] WB-INPUT 指标体系!H4：指标体系!H4 设置成了时间格式（显示为 12:00:00）：请把单元格格式改为“常规”或“文本”后重新填写" in out


def test_a_lone_surrogate_in_the_unit_name_is_the_cells_own_message(tmp_path, capsys):
    path = make("unit-lone-surrogate", tmp_path)
    assessment = assess_workbook(path)
    assert assessment.evaluation.info.unit_name == "寻甸\ufffd融媒体中心"
    assert any(f.where == "基本信息!B3" and "不成对的代理字符" in f.message for f in assessment.findings)
    code, _, err = run(capsys, "values", path)  # the copy can be written: no half character reaches the file
    assert code == 0 and err == ""


@pytest.mark.parametrize("name, message", [
    ("fund-extreme.json", "self_form.fund.total.initial：「1E+999999」不是有效的资金情况年初预算数"),
    ("fund-huge.json", "资金情况年初预算数「999999999999999999999999999999…」数值过大（整数部分不超过15位）"),
])
def test_extreme_fund_figures_are_named(tmp_path, capsys, name, message):
    code, _, err = run(capsys, "score", make(name, tmp_path))
    assert code == 2 and err.startswith("错误：评价数据") and message in err, err


def test_more_cell_formats_than_excel_allows_are_refused(tmp_path, capsys):
    code, _, err = run(capsys, "score", make("styles-120k", tmp_path))
    assert code == 2 and re.search(r"有\d+种单元格格式，超过 Excel 的上限65490种", err), err


@pytest.mark.parametrize("name, what", [("merge-whole-sheet", "合并单元格"), ("hyperlink-whole-sheet", "超链接")])
def test_the_static_copy_refuses_what_would_expand_a_whole_sheet(tmp_path, capsys, name, what):
    code, _, err = run(capsys, "values", make(name, tmp_path))
    assert code == 2 and f"的{what}「A1:XFD1048576」覆盖17179869184个单元格，超过1000000个的上限" in err, err


def test_the_static_copy_of_a_workbook_with_a_far_cell_copies_only_the_cells_there_are(tmp_path, capsys):
    path = make("far-cell-0", tmp_path)
    code, out, err = run(capsys, "values", path, "-o", tmp_path / "副本.xlsx")
    assert code == 0 and err == "" and "总得分：93.56分" in out
    with zipfile.ZipFile(tmp_path / "副本.xlsx") as copy:
        assert any(b'r="XFD1048576"' in copy.read(name) for name in copy.namelist() if name.startswith("xl/worksheets/"))


def test_names_made_from_a_long_file_name_are_shortened(tmp_path, capsys):
    source = make("long-" + "长" * 80, tmp_path)
    assert len(source.name.encode()) == 250
    code, out, err = run(capsys, "values", source)
    written = next(p for p in tmp_path.iterdir() if p != source)
    assert code == 0 and err == "" and out.startswith(f"已写入静态副本：{written}")
    assert len(written.name.encode()) <= NAME_MAX_BYTES - 8
    assert written.name.startswith("long-长长") and written.name.endswith("长…长长长长长长长_静态副本.xlsx")
    assert available_path(written).name.endswith("(2).xlsx")


@pytest.mark.parametrize("argv", [
    ["report", "{sample}", "-o", "{long}.docx"], ["values", "{sample}", "-o", "{long}.xlsx"],
    ["batch", "{sample}", "--out", "{long}.csv"],
])
def test_a_users_own_name_too_long_is_refused_plainly(tmp_path, capsys, argv):
    from test_hostile_files import SAMPLE

    long = tmp_path / ("长" * 90)
    code, _, err = run(capsys, *(a.format(sample=SAMPLE, long=long) for a in argv))
    assert code == 2 and err.startswith("错误：输出文件名「长长") and "过长（27" in err and "不能超过255字节" in err, err


@pytest.mark.parametrize("name, message", [
    ("narrative-2.5M.json", "narrative.org：最多32767个字符"),  # as much as an Excel cell holds, from JSON as well
    ("progress-10000.json", "info.execution_progress：最多24项"),
])
def test_evaluation_data_beyond_what_a_workbook_holds_is_refused(tmp_path, capsys, name, message):
    code, _, err = run(capsys, "check", make(name, tmp_path))
    assert code == 2 and message in err, err


def test_fifteen_sections_at_excels_limit_are_checked(tmp_path, capsys):
    code, out, err = run(capsys, "check", make("narrative-15x32767.json", tmp_path))
    assert code in (0, 1) and err == "" and out.startswith("检查完成")


def test_more_defined_names_than_any_evaluation_workbook_are_refused(tmp_path, capsys):
    code, _, err = run(capsys, "check", make("defined-names-180k", tmp_path))
    assert code == 2 and "有180015个定义名称，超过10000个的上限" in err, err


def test_a_part_the_full_load_cannot_read_is_a_clean_message_for_the_copy(tmp_path, capsys):
    path = make("nesting-700k", tmp_path)  # 700,000 nested elements after the cells: the reader never sees them
    assert run(capsys, "score", path)[0] == 0
    code, _, err = run(capsys, "values", path, "-o", tmp_path / "副本.xlsx")
    assert code == 2 and "有无法完整读取的内容" in err and "无法生成静态副本" in err, err


def test_a_questionnaire_beyond_any_real_one_is_refused_naming_the_limit(tmp_path, capsys):
    code, _, err = run(capsys, "report", make("questions-2000.json", tmp_path), "-o", tmp_path / "报告.docx")
    assert code == 2 and "survey.questions：最多200项" in err and not (tmp_path / "报告.docx").exists(), err


def test_an_export_with_more_questions_than_a_questionnaire_holds_is_refused(tmp_path, capsys):
    from export_files import write_xlsx

    header = ["序号", "提交答卷时间", "所用时间", *(f"{n}、您对第{n}项工作是否满意？" for n in range(1, 202))]
    rows = [[r, "2025/3/1 10:00:00", "100秒", *([1, 2, 3][(r + n) % 3] for n in range(201))] for r in range(1, 6)]
    path = write_xlsx(tmp_path / "1_按序号_满意度_5_5.xlsx", {"Sheet1": [header, *rows]})
    code, out, err = run(capsys, "import", "survey", path)
    assert code == 2 and "导出文件有201道题，超过问卷200道题的上限" in err and "Traceback" not in err, (out, err)


def test_a_sparse_xls_export_is_measured_before_it_is_read(tmp_path, capsys):
    import resource

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    code, _, err = run(capsys, "import", "survey", make("export-sparse.xls", tmp_path))
    assert code == 2 and "「export-sparse.xls」的表格范围超过5000000个单元格" in err, err
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200_000  # KB: the block was never built


def test_the_xls_measure_counts_the_cells_calamine_reads():
    from pathlib import Path

    from python_calamine import CalamineWorkbook

    from xladdin.files.xls_extent import xls_cells

    fixture = Path(__file__).parent / "fixtures" / "wjx-text-export.xls"
    book = CalamineWorkbook.from_path(str(fixture))
    ends = [book.get_sheet_by_name(name).end for name in book.sheet_names]
    assert xls_cells(fixture) == sum((row + 1) * (column + 1) for row, column in filter(None, ends)) == 63


def test_an_xls_that_makes_the_reader_abort_ends_a_worker_not_the_command(tmp_path, capfd):
    code = main(["import", "survey", str(make("export-dimensions.xls", tmp_path))])
    out, err = capfd.readouterr()
    assert code == 2 and "无法读取「export-dimensions.xls」：文件已损坏或不是有效的 Excel 文件（读取程序异常退出）" in err, err
    assert "memory allocation" not in err and "backtrace" not in err and "Traceback" not in err


def test_a_shared_string_table_declaring_billions_of_texts_is_refused_before_it_is_read(tmp_path, capfd):
    code = main(["import", "accounts", str(make("export-declared-strings", tmp_path))])
    out, err = capfd.readouterr()
    assert code == 2 and "的共享文本表声明的条数超过5000000条" in err and "backtrace" not in err, err


@pytest.mark.parametrize("ruleset, path, value, where", [
    ("xundian-2024", ("info", "fixed_assets_net"), "1e999", "info.fixed_assets_net"),
    ("xundian-2024", ("info", "three_public_current"), 1e308, "info.three_public_current"),
    ("xundian-2024", ("info", "execution_progress", 0, "rate"), "9" * 5000, "info.execution_progress[1].rate"),
    ("xundian-2024", ("indicators", 15, "override"), "1E+999999", "indicators[B12].override"),
])
def test_a_number_no_cell_could_hold_is_named_not_an_internal_error(tmp_path, capsys, ruleset, path, value, where):
    """Found by fuzzing the evaluation JSON: 1e999 in a money field reached the rounding (decimal.InvalidOperation)."""
    import json

    from scoring import sample_evaluation

    data = json.loads(sample_evaluation(ruleset).model_dump_json())
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    source = tmp_path / "数据.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, _, err = run(capsys, "check", source)
    assert code == 2 and f"- {where}：「" in err and "不是有效的数值（整数部分不超过15位）" in err and "程序内部错误" not in err, err


def test_a_ruleset_number_no_cell_could_hold_is_named_not_an_internal_error(tmp_path, capsys):
    """Found by fuzzing the shipped TOML: a weight of 1e999 reached the rounding of a structure message."""
    from pathlib import Path

    rulesets = Path(__file__).resolve().parents[1] / "scoring" / "rules" / "rulesets"
    text = (rulesets / "xundian-2024.toml").read_text(encoding="utf-8").replace("weight = 45", "weight = 1e999", 1)
    assert "1e999" in text
    path = tmp_path / "规则.toml"
    path.write_text(text, encoding="utf-8")
    code, _, err = run(capsys, "ruleset", path)
    assert code == 2 and "].weight：「1E+999」不是有效的数值（整数部分不超过15位）" in err and "程序内部错误" not in err, err

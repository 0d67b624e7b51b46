"""问卷星 exports as users hand them over: another unit's questionnaire, answers over two sheets, a CSV with a
stray quote, a respondent twice, a title starting with a number, UTF-16 text, an .xlsx without cell positions."""
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from export_files import META, survey_table, write_xlsx

from scoring import ExportError, import_survey, read_survey_export
from xladdin.cli import commands as cli
from xladdin.files.export_tables import read_table_file
from xladdin.files.imports import survey_export
from xladdin.workbook import build_templates

SAMPLE = build_templates.TEMPLATES_DIR / build_templates.sample_name()
SEED_COUNTS = [48, 49, 49, 49, 49, 46, 47, 48, 45, 47]  # each question's first option, as the sample has them


@pytest.fixture
def sample(tmp_path):
    path = tmp_path / "评价.xlsx"
    path.write_bytes(SAMPLE.read_bytes())
    return path


def _name(title):
    return f"812345678_按序号_{title}_50_50.xlsx"


def _into(tmp_path, capsys, seed, sample, title, *extra):
    export = write_xlsx(tmp_path / _name(title), {"Sheet1": survey_table(seed.survey, "按序号")})
    code = cli.main(["import", "survey", str(export), "--into", str(sample), "--json", *extra])
    out = capsys.readouterr()
    return code, (json.loads(out.out) if out.out else None), out.err


def test_a_questionnaire_of_another_unit_is_refused_and_forced_with_a_warning(tmp_path, capsys, seed, sample):
    code, _, err = _into(tmp_path, capsys, seed, sample, "石门县财政局满意度调查问卷")
    assert code == 2 and "所指单位「石门县财政局」与工作簿基本信息的单位名称「寻甸回族彝族自治县融媒体中心」不同" in err
    assert "未写入任何数据" in err and not list(tmp_path.glob("评价_导入_*.xlsx"))
    code, data, _ = _into(tmp_path, capsys, seed, sample, "石门县财政局满意度调查问卷", "--force")
    assert [n["severity"] for n in data["notes"] if n["code"] == "SVI-UNIT"] == ["warning"]
    assert data["valid"] == 49


def test_the_units_short_name_in_the_title_is_the_same_unit(tmp_path, capsys, seed, sample):
    code, data, _ = _into(tmp_path, capsys, seed, sample, "寻甸县融媒体中心满意度调查问卷")
    notes = [n for n in data["notes"] if n["code"] == "SVI-UNIT"]
    assert [n["severity"] for n in notes] == ["info"] and "「寻甸县融媒体中心」" in notes[0]["message"]
    _, data, _ = _into(tmp_path, capsys, seed, sample, "2024年度群众满意度调查")  # names no unit: nothing to compare
    assert not [n for n in data["notes"] if n["code"] == "SVI-UNIT"]


@pytest.mark.parametrize("with_header", [True, False])
def test_answers_over_two_sheets_are_all_counted(tmp_path, seed, with_header):
    table = survey_table(seed.survey, "按序号", skipped_respondent=False)
    second = table[31:] if not with_header else [table[0], *table[31:]]
    path = write_xlsx(tmp_path / _name("满意度调查"), {"答卷1": table[:31], "答卷2": second, "说明": [["本表由问卷星导出"]]})
    result = import_survey(survey_export(path), seed.survey.questions)
    assert [q.counts[0] for q in result.questions] == SEED_COUNTS and result.valid == 49
    sheets = [n.message for n in result.notes if n.code == "SVI-SHEETS"]
    assert sheets == ["答卷分布在2个工作表，已合并：工作表「答卷2」的19份答卷记为第32–50行"]


def test_a_second_sheet_with_another_header_is_refused(tmp_path, seed):
    table = survey_table(seed.survey, "按序号", skipped_respondent=False)
    other = [[*META, "1、您的年龄"], [1, "", "", "", "", "", 2]]
    path = write_xlsx(tmp_path / _name("满意度调查"), {"Sheet1": table, "Sheet2": other})
    with pytest.raises(ExportError, match="工作表「Sheet2」也有答卷，但表头与第一个工作表不同"):
        survey_export(path)


def _csv(table):
    return "".join(",".join(str(v) for v in row) + "\n" for row in table)


def test_a_stray_quote_swallowing_the_rest_of_a_csv_is_refused_with_its_lines(tmp_path, seed):
    table = survey_table(seed.survey, "按序号")
    table[3][-1] = '"很好'  # the 填空 answer of the third respondent opens a quote that never closes
    path = tmp_path / "答卷.csv"
    path.write_text(_csv(table), encoding="utf-8")
    with pytest.raises(ExportError, match=r"第4行的一个单元格从引号 \" 开始，把第5至51行（47行）并进了这一个单元格"):
        read_table_file(path)
    table[3][-1] = '"第一条,加强宣传\n第二条,增加活动"'  # a written answer on two lines is fine
    path.write_text(_csv(table), encoding="utf-8")
    assert len(read_table_file(path)["答卷"]) == len(table) == 51


def test_a_utf16_tab_separated_export_is_read_as_the_utf8_one(tmp_path, seed):
    table = survey_table(seed.survey, "按序号")
    utf16 = tmp_path / "答卷16.csv"
    utf16.write_bytes(_csv(table).replace(",", "\t").encode("utf-16"))
    plain = tmp_path / "答卷.csv"
    plain.write_text(_csv(table), encoding="utf-8")
    assert read_table_file(utf16)["答卷16"] == read_table_file(plain)["答卷"]
    result = import_survey(read_survey_export(read_table_file(utf16)["答卷16"], _name("满意度调查")), seed.survey.questions)
    assert [q.counts[0] for q in result.questions] == SEED_COUNTS


def test_a_respondent_exported_twice_is_counted_once_with_a_warning(seed):
    table = survey_table(seed.survey, "按序号")
    table.insert(10, list(table[9]))  # respondent 9 again, right after itself
    result = import_survey(read_survey_export(table, _name("满意度调查")), seed.survey.questions)
    assert [q.counts[0] for q in result.questions] == SEED_COUNTS and (result.returned, result.valid) == (51, 49)
    assert [e.reason for e in result.excluded if e.row == 11] == ["序号9与第10行相同，重复的答卷不计"]
    warning, = [n for n in result.notes if n.code == "SVI-DUPLICATE"]
    assert warning.severity == "warning" and "第11行" in warning.message


def test_a_title_starting_with_a_number_is_a_question():
    export = read_survey_export([[*META, "1、您的性别", "2、2024年您是否参加过本单位的活动？", "3.5"],
                                 [1, "", "", "", "", "", 1, 2, ""]], _name("x"))
    assert [(i.number, i.title) for i in export.items] == [(1, "您的性别"), (2, "2024年您是否参加过本单位的活动？")]
    assert export.ignored == ("I列「3.5」",)


def test_an_xlsx_without_cell_positions_is_not_taken_for_a_huge_one(tmp_path, seed):
    table = survey_table(seed.survey, "按序号")
    table += [[len(table) + i, *row[1:]] for i, row in enumerate(table[1:] * 2)]  # 150 respondents × 17 columns
    path = write_xlsx(tmp_path / _name("满意度调查"), {"Sheet1": table})
    bare = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(bare, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb'<dimension ref="[^"]*"/>', b"", re.sub(rb' r="[A-Z]*\d+"', b"", data))
            dst.writestr(item, data)
    stripped = Path(tmp_path / "无位置.xlsx")
    stripped.write_bytes(bare.getvalue())
    assert b' r="' not in zipfile.ZipFile(stripped).read("xl/worksheets/sheet1.xml")
    rows = read_table_file(stripped)["Sheet1"]
    assert (len(rows), len(rows[0])) == (len(table), len(table[0])) == (151, 17)

"""The effort metric: the seed department's workbook from a blank template, its two exports and the facts no
file holds — counted cell by cell, and scored as the sample (93.56 优, questionnaire 4835 ÷ 49 = 98.67).

The exports are generated from the sample's data: the 问卷星 按序号 answer sheet (option numbers only: no option
texts, no scores) and the 部门决算 software's Z01 财决01表 with its Z12 资产负债简表. What is typed is what they
cannot hold: the 分值方案 of the questionnaire, the unit's facts, the progress of the year, and the evaluator's
judgements (with the reasons the manual scores need). Report prose is not counted: it does not change the score.
"""
import json
from decimal import Decimal

from export_files import FORM_SHEET, assets_table, form_table, survey_table, write_xlsx
from openpyxl import load_workbook

from xladdin.cli import commands as cli
from xladdin.workbook import build_templates

TEMPLATE = build_templates.TEMPLATES_DIR / "xundian-2024-template.xlsx"
SAMPLE = build_templates.TEMPLATES_DIR / build_templates.sample_name()
MAX_TYPED = 60
# sheet → the cells a user types, each holding what the sample holds there
TYPED = {
    "问卷": ["B4"],  # 分值方案 10/5/0 (typed before the import: the export has option numbers only)
    "基本信息": ["B5", "B6", "B7", "B8", "B9", "B10", "B11", "B12", "B20", "B21", "B22", "B23", "B24",
                 "A41", "B41", "A42", "B42", "A43", "B43", "A44", "B44"],
    "指标体系": ["H4", "H5", "H6", "H7", "H8", "H9", "H10", "H11", "H12", "H13", "H14", "H15", "H16", "H17", "H21",
                 "H22", "H23", "J23", "H24", "H26", "H27", "H29", "H30", "H31",
                 "K19", "L19", "K28", "L28", "K32", "L32", "K33", "L33", "K34", "L34"],
}
SCALE = "10/5/0"


def _type(source, target, sheets):
    """Type ``sheets``' cells into ``source`` as the sample holds them; how many were typed."""
    sample, book = load_workbook(SAMPLE), load_workbook(source)
    typed = 0
    for sheet, refs in sheets.items():
        for ref in refs:
            value = SCALE if (sheet, ref) == ("问卷", "B4") else sample[sheet][ref].value
            assert value not in (None, ""), f"{sheet}!{ref}"
            assert book[sheet][ref].value in (None, ""), f"{sheet}!{ref} already holds {book[sheet][ref].value}"
            book[sheet][ref] = value
            typed += 1
    book.save(target)
    return typed


def test_the_seed_workbook_from_a_blank_template_and_two_exports_takes_at_most_60_typed_cells(tmp_path, seed, capsys):
    survey_export = write_xlsx(tmp_path / "812345678_按序号_寻甸县融媒体中心满意度调查问卷_50_50.xlsx",
                               {"Sheet1": survey_table(seed.survey, "按序号")})
    accounts_export = write_xlsx(tmp_path / "部门决算.xlsx", {FORM_SHEET: form_table(seed.accounts),
                                                             "Z12 资产负债简表": assets_table()})
    typed = _type(TEMPLATE, tmp_path / "评价.xlsx", {"问卷": TYPED["问卷"]})
    cli.main(["import", "survey", str(survey_export), "--into", str(tmp_path / "评价.xlsx"), "-o", str(tmp_path / "1.xlsx")])
    cli.main(["import", "accounts", str(accounts_export), "--into", str(tmp_path / "1.xlsx"), "-o", str(tmp_path / "2.xlsx")])
    capsys.readouterr()
    typed += _type(tmp_path / "2.xlsx", tmp_path / "完成.xlsx", {k: v for k, v in TYPED.items() if k != "问卷"})
    assert typed == sum(map(len, TYPED.values())) == 56 and typed <= MAX_TYPED

    assert cli.main(["score", str(tmp_path / "完成.xlsx"), "--json"]) == 0
    card = json.loads(capsys.readouterr().out)
    assert (card["complete"], Decimal(str(card["total"])), card["grade"]) == (True, Decimal("93.56"), "优")
    assert (Decimal(str(card["survey"]["total"])), card["survey"]["valid"], Decimal(str(card["survey"]["average"]))) == (
        Decimal(4835), 49, Decimal("98.67"))
    # what the exports filled: the whole 决算, the unit, year and Z12 totals, the questionnaire's titles and counts
    book = load_workbook(tmp_path / "完成.xlsx")
    assert book["基本信息"]["B3"].value == "寻甸回族彝族自治县融媒体中心" and book["基本信息"]["B4"].value == 2024
    assert book["问卷"]["B6"].value == seed.survey.questions[0].text and book["问卷"]["F3"].value == 49

"""The generated workbooks, opened with openpyxl: sheets, names, formulas, validations, protection, layout, drift."""
import re

import pytest
from openpyxl import load_workbook

from scoring import IDENTITIES, NARRATIVE_SECTIONS, ROWS, load_ruleset, sample_evaluation, shipped_rulesets
from xladdin.workbook import build_templates
from xladdin.workbook import SHEET_NAMES
from xladdin.workbook import accounts as accounts_sheet
from xladdin.workbook import guide as guide_sheet
from xladdin.workbook import indicators as indicators_sheet
from xladdin.workbook import info as info_sheet
from xladdin.workbook import report as report_sheet
from xladdin.workbook import summary as summary_sheet
from xladdin.workbook import survey as survey_sheet
from xladdin.workbook.file import EMBED_SHEET, LAYOUT_VERSION, NAME_LAYOUT, NAME_RULESET, NAME_RULESET_REF

TEMPLATES = build_templates.TEMPLATES_DIR
SAMPLE = TEMPLATES / build_templates.sample_name()
FILES = [TEMPLATES / build_templates.template_name(rid) for rid in shipped_rulesets()
         if load_ruleset(rid).form == "report"] + [SAMPLE]  # the self-evaluation form's sheets: test_self_evaluation
REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")


@pytest.fixture(scope="module", params=FILES, ids=lambda p: p.name)
def workbook(request):
    return load_workbook(request.param)


def test_committed_files_match_a_fresh_build():
    """Regenerate with `python -m xladdin.workbook.build_templates` when this fails."""
    assert build_templates.drift() == []


def test_sheets_names_and_version(workbook):
    assert workbook.sheetnames == [*SHEET_NAMES, EMBED_SHEET] and workbook[EMBED_SHEET].sheet_state == "veryHidden"
    names = {name: dn.attr_text for name, dn in workbook.defined_names.items()}
    assert names[NAME_RULESET] == f"{EMBED_SHEET}!$A$1:$A$1"  # the formulas pass the embedded ruleset itself
    assert names[NAME_RULESET_REF] == "说明!$B$3" and names[NAME_LAYOUT] == "说明!$B$5"
    assert {summary_sheet.NAME_TOTAL, summary_sheet.NAME_GRADE, "有效问卷数", "问卷综合得分", "问卷满意率"} <= set(names)
    assert workbook[guide_sheet.NAME]["B5"].value == LAYOUT_VERSION
    assert workbook[guide_sheet.NAME]["B3"].value in shipped_rulesets()


def test_every_sheet_is_protected_without_password_and_inputs_are_unlocked(workbook):
    for ws in workbook.worksheets:
        assert ws.protection.sheet and not ws.protection.password
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    assert cell.protection.locked, f"{ws.title}!{cell.coordinate} formula must be locked"
                if cell.fill.fgColor.rgb == "00FFF2CC" and ws.title != guide_sheet.NAME:  # input yellow (说明 shows a sample)
                    assert not cell.protection.locked, f"{ws.title}!{cell.coordinate}"


def _args(formula: str, name: str) -> list[str]:
    match = re.fullmatch(rf"={name}\((.*)\)", formula)
    assert match, formula
    return match.group(1).split(",")


def test_score_cells_call_pe_with_cells_of_their_own_row(workbook):
    rs = load_ruleset(workbook[guide_sheet.NAME]["B3"].value)
    ws = workbook[indicators_sheet.NAME]
    names = set(workbook.defined_names.keys())
    for index, (_, _, indicator) in enumerate(indicators_sheet.order(rs)):
        row = indicators_sheet.FIRST_ROW + index
        assert ws[f"{indicators_sheet.COL['code']}{row}"].value == indicator.code
        for key, name in (("score", "PE_SCORE"), ("explain", "PE_EXPLAIN")):
            for arg in _args(ws[f"{indicators_sheet.COL[key]}{row}"].value, name):
                match = REF.match(arg)
                assert arg in names or (match and int(match.group(2)) == row), f"{indicator.code}: {arg}"


def test_bound_inputs_are_formulas_into_the_data_sheets(workbook):
    rs = load_ruleset(workbook[guide_sheet.NAME]["B3"].value)
    ws = workbook[indicators_sheet.NAME]
    bound = 0
    for index, (_, _, indicator) in enumerate(indicators_sheet.order(rs)):
        for ref, col in zip(indicator.rule.inputs(), indicators_sheet.INPUT_COLUMNS):
            cell = ws[f"{col}{indicators_sheet.FIRST_ROW + index}"]
            if ref.source:
                bound += 1
                assert cell.data_type == "f" and re.match(r"=IF\((决算|基本信息|问卷)!", cell.value), cell.value
            else:
                assert cell.data_type != "f" and not cell.protection.locked
    assert bound >= 5
    b12 = indicators_sheet.FIRST_ROW + [i.code for _, _, i in indicators_sheet.order(rs)].index("B12") if rs.id == "xundian-2024" else None
    if b12:
        assert ws[f"H{b12}"].value == '=IF(决算!O9="","",决算!O9)'  # 第61行项目支出决算数
        assert workbook[accounts_sheet.NAME]["K9"].value == "二、项目支出" and workbook[accounts_sheet.NAME]["L9"].value == 61


def test_indicator_groups_are_merged_like_the_seed(workbook):
    rs = load_ruleset(workbook[guide_sheet.NAME]["B3"].value)
    ws = workbook[indicators_sheet.NAME]
    merged = {str(r) for r in ws.merged_cells.ranges}
    order = indicators_sheet.order(rs)
    page_starts = {brk.id + 1 for brk in ws.row_breaks.brk}  # a group over a page break is merged on each page
    for column, level in (("A", 0), ("B", 1)):
        for group in (rs.level1 if level == 0 else rs.level2):
            rows = [indicators_sheet.FIRST_ROW + i for i, item in enumerate(order) if item[level].code == group.code]
            cuts = [row for row in rows[1:] if row in page_starts]
            for first, last in zip([rows[0], *cuts], [*(row - 1 for row in cuts), rows[-1]]):
                if last > first:
                    assert f"{column}{first}:{column}{last}" in merged
                assert ws[f"{column}{first}"].value.startswith(f"{group.code}{group.name}")
    total = indicators_sheet.total_row(rs)
    assert ws[f"A{total}"].value == "合计"
    assert ws[f"M{total}"].value == f"=ROUND(SUM(M{indicators_sheet.FIRST_ROW}:M{total - 1}),2)"


def test_dropdowns_and_number_validations(workbook):
    rs = load_ruleset(workbook[guide_sheet.NAME]["B3"].value)
    validations = workbook[indicators_sheet.NAME].data_validations.dataValidation

    def covering(ref):
        return [dv for dv in validations if ref in dv.sqref]

    for index, (_, _, indicator) in enumerate(indicators_sheet.order(rs)):
        row = indicators_sheet.FIRST_ROW + index
        kind = indicator.rule.type
        found = covering(f"H{row}")
        if kind == "level":
            assert found[0].type == "list" and found[0].formula1.startswith('"①,②')
        if kind == "veto":
            assert covering(f"J{row}")[0].formula1 == '"是,否"'
        if kind == "discretionary":
            assert found[0].type == "decimal" and found[0].formula2 == f"{indicator.weight.normalize():f}"
        override = covering(f"K{row}")[0]
        assert override.type == "decimal" and override.showErrorMessage and override.prompt
    info = workbook[info_sheet.NAME].data_validations.dataValidation
    assert any(dv.type == "whole" and info_sheet.cell("staff_quota") in dv.sqref for dv in info)


def test_accounts_sheet_has_the_real_layout(workbook):
    ws = workbook[accounts_sheet.NAME]
    assert [ws[f"{c}5"].value for c in "CDEHIJMNO"] == [str(n) for n in range(1, 10)]  # 栏次 1–9
    for number, row in ROWS.items():
        for column in ("initial", "budget", "final"):
            cell = ws[accounts_sheet.cell(number, column)]
            if column in row.na:
                assert cell.value == "—" and cell.protection.locked
            else:
                assert cell.number_format == "#,##0.00" and not cell.protection.locked
    assert ws["A32"].value == "本年收入合计" and ws["B32"].value == 27
    assert ws["F32"].value == "本年支出合计" and ws["G32"].value == 84
    assert ws["K6"].value == "一、基本支出" and ws["L6"].value == 58
    assert ws["G36"].value == 88 and ws["B36"].value == 31


def test_a_live_check_beside_every_identity(workbook):
    ws = workbook[accounts_sheet.NAME]
    for identity in IDENTITIES:
        row = accounts_sheet.check_row(identity)
        assert ws[f"Q{row}"].value == identity.code
        formulas = [ws[f"{col}{row}"].value for col in "STU"]
        assert f"PE_CHECK($Q{row}," in formulas[2]  # 决算数 is checked for every identity
        for column, value in zip(("initial", "budget", "final"), formulas):
            assert (value == "—") != accounts_sheet.check_applies(identity, column)
    # blank without calling the add-in while no figure is entered (no #NAME? in WPS/LibreOffice)
    assert ws["U6"].value == '=IF(COUNT(E32,E6:E13)=0,"",PE_CHECK($Q6,E32,E6:E13))'  # ACC-27: 27 = Σ 1–8
    assert ws[f"U{accounts_sheet.check_row(IDENTITIES[-1])}"].value == (  # 86 = 29 + 27 − 84
        '=IF(COUNT(J34,E34,E32,J32)=0,"",PE_CHECK($Q16,J34,E34,E32,J32))')


def test_conditional_formats_freeze_and_print(workbook):
    ws = workbook[indicators_sheet.NAME]
    rules = [(str(cf.sqref), rule.formula[0]) for cf in ws.conditional_formatting for rule in cf.rules]
    assert any(f.startswith('$K4<>""') for _, f in rules)  # override → amber
    assert any(f.startswith("ISTEXT(M4)") for _, f in rules)  # no score → red
    checks = [rule.formula[0] for cf in workbook[accounts_sheet.NAME].conditional_formatting for rule in cf.rules]
    assert 'AND(S6<>"",S6<>"—")' in checks
    assert ws.freeze_panes == "E4" and workbook[accounts_sheet.NAME].freeze_panes == "A6"
    for name in (accounts_sheet.NAME, indicators_sheet.NAME):
        setup = workbook[name].page_setup
        assert setup.orientation == "landscape" and setup.paperSize == 9 and setup.fitToWidth == 1
    assert workbook[indicators_sheet.NAME].column_dimensions["N"].width == 34


def test_summary_and_report_sheets(workbook):
    rs = load_ruleset(workbook[guide_sheet.NAME]["B3"].value)
    ws = workbook[summary_sheet.NAME]
    layout = summary_sheet.layout(rs)
    grade = f"PE_GRADE(D{layout.total_row},规则集)"
    assert ws[f"D{layout.grade_row}"].value == f'=IF(D{layout.incomplete_row}>0,"未完成",{grade})'
    first = layout.findings_first_row
    kinds = {ws[f"A{r}"].value for r in range(first, ws.max_row + 1)}
    assert kinds == {"决算勾稽", "问卷", "指标计分"}
    report = workbook[report_sheet.NAME]
    assert report.column_dimensions["A"].hidden
    keys = [section.key for section in NARRATIVE_SECTIONS]
    assert [report[f"A{report_sheet.FIRST_ROW + i}"].value for i in range(len(keys))] == keys


def test_the_sample_holds_the_seed_figures():
    wb = load_workbook(SAMPLE)
    seed = sample_evaluation()
    assert wb[info_sheet.NAME][info_sheet.cell("unit_name")].value == seed.info.unit_name
    assert wb[accounts_sheet.NAME][accounts_sheet.cell(1, "initial")].value == 4228106.35
    assert wb[accounts_sheet.NAME][accounts_sheet.cell(68, "final")].value == 5350765.53
    assert wb[survey_sheet.NAME][survey_sheet.VALID].value == 49
    assert wb[indicators_sheet.NAME]["H7"].value == "①②③=0.7"  # A14, partial credit as typed
    assert wb[indicators_sheet.NAME]["H6"].value == 1.8  # A13, a number
    assert wb[report_sheet.NAME][f"C{report_sheet.FIRST_ROW}"].value == seed.narrative.get("org")


def test_guide_explains_colours_and_conventions():
    ws = load_workbook(TEMPLATES / build_templates.template_name("xundian-2024"))[guide_sheet.NAME]
    text = "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
    for needle in ("浅黄色", "浅蓝色", "红色", "琥珀色", "③=0.7", "全部", "pe-eval score", "PE_CHECK", "xladdin.excel.udfs"):
        assert needle in text

"""Evaluate the workbooks' formulas without Excel (the `formulas` package, PE_ functions registered):
every PE_ cell equals the core, the 汇总 total equals `pe-eval score`, and Excel-saved results are checked."""
import json
import re
import zipfile

import pytest
from openpyxl import load_workbook

from scoring import IDENTITIES, assess, load_ruleset, sample_evaluation
from xladdin.workbook import build_templates
from xladdin.cli import main
from xladdin.workbook import SHEET_NAMES, assess_workbook, expected_cells, open_workbook
from xladdin.workbook import accounts as accounts_sheet
from xladdin.workbook import indicators as indicators_sheet
from xladdin.workbook import summary as summary_sheet

import formula_engine
from formula_engine import same

SAMPLE = build_templates.TEMPLATES_DIR / build_templates.sample_name()


@pytest.fixture(scope="module")
def calculate():
    return formula_engine.calculate


@pytest.fixture(scope="module")
def sample_values(calculate):
    return calculate(SAMPLE)


def _pe_cells(path) -> dict[str, str]:
    wb = load_workbook(path)
    return {f"{ws.title}!{c.coordinate}": c.value for ws in wb.worksheets for row in ws.iter_rows()
            for c in row if c.data_type == "f" and "PE_" in c.value}


def test_every_pe_cell_equals_the_core(sample_values):
    book = open_workbook(SAMPLE)
    assessment = assess(sample_evaluation(), book.ruleset)
    expected = {e.place: e.value for e in expected_cells(assessment) if e.value is not None}
    pe = _pe_cells(SAMPLE)
    assert len(pe) > 100
    checked = 0
    for place in pe:
        if place in expected:
            assert same(sample_values[place], expected[place]), f"{place}: {sample_values[place]!r} ≠ {expected[place]!r}"
            checked += 1
    assert checked == len([p for p in pe if p in expected]) >= 31 * 2 + 20  # scores, explanations, checks…
    assert sample_values["指标体系!M19"] == 3.36 and sample_values["指标体系!N19"].startswith("人工评定3.36分")
    assert sample_values["问卷!G87"] == 4835 and sample_values["问卷!G90"] == 98.67 and sample_values["问卷!G91"] == 0.9867


def _workbook_assessment(path):
    from xladdin.workbook import read_evaluation

    book = open_workbook(path)
    return assess(read_evaluation(book)[0], book.ruleset)


SELF_SAMPLE = build_templates.TEMPLATES_DIR / build_templates.sample_name("self-2020")


@pytest.mark.parametrize("name", ["sample", "xundian-2024", "mof-2013", "self-sample", "self-2020", "self-coef"])
def test_every_formula_value_the_core_computes_equals_the_formula_engine(calculate, name):
    """The values cached in written workbooks are what the formulas give: every formula cell, PE_ and native."""
    path = {"sample": SAMPLE, "self-sample": SELF_SAMPLE}.get(name) or \
        build_templates.TEMPLATES_DIR / build_templates.template_name(name)
    computed = calculate(path)
    expected = expected_cells(_workbook_assessment(path))
    assert len(expected) > (120 if "self" in name else 250)
    wrong = [f"{e.place}: engine {computed.get(e.place)!r} ≠ core {e.value!r}" for e in expected
             if not same(computed.get(e.place), e.value)]
    assert wrong == []


def test_summary_total_equals_pe_eval_score(sample_values, capsys):
    layout = summary_sheet.layout(load_ruleset("xundian-2024"))
    assert main(["score", str(SAMPLE), "--json"]) == 0
    card = json.loads(capsys.readouterr().out)
    assert sample_values[f"汇总!D{layout.total_row}"] == card["total"] == 93.56
    assert sample_values[f"汇总!D{layout.grade_row}"] == card["grade"] == "优"
    for code, subtotal in card["subtotals"].items():
        assert sample_values[f"汇总!D{layout.group_rows[code]}"] == subtotal
    assert sample_values[f"汇总!D{layout.failures_row}"] == 0
    assert sample_values[f"汇总!D{layout.overridden_row}"] == 5


@pytest.mark.parametrize("ruleset", ["xundian-2024", "mof-2013"])
def test_blank_templates_calculate_without_errors(calculate, ruleset):
    path = build_templates.TEMPLATES_DIR / build_templates.template_name(ruleset)
    values = calculate(path)
    results = {place: values[place] for place in _pe_cells(path)}
    assert not [p for p, v in results.items() if isinstance(v, str) and v.startswith("#")]
    layout = summary_sheet.layout(load_ruleset(ruleset))
    assert values[f"汇总!D{layout.total_row}"] == 0
    assert values[f"汇总!D{layout.missing_row}"] == len(load_ruleset(ruleset).indicators)
    assert values[f"汇总!D{layout.grade_row}"] == "未完成"  # no grade for a partial total
    assert values["指标体系!M4"].startswith("缺少输入")
    assert values["决算!U6"] in (None, "") and values["问卷!G90"] in (None, "")


def test_changing_the_accounts_changes_score_and_checks(tmp_path, calculate):
    """Lower 第61行 项目支出决算数: B12 drops, the identities that include row 61 show the difference."""
    path = tmp_path / "changed.xlsx"
    wb = load_workbook(SAMPLE)
    indicators = wb[indicators_sheet.NAME]
    b12 = next(r for r in range(indicators_sheet.FIRST_ROW, 60) if indicators[f"C{r}"].value == "B12")
    indicators[f"K{b12}"] = None  # drop the override so the rule shows
    wb[accounts_sheet.NAME][accounts_sheet.cell(61, "final")] = 969931.86  # 100,000 less than reported
    wb.save(path)
    values = calculate(path)
    assert values[f"指标体系!M{b12}"] == 3.13  # 90.65%: 4.35 points short × 0.2 = 0.87 off 4
    acc_84n = accounts_sheet.check_row(next(i for i in IDENTITIES if i.code == "ACC-84N"))
    assert values[f"决算!U{acc_84n}"] == "差额 100,000.00"
    b12_score = next(r for r in assess_workbook(path).scorecard.indicators if r.code == "B12")
    assert float(b12_score.score) == 3.13


def _save_as_excel(source, target, values: dict[str, object]) -> None:
    """Write ``values`` into the formula cells' <v> as Excel does when it saves a calculated workbook."""
    sheets = {name: f"xl/worksheets/sheet{i}.xml" for i, name in enumerate(SHEET_NAMES, start=1)}
    by_part: dict[str, dict[str, object]] = {}
    for place, value in values.items():
        sheet, ref = place.split("!")
        by_part.setdefault(sheets[sheet], {})[ref] = value
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename in by_part:
                text = data.decode("utf-8")
                for ref, value in by_part[item.filename].items():
                    text = _inject(text, ref, value)
                data = text.encode("utf-8")
            dst.writestr(item, data)


def _inject(xml: str, ref: str, value: object) -> str:
    pattern = re.compile(rf'<c r="{ref}"((?:(?! t=)[^>])*)(?: t="[a-z]+")?><f>(.*?)</f>(?:<v\s*/>|<v>.*?</v>)</c>', re.S)
    match = pattern.search(xml)
    assert match, ref
    if isinstance(value, str):
        kind, text = (' t="e"', value) if value.startswith("#") else (' t="str"', value)
    else:
        kind, text = "", repr(value)
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    return xml[: match.start()] + f'<c r="{ref}"{match.group(1)}{kind}><f>{match.group(2)}</f><v>{text}</v></c>' + xml[match.end():]


def test_check_agrees_with_a_workbook_excel_calculated(tmp_path, sample_values, capsys):
    pe = _pe_cells(SAMPLE)
    saved = {p: v for p, v in sample_values.items() if p in pe or p == "汇总!D19"}
    path = tmp_path / "calculated.xlsx"
    _save_as_excel(SAMPLE, path, {p: v for p, v in saved.items() if v not in (None, "")})
    assert [f for f in assess_workbook(path).findings if f.code.startswith("WB-")] == []
    assert main(["check", str(path)]) == 0
    assert "WB-" not in capsys.readouterr().out


def test_check_reports_each_disagreement(tmp_path, sample_values, capsys):
    path = tmp_path / "stale.xlsx"
    _save_as_excel(SAMPLE, path, {"指标体系!M4": 1.5, "决算!U6": "差额 0.20", "汇总!D19": 93.06, "指标体系!M5": "#NAME?"})
    findings = assess_workbook(path).findings
    cached = {f.where: f for f in findings if f.code == "WB-CACHED"}
    assert set(cached) == {"指标体系!M4", "决算!U6", "汇总!D19"}
    assert "Excel 保存的结果为「1.5」，核心计算为「2」" in cached["指标体系!M4"].message
    assert any(f.code == "WB-NOT-CALCULATED" and "指标体系!M5" in f.where for f in findings)
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert "[错误] WB-CACHED 汇总!D19：总分" in out

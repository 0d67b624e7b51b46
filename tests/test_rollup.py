"""The roll-up workbook (`pe-eval batch … --out 汇总.xlsx`): rows, ranking, indicator statistics, charts, reasons."""
import os
import shutil
import subprocess
import zipfile
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from department_files import credit_code, report_department, self_department, unit_name, write_workbook
from scoring import Snapshot, assess, load_ruleset, sample_evaluation, snapshot
from xladdin.batch.runner import FileResult
from xladdin.cli import main
from xladdin.files.pdf_convert import find_converter
from xladdin.batch.rollup import grade_counts, indicator_stats, ranking
from xladdin.batch.roster import year_over_year


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """Good, tied-duplicate, incomplete, self-evaluation, broken and truncated files: eight, so workers run."""
    root = tmp_path_factory.mktemp("rollup") / "2024"
    root.mkdir()
    for n in range(3):
        write_workbook(root / f"r{n}.xlsx", report_department(n))
    write_workbook(root / "r1-重报.xlsx", report_department(1))  # the same unit again, the same total
    incomplete = report_department(3)
    next(e for e in incomplete.indicators if e.code == "A13").inputs = []
    write_workbook(root / "r3.xlsx", incomplete)
    write_workbook(root / "s4.xlsx", self_department(4))
    (root / "坏.xlsx").write_text("not a workbook")
    whole = (root / "r0.xlsx").read_bytes()
    (root / "截断.xlsx").write_bytes(whole[: len(whole) // 2])
    return root


@pytest.fixture(scope="module")
def rollup(folder, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("out") / "汇总.xlsx"
    listing = out.with_name("名单.txt")
    listing.write_text("\n".join([unit_name(0), unit_name(1), "青山县档案馆"]), encoding="utf-8")
    assert main(["batch", str(folder), "--out", str(out), "--expected", str(listing)]) == 2  # two files unreadable
    return out


def _rows(path: Path, sheet: str) -> list[tuple]:
    return list(load_workbook(path)[sheet].iter_rows(min_row=2, values_only=True))


def test_one_row_per_readable_file_with_its_result(folder, rollup):
    rows = _rows(rollup, "汇总")
    assert [Path(r[1]).name for r in rows] == ["r0.xlsx", "r1-重报.xlsx", "r1.xlsx", "r2.xlsx", "r3.xlsx", "s4.xlsx"]
    by_file = {Path(r[1]).name: r for r in rows}
    xundian, self_form = load_ruleset("xundian-2024").name, load_ruleset("self-2020").name  # names, not ids
    assert by_file["r0.xlsx"][2:10] == (unit_name(0), credit_code(0), 2024, xundian, 89.56, "良", "是", 4)
    assert by_file["r1.xlsx"][6:10] == (93.26, "优", "是", 1) and by_file["r1-重报.xlsx"][6:10] == (93.26, "优", "是", 1)
    assert by_file["r3.xlsx"][6:13] == (88.46, "未完成", "否", None, 1, 8, "A13")
    assert by_file["r3.xlsx"][13] == "A13未能计分：缺少输入：评定得分"
    assert by_file["r1.xlsx"][13].startswith("同一单位有多个文件（见 名单核对）")
    assert by_file["s4.xlsx"][5:10] == (self_form, 91.71, "优", "是", 1)
    expected = assess(report_department(2), load_ruleset("xundian-2024")).scorecard.total
    assert Decimal(str(by_file["r2.xlsx"][6])) == expected == Decimal("89.96")


def test_ranking_per_ruleset_ties_share_a_place_incomplete_last(rollup):
    ranked = [(r[0], r[1], r[2], r[4]) for r in _rows(rollup, "排名")]
    xundian, self_form = load_ruleset("xundian-2024").name, load_ruleset("self-2020").name
    assert ranked == [
        (xundian, 1, unit_name(1), 93.26), (xundian, 1, unit_name(1), 93.26),
        (xundian, 3, unit_name(2), 89.96), (xundian, 4, unit_name(0), 89.56),
        (xundian, "—", unit_name(3), 88.46), (self_form, 1, unit_name(4), 91.71),
    ]


def test_unreadable_files_are_listed_with_their_reasons(rollup):
    reasons = {Path(file).name: reason for file, reason in _rows(rollup, "无法读取")}
    assert set(reasons) == {"坏.xlsx", "截断.xlsx"}
    assert "不是 Excel 工作簿" in reasons["坏.xlsx"] and "不是 Excel 工作簿" in reasons["截断.xlsx"]


def test_roster_sheet_lists_missing_duplicate_and_unexpected_units(folder, rollup):
    rows = _rows(rollup, "名单核对")
    assert rows[0] == ("未报送（名单中的单位没有文件）", "青山县档案馆", None)
    assert rows[1] == ("重复（同一单位同一年度有多个文件）", unit_name(1), f"{folder / 'r1-重报.xlsx'}\n{folder / 'r1.xlsx'}")
    assert [r[1] for r in rows[2:]] == [unit_name(2), unit_name(3), unit_name(4)]
    assert {r[0] for r in rows[2:]} == {"名单外（不在名单中的单位）"}


def test_indicator_statistics_of_the_folder(rollup):
    stats = {(r[0], r[1]): r[2:] for r in _rows(rollup, "指标得分")}
    xundian, self_form = load_ruleset("xundian-2024").name, load_ruleset("self-2020").name
    # A13 of 2 points: 1.8, 1.8, 1.8 and 1.5 (r3 left it blank, so it is not counted)
    assert stats[(xundian, "A13")] == ("年度工作计划与年度工作目标的一致性", 2, 4, 1.73, 0.8625, 4, 1)
    assert stats[(self_form, "A1")][:3] == ("数量指标", 18, 1)
    assert list(stats)[0] == (xundian, "A11") and (self_form, "A1-1") not in stats


def test_charts_of_grades_and_scores_refer_to_their_data(rollup):
    assert _rows(rollup, "图表")[:5] == [("优", 3), ("良", 2), ("中", 0), ("差", 0), ("未完成", 1)]
    with zipfile.ZipFile(rollup) as archive:
        charts = sorted(n for n in archive.namelist() if n.startswith("xl/charts/chart"))
        texts = [archive.read(n).decode() for n in charts]
    assert len(charts) == 2
    assert "'图表'!$B$2:$B$6" in texts[0] and "'排名'!$E$2:$E$7" in texts[1] and "'排名'!$C$2:$C$7" in texts[1]


def _snap(ruleset: str, total: str, complete: bool = True, **scores: str) -> Snapshot:
    base = snapshot(assess(sample_evaluation(), load_ruleset("xundian-2024")))
    indicators = tuple(replace(i, score=Decimal(scores[i.code])) for i in base.indicators if i.code in scores)
    return replace(base, ruleset=ruleset, total=Decimal(total), complete=complete, grade="优" if complete else None,
                   indicators=indicators)


def test_ranking_uses_competition_places_per_ruleset():
    results = [FileResult(f"{n}.xlsx", _snap(rs, total, complete)) for n, (rs, total, complete) in enumerate(
        [("a", "90", True), ("a", "95", True), ("b", "80", True), ("a", "90", True), ("a", "99", False), ("a", "85", True)])]
    places = [(item.ruleset, item.rank, item.result.path) for item in ranking([*results, FileResult("x.xlsx", failure="坏")])]
    assert places == [("a", 1, "1.xlsx"), ("a", 2, "0.xlsx"), ("a", 2, "3.xlsx"), ("a", 4, "5.xlsx"), ("a", None, "4.xlsx"),
                      ("b", 1, "2.xlsx")]
    assert grade_counts(results) == [("优", 5), ("良", 0), ("中", 0), ("差", 0), ("未完成", 1)]


def test_indicator_statistics_per_indicator_and_per_self_form_group():
    reports = [FileResult("a", _snap("r", "90", A11="2", A12="1")), FileResult("b", _snap("r", "90", A11="1.5", A12="2"))]
    stats = {s.code: (s.weight, s.units, s.average, s.rate, s.losing, s.share) for s in indicator_stats(reports)}
    assert stats == {"A11": (Decimal("2.00"), 2, Decimal("1.75"), Decimal("0.8750"), 1, Decimal("0.5000")),
                     "A12": (Decimal("2.00"), 2, Decimal("1.50"), Decimal("0.7500"), 1, Decimal("0.5000"))}
    rs = load_ruleset("self-2020")
    forms = [FileResult(str(n), snapshot(assess(self_department(n), rs))) for n in (4, 5)]
    groups = {s.code: s for s in indicator_stats(forms)}
    assert list(groups) == ["A1", "A2", "A3", "A4", "B1", "B2", "B4", "C1", "D1"]
    a1 = [sum(i.score for i in f.snapshot.indicators if i.group == "A1") for f in forms]
    assert (groups["A1"].units, groups["A1"].weight, groups["A1"].average) == (2, Decimal("18.00"), (sum(a1) / 2).quantize(Decimal("0.01")))
    assert groups["B1"].losing == 0 and groups["A3"].losing == 2  # 带动文旅消费 met by both; a late 时限 row in both


def test_formula_like_and_control_characters_stay_text(tmp_path):
    evaluation = report_department(0)
    evaluation.info.unit_name = '=HYPERLINK("http://x","点击")\x0b'
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.json").write_text(evaluation.model_dump_json(), encoding="utf-8")
    assert main(["batch", str(tmp_path / "in"), "--out", str(tmp_path / "汇总.xlsx")]) == 0
    cell = load_workbook(tmp_path / "汇总.xlsx")["汇总"]["C2"]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://x","点击")', "s")


def _calc_missing() -> str | None:
    soffice = find_converter()
    if not soffice or not any(Path(os.path.realpath(soffice)).parent.glob("*sclo.*")):
        return "LibreOffice Calc is not installed"
    return None if shutil.which("pdftotext") else "pdftotext (poppler-utils) is not installed"


@pytest.mark.skipif(_calc_missing() is not None and not os.environ.get("CI"), reason=str(_calc_missing()))
def test_libreoffice_shows_the_values_and_charts(rollup, tmp_path):
    subprocess.run([str(find_converter()), f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--norestore", "--convert-to", "pdf", "--outdir", str(tmp_path), str(rollup)],
                   capture_output=True, stdin=subprocess.DEVNULL, check=True, timeout=300,
                   env={**os.environ, "TMPDIR": str(tmp_path)})
    text = subprocess.run(["pdftotext", str(tmp_path / "汇总.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    assert "#NAME?" not in text and "Err:" not in text
    for shown in ("93.26", "89.56", "91.71", unit_name(1), "等级分布", "各单位总得分", "青山县档案馆", "截断.xlsx", "86.3%"):
        assert shown in text, shown


def test_last_year_sheet_pairs_units_and_names_their_swings(folder, tmp_path):
    last = tmp_path / "2023"
    last.mkdir()
    previous = report_department(0, 2023)  # this year's r0 a year earlier, with two things different
    previous.info.three_public_current *= 2
    next(e for e in previous.indicators if e.code == "A13").inputs = ["1"]
    write_workbook(last / "r0-2023.xlsx", previous)
    write_workbook(last / "gone.xlsx", report_department(9, 2023))
    (last / "坏.xlsx").write_text("not a workbook")
    out = tmp_path / "汇总.xlsx"
    assert main(["batch", str(folder), "--last", str(last), "--out", str(out)]) == 2
    rows = {(r[0], Path(r[1] or r[2]).name): r for r in _rows(out, "与上年对比")}
    first = rows[(unit_name(0), "r0.xlsx")]
    a13 = assess(previous, load_ruleset("xundian-2024")).scorecard
    assert first[2:8] == (str(last / "r0-2023.xlsx"), float(a13.total), 89.56, round(89.56 - float(a13.total), 2), "良", "良")
    three = f"{previous.info.three_public_current:.2f} → {previous.info.three_public_current / 2:.2f}"
    assert first[8] == f"三公经费 {three}（-{previous.info.three_public_current / 2:.2f}万元，-50.00%）；" \
                       "A13 年度工作计划与年度工作目标的一致性 1.00 → 1.80（+0.80分）"
    assert first[9] is None and first[10] is None
    assert rows[(unit_name(2), "r2.xlsx")][10] == "上年没有该单位的文件"
    assert rows[(unit_name(9), "gone.xlsx")][10] == "本年没有该单位的文件"
    assert rows[(None, "坏.xlsx")][10].startswith("上年的文件无法读取：") and "不是 Excel 工作簿" in rows[(None, "坏.xlsx")][10]


def test_every_sheet_prints_with_title_unit_and_date_wrapped_and_one_page_wide(rollup):
    wb = load_workbook(rollup)
    for ws in wb.worksheets:
        header = ws.HeaderFooter.oddHeader
        assert header.center.text == f"部门整体支出绩效评价结果汇总表（{ws.title}）" and "编制单位：" in header.left.text
        assert header.right.text.startswith("编制日期：") and header.right.text.endswith("日")
        setup = ws.page_setup
        assert (setup.orientation, setup.fitToWidth, str(ws.print_title_rows)) == ("landscape", 1, "$1:$1"), ws.title
        assert ws.row_dimensions[1].height is None or ws.row_dimensions[1].height >= 15
    summary = wb["汇总"]
    assert all(summary.cell(row, 14).alignment.wrap_text for row in range(2, summary.max_row + 1))
    stats = wb["指标得分"]
    assert stats["A2"].value == "寻甸县部门整体支出绩效评价指标体系（2024）" and stats["A2"].alignment.wrap_text
    assert stats.row_dimensions[2].height >= 2 * 16  # the ruleset's name on two lines, inside its cell


def test_a_unit_without_a_name_gets_its_file_name_in_the_ranking_and_chart(tmp_path):
    evaluation = report_department(0)
    evaluation.info.unit_name = ""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "无名.json").write_text(evaluation.model_dump_json(), encoding="utf-8")
    assert main(["batch", str(tmp_path / "in"), "--out", str(tmp_path / "汇总.xlsx")]) in (0, 1)
    (row,) = _rows(tmp_path / "汇总.xlsx", "排名")
    assert row[2] == "（未填单位名称）无名.json"


def _unit(ruleset: str, name: str, code: str, year: int) -> Snapshot:
    return replace(_snap(ruleset, "90"), unit_name=name, credit_code=code, year=year)


def test_two_files_of_one_unit_are_both_read_with_its_last_year_file():
    """The second file of a unit (here one without its credit code) still finds the unit's last-year file."""
    code = credit_code(1)
    last = [FileResult("2023/r1.xlsx", _unit("r", unit_name(1), code, 2023)),
            FileResult("2023/r2.xlsx", _unit("r", unit_name(2), credit_code(2), 2023))]
    this = [FileResult("r1.xlsx", _unit("r", unit_name(1), "", 2024)),
            FileResult("r1-重报.xlsx", _unit("r", unit_name(1), code, 2024))]
    years = year_over_year(last, this)
    assert [(old.path, new.path) for old, new, _ in years.compared] == [("2023/r1.xlsx", "r1.xlsx"),
                                                                        ("2023/r1.xlsx", "r1-重报.xlsx")]
    assert years.without_last == [] and [r.path for r in years.without_this] == ["2023/r2.xlsx"]


def test_two_files_of_one_unit_in_both_years_are_paired_one_to_one():
    last = [FileResult(f"2023/{n}.xlsx", _unit("r", unit_name(1), credit_code(1), 2023)) for n in ("a", "b")]
    this = [FileResult(f"{n}.xlsx", _unit("r", unit_name(1), credit_code(1), 2024)) for n in ("a", "b")]
    years = year_over_year(last, this)
    assert [(old.path, new.path) for old, new, _ in years.compared] == [("2023/a.xlsx", "a.xlsx"), ("2023/b.xlsx", "b.xlsx")]
    assert years.without_last == years.without_this == []

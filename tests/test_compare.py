"""Year over year (scoring.year_over_year, `pe-eval compare`): exactly the changed items, large swings and revised indicators."""
import json
import pickle
from dataclasses import replace
from decimal import Decimal

import pytest

from department_files import report_department, write_workbook
from scoring import Snapshot, assess, compare, describe_change, load_ruleset, sample_evaluation, snapshot
from xladdin.cli import main


def _changed(comparison) -> dict[str, tuple]:
    """key → (last, this, swing) of every item whose value changed."""
    items = [comparison.total, *comparison.figures, *comparison.indicators]
    return {c.key: (c.last, c.this, c.swing) for c in items if c.change != 0}


def _report_pair():
    """The sample as last year (2023), and this year with four figures and one indicator changed."""
    last, this = sample_evaluation(), sample_evaluation()
    last.info.year = 2023
    this.accounts.set(27, "final", this.accounts.get(27, "final") * Decimal("1.5"))  # 本年收入合计 +50%
    this.info.three_public_current = Decimal("2.50")  # 2.40 → 2.50: +4.17%
    this.info.staff_actual = 24  # 23 → 24
    next(e for e in this.indicators if e.code == "A13").inputs = ["1"]  # 1.8 → 1 of 2 points
    return last, this


def test_compare_names_exactly_the_changed_figures_and_indicators():
    last, this = _report_pair()
    rs = load_ruleset("xundian-2024")
    comparison = compare(snapshot(assess(last, rs)), snapshot(assess(this, rs)))
    assert _changed(comparison) == {
        "total": (Decimal("93.56"), Decimal("92.76"), False),
        "income": (Decimal("532.44"), Decimal("798.66"), True),
        "three_public": (Decimal("2.40"), Decimal("2.50"), False),
        "staff_actual": (Decimal(23), Decimal(24), False),
        "A13": (Decimal("1.80"), Decimal("1.00"), True),  # 0.8 ≥ 30% of 2 points
    }
    assert [c.name for c in comparison.swings] == ["本年收入合计", "A13 年度工作计划与年度工作目标的一致性"]
    assert comparison.revised == [] and comparison.notes == []
    income = next(c for c in comparison.figures if c.key == "income")
    assert describe_change(income) == "532.44 → 798.66（+266.22万元，+50.00%）"
    assert describe_change(comparison.total) == "93.56 → 92.76（-0.80分）"
    execution = next(c for c in comparison.figures if c.key == "execution")
    assert (execution.last, describe_change(execution)) == (Decimal("100.00"), "100.00%（未变）")
    assert [f.key for f in comparison.figures] == ["income", "expenditure", "execution", "three_public", "staff_quota",
                                                   "staff_actual", "survey"]


def test_compare_command_on_two_workbooks(tmp_path, capsys):
    last, this = _report_pair()
    old, new = write_workbook(tmp_path / "2023.xlsx", last), write_workbook(tmp_path / "2024.xlsx", this)
    assert main(["compare", str(old), str(new), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    changed = {c["key"] for c in [data["total"], *data["figures"], *data["indicators"]] if c["change"] != 0}
    assert changed == {"total", "income", "three_public", "staff_actual", "A13"}
    assert (data["last"]["year"], data["this"]["total"]) == (2023, 92.76)
    assert main(["compare", str(old), str(new)]) == 0
    out = capsys.readouterr().out
    assert "本年收入合计（万元）" in out and "532.44 → 798.66（+266.22万元，+50.00%）  ！大幅变化" in out
    assert "1.80 → 1.00（-0.80分）  ！大幅变化" in out and "2.00（未变）" in out
    assert "大幅变化2项：本年收入合计、A13 年度工作计划与年度工作目标的一致性" in out


def test_compare_refuses_an_unreadable_file_plainly(tmp_path, capsys):
    broken = tmp_path / "上年.xlsx"
    broken.write_text("not a workbook")
    assert main(["compare", str(broken), str(broken)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：") and "不是 Excel 工作簿" in err and "Traceback" not in err


def _edited(snap: Snapshot, **indicators) -> Snapshot:
    """``snap`` with indicators changed by code (None removes one)."""
    kept = tuple(replace(i, **indicators[i.code]) if i.code in indicators else i
                 for i in snap.indicators if indicators.get(i.code, {}) is not None)
    return replace(snap, indicators=kept)


def test_revised_weights_rules_and_indicators_are_flagged():
    rs = load_ruleset("xundian-2024")
    base = snapshot(assess(sample_evaluation(), rs))
    a11 = next(i for i in base.indicators if i.code == "A11")
    added = replace(a11, key="A16", code="A16", name="新增指标")
    this = _edited(base, A11={"weight": Decimal(3)}, A12={"rule": "酌情评分：0至2分"}, A13=None)
    this = replace(this, indicators=(*this.indicators, added))
    revised = {c.key: c.revised for c in compare(base, this).revised}
    assert revised == {
        "A11": ["分值由2分改为3分"],
        "A12": ["计分规则由「逐项计分：①1分 ②1分」改为「酌情评分：0至2分」"],
        "A16": ["本年新增"],
        "A13": ["本年取消"],
    }


@pytest.mark.parametrize("unit, last, this, swing", [
    ("万元", "100", "120", True), ("万元", "100", "119.99", False), ("万元", "100", "80", True),
    ("万元", "0", "0.01", True), ("人", "10", "8", True), ("人", "10", "9", False),
    ("%", "95.00", "85.00", True), ("%", "95.00", "85.01", False), ("分", "98.67", "88.67", True),
])
def test_swing_thresholds(unit, last, this, swing):
    base = snapshot(assess(sample_evaluation(), load_ruleset("xundian-2024")))
    figure = replace(base.figures[0], unit=unit)

    def side(value: str) -> Snapshot:
        return replace(base, figures=(replace(figure, value=Decimal(value)),))

    change = compare(side(last), side(this)).figures[0]
    assert (change.change, change.swing) == (Decimal(this) - Decimal(last), swing)


def test_self_forms_match_rows_by_group_and_name_not_position():
    rs = load_ruleset("self-2020")
    last, this = sample_evaluation("self-2020"), sample_evaluation("self-2020")
    last.info.year = 2023
    form = this.self_form
    form.rows[0], form.rows[1] = form.rows[1], form.rows[0]  # 送戏下乡 now A1-1, 群众文化活动 A1-2
    form.rows[1].target = "≥130场"  # 群众文化活动场次: 126 of 130 now
    form.fund.total.final = form.fund.fiscal.final = form.fund.fiscal.final - Decimal(200)  # 执行率 down
    form.fund.total.final += form.fund.other.final
    comparison = compare(snapshot(assess(last, rs)), snapshot(assess(this, rs)))
    assert [c.name for c in comparison.revised] == ["数量指标·举办群众文化活动场次"]
    assert comparison.revised[0].revised == ["计分规则由「年度指标值≥120场」改为「年度指标值≥130场」"]
    changed = _changed(comparison)
    assert changed["A1·举办群众文化活动场次"] == (Decimal("8.00"), Decimal("7.75"), False)
    assert "A1·送戏下乡演出场次" not in changed  # same row, another position
    assert changed["fund_final"] == (Decimal("1312.56"), Decimal("1112.56"), False)  # -15.24%
    assert changed["execution"] == (Decimal("94.67"), Decimal("80.25"), True)  # -14.42 points
    assert changed["D1·预算执行率"] == (Decimal("9.47"), Decimal("8.03"), False)  # 1.44 < 30% of 10 points


def test_forms_of_different_kinds_compare_totals_only():
    report = snapshot(assess(sample_evaluation(), load_ruleset("xundian-2024")))
    own = snapshot(assess(sample_evaluation("self-2020"), load_ruleset("self-2020")))
    comparison = compare(report, own)
    assert comparison.indicators == []
    assert "一个是第三方评价、一个是自评表：只比较总得分和共有的关键数据，不比较指标" in comparison.notes
    assert "两个文件的单位不同：上年「寻甸回族彝族自治县融媒体中心」，本年「青山县文化和旅游局」" in comparison.notes
    execution = next(c for c in comparison.figures if c.key == "execution")
    assert (execution.last, execution.this) == (Decimal("100.00"), Decimal("94.67"))


def test_snapshots_from_many_files_share_their_texts():
    """A batch's main process holds a snapshot per file: equal names and rules are one object, and nothing is lost."""
    rs = load_ruleset("xundian-2024")
    one, two = (pickle.loads(pickle.dumps(snapshot(assess(report_department(n), rs)))) for n in (1, 2))
    assert one.indicators[0].rule is two.indicators[0].rule and one.indicators[0].name is two.indicators[0].name
    assert one == snapshot(assess(report_department(1), rs)) and not hasattr(one.indicators[0], "__dict__")

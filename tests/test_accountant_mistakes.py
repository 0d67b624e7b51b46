"""A generated suite of an accountant's ordinary mistakes on both sample forms (寻甸县融媒体中心 2024 评价,
青山县文化和旅游局 2024 自评表), each typed into the sample as read from its workbook.

Every case is right (scores and figures as if typed correctly), a clean refusal, or a new warning or error
naming a cell (``sheet!A1``): no mistake changes a total, a score or a figure with only a note.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from export_files import FORM_SHEET, UNIT, assets_table, form_table

from scoring import Evaluation, EvidenceError, ExportError, Finding, assess, import_accounts, load_ruleset
from scoring.common.targets import parse_target, read_actual
from xladdin.workbook import build_templates, open_workbook, read_evaluation

Change = Callable[[Evaluation], list[Finding] | None]
CELL = re.compile(r"!\$?[A-Z]{1,3}\$?\d+")
WAN = Decimal(10000)
VALID_CODE = "91530129MA6K0XKD6E"  # passes GB 32100 (the sample's own code does not)
BOOKS = {"xundian-2024": build_templates.TEMPLATES_DIR / build_templates.sample_name(),
         "self-2020": build_templates.TEMPLATES_DIR / "self-2020-sample.xlsx"}


@dataclass(frozen=True)
class Mistake:
    form: str
    name: str
    typed: Change  # what the accountant typed
    meant: Change = lambda e: None  # what was meant (the sample itself unless said)


def _row(index: int, **update: object) -> Change:
    def change(evaluation: Evaluation) -> None:
        rows = evaluation.self_form.rows
        rows[index] = rows[index].model_copy(update=update)
    return change


def _info(**update: object) -> Change:
    def change(evaluation: Evaluation) -> None:
        evaluation.info = evaluation.info.model_copy(update=update)
    return change


def _accounts_times(factor: Decimal) -> Change:
    def change(evaluation: Evaluation) -> None:
        evaluation.accounts.rows = {n: [None if v is None else v * factor for v in values]
                                    for n, values in evaluation.accounts.rows.items()}
    return change


def _fund(lines: tuple[str, ...], columns: tuple[str, ...], factor: Decimal) -> Change:
    def change(evaluation: Evaluation) -> None:
        fund = evaluation.self_form.fund
        for line in lines:
            values = fund.line(line)
            setattr(fund, line, values.model_copy(update={c: getattr(values, c) * factor for c in columns}))
    return change


def _reported_total(value: object) -> Change:
    def change(evaluation: Evaluation) -> None:
        evaluation.self_form.reported_total = value
    return change


def _imported(table: list[list[object]], z12: list[list[object]] | None = None) -> Change:
    """The sample with its 决算 (and Z12 assets) replaced by an export's; the import's findings are returned
    (a refusal propagates as ExportError)."""
    def change(evaluation: Evaluation) -> list[Finding]:
        sheets = {FORM_SHEET: table, **({"Z12 资产负债简表": z12} if z12 else {})}
        result = import_accounts(sheets, "部门决算.xlsx")
        evaluation.info, notes = result.into(evaluation.info)
        evaluation.accounts = result.accounts
        return [*result.findings, *notes]
    return change


def _self_mistakes(evaluation: Evaluation) -> list[Mistake]:
    """For every row: each mistake its target admits (generated from the rows, not listed by hand)."""
    cases = []
    for index, row in enumerate(evaluation.self_form.rows):
        if row.blank:
            continue
        target = parse_target(row.effective_target)
        label = f"{row.name}"
        weight = Decimal(str(row.weight))
        cases.append(Mistake("self-2020", f"{label}:自评得分超过分值", _row(index, reported=str(weight + 4))))
        if target is None or target.kind == "text" or target.value is None:
            continue
        if target.is_date:
            shown = str(row.actual)
            month_day = re.match(r"(\d+)月(\d+)日", shown)
            if month_day:
                m, d = month_day.groups()
                for year in (2023, 2025):
                    cases.append(Mistake("self-2020", f"{label}:完成日期写成{year}年", _row(index, actual=f"{year}-{int(m):02d}-{int(d):02d}"),
                                         _row(index, actual=f"{year}年{m}月{d}日" if year == 2023 else "逾期完成")))
                cases.append(Mistake("self-2020", f"{label}:中文数字日期", _row(index, actual="十一月十五日")))
            continue
        actual = read_actual(row.actual, target)
        assert actual is not None
        number = actual.value
        unit = target.unit
        cases.append(Mistake("self-2020", f"{label}:负号", _row(index, actual=f"-{row.actual}")))
        cases.append(Mistake("self-2020", f"{label}:评定得分填在非定性行", _row(index, entered="3")))
        if target.op in (">=", "<="):
            wrong = "反向" if target.op == ">=" else "正向"
            cases.append(Mistake("self-2020", f"{label}:计分方式与目标方向相反", _row(index, method=wrong)))
        if unit == "%":
            cases.append(Mistake("self-2020", f"{label}:多打一个0", _row(index, actual=f"{number * 10}%")))
            cases.append(Mistake("self-2020", f"{label}:目标写成小数", _row(index, target=f"≥{target.value / 100}")))
        if unit.endswith("元"):
            cases.append(Mistake("self-2020", f"{label}:实际按元填写", _row(index, actual=number * (WAN if unit == "万元" else 1))))
            cases.append(Mistake("self-2020", f"{label}:实际写成元", _row(index, actual=f"{number}元")))
            op = {">=": "≥", "<=": "≤"}.get(target.op or "", "")
            cases.append(Mistake("self-2020", f"{label}:目标写成元", _row(index, target=f"{op}{target.value}元")))
        if unit in ("场", "个", "次"):
            other = {"场": "个", "个": "场", "次": "个"}[unit]
            cases.append(Mistake("self-2020", f"{label}:单位写错", _row(index, actual=f"{number}{other}")))
    lines, columns = ("total", "fiscal", "other"), ("initial", "budget", "final")
    cases += [Mistake("self-2020", "资金情况整块按元填写", _fund(lines, columns, WAN)),
              Mistake("self-2020", "资金情况一格按元填写", _fund(("other",), ("final",), WAN)),
              Mistake("self-2020", "资金情况一行按元填写", _fund(("total",), columns, WAN)),
              Mistake("self-2020", "资金单位选了元", _fund_unit("元")),
              Mistake("self-2020", "自评总分超过100", _reported_total("105"))]
    return cases


def _fund_unit(unit: str) -> Change:
    def change(evaluation: Evaluation) -> None:
        evaluation.self_form.fund = evaluation.self_form.fund.model_copy(update={"unit": unit})
    return change


def _report_mistakes(evaluation: Evaluation) -> list[Mistake]:
    info = evaluation.info
    cases = [Mistake("xundian-2024", "决算表按万元填写", _accounts_times(1 / WAN)),
             Mistake("xundian-2024", "决算表万元当元导入", _accounts_times(WAN)),
             Mistake("xundian-2024", "评价时段止早于起", _info(period_end=info.period_end.replace(year=info.period_end.year - 1))),
             Mistake("xundian-2024", "统一社会信用代码少一位", _info(credit_code=VALID_CODE[:-1]), _info(credit_code=VALID_CODE))]
    for name in ("total_assets", "current_assets", "fixed_assets_net", "liabilities", "three_public_current",
                 "three_public_previous", "procurement_actual"):
        value = getattr(info, name)
        if value:
            cases.append(Mistake("xundian-2024", f"基本信息{name}按元填写", _info(**{name: value * WAN})))
    return cases


def _import_mistakes(evaluation: Evaluation) -> list[Mistake]:
    """Exports as the 部门决算 software writes them, in units and spellings an accountant meets."""
    in_wan = form_table(evaluation.accounts, wan=True)
    cases = []
    for spelling in ("单位：万元", "金额单位：万元", "（万元）", "单位：元", ""):
        table = [list(row) for row in in_wan]
        table[2][15] = spelling
        cases.append(Mistake("xundian-2024", f"万元导出「{spelling or '未注明单位'}」", _imported(table)))
    footnote = [list(row) for row in in_wan] + [["", "注：本表金额单位为万元。"]]
    footnote[2][15] = ""
    cases.append(Mistake("xundian-2024", "万元导出单位在表注", _imported(footnote)))
    in_yuan = form_table(evaluation.accounts)
    z12 = assets_table()
    z12[1][7] = "单位：万元"  # the amounts are in 元
    cases.append(Mistake("xundian-2024", "资产负债简表元写成万元", _imported(in_yuan, z12), _imported(in_yuan, assets_table())))
    twice = [list(row) for row in in_yuan]
    line = next(i for i, row in enumerate(twice) if 1 in row[1:3])
    twice.insert(line, [*twice[line][:5], 1.0])  # 行次1 once more before the genuine line, 决算数 1 元
    cases.append(Mistake("xundian-2024", "行次重复且金额不同", _imported(twice)))
    cases.append(Mistake("xundian-2024", "收入缺年初预算数列", _imported([row[:3] + row[4:] for row in in_yuan])))
    blank = [list(row) for row in in_yuan]
    blank[2][1] = "编制单位："
    cases.append(Mistake("xundian-2024", "编制单位空白", _imported(blank)))
    cases.append(Mistake("xundian-2024", "编制单位简称", _imported(form_table(evaluation.accounts, unit="寻甸县融媒体中心"))))
    assert evaluation.info.unit_name == UNIT
    return cases


def _sample(form: str) -> tuple[Evaluation, dict[str, str]]:
    evaluation, provenance = read_evaluation(open_workbook(BOOKS[form]))
    return evaluation, provenance


SAMPLES = {form: _sample(form) for form in BOOKS}
MISTAKES = [*_report_mistakes(SAMPLES["xundian-2024"][0]), *_import_mistakes(SAMPLES["xundian-2024"][0]),
            *_self_mistakes(SAMPLES["self-2020"][0])]


def _outcome(evaluation: Evaluation, form: str) -> tuple[object, ...]:
    """What the result and the report show: total, grade, scores, and every figure as read."""
    rs = load_ruleset(form)
    card = assess(evaluation, rs).scorecard
    rows = []
    for row in evaluation.self_form.rows if evaluation.self_form else []:
        target = parse_target(row.effective_target)
        try:
            actual = read_actual(row.actual, target) if target is not None and target.kind != "text" else row.actual
        except EvidenceError:  # an unreadable actual: compared as typed
            actual = row.actual
        rows.append((target.value if target else None, target.unit if target else None, getattr(actual, "value", actual),
                     row.method, row.reported))
    figures = (evaluation.info.model_dump(), evaluation.accounts.rows,
               evaluation.self_form.model_dump(exclude={"rows"}) if evaluation.self_form else None, rows)
    return card.total, card.grade, card.complete, [(r.code, r.score) for r in card.indicators], figures


def test_the_suite_covers_every_kind_on_both_forms():
    kinds = {m.name.split(":")[-1] for m in MISTAKES}
    assert {"自评得分超过分值", "完成日期写成2023年", "完成日期写成2025年", "负号", "评定得分填在非定性行", "计分方式与目标方向相反",
            "多打一个0", "目标写成小数", "实际按元填写", "实际写成元", "目标写成元", "单位写错", "资金情况整块按元填写",
            "自评总分超过100", "决算表按万元填写", "评价时段止早于起", "万元导出「未注明单位」", "行次重复且金额不同"} <= kinds
    assert {m.form for m in MISTAKES} == set(BOOKS) and len(MISTAKES) >= 80


@pytest.mark.parametrize("mistake", MISTAKES, ids=[f"{m.form}:{m.name}" for m in MISTAKES])
def test_no_mistake_changes_a_figure_with_only_a_note(mistake):
    sample, provenance = SAMPLES[mistake.form]
    rs = load_ruleset(mistake.form)
    typed, meant = sample.model_copy(deep=True), sample.model_copy(deep=True)
    mistake.meant(meant)
    before = {(f.code, f.where) for f in assess(meant, rs, provenance=provenance).findings}
    try:
        noticed = mistake.typed(typed) or []
    except ExportError as refused:  # a clean refusal: nothing imported, the question asked
        assert "单位" in str(refused)
        return
    if _outcome(typed, mistake.form) == _outcome(meant, mistake.form):
        return  # read right
    found = [*noticed, *assess(typed, rs, provenance=provenance).findings]
    flagged = [f for f in found if f.severity in ("error", "warning") and (f.code, f.where) not in before]
    assert flagged, f"{mistake.name}: result or figures changed with no new warning or error"
    assert any(CELL.search(f.where) for f in flagged), [(f.code, f.where) for f in flagged]

"""Varied department evaluations and workbooks, built from the two samples (for the batch tests and benchmark).

Each department differs in its name, credit code, year, amounts, indicator inputs and questionnaire
counts (third-party reports), or fund block and actual values (self-evaluation forms); all stay clean.
"""
from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

from scoring import Evaluation, load_ruleset, sample_evaluation
from xladdin.workbook import workbook_bytes

DEPARTMENTS = ("财政局", "教育体育局", "卫生健康局", "农业农村局", "自然资源局", "住房和城乡建设局", "交通运输局",
               "水务局", "民政局", "人力资源和社会保障局", "文化和旅游局", "市场监督管理局", "应急管理局", "统计局",
               "林业和草原局", "司法局", "审计局", "医疗保障局", "退役军人事务局", "融媒体中心")
COUNTIES = ("青山县", "石门县", "云岭县", "白沙县", "松溪县")
_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# 逐项计分 inputs of the report sample that may lose one item, and 酌情 inputs that may take another value
_DROPPABLE = {"A11": "①②③④", "A12": "①②", "A24": "①②", "A32": "①②③", "A34": "①②", "B14": "①②", "B41": "①②③"}
_DISCRETIONARY = {"A13": ("2", "1.8", "1.5"), "A33": ("2", "1.5", "1"), "B53": ("1", "0.8", "0.5")}


def unit_name(n: int) -> str:
    """A distinct name for each n: 青山县财政局 … 松溪县融媒体中心, then 青山县财政局第2分局 …"""
    name = f"{COUNTIES[n // len(DEPARTMENTS) % len(COUNTIES)]}{DEPARTMENTS[n % len(DEPARTMENTS)]}"
    return name if n < len(COUNTIES) * len(DEPARTMENTS) else f"{name}第{n // (len(COUNTIES) * len(DEPARTMENTS)) + 1}分局"


def credit_code(n: int) -> str:
    """A valid 统一社会信用代码 (GB 32100 check digit) for each n."""
    body = f"11530100MB{n:07d}"
    total = sum(_CODE_CHARS.index(c) * w for c, w in zip(body, _CODE_WEIGHTS))
    return body + _CODE_CHARS[(31 - total % 31) % 31]


def report_department(n: int, year: int = 2024, seed: int | None = None) -> Evaluation:
    """The xundian-2024 sample as department ``n`` would have filled it in; ``seed`` varies the inputs (default n)."""
    chance = random.Random(n if seed is None else seed)
    evaluation = sample_evaluation("xundian-2024")
    info = evaluation.info
    info.unit_name, info.credit_code, info.year = unit_name(n), credit_code(n), year
    factor = chance.choice((1, 2, 3))  # whole multiples keep every 勾稽 identity of the accounts exact
    for number, row in evaluation.accounts.rows.items():
        evaluation.accounts.rows[number] = [None if v is None else v * factor for v in row]
    info.staff_actual = (info.staff_actual or 0) + chance.randint(-3, 3)
    info.three_public_current = Decimal(chance.randint(100, 400)) / 100
    for entry in evaluation.indicators:
        if entry.code in _DROPPABLE and chance.random() < 0.4:
            items = _DROPPABLE[entry.code]
            entry.inputs = [items.replace(chance.choice(items), ""), *entry.inputs[1:]]
        elif entry.code in _DISCRETIONARY:
            entry.inputs = [chance.choice(_DISCRETIONARY[entry.code])]
    assert evaluation.survey is not None
    for question in evaluation.survey.questions:
        moved = chance.randint(0, 3)
        top, second = question.options[0], question.options[1]
        moved = min(moved, top.count)
        top.count, second.count = top.count - moved, second.count + moved
    return evaluation


def self_department(n: int, year: int = 2024, seed: int | None = None) -> Evaluation:
    """The self-2020 sample as department ``n`` would have filled it in."""
    chance = random.Random(n if seed is None else seed)
    evaluation = sample_evaluation("self-2020")
    evaluation.info.unit_name, evaluation.info.year = unit_name(n), year
    form = evaluation.self_form
    assert form is not None
    scale = Decimal(chance.randint(50, 300)) / 100
    for line in (form.fund.total, form.fund.fiscal, form.fund.other):
        for column in ("initial", "budget", "final"):
            value = getattr(line, column)
            setattr(line, column, None if value is None else (value * scale).quantize(Decimal("0.01")))
    spent = Decimal(chance.randint(85, 100)) / 100  # the execution rate
    form.fund.fiscal.final = (form.fund.fiscal.budget * spent).quantize(Decimal("0.01"))  # type: ignore[operator]
    for column in ("initial", "budget", "final"):  # the total stays the sum of its parts
        setattr(form.fund.total, column, getattr(form.fund.fiscal, column) + getattr(form.fund.other, column))
    form.reported, form.reported_total = {}, None
    shows, satisfied = form.rows[1], form.rows[-1]  # ≥60场 and ≥90%: actual values around the targets
    shows.actual = f"{chance.randint(45, 65)}场"
    satisfied.actual = f"{chance.randint(850, 980) / 10}%"
    for row in form.rows:
        row.reported = None
    return evaluation


def write_workbook(path: Path, evaluation: Evaluation) -> Path:
    path.write_bytes(workbook_bytes(load_ruleset(evaluation.ruleset), evaluation))
    return path

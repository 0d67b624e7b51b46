"""基本信息: the unit's facts (名称, 年度, 编制, 三公经费, 资产…), key projects and execution progress."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from openpyxl.worksheet.worksheet import Worksheet
from pydantic import ValidationError

from scoring import (
    Assessment,
    BasicInfo,
    EvidenceError,
    KeyProject,
    ProgressPoint,
    chinese_errors,
    parse_count,
    parse_number,
    parse_rate,
    parse_yes_no,
)

from . import style as S
from .file import WorkbookError, WorkbookFile
from .sheet import BuildJob, Expected, Reading

NAME = "基本信息"
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


@dataclass(frozen=True)
class InfoField:
    name: str
    label: str
    kind: str  # text | count | amount | date | year


def _kind(name: str, annotation: object) -> str:
    if name == "year":
        return "year"
    kinds: dict[object, str] = {int | None: "count", Decimal | None: "amount", dt.date | None: "date"}
    return kinds.get(annotation, "text")


FIELDS: tuple[InfoField, ...] = tuple(
    InfoField(name, field.description or name, _kind(name, field.annotation))
    for name, field in BasicInfo.model_fields.items()
    if name not in ("key_projects", "execution_progress")
)
FIRST_ROW = 3
ROW = {f.name: FIRST_ROW + i for i, f in enumerate(FIELDS)}
PROJECTS_TITLE_ROW = FIRST_ROW + len(FIELDS) + 1
PROJECTS_FIRST_ROW = PROJECTS_TITLE_ROW + 2
PROJECT_ROWS = 10
PROJECT_COLUMNS = (("name", "A", "项目名称"), ("budget", "B", "预算数（万元）"), ("spent", "C", "支出数（万元）"),
                   ("completed", "D", "是否完成"), ("note", "E", "说明"))
PROGRESS_TITLE_ROW = PROJECTS_FIRST_ROW + PROJECT_ROWS + 1
PROGRESS_FIRST_ROW = PROGRESS_TITLE_ROW + 2
PROGRESS_ROWS = 6
_HINTS = {"text": "", "count": "整数", "amount": "万元", "date": "日期，如 2024-01-01", "year": "四位年份"}
_FORMATS = {"count": "0", "amount": S.AMOUNT, "date": S.DATE, "year": "0", "text": S.TEXT}


def cell(name: str) -> str:
    """Cell of a 基本信息 field, e.g. ``unit_name`` → ``B3``."""
    return f"B{ROW[name]}"


# ── build ─────────────────────────────────────────────────
def build(ws: Worksheet, job: BuildJob) -> None:
    info = job.evaluation.info if job.evaluation else None
    S.title(ws, "A1", "基本信息", "C1")
    S.header_row(ws, 2, [("A", "项目"), ("B", "内容"), ("C", "说明")])
    rules = {
        "count": S.whole_at_least(ws, 0, "填写人数（整数）"),
        "amount": S.decimal_at_least(ws, 0, "填写金额，单位万元"),
        "year": S.validation(ws, "whole", "填写评价年度，如 2024", "年度应在2000至2100之间", "2000", "2100", "between"),
    }
    credit = S.validation(ws, "textLength", "18位统一社会信用代码", "统一社会信用代码应为18位", "18", None, "equal")
    for field in FIELDS:
        ref = cell(field.name)
        row = ref[1:]
        S.label_cell(ws, f"A{row}", field.label)
        S.input_cell(ws, ref, getattr(info, field.name) if info else None, _FORMATS[field.kind])
        hint = _HINTS[field.kind]
        S.label_cell(ws, f"C{row}", None if hint in field.label else hint)
        if field.kind in rules:
            rules[field.kind].add(ref)
        if field.name == "credit_code":
            credit.add(ref)
    _build_projects(ws, info.key_projects if info else [])
    _build_progress(ws, info.execution_progress if info else [])
    S.widths(ws, {"A": 30, "B": 34, "C": 22, "D": 10, "E": 30})  # C: a hint such as “日期，如 2024-01-01” on one line
    S.fit_rows(ws, range(3, ws.max_row + 1))
    ws.freeze_panes = "A3"
    S.print_setup(ws, landscape=False)


def _build_projects(ws: Worksheet, projects: list[KeyProject]) -> None:
    if len(projects) > PROJECT_ROWS:
        raise ValueError(f"重点项目超过{PROJECT_ROWS}个，工作簿放不下")
    S.literal(ws, f"A{PROJECTS_TITLE_ROW}", "重点项目")
    ws[f"A{PROJECTS_TITLE_ROW}"].font = S.BOLD
    S.header_row(ws, PROJECTS_TITLE_ROW + 1, [(col, text) for _, col, text in PROJECT_COLUMNS])
    yes_no = S.choice(ws, ["是", "否"], "该重点项目是否完成")
    money = S.decimal_at_least(ws, 0, "填写金额，单位万元")
    for i in range(PROJECT_ROWS):
        row = PROJECTS_FIRST_ROW + i
        project = projects[i] if i < len(projects) else None
        for key, col, _ in PROJECT_COLUMNS:
            value = getattr(project, key) if project else None
            if key == "completed":
                value = None if value is None else ("是" if value else "否")
                yes_no.add(f"{col}{row}")
            elif key in ("budget", "spent"):
                money.add(f"{col}{row}")
            S.input_cell(ws, f"{col}{row}", value, S.AMOUNT if key in ("budget", "spent") else None, wrap=True)


def _build_progress(ws: Worksheet, points: list[ProgressPoint]) -> None:
    if len(points) > PROGRESS_ROWS:
        raise ValueError(f"预算执行进度超过{PROGRESS_ROWS}个时点，工作簿放不下")
    S.literal(ws, f"A{PROGRESS_TITLE_ROW}", "预算执行进度")
    ws[f"A{PROGRESS_TITLE_ROW}"].font = S.BOLD
    S.header_row(ws, PROGRESS_TITLE_ROW + 1, [("A", "时点（如 6月末）"), ("B", "执行进度")])
    rate = S.validation(ws, "decimal", "填写百分数，如 60.46%", "执行进度应在0%至1000%之间", "0", "10", "between")
    for i in range(PROGRESS_ROWS):
        row = PROGRESS_FIRST_ROW + i
        point = points[i] if i < len(points) else None
        S.input_cell(ws, f"A{row}", point.label if point else None)
        S.input_cell(ws, f"B{row}", point.rate if point else None, S.PERCENT)
        rate.add(f"B{row}")


def defined_names(job: BuildJob) -> dict[str, str]:
    return {}


# ── read ──────────────────────────────────────────────────
def _date(value: object, what: str) -> dt.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    match = _DATE.fullmatch(str(value).strip())
    try:
        return dt.date(*(int(g) for g in match.groups())) if match else dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise EvidenceError(f"「{value}」不是有效的{what}，应填写日期，如 2024-01-01") from None


def _year(value: object, what: str) -> int | None:
    return parse_count(value, what, example="2024")


def _ratio(value: object, what: str) -> Decimal | None:
    return parse_rate(value, "ratio", what)


_PARSERS: dict[str, Callable[[object, str], object]] = {"count": parse_count, "year": _year, "amount": parse_number, "date": _date}


def read(book: WorkbookFile, reading: Reading) -> None:
    ws = book.sheets[NAME]
    data: dict[str, object] = {}
    for field in FIELDS:
        ref = cell(field.name)
        label = ws.value(f"A{ref[1:]}")
        if label != field.label:
            raise WorkbookError(f"{NAME}!A{ref[1:]} 应为「{field.label}」，实际为「{label or ''}」：工作簿版式不符")
        parser = _PARSERS.get(field.kind)
        data[field.name] = book.parse(NAME, ref, field.label, parser) if parser else book.text(NAME, ref)
        reading.provenance[f"info.{field.name}"] = f"{NAME}!{ref}"
    data["key_projects"] = _read_projects(book)
    data["execution_progress"] = _read_progress(book)
    reading.fields["info"] = _validated(book, data)


def _validated(book: WorkbookFile, data: dict[str, object]) -> BasicInfo:
    """BasicInfo from what was read; a value the model refuses (e.g. negative) is a problem and left blank."""
    try:
        return BasicInfo.model_validate(data)
    except ValidationError as exc:
        refused = {str(error["loc"][0]) for error in exc.errors() if error["loc"]}
        labels = {f.name: f.label for f in FIELDS}
        for line in chinese_errors(exc, data):
            name, _, text = line.partition("：")
            if name in labels:
                book.problem(NAME, cell(name), f"{labels[name]}：{text}")
        return BasicInfo.model_validate({key: value for key, value in data.items() if key not in refused})


def _read_projects(book: WorkbookFile) -> list[KeyProject]:
    projects = []
    for row in range(PROJECTS_FIRST_ROW, PROJECTS_FIRST_ROW + PROJECT_ROWS):
        refs = {key: f"{col}{row}" for key, col, _ in PROJECT_COLUMNS}
        if all(book.blank(NAME, ref) for ref in refs.values()):
            continue
        name = book.text(NAME, refs["name"])
        if not name:
            book.problem(NAME, refs["name"], "重点项目缺少项目名称：该行未读入")
            continue
        projects.append(KeyProject(
            name=name,
            budget=book.parse(NAME, refs["budget"], "预算数", parse_number),
            spent=book.parse(NAME, refs["spent"], "支出数", parse_number),
            completed=book.parse(NAME, refs["completed"], "是否完成", parse_yes_no),
            note=book.text(NAME, refs["note"]),
        ))
    return projects


def _read_progress(book: WorkbookFile) -> list[ProgressPoint]:
    points = []
    for row in range(PROGRESS_FIRST_ROW, PROGRESS_FIRST_ROW + PROGRESS_ROWS):
        label = book.text(NAME, f"A{row}")
        rate = book.parse(NAME, f"B{row}", "执行进度", _ratio)
        if label and rate is not None:
            points.append(ProgressPoint(label=label, rate=rate))
        elif label or rate is not None:
            book.problem(NAME, f"A{row}", f"预算执行进度的时点和进度须同时填写（{NAME}!A{row}:B{row}），如「6月末」和 60.46%")
    return points


def expected(assessment: Assessment) -> list[Expected]:
    return []

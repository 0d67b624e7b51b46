"""Read an evaluation workbook without Excel: the input cells via openpyxl, the results via the core.

``read_workbook`` needs no calculated values; a formula in a bound input cell means "use the
binding". ``cached_results`` returns what Excel saved for the PE_ cells, which
``workbook_findings`` compares with the core. Hostile files (too large, zip bombs, XML
entity bombs via defusedxml, not a workbook at all) get a clear Chinese ``WorkbookError``.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
import zipfile
from decimal import Decimal
from pathlib import Path

from pydantic import ValidationError

from scoring.accounts import COLUMN_NAMES, COLUMNS, ROWS, Accounts
from scoring.cells import is_network_path
from scoring.evidence import EvidenceError, parse_count, parse_number, parse_rate, parse_yes_no
from scoring.model import BasicInfo, Evaluation, IndicatorEntry, KeyProject, ProgressPoint
from scoring.narrative import NARRATIVE_SECTIONS
from scoring.ruleset import RulesetError, load_ruleset
from scoring.survey import Survey, SurveyOption, SurveyQuestion
from scoring.validation import chinese_errors

from . import workbook_layout as L

MAX_FILE_BYTES = 20_000_000
MAX_UNPACKED_BYTES = 200_000_000
MAX_MEMBERS = 2_000
MAX_RATIO = 200
MAX_ROWS = 2_000  # far beyond any layout; bounds the work a hostile sheet can cause
MAX_COLUMNS = 26
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


class WorkbookError(ValueError):
    """A workbook that cannot be read; the message is Chinese and names what is wrong."""


def _guard(path: Path) -> None:
    """Refuse what is not a reasonably sized .xlsx/.xlsm before openpyxl touches it."""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(4)
    except OSError as exc:
        raise WorkbookError(f"无法读取「{path}」：{exc.strerror or exc}") from None
    if size > MAX_FILE_BYTES:
        raise WorkbookError(f"「{path}」过大（{size}字节），评价工作簿不应超过{MAX_FILE_BYTES}字节")
    if head == _OLE_MAGIC:
        raise WorkbookError(f"「{path}」是旧版 .xls 或设置了打开密码的工作簿：请在 Excel 中取消密码并另存为 .xlsx")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise WorkbookError(f"「{path}」不是 Excel 工作簿（.xlsx/.xlsm）") from None
    if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
        raise WorkbookError(f"「{path}」解压后过大，不像评价工作簿（疑似压缩炸弹），已拒绝读取")
    if any(m.file_size > 1_000_000 and m.file_size > MAX_RATIO * max(m.compress_size, 1) for m in members):
        raise WorkbookError(f"「{path}」压缩比异常（疑似压缩炸弹），已拒绝读取")
    if "xl/workbook.xml" not in {m.filename for m in members}:
        raise WorkbookError(f"「{path}」不是 Excel 工作簿（缺少 xl/workbook.xml）")
    _refuse_dtds(path, members)


def _refuse_dtds(path: Path, members: list[zipfile.ZipInfo]) -> None:
    """No OOXML part has a DTD; refuse entity declarations (XML bombs) before any parser expands them.

    openpyxl parses worksheets with the standard library's iterparse, so this check is ours.
    """
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, iterparse

    with zipfile.ZipFile(path) as archive:
        for member in members:
            if not member.filename.endswith((".xml", ".rels", ".vml")):
                continue
            with archive.open(member) as part:
                try:
                    next(iterparse(part, events=("start",), forbid_dtd=True), None)
                except DefusedXmlException:
                    raise WorkbookError(f"「{path}」的 {member.filename} 含有 DTD 或实体声明（可能是 XML 炸弹），已拒绝读取") from None
                except ParseError:
                    raise WorkbookError(f"「{path}」已损坏：{member.filename} 不是有效的 XML") from None


class _Sheet:
    """A worksheet's cells as ``{"B3": (value, data_type)}`` (read-only load, then closed)."""

    def __init__(self, ws):
        ws.reset_dimensions()
        self.cells = {
            cell.coordinate: (cell.value, cell.data_type)
            for row in ws.iter_rows(max_row=MAX_ROWS, max_col=MAX_COLUMNS)
            for cell in row
            if cell.value is not None
        }

    def value(self, ref: str) -> object:
        return self.cells.get(ref, (None, "n"))[0]

    def is_formula(self, ref: str) -> bool:
        return self.cells.get(ref, (None, "n"))[1] == "f"


@functools.lru_cache(maxsize=4)
def _load_cached(path: str, stamp: tuple[int, int], data_only: bool) -> tuple[dict[str, _Sheet], dict[str, str]]:
    """Sheets by name and defined names (name → reference) of one workbook file."""
    import openpyxl
    from openpyxl.xml import DEFUSEDXML

    if not DEFUSEDXML:
        raise WorkbookError("读取工作簿需要 defusedxml（防御 XML 实体攻击）：请安装 defusedxml，并不要设置 OPENPYXL_DEFUSEDXML=False")
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=data_only, keep_links=False)
        try:
            sheets = {ws.title: _Sheet(ws) for ws in wb.worksheets}
            names = {name: defined.attr_text for name, defined in wb.defined_names.items()}
        finally:
            wb.close()
    except Exception as exc:  # openpyxl/defusedxml raise many kinds for malformed or hostile files
        raise WorkbookError(f"无法读取工作簿「{path}」：文件已损坏或不是有效的 Excel 工作簿（{type(exc).__name__}）") from None
    return sheets, names


def _load(path: Path, data_only: bool) -> tuple[dict[str, _Sheet], dict[str, str]]:
    _guard(path)
    stat = path.stat()
    return _load_cached(str(path.resolve()), (stat.st_mtime_ns, stat.st_size), data_only)


_NAME_TARGET = re.compile(r"'?([^'!]+)'?!\$?([A-Z]{1,3})\$?(\d+)")


class WorkbookFile:
    """One workbook: its formulas, and (loaded when needed) the values Excel saved."""

    def __init__(self, path: Path):
        self.path = path
        self.sheets, self.names = _load(path, data_only=False)
        missing = [name for name in L.SHEETS if name not in self.sheets]
        if missing:
            raise WorkbookError(
                f"「{path.name}」缺少工作表「{'」「'.join(missing)}」：评价工作簿应有 {'、'.join(L.SHEETS)}（可用 pe-eval new 生成）"
            )
        version = self._named(L.NAME_LAYOUT)
        if version != L.LAYOUT_VERSION:
            raise WorkbookError(
                f"「{path.name}」的工作簿版式为「{version}」，本程序只能读取第{L.LAYOUT_VERSION}版：请用 pe-eval new 生成新工作簿后转录数据"
            )
        self.ruleset_ref = str(self._named(L.NAME_RULESET) or "").strip()
        if self.ruleset_ref.lower().endswith(".toml") and (
            is_network_path(self.ruleset_ref) or not Path(self.ruleset_ref).is_file()
        ):
            raise WorkbookError(f"工作簿使用的规则集文件「{self.ruleset_ref}」不存在、不是本机的普通文件，或位于网络路径上")
        try:
            self.ruleset = load_ruleset(self.ruleset_ref)
        except RulesetError as exc:
            raise WorkbookError(f"工作簿使用的规则集「{self.ruleset_ref}」无法使用：{'；'.join(exc.problems)}") from None
        self._check_indicators()

    @functools.cached_property
    def saved(self) -> dict[str, _Sheet]:
        """The values Excel saved with the file (None for formulas it never calculated)."""
        return _load(self.path, data_only=True)[0]

    def _named(self, name: str) -> object:
        match = _NAME_TARGET.fullmatch(self.names.get(name, ""))
        if not match or match.group(1) not in self.sheets:
            raise WorkbookError(f"「{self.path.name}」不是本工具生成的评价工作簿（缺少定义名称「{name}」）")
        sheet, column, row = match.groups()
        return self.sheets[sheet].value(f"{column}{row}")

    def _check_indicators(self) -> None:
        ws = self.sheets[L.INDICATORS]
        for index, (_, _, indicator) in enumerate(L.indicator_order(self.ruleset)):
            ref = f"{L.IND['code']}{L.IND_FIRST_ROW + index}"
            found = ws.value(ref)
            if found != indicator.code:
                raise WorkbookError(
                    f"工作簿的指标体系与规则集「{self.ruleset.id}」不一致：{L.INDICATORS}!{ref} 应为指标{indicator.code}，"
                    f"实际为「{found or ''}」（工作簿可能按其他规则集生成，或被增删了行）"
                )
        total = f"A{L.indicator_total_row(self.ruleset)}"
        if ws.value(total) != "合计":
            raise WorkbookError(f"工作簿的指标体系与规则集「{self.ruleset.id}」不一致：{L.INDICATORS}!{total} 应为「合计」")

    def formula(self, sheet: str, ref: str) -> str | None:
        cells = self.sheets[sheet]
        return str(cells.value(ref)) if cells.is_formula(ref) else None

    def raw(self, sheet: str, ref: str) -> object:
        """The cell as typed; for a formula, the value Excel saved (error if there is none)."""
        cells = self.sheets[sheet]
        if not cells.is_formula(ref):
            return cells.value(ref)
        saved = self.saved[sheet].value(ref)
        if saved is None:
            raise WorkbookError(
                f"{sheet}!{ref} 是公式，但文件里没有 Excel 保存的计算结果：请直接填写数值，或在 Excel 中重算并保存后再读取"
            )
        return saved

    def parse(self, sheet: str, ref: str, what: str, parser, *args):
        try:
            return parser(self.raw(sheet, ref), what, *args)
        except EvidenceError as exc:
            raise WorkbookError(f"{sheet}!{ref}（{what}）：{exc}") from None

    def text(self, sheet: str, ref: str) -> str:
        value = self.raw(sheet, ref)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip()


def read_workbook(path: Path | str) -> Evaluation:
    """The evaluation a workbook holds (inputs only; results come from the core)."""
    book = WorkbookFile(Path(path))
    try:
        return Evaluation(
            ruleset=book.ruleset_ref,
            info=_info(book),
            accounts=_accounts(book),
            indicators=_indicators(book),
            survey=_survey(book),
            narrative=_narrative(book),
        )
    except ValidationError as exc:
        lines = "\n".join(f"- {line}" for line in chinese_errors(exc, {}))
        raise WorkbookError(f"「{book.path.name}」中的数据有误：\n{lines}") from None


# ── 基本信息 ──────────────────────────────────────────────
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


def _info(book: WorkbookFile) -> BasicInfo:
    ws = book.sheets[L.INFO]
    data: dict[str, object] = {}
    for field in L.INFO_FIELDS:
        ref = L.info_cell(field.name)
        label = ws.value(f"A{ref[1:]}")
        if label != field.label:
            raise WorkbookError(f"{L.INFO}!A{ref[1:]} 应为「{field.label}」，实际为「{label or ''}」：工作簿版式不符")
        if field.kind == "text":
            data[field.name] = book.text(L.INFO, ref)
        elif field.kind in ("count", "year"):
            data[field.name] = book.parse(L.INFO, ref, field.label, parse_count)
        elif field.kind == "amount":
            data[field.name] = book.parse(L.INFO, ref, field.label, parse_number)
        else:
            data[field.name] = book.parse(L.INFO, ref, field.label, _date)
    if data["year"] is None:
        raise WorkbookError(f"{L.INFO}!{L.info_cell('year')}（评价年度）未填写")
    data["key_projects"] = _projects(book)
    data["execution_progress"] = _progress(book)
    try:
        return BasicInfo(**data)
    except ValidationError as exc:
        labels = {f.name: f"{L.INFO}!{L.info_cell(f.name)}（{f.label}）" for f in L.INFO_FIELDS}
        lines = [_relabel(line, labels) for line in chinese_errors(exc, data)]
        raise WorkbookError("；".join(lines)) from None


def _relabel(line: str, labels: dict[str, str]) -> str:
    where, sep, text = line.partition("：")
    return f"{labels.get(where, where)}{sep}{text}"


def _projects(book: WorkbookFile) -> list[KeyProject]:
    projects = []
    cols = {key: col for key, col, _ in L.PROJECT_COLUMNS}
    for row in range(L.PROJECTS_FIRST_ROW, L.PROJECTS_FIRST_ROW + L.PROJECT_ROWS):
        refs = {key: f"{col}{row}" for key, col in cols.items()}
        if all(book.raw(L.INFO, ref) in (None, "") for ref in refs.values()):
            continue
        name = book.text(L.INFO, refs["name"])
        if not name:
            raise WorkbookError(f"{L.INFO}!{refs['name']}：重点项目缺少项目名称")
        projects.append(KeyProject(
            name=name,
            budget=book.parse(L.INFO, refs["budget"], "预算数", parse_number),
            spent=book.parse(L.INFO, refs["spent"], "支出数", parse_number),
            completed=book.parse(L.INFO, refs["completed"], "是否完成", parse_yes_no),
            note=book.text(L.INFO, refs["note"]),
        ))
    return projects


def _progress(book: WorkbookFile) -> list[ProgressPoint]:
    points = []
    for row in range(L.PROGRESS_FIRST_ROW, L.PROGRESS_FIRST_ROW + L.PROGRESS_ROWS):
        label = book.text(L.INFO, f"A{row}")
        rate = book.parse(L.INFO, f"B{row}", "执行进度", parse_rate)
        if not label and rate is None:
            continue
        if not label or rate is None:
            raise WorkbookError(f"{L.INFO}!A{row}:B{row}：预算执行进度的时点和进度须同时填写")
        points.append(ProgressPoint(label=label, rate=rate))
    return points


# ── 决算 ──────────────────────────────────────────────────
def _accounts(book: WorkbookFile) -> Accounts:
    ws = book.sheets[L.ACCOUNTS]
    for line in range(1, L.ACC_LINES + 1):
        row = L.ACC_FIRST_ROW + line - 1
        for section, number in L.line_numbers(line).items():
            ref = f"{L.ACC_SECTIONS[section][1]}{row}"
            if number is not None and ws.value(ref) != number:
                raise WorkbookError(f"{L.ACCOUNTS}!{ref} 应为行次{number}，实际为「{ws.value(ref) or ''}」：决算表版式不符")
    accounts = Accounts()
    for number, info in ROWS.items():
        values = [
            None if column in info.na
            else book.parse(L.ACCOUNTS, L.account_cell(number, column), f"第{number}行{COLUMN_NAMES[column]}", parse_number)
            for column in COLUMNS
        ]
        if any(v is not None for v in values):
            accounts.rows[number] = values
    return accounts


# ── 指标体系 ──────────────────────────────────────────────
def _literal(value: object) -> str | int | Decimal | None:
    """A typed input as the model keeps it: blank is "", floats become exact decimals."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return parse_number(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _indicators(book: WorkbookFile) -> list[IndicatorEntry]:
    entries = []
    col = L.IND
    for index, (_, _, indicator) in enumerate(L.indicator_order(book.ruleset)):
        row = L.IND_FIRST_ROW + index
        inputs: list[object] = []
        for ref_spec, input_col in zip(indicator.rule.inputs(), L.INPUT_COLUMNS):
            ref = f"{input_col}{row}"
            if ref_spec.source and book.formula(L.INDICATORS, ref) is not None:
                inputs.append(None)
            else:
                try:
                    inputs.append(_literal(book.raw(L.INDICATORS, ref)))
                except EvidenceError as exc:
                    raise WorkbookError(f"{L.INDICATORS}!{ref}：{exc}") from None
        override = book.parse(L.INDICATORS, f"{col['override']}{row}", f"{indicator.code}人工得分", parse_number, ("分",))
        entries.append(IndicatorEntry(
            code=indicator.code, inputs=inputs, override=override,
            reason=book.text(L.INDICATORS, f"{col['reason']}{row}"),
            note=book.text(L.INDICATORS, f"{col['note']}{row}"),
        ))
    return entries


# ── 问卷 ──────────────────────────────────────────────────
def _survey(book: WorkbookFile) -> Survey | None:
    counts = {
        attr: book.parse(L.SURVEY, ref, label, parse_count)
        for attr, ref, label in (("issued", L.SURVEY_ISSUED, "发放问卷"), ("returned", L.SURVEY_RETURNED, "收回问卷"),
                                 ("valid", L.SURVEY_VALID, "有效问卷"))
    }
    questions = [q for number in range(1, L.QUESTIONS + 1) if (q := _question(book, number))]
    title = book.text(L.SURVEY, L.SURVEY_TITLE)
    if not questions and not title and all(v is None for v in counts.values()):
        return None
    for (attr, value), ref in zip(counts.items(), (L.SURVEY_ISSUED, L.SURVEY_RETURNED, L.SURVEY_VALID)):
        if value is None:
            raise WorkbookError(f"{L.SURVEY}!{ref}：已填写问卷内容，但份数未填写")
    extra = {"title": title} if title else {}
    return Survey(**counts, questions=questions, **extra)


def _question(book: WorkbookFile, number: int) -> SurveyQuestion | None:
    rows = L.question_rows(number)
    options = []
    for row in rows:
        refs = [f"{c}{row}" for c in "CDEF"]
        if all(book.raw(L.SURVEY, ref) in (None, "") for ref in refs):
            continue
        points = book.parse(L.SURVEY, f"E{row}", f"第{number}题标准分值", parse_number)
        if points is None:
            raise WorkbookError(f"{L.SURVEY}!E{row}：第{number}题的选项缺少标准分值")
        label = book.text(L.SURVEY, f"C{row}") or chr(ord("A") + row - rows[0])
        count = book.parse(L.SURVEY, f"F{row}", f"第{number}题人数", parse_count)
        options.append(SurveyOption(label=label, text=book.text(L.SURVEY, f"D{row}"), points=points, count=count or 0))
    text = book.text(L.SURVEY, f"B{rows[0]}")
    if not options:
        if text:
            raise WorkbookError(f"{L.SURVEY}!B{rows[0]}：第{number}题没有选项")
        return None
    return SurveyQuestion(number=number, text=text, options=options)


# ── 报告 ──────────────────────────────────────────────────
def _narrative(book: WorkbookFile) -> dict[str, str]:
    ws = book.sheets[L.REPORT]
    texts = {}
    for key, _ in NARRATIVE_SECTIONS:
        row = L.REPORT_ROW[key]
        if ws.value(f"{L.REPORT_KEY_COLUMN}{row}") != key:
            raise WorkbookError(f"{L.REPORT}!{L.REPORT_KEY_COLUMN}{row} 应为「{key}」：报告工作表版式不符")
        text = book.text(L.REPORT, f"{L.REPORT_TEXT_COLUMN}{row}")
        if text:
            texts[key] = text
    return texts


def cached_results(path: Path | str) -> dict[str, object]:
    """``{"指标体系!M4": 2.0, …}``: what Excel last saved in the PE_ cells and the 总分 cell.

    Empty when the file was never calculated by Excel (e.g. written by openpyxl).
    """
    book = WorkbookFile(Path(path))
    total = f"{L.SUMMARY}!D{L.summary_layout(book.ruleset).total_row}"
    found = {}
    for title, sheet in book.sheets.items():
        for ref, (formula, kind) in sheet.cells.items():
            place = f"{title}!{ref}"
            if kind == "f" and ("PE_" in str(formula).upper() or place == total):
                value = book.saved[title].value(ref)
                if value is not None:
                    found[place] = value
    return found

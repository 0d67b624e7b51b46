"""部门决算 exports read from plain cell values into the 财决01表 and 基本信息.

- The 部门决算 software's 财决01表 (sheet like ``Z01 收入支出决算总表(财决01表)``): three blocks side by side,
  each 项目, 行次, 年初预算数, 全年预算数, 决算数; rows matched by 行次 *and* label, never by position.
- The published 收入支出决算总表 (收入 left, 支出 right, usually 万元, a row set of its own): rows matched by label;
  what it lacks is listed.
- ``Z12 资产负债简表`` when present: total assets and its parts (年末数) into 基本信息, in 万元.
Amounts in 万元 are converted to 元 exactly; ``—`` and blanks are empty.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from ..model.accounts import COLUMN_NAMES, COLUMNS, ROWS, Accounts, check_accounts, rows_text
from ..common.evidence import EvidenceError, parse_number
from .table import (
    ExportError,
    Row,
    Table,
    cell_at,
    label_key,
    place,
    shown,
    squeeze,
    text,
)
from ..common.findings import Finding, Severity
from ..model.evaluation import BasicInfo
from ..common.numbers import fmt_money

WAN = Decimal(10000)
_HEADER_SEARCH = 30
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_UNIT_NAME = re.compile(r"(?:编制单位|单位名称|部门名称|部门(?=[:：]))[:：]?\s*(.*?)\s*(?:(?:金额)?单位[:：].*)?$")
_ALIASES = {28: ("使用非财政拨款结余",), 31: ("收入总计",), 88: ("支出总计",)}
_ASSETS = {"资产总计": "total_assets", "资产合计": "total_assets", "流动资产合计": "current_assets",
           "固定资产净值": "fixed_assets_net", "固定资产净额": "fixed_assets_net", "固定资产原值": "fixed_assets_total",
           "固定资产原价": "fixed_assets_total", "负债合计": "liabilities", "负债总计": "liabilities"}
_KEYS = {n: {label_key(row.name), *map(label_key, _ALIASES.get(n, ()))} for n, row in ROWS.items()}


@dataclass(frozen=True)
class _Block:
    """One 项目 column with the columns that belong to it (up to the next 项目 column)."""

    label: int
    number: int | None  # 行次
    amounts: dict[str, int]  # initial/budget/final → column


@dataclass(frozen=True)
class AccountsImport:
    """What an export holds: the 财决01表 in 元, the unit and year it names, Z12 totals in 万元, and findings."""

    name: str
    sheet: str
    unit_name: str
    year: int | None
    published: bool
    accounts: Accounts
    assets: dict[str, Decimal]
    findings: tuple[Finding, ...]

    def checked(self) -> list[Finding]:
        """The import's findings and the 财决01表 identities checked on the imported figures."""
        return [*self.findings, *check_accounts(self.accounts)]

    def json(self) -> dict[str, object]:
        return {"unit_name": self.unit_name, "year": self.year, "unit": "元",
                "rows": {str(n): values for n, values in sorted(self.accounts.rows.items())},
                "findings": [f.model_dump() for f in self.checked()]}

    def into(self, info: BasicInfo) -> tuple[BasicInfo, list[Finding]]:
        """基本信息 with the export's unit, year (when blank there) and Z12 totals; another unit is refused."""
        update: dict[str, object] = dict(self.assets)
        notes = []
        if not self.unit_name:
            notes.append(_finding("info", "IMP-UNIT-NAME", self.name, "导出文件未注明编制单位，未与基本信息的单位名称核对"))
        elif info.unit_name and squeeze(info.unit_name) != squeeze(self.unit_name):
            raise ExportError(f"「{self.name}」的编制单位为「{self.unit_name}」，与工作簿基本信息的单位名称「{info.unit_name}」"
                              "不同：不能导入其他单位的决算")
        elif not info.unit_name:
            update["unit_name"] = self.unit_name
        if self.year is not None and info.year is None:
            update["year"] = self.year
        elif self.year is not None and info.year != self.year:
            notes.append(_finding("warning", "IMP-YEAR", self.name,
                                  f"导出文件为{self.year}年度，工作簿基本信息的评价年度为{info.year}年"))
        if self.assets:
            notes.append(_finding("info", "IMP-ASSETS", self.name, f"已从资产负债简表填入基本信息：{self.assets_text()}"))
        return info.model_copy(update=update), notes

    def assets_text(self) -> str:
        """``资产总额1,853.22万元，流动资产44.83万元…``"""
        names = {k: (BasicInfo.model_fields[k].description or k).split("（")[0] for k in self.assets}
        return "，".join(f"{names[k]}{fmt_money(v)}万元" for k, v in self.assets.items())


def _finding(severity: Severity, code: str, where: str, message: str) -> Finding:
    return Finding(severity=severity, code=code, where=where, message=message)


def import_accounts(sheets: Mapping[str, Table], name: str) -> AccountsImport:
    """Read the 收入支出决算总表 (and Z12 when present) of an export file's ``sheets``; ``name`` is the file's name."""
    sheet, header, blocks = _find_table(sheets, name)
    table = sheets[sheet]
    published = not any(b.number is not None and len(b.amounts) == len(COLUMNS) for b in blocks)
    findings: list[Finding] = []
    factor = _unit(table[: header + 1], sheet, findings, required=published)
    accounts = Accounts()
    seen: dict[int, str] = {}
    for index in range(header + 1, len(table)):
        row = table[index]
        if text(cell_at(row, blocks[0].label)) == "栏次":
            continue
        for side, block in enumerate(blocks):
            where = place(sheet, index, block.label)
            label = shown(cell_at(row, block.label))
            filled = any(text(cell_at(row, c)) not in ("", "—", "-") for c in block.amounts.values())
            number = (_published_number(label, side, filled, where, findings) if published
                      else _form_number(cell_at(row, block.number) if block.number is not None else None, label, filled,
                                        where, findings))
            if number is not None and number in seen:
                findings.append(_finding("error", "IMP-DUP", where, f"第{number}行「{label}」已出现在{seen[number]}：此处未导入"))
            elif number is not None:
                seen[number] = where
                cells = {c: (index, col, cell_at(row, col)) for c, col in block.amounts.items()}
                _store(accounts, number, cells, sheet, factor, findings)
    if published:
        findings.append(_lacks(accounts, blocks, sheet))
    head = [shown(v) for row in table[: header + 1] for v in row]
    unit_name = next((re.split(r"\s{2,}", m.group(1))[0] for v in head if (m := _UNIT_NAME.search(v)) and m.group(1)), "")
    unit_name = unit_name or _next_cell(table[: header + 1])
    year = next((int(m.group(1)) for v in head if (m := _YEAR.search(v))), None)
    assets = _assets(sheets, findings)
    return AccountsImport(name=name, sheet=sheet, unit_name=unit_name, year=year, published=published,
                          accounts=accounts, assets=assets, findings=tuple(findings))


def _next_cell(rows: Table) -> str:
    """The unit's name in the cell after a bare ``编制单位：`` cell."""
    for row in rows:
        cells = [shown(v) for v in row]
        for i, value in enumerate(cells):
            if re.fullmatch(r"(?:编制单位|单位名称|部门名称|部门)[:：]?", value):
                return next((c for c in cells[i + 1:] if c), "")
    return ""


# ── finding the table ─────────────────────────────────────
def _ordered(sheets: Mapping[str, Table]) -> list[str]:
    """The 收入支出决算总表's likely sheets first (Z01, 财决01, by title); Z12 and 资产负债 never."""
    names = [n for n in sheets if not re.search(r"Z12|资产负债", n, re.I)]
    return sorted(names, key=lambda n: not re.search(r"Z01|财决01|收入支出决算总表", n, re.I))


def _find_table(sheets: Mapping[str, Table], name: str) -> tuple[str, int, list[_Block]]:
    for sheet in _ordered(sheets):
        table = sheets[sheet]
        for index in range(min(len(table), _HEADER_SEARCH)):
            blocks = _blocks(table, index)
            if blocks and any("final" in b.amounts for b in blocks):
                return sheet, index, blocks
    raise ExportError(f"「{name}」中没有找到收入支出决算总表：应有「项目、行次、年初预算数、全年预算数、决算数」"
                      "（或公开表的「项目、决算数/金额」）表头")


def _blocks(table: Table, index: int) -> list[_Block]:
    """The blocks of header row ``index``; a second header row right below it (blank first cell) adds its labels."""
    row = table[index]
    first = next((c for c, v in enumerate(row) if _squashed(v).startswith("项目")), None)
    if first is None:
        return []
    below = table[index + 1] if index + 1 < len(table) else ()
    second = text(cell_at(below, first)) in ("", "栏次")
    heads = [_squashed(v) + (_squashed(cell_at(below, c)) if second else "") for c, v in enumerate(row)]
    starts = [c for c, h in enumerate(heads) if h.startswith("项目")]
    blocks = []
    for start, end in zip(starts, [*starts[1:], len(heads)]):
        span = range(start + 1, end)
        amounts: dict[str, int] = {}
        for c in span:
            kind = _amount_kind(heads[c])
            if kind and kind not in amounts:
                amounts[kind] = c
        number = next((c for c in span if "行次" in heads[c]), None)
        blocks.append(_Block(start, number, amounts))
    return blocks


def _squashed(value: object) -> str:
    return re.sub(r"\s+", "", text(value))


def _amount_kind(head: str) -> str | None:
    if "年初" in head:
        return "initial"
    if "全年预算" in head or "调整预算" in head:
        return "budget"
    if "决算" in head or head in ("金额", "本年金额", "合计"):
        return "final"
    return None


def _unit(rows: Table, sheet: str, findings: list[Finding], required: bool) -> Decimal:
    """10000 when the header says 万元, 1 for 元; a 财决01表 that says nothing is in 元 (noted)."""
    for value in (text(v) for row in rows for v in row):
        match = re.search(r"单位[:：]\s*(万元|元)", value)
        if match:
            return WAN if match.group(1) == "万元" else Decimal(1)
    if required:
        raise ExportError(f"「{sheet}」没有注明金额单位（如「单位：万元」）：公开的决算表多以万元列示，无法确定，"
                          "请在表头注明后再导入")
    findings.append(_finding("info", "IMP-UNIT", sheet, "表头未注明金额单位，按部门决算软件的默认单位元读取"))
    return Decimal(1)


# ── reading lines ─────────────────────────────────────────
def _form_number(written: object, label: str, filled: bool, where: str, findings: list[Finding]) -> int | None:
    """The 行次 of a line of the 财决01表, when it is one of the form's and its label agrees."""
    number = _row_number(written)
    if number not in ROWS:
        if filled:
            line = f"行次{number}" if number is not None else "没有行次"
            findings.append(_finding("warning", "IMP-ROW", where, f"「{label}」（{line}）不是财决01表的行，未导入"))
        return None
    if label_key(label) not in _KEYS[number]:
        if label or filled:
            findings.append(_finding("error", "IMP-LABEL", where, f"行次{number}的项目为「{label}」，"
                                     f"财决01表第{number}行应为「{ROWS[number].name}」：该行未导入，请核对导出文件"))
        return None
    return number


def _published_number(label: str, side: int, filled: bool, where: str, findings: list[Finding]) -> int | None:
    """The 行次 a line of the published table stands for, by its label (收入 left, 支出 right)."""
    if not label:
        return None
    section = "income" if side == 0 else "function"
    number = next((n for n, keys in _KEYS.items() if ROWS[n].section == section and label_key(label) in keys), None)
    if number is None and filled:
        part = "收入" if side == 0 else "支出"
        findings.append(_finding("warning", "IMP-ROW", where, f"「{label}」不是财决01表{part}部分的项目，未导入"))
    return number


def _row_number(value: object) -> int | None:
    number = text(value)
    return int(number) if number.isdigit() else None


def _store(accounts: Accounts, number: int, cells: dict[str, tuple[int, int, object]], sheet: str, factor: Decimal,
           findings: list[Finding]) -> None:
    """Parse and convert one row's amounts; a — column of the form takes no amount."""
    values: list[Decimal | None] = []
    for column in COLUMNS:
        if column not in cells:
            values.append(None)
            continue
        index, col, raw = cells[column]
        where = place(sheet, index, col)
        try:
            amount = parse_number(raw, f"第{number}行{COLUMN_NAMES[column]}")
        except EvidenceError as exc:
            findings.append(_finding("error", "IMP-AMOUNT", where, f"{exc}：该数未导入"))
            amount = None
        if amount is not None and column in ROWS[number].na:
            findings.append(_finding("warning", "IMP-NA", where,
                                     f"第{number}行{COLUMN_NAMES[column]}在财决01表中不适用（—），导出文件为「{shown(raw)}」：未导入"))
            amount = None
        values.append(None if amount is None else amount * factor)
    if any(v is not None for v in values):
        accounts.rows[number] = values


def _lacks(accounts: Accounts, blocks: list[_Block], sheet: str) -> Finding:
    """What the published table does not have: rows and columns to enter by hand."""
    missing = [n for n in ROWS if n not in accounts.rows]
    columns = [COLUMN_NAMES[c] for c in COLUMNS if not any(c in b.amounts for b in blocks)]
    parts = ([rows_text(missing)] if missing else []) + ([f"{'、'.join(columns)}栏"] if columns else [])
    return _finding("info", "IMP-LACKS", sheet, f"公开的收入支出决算总表不含财决01表的{'；'.join(parts)}：请按部门决算补录")


# ── Z12 资产负债简表 ───────────────────────────────────────
def _assets(sheets: Mapping[str, Table], findings: list[Finding]) -> dict[str, Decimal]:
    """Total assets and its parts (年末数, in 万元) from a Z12 资产负债简表; {} when there is none."""
    sheet = next((n for n in sheets if re.search(r"Z12|资产负债", n, re.I)), None)
    if sheet is None:
        return {}
    table = sheets[sheet]
    header = next((i for i, row in enumerate(table[:_HEADER_SEARCH]) if _asset_columns(row)), None)
    if header is None:
        findings.append(_finding("warning", "IMP-ASSETS", sheet, "资产负债简表中没有找到「项目」和「年末数」表头，资产未导入"))
        return {}
    divisor = WAN / _unit(table[: header + 1], sheet, findings, required=False)  # to 万元
    columns = _asset_columns(table[header])
    found: dict[str, Decimal] = {}
    for index in range(header + 1, len(table)):
        row = table[index]
        for label, value in columns:
            field = _ASSETS.get(label_key(text(cell_at(row, label))))
            if field is None or field in found:
                continue
            try:
                amount = parse_number(cell_at(row, value), shown(cell_at(row, label)))
            except EvidenceError as exc:
                findings.append(_finding("error", "IMP-AMOUNT", place(sheet, index, value), f"{exc}：该数未导入"))
                continue
            if amount is not None:
                found[field] = amount / divisor
    return {name: found[name] for name in BasicInfo.model_fields if name in found}  # in 基本信息's order


def _asset_columns(row: Row) -> list[tuple[int, int]]:
    """(项目 column, 年末数 column) of each block of a Z12 header row."""
    heads = [_squashed(v) for v in row]
    starts = [c for c, h in enumerate(heads) if h.startswith("项目")]
    pairs = []
    for start, end in zip(starts, [*starts[1:], len(heads)]):
        value = next((c for c in range(start + 1, end) if "年末" in heads[c] or "期末" in heads[c]), None)
        if value is not None:
            pairs.append((start, value))
    return pairs

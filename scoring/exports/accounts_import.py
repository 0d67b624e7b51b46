"""部门决算 exports read from plain cell values into the 财决01表 and 基本信息.

- The 部门决算 software's 财决01表 (sheet like ``Z01 收入支出决算总表(财决01表)``): three blocks side by side,
  each 项目, 行次, 年初预算数, 全年预算数, 决算数; rows matched by 行次 *and* label, never by position.
- The published 收入支出决算总表 (收入 left, 支出 right, usually 万元, a row set of its own): rows matched by label;
  what it lacks is listed.
- ``Z12 资产负债简表`` when present: total assets and its parts (年末数) into 基本信息, in 万元.

The amount unit is found wherever these exports write it — ``单位：万元``, ``金额单位：元``, ``（万元）`` in a title
or column header, ``注：本表金额单位为万元`` below the table — and converted to 元 exactly (元, 千元, 万元, 亿元).
A table that names no unit, or two different ones, is refused with the question (a Z12 so: its assets are
not imported, with a warning); 元 is never assumed. ``—`` and blanks are empty. A 行次 given twice is taken
once when both copies agree and not at all (an error naming both cells) when they differ.
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
_CREDIT_CODE = re.compile(r"(?:统一社会信用代码|信用代码|单位代码)[:：]?\s*([0-9A-Za-z]{18})(?![0-9A-Za-z])")
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
    unit: str = "元"  # the export's amount unit (the amounts here are in 元)
    credit_code: str = ""

    def checked(self) -> list[Finding]:
        """The import's findings and the 财决01表 identities checked on the imported figures."""
        return [*self.findings, *check_accounts(self.accounts)]

    def json(self) -> dict[str, object]:
        return {"unit_name": self.unit_name, "year": self.year, "unit": "元",
                "rows": {str(n): values for n, values in sorted(self.accounts.rows.items())},
                "findings": [f.model_dump() for f in self.checked()]}

    def into(self, info: BasicInfo, force: bool = False) -> tuple[BasicInfo, list[Finding]]:
        """基本信息 with the export's unit, year (when blank there) and Z12 totals.

        The unit must be the workbook's (see ``same_unit``); another unit is refused unless ``force``,
        which imports it with a warning saying so.
        """
        update: dict[str, object] = dict(self.assets)
        notes = []
        if not self.unit_name and not self.credit_code:
            notes.append(_finding("info", "IMP-UNIT-NAME", self.name, "导出文件未注明编制单位，未与基本信息的单位名称核对"))
        elif info.unit_name or info.credit_code:
            notes.extend(self._same_unit(info, force))
        if self.unit_name and not info.unit_name:
            update["unit_name"] = self.unit_name
        if self.credit_code and not info.credit_code:
            update["credit_code"] = self.credit_code
        if self.year is not None and info.year is None:
            update["year"] = self.year
        elif self.year is not None and info.year != self.year:
            notes.append(_finding("warning", "IMP-YEAR", self.name,
                                  f"导出文件为{self.year}年度，工作簿基本信息的评价年度为{info.year}年"))
        if self.assets:
            notes.append(_finding("info", "IMP-ASSETS", self.name, f"已从资产负债简表填入基本信息：{self.assets_text()}"))
        return info.model_copy(update=update), notes

    def _same_unit(self, info: BasicInfo, force: bool) -> list[Finding]:
        """Nothing when the export is the workbook's unit, a note when it is by code or short name; else refused."""
        ours = f"「{self.unit_name or self.credit_code}」"
        theirs = f"「{info.unit_name or info.credit_code}」"
        verdict = same_unit(self.unit_name, self.credit_code, info.unit_name, info.credit_code.strip())
        if verdict == "same":
            return []
        if verdict in ("code", "short"):
            how = "统一社会信用代码相同" if verdict == "code" else "一方是另一方的简称（自治县全称与简称）"
            return [_finding("info", "IMP-UNIT-NAME", self.name,
                             f"导出文件的编制单位{ours}与工作簿基本信息的单位{theirs}写法不同，{how}，按同一单位导入")]
        reason = "统一社会信用代码不同" if verdict == "other-code" else "名称不同"
        if not force:
            raise ExportError(f"「{self.name}」的编制单位为{ours}，与工作簿基本信息的单位{theirs}{reason}：不能导入其他单位的决算。"
                              "确属同一单位（如单位更名）时，可先改正基本信息的单位名称，或在命令行加 --force 导入")
        return [_finding("warning", "IMP-UNIT-FORCED", self.name,
                         f"导出文件的编制单位{ours}与工作簿基本信息的单位{theirs}{reason}，按 --force 导入：请确认是同一单位")]

    def assets_text(self) -> str:
        """``资产总额1,853.22万元，流动资产44.83万元…``"""
        names = {k: (BasicInfo.model_fields[k].description or k).split("（")[0] for k in self.assets}
        return "，".join(f"{names[k]}{fmt_money(v)}万元" for k, v in self.assets.items())


_ETHNIC = ("蒙古|回|藏|维吾尔|苗|彝|壮|布依|朝鲜|满|侗|瑶|白|土家|哈尼|哈萨克|傣|黎|傈僳|佤|畲|高山|拉祜|水|东乡|纳西|景颇|"
           "柯尔克孜|土|达斡尔|仫佬|羌|布朗|撒拉|毛南|仡佬|锡伯|阿昌|普米|塔吉克|怒|乌孜别克|俄罗斯|鄂温克|德昂|保安|裕固|京|"
           "塔塔尔|独龙|鄂伦春|赫哲|门巴|珞巴|基诺")
_AUTONOMOUS = re.compile(rf"(?:(?:{_ETHNIC})族)*自治(县|旗|州)")


def short_name(name: str) -> str:
    """A unit's name with its autonomous county's full name shortened: 寻甸回族彝族自治县融媒体中心 → 寻甸县融媒体中心."""
    return _AUTONOMOUS.sub(r"\1", squeeze(name))


def same_unit(name: str, code: str, other_name: str, other_code: str) -> str:
    """Whether two (name, 统一社会信用代码) pairs are one unit: ``same``; ``code`` (same code, names differ);
    ``short`` (no code on one side, one name is the other with the county's full name shortened);
    ``other-code`` or ``other`` when they are not."""
    if code and other_code:
        if code.upper() != other_code.upper():
            return "other-code"
        return "same" if squeeze(name) == squeeze(other_name) or not name or not other_name else "code"
    if not name or not other_name or squeeze(name) == squeeze(other_name):
        return "same"
    return "short" if short_name(name) == short_name(other_name) else "other"


def _finding(severity: Severity, code: str, where: str, message: str) -> Finding:
    return Finding(severity=severity, code=code, where=where, message=message)


def import_accounts(sheets: Mapping[str, Table], name: str) -> AccountsImport:
    """Read the 收入支出决算总表 (and Z12 when present) of an export file's ``sheets``; ``name`` is the file's name."""
    sheet, header, blocks = _find_table(sheets, name)
    table = sheets[sheet]
    published = not any(b.number is not None and len(b.amounts) == len(COLUMNS) for b in blocks)
    findings: list[Finding] = []
    unit, factor = _unit(table, sheet, "收入支出决算总表")
    findings.extend(_missing_columns(table, header, blocks, sheet, published))
    candidates: dict[int, list[tuple[str, list[Decimal | None]]]] = {}
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
            if number is not None:
                cells = {c: (index, col, cell_at(row, col)) for c, col in block.amounts.items()}
                candidates.setdefault(number, []).append((where, _amounts(number, cells, sheet, factor, findings)))
    accounts = Accounts()
    for number, found in sorted(candidates.items()):
        values = _one_line(number, found, findings)
        if values is not None and any(v is not None for v in values):
            accounts.rows[number] = values
    if published:
        findings.append(_lacks(accounts, blocks, sheet))
    head = [shown(v) for row in table[: header + 1] for v in row]
    unit_name = next((re.split(r"\s{2,}", m.group(1))[0] for v in head if (m := _UNIT_NAME.search(v)) and m.group(1)), "")
    unit_name = unit_name or _next_cell(table[: header + 1])
    year = next((int(m.group(1)) for v in head if (m := _YEAR.search(v))), None)
    code = next((m.group(1).upper() for v in head if (m := _CREDIT_CODE.search(text(v)))), "")
    assets = _assets(sheets, findings)
    return AccountsImport(name=name, sheet=sheet, unit_name=unit_name, year=year, published=published,
                          accounts=accounts, assets=assets, findings=tuple(findings), unit=unit, credit_code=code)


def _next_cell(rows: Table) -> str:
    """The unit's name in the cell after a bare ``编制单位：`` cell; a label (``单位：元``, ``2024年度``) is no name."""
    for row in rows:
        cells = [shown(v) for v in row]
        for i, value in enumerate(cells):
            if re.fullmatch(r"(?:编制单位|单位名称|部门名称|部门)[:：]?", value):
                after = next((c for c in cells[i + 1:] if c), "")
                return "" if re.search(r"[:：]|单位|^\d|年度?$", after) else after
    return ""


def _one_line(number: int, found: list[tuple[str, list[Decimal | None]]], findings: list[Finding]) -> list[Decimal | None] | None:
    """A 行次's amounts; a 行次 given twice is taken once when both agree, and not at all when they differ."""
    (first, values), *others = found
    if not others:
        return values
    places = "、".join(where for where, _ in found)
    if all(other == values for _, other in others):
        findings.append(_finding("warning", "IMP-DUP", others[0][0],
                                 f"第{number}行在{places}重复出现，金额相同：只导入一次，请核对导出文件"))
        return values
    shown_values = "；".join(f"{where}为{'/'.join('—' if v is None else fmt_money(v) for v in amounts)}元"
                             for where, amounts in found)
    findings.append(_finding("error", "IMP-DUP", first,
                             f"第{number}行（{ROWS[number].name}）出现{len(found)}次且金额不同（{shown_values}）：哪一行是正确的无法判断，"
                             "该行未导入，请删去错误的一行后再导入，或在决算表中补录"))
    return None


def _missing_columns(table: Table, header: int, blocks: list[_Block], sheet: str, published: bool) -> list[Finding]:
    """A block of the 财决01表 without a column the others have (an income block without its 年初预算数)."""
    if published:
        return []
    have = {c for b in blocks for c in b.amounts}
    sides = ("收入", "支出（按功能分类）", "支出（按经济分类）")
    return [_finding("warning", "IMP-COLUMN", place(sheet, header, block.label),
                     f"{sides[i] if i < len(sides) else f'第{i + 1}栏'}部分没有「{COLUMN_NAMES[c]}」列：该列未导入，"
                     "决算表中该列为空，请核对导出文件或补录")
            for i, block in enumerate(blocks) for c in COLUMNS if c in have and c not in block.amounts]


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


_UNIT_WORD = r"(?:人民币)?\s*(亿元|万元|千元|元)"
_UNIT_FORMS = (  # 单位：万元, 金额单位为元 (not 编制单位：元谋县…)
    re.compile(r"(?<!编制)(?<!填报)(?<!报送)单位(?:为|是|[:：])?\s*" + _UNIT_WORD + r"(?![\u4e00-\u9fff])"),
    re.compile(r"[（(]\s*(?:金额)?(?:单位[:：]?)?\s*" + _UNIT_WORD + r"\s*[)）]"),  # （万元）, 决算数(单位:万元)
    re.compile(r"以" + _UNIT_WORD + r"(?:为单位|列示|计)"),  # 以万元为单位
)
_FACTORS = {"元": Decimal(1), "千元": Decimal(1000), "万元": WAN, "亿元": Decimal(10**8)}


def _unit_mentions(table: Table, sheet: str) -> dict[str, list[str]]:
    """Every amount unit the table names (title rows, column headers, footnotes), with the cells naming it."""
    found: dict[str, list[str]] = {}
    for r, row in enumerate(table):
        for c, value in enumerate(row):
            if not isinstance(value, str) or ("元" not in value):
                continue
            folded = text(value)
            for form in _UNIT_FORMS:
                for match in form.finditer(folded):
                    cells = found.setdefault(match.group(1), [])
                    if place(sheet, r, c) not in cells:
                        cells.append(place(sheet, r, c))
    return found


def _unit(table: Table, sheet: str, what: str) -> tuple[str, Decimal]:
    """The one amount unit ``table`` names and its factor to 元; refused (with the question) when it names none or two."""
    found = _unit_mentions(table, sheet)
    if len(found) == 1:
        unit = next(iter(found))
        return unit, _FACTORS[unit]
    if not found:
        raise ExportError(f"「{sheet}」的{what}没有注明金额单位（表头、列标题和表注中都没有「单位：元」「单位：万元」「（万元）」等）："
                          "金额是元、千元还是万元？无法确定时不导入，请在表头注明单位（如「单位：元」）后再导入")
    named = "；".join(f"{'、'.join(cells)}写「{unit}」" for unit, cells in found.items())
    raise ExportError(f"「{sheet}」的{what}注明了不同的金额单位（{named}）：金额是{'还是'.join(found)}？"
                      "请改正表头或表注后再导入")


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


def _amounts(number: int, cells: dict[str, tuple[int, int, object]], sheet: str, factor: Decimal,
             findings: list[Finding]) -> list[Decimal | None]:
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
    return values


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
    try:
        _, factor = _unit(table, sheet, "资产负债简表")
    except ExportError as exc:
        findings.append(_finding("warning", "IMP-ASSETS-UNIT", sheet, f"{exc}；资产未导入，其余照常导入"))
        return {}
    divisor = WAN / factor  # to 万元
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

"""财决01表 收入支出决算总表: layout, amounts and the identities the 部门决算 software checks."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from pydantic import Field, field_validator

from ..common.base import Record
from ..common.evidence import EvidenceError, parse_number
from ..common.findings import Finding
from ..common.numbers import ZERO, chinese_numeral, fmt_money, round2

COLUMNS = ("initial", "budget", "final")
COLUMN_NAMES = {"initial": "年初预算数", "budget": "全年预算数", "final": "决算数"}
Section = Literal["income", "function", "nature"]
SECTION_FIRST_COLUMN = {"income": 1, "function": 4, "nature": 7}

_FUNCTIONS = (
    "一般公共服务支出", "外交支出", "国防支出", "公共安全支出", "教育支出", "科学技术支出",
    "文化旅游体育与传媒支出", "社会保障和就业支出", "卫生健康支出", "节能环保支出", "城乡社区支出",
    "农林水支出", "交通运输支出", "资源勘探工业信息等支出", "商业服务业等支出", "金融支出",
    "援助其他地区支出", "自然资源海洋气象等支出", "住房保障支出", "粮油物资储备支出",
    "国有资本经营预算支出", "灾害防治及应急管理支出", "其他支出", "债务还本支出", "债务付息支出",
    "抗疫特别国债安排的支出",
)
_ECONOMIC = (
    "工资福利支出", "商品和服务支出", "对个人和家庭的补助", "债务利息及费用支出", "资本性支出（基本建设）",
    "资本性支出", "对企业补助（基本建设）", "对企业补助", "对社会保障基金补助", "其他支出",
)


@dataclass(frozen=True)
class AccountRow:
    """One 行次 of the table; ``na`` lists columns printed as — (not applicable)."""

    number: int
    name: str
    section: Section
    indent: int = 0
    na: tuple[str, ...] = ()

    def column_number(self, column: str) -> int:
        """栏次 of a column in this row's section (e.g. 决算数 of an income row → 3)."""
        return SECTION_FIRST_COLUMN[self.section] + COLUMNS.index(column)


_ECON_NA = ("initial", "budget")
ROWS: dict[int, AccountRow] = {
    row.number: row
    for row in (
        AccountRow(1, "一、一般公共预算财政拨款收入", "income"),
        AccountRow(2, "二、政府性基金预算财政拨款收入", "income"),
        AccountRow(3, "三、国有资本经营预算财政拨款收入", "income"),
        AccountRow(4, "四、上级补助收入", "income"),
        AccountRow(5, "五、事业收入", "income"),
        AccountRow(6, "六、经营收入", "income"),
        AccountRow(7, "七、附属单位上缴收入", "income"),
        AccountRow(8, "八、其他收入", "income"),
        AccountRow(27, "本年收入合计", "income"),
        AccountRow(28, "使用非财政拨款结余（含专用结余）", "income", 1),
        AccountRow(29, "年初结转和结余", "income", 1),
        AccountRow(31, "总计", "income"),
        *(AccountRow(32 + i, f"{chinese_numeral(i + 1)}、{name}", "function") for i, name in enumerate(_FUNCTIONS)),
        AccountRow(58, "一、基本支出", "nature"),
        AccountRow(59, "人员经费", "nature", 2),
        AccountRow(60, "公用经费", "nature", 2),
        AccountRow(61, "二、项目支出", "nature"),
        AccountRow(62, "其中：基本建设类项目", "nature", 1),
        AccountRow(63, "三、上缴上级支出", "nature"),
        AccountRow(64, "四、经营支出", "nature"),
        AccountRow(65, "五、对附属单位补助支出", "nature"),
        AccountRow(68, "经济分类支出合计", "nature", 0, _ECON_NA),
        *(
            AccountRow(69 + i, f"{chinese_numeral(i + 1)}、{name}", "nature", 0, _ECON_NA)
            for i, name in enumerate(_ECONOMIC)
        ),
        AccountRow(84, "本年支出合计", "function"),
        AccountRow(85, "结余分配", "function", 1, _ECON_NA),
        AccountRow(86, "年末结转和结余", "function", 1),
        AccountRow(88, "总计", "function"),
    )
}


PRINTED_LINES = 31
"""Lines of the printed 财决01表 (seed 附件6): three sections side by side, 行次 1–31 on the income side."""


def printed_line(line: int) -> dict[str, int | None]:
    """行次 printed in each section on table line ``line`` (1–31); None where the section has no row.

    Lines 1–26: income 1–26 | functional 32–57 | by nature 58–83; lines 27–31: income 27–31 |
    84–88 | nothing.
    """
    return {
        "income": line,
        "function": line + 31 if line <= 26 else line + 57,
        "nature": line + 57 if line <= 26 else None,
    }


def line_of(number: int) -> tuple[str, int]:
    """Section and printed line of 行次 ``number`` (the inverse of ``printed_line``)."""
    if number <= 31:
        return "income", number
    if number <= 57:
        return "function", number - 31
    if number >= 84:
        return "function", number - 57
    return "nature", number - 57


@dataclass(frozen=True)
class Identity:
    """``lhs relation Σ sign·row``, checked in each listed column where its figures are entered (see ``unentered``)."""

    code: str
    lhs: int
    terms: tuple[tuple[int, int], ...]
    text: str
    relation: Literal["=", ">="] = "="
    columns: tuple[str, ...] = COLUMNS


def _plus(*rows: int) -> tuple[tuple[int, int], ...]:
    return tuple((1, row) for row in rows)


IDENTITIES: tuple[Identity, ...] = (
    Identity("ACC-27", 27, _plus(*range(1, 9)), "本年收入合计（27行）= 第1至8行之和"),
    Identity("ACC-31", 31, _plus(27, 28, 29), "总计（31行）= 本年收入合计（27行）+ 使用非财政拨款结余（28行）+ 年初结转和结余（29行）"),
    Identity("ACC-58", 58, _plus(59, 60), "基本支出（58行）= 人员经费（59行）+ 公用经费（60行）"),
    Identity("ACC-61", 61, _plus(62), "项目支出（61行）≥ 其中基本建设类项目（62行）", ">="),
    Identity("ACC-68", 68, _plus(*range(69, 79)), "经济分类支出合计（68行）= 第69至78行之和"),
    Identity("ACC-84F", 84, _plus(*range(32, 58)), "本年支出合计（84行）= 功能分类第32至57行之和"),
    Identity("ACC-84N", 84, _plus(58, 61, 63, 64, 65), "本年支出合计（84行）= 基本支出（58行）+ 项目支出（61行）+ 上缴上级支出（63行）+ 经营支出（64行）+ 对附属单位补助支出（65行）"),
    Identity("ACC-88", 88, _plus(84, 85, 86), "总计（88行）= 本年支出合计（84行）+ 结余分配（85行）+ 年末结转和结余（86行）"),
    Identity("ACC-31-88", 31, _plus(88), "收入总计（31行）= 支出总计（88行）"),
    Identity("ACC-68-84", 68, _plus(84), "经济分类支出合计（68行）= 本年支出合计（84行）", columns=("final",)),
    Identity("ACC-86", 86, ((1, 29), (1, 27), (-1, 84)), "年末结转和结余（86行）= 年初结转和结余（29行）+ 本年收入合计（27行）− 本年支出合计（84行）", columns=("final",)),
)


Amount = Decimal | None


class Accounts(Record):
    """Amounts in 元 by 行次: ``{27: [年初预算数, 全年预算数, 决算数]}``; None = blank or —."""


    unit: Literal["元"] = "元"
    rows: dict[int, list[Amount]] = Field(default_factory=dict)

    @field_validator("rows", mode="before")
    @classmethod
    def _parse(cls, rows: object) -> object:
        if not isinstance(rows, dict):
            return rows
        parsed: dict[int, list[Amount]] = {}
        for key, values in rows.items():
            try:
                number = int(key)
            except (TypeError, ValueError):
                raise ValueError(f"决算表行次「{key}」不是数字") from None
            if number not in ROWS:
                raise ValueError(f"决算表没有第{number}行")
            if not isinstance(values, (list, tuple)) or len(values) != 3:
                raise ValueError(f"决算表第{number}行应有3个数（年初预算数、全年预算数、决算数）")
            try:
                parsed[number] = [parse_number(v, f"第{number}行金额") for v in values]
            except EvidenceError as exc:
                raise ValueError(str(exc)) from None
        return parsed

    def get(self, row: int, column: str) -> Amount:
        values = self.rows.get(row)
        return None if values is None else values[COLUMNS.index(column)]

    def set(self, row: int, column: str, value: Amount) -> None:
        self.rows.setdefault(row, [None, None, None])[COLUMNS.index(column)] = value


def _where(row: int, column: str) -> str:
    return f"决算表第{row}行{COLUMN_NAMES[column]}（栏次{ROWS[row].column_number(column)}）"


def rows_text(rows: list[int]) -> str:
    """``第58、61、63至65行``: 行次 in order, three or more consecutive ones as a range."""
    runs: list[list[int]] = []
    for row in rows:
        if runs and row == runs[-1][-1] + 1:
            runs[-1].append(row)
        else:
            runs.append([row])
    return "第" + "、".join(f"{r[0]}至{r[-1]}" if len(r) > 2 else "、".join(map(str, r)) for r in runs) + "行"


def _applies(identity: Identity, column: str) -> bool:
    """Whether the identity is stated for ``column`` (its left-hand side is not — there)."""
    return column in identity.columns and column not in ROWS[identity.lhs].na


def _parts(identity: Identity, column: str) -> list[int]:
    """The right-hand rows in ``column``; a row printed — there is no part of the identity."""
    return [row for _, row in identity.terms if column not in ROWS[row].na]


def unentered(identity: Identity, accounts: Accounts, column: str) -> list[int] | None:
    """Blank rows that keep ``identity`` from being checked in ``column``: [] when it can be checked,
    None when none of its rows is entered there (nothing to check).

    The left-hand side must be entered, and at least one part unless the identity is a bound (``>=``);
    the remaining blank parts then count as 0, as the 部门决算 software prints zero amounts blank.
    """
    parts = _parts(identity, column)
    entered = [row for row in parts if accounts.get(row, column) is not None]
    if accounts.get(identity.lhs, column) is None:
        return [identity.lhs] if entered else None
    return [] if entered or identity.relation == ">=" else parts


def _mismatch(identity: Identity, accounts: Accounts, column: str) -> Finding | None:
    """The error when the entered figures break the identity in ``column``; blank parts count as 0."""
    actual = round2(accounts.get(identity.lhs, column) or ZERO)
    expected = round2(sum((sign * (accounts.get(row, column) or ZERO) for sign, row in identity.terms), ZERO))
    difference = actual - expected
    holds = difference >= 0 if identity.relation == ">=" else difference == 0
    if holds:
        return None
    blank = [row for row in _parts(identity, column) if accounts.get(row, column) is None]
    return Finding(
        severity="error",
        code=identity.code,
        where=_where(identity.lhs, column),
        message=f"勾稽不符：{identity.text}；{COLUMN_NAMES[column]}栏实际{fmt_money(actual)}元，"
        f"应为{'不小于' if identity.relation == '>=' else ''}{fmt_money(expected)}元，差额{fmt_money(difference)}元"
        + (f"（未录入的{rows_text(blank)}按0计）" if blank else ""),
        expected=expected,
        actual=actual,
        difference=difference,
    )


def _skipped(identity: Identity, gaps: dict[str, list[int]]) -> Finding:
    """One note for the columns of ``identity`` left unchecked, naming their blank rows."""
    by_rows: dict[str, list[str]] = {}
    for column, rows in gaps.items():
        by_rows.setdefault(rows_text(rows), []).append(COLUMN_NAMES[column])
    listed = "、".join(f"{rows}（{'、'.join(columns)}）" for rows, columns in by_rows.items())
    return Finding(severity="info", code="ACC-SKIPPED", where="决算表", message=f"未录入{listed}，{identity.code} 未检查")


def check_identity(identity: Identity, accounts: Accounts) -> list[Finding]:
    """Check one identity in each of its columns where it can be checked (see ``unentered``);
    the columns where it cannot are noted once, as ACC-SKIPPED."""
    findings: list[Finding] = []
    gaps: dict[str, list[int]] = {}
    for column in identity.columns:
        missing = unentered(identity, accounts, column) if _applies(identity, column) else None
        if missing:
            gaps[column] = missing
        elif missing is not None:
            error = _mismatch(identity, accounts, column)
            if error:
                findings.append(error)
    return [*findings, _skipped(identity, gaps)] if gaps else findings


def check_accounts(accounts: Accounts) -> list[Finding]:
    """All identities plus 'amounts ≥ 0'; a table with no figure at all gets one note that nothing was checked."""
    if all(value is None for values in accounts.rows.values() for value in values):
        return [Finding(severity="info", code="ACC-EMPTY", where="决算表", message="未录入决算表数据，未检查任何勾稽关系")]
    findings = [f for identity in IDENTITIES for f in check_identity(identity, accounts)]
    for number, values in sorted(accounts.rows.items()):
        for column, value in zip(COLUMNS, values):
            if value is not None and value < 0:
                findings.append(
                    Finding(
                        severity="error",
                        code="ACC-NEG",
                        where=_where(number, column),
                        message=f"金额不应为负：{ROWS[number].name}{COLUMN_NAMES[column]}为{fmt_money(value)}元",
                        actual=value,
                    )
                )
    return findings

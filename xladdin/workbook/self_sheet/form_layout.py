"""Where everything sits on the 自评表: the fixed cells (header, fund block, the split by nature), the indicator
table's columns for a ruleset, and the rows that follow from it (``layout``, ``basic_rows``)."""
from __future__ import annotations

from dataclasses import dataclass

from openpyxl.utils import get_column_letter

from scoring import Evaluation, Indicator, Ruleset


NAME = "自评表"
PREPARED_ROWS = 40
UNIT_NAME, YEAR, SUPERVISOR, MONEY_UNIT = "B2", "F2", "I2", "I3"
FUND_HEADER = 5
FUND_ROWS = {"total": 6, "fiscal": 7, "other": 8}
FUND_COLS = {"initial": "C", "budget": "D", "final": "E"}
FUND_LABELS = {"total": "年度资金总额", "fiscal": "其中：财政拨款", "other": "其他资金"}
FUND_TITLES = {"initial": "年初预算数", "budget": "全年预算数", "final": "全年执行数"}
# The optional split of the total by nature (基本支出 / 项目支出), beside the fund block, with a check row.
NATURE_ROWS = {"basic": 6, "project": 7}
NATURE_COLS = {"initial": "H", "budget": "I", "final": "J"}
NATURE_CHECK_ROW = 8
FIXED_HEADER = 10
NAME_TOTAL, NAME_GRADE, NAME_REPORTED_TOTAL, NAME_ISSUES = "总分", "等级", "自评总分", "存在的问题及改进措施"
LOOKUP_FIRST_ROW = 5
STRUCTURE_NOTE = ("表样设置：黄色的分值可按本地区的自评表修改（如产出指标55分、效益指标25分），各一级指标的分值合计随即重新核对；"
                  "各一级指标分值之和应等于总分。上一级、二级指标名称、预算执行率的计分方式等见 pe-eval new 所用的规则集（或评价数据 JSON 的 self_form.structure）")
BUTTON_CELLS = ("B3", "D3")  # left free for the buttons the Windows installer adds (xladdin.BUTTONS)
# 一、基本情况 of the 自评报告, below the form (the narrative sections of the same meaning in the evaluation data)
BASIC_SECTIONS = {"functions": "主要职能", "org": "机构设置和人员情况", "funds": "年度预算安排情况"}
BASIC_TITLE = "自评报告“一、基本情况”（年度预算安排情况空白时，报告按资金情况自动生成）"


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    width: float


def columns(rs: Ruleset) -> list[Column]:
    """The indicator table's columns for this ruleset (the coefficient form has two more)."""
    target = [Column("target", "年初指标值", 14), Column("adjusted", "调整指标值", 14)] if rs.rows.adjusted_targets \
        else [Column("target", "年度指标值", 16)]
    entered = "得分系数" if rs.rows.default_method == "系数" else "评定得分（定性）/得分系数"
    optional = [*([Column("nature", "指标性质", 8)] if rs.rows.nature_column else []),
                *([Column("unit", "计量单位", 8)] if rs.rows.unit_column else [])]
    found = [Column("level1", "一级指标", 10), Column("level2", "二级指标", 14), Column("name", "三级指标", 24),
             *optional, *target, Column("actual", "实际完成值", 16),
             Column("weight", "指标权重" if rs.rows.default_method == "系数" else "分值", 9), Column("method", "计分方式", 9),
             Column("entered", entered, 11), Column("score", "得分", 9), Column("reported", "自评得分", 9)]
    if rs.rows.core_column:
        found.append(Column("core", "是否核心指标", 8))
    return [*found, Column("reason", "偏差原因分析及改进措施", 30), Column("explain", "计分说明", 44)]


def col(rs: Ruleset) -> dict[str, str]:
    return {c.key: get_column_letter(i) for i, c in enumerate(columns(rs), start=1)}


def row_groups(rs: Ruleset) -> dict[str, str]:
    """二级 name → 一级 name for every name a row may choose: the open 二级 and the names listed under them."""
    parents = {g.code: g.name for g in rs.level1}
    return {name: parents[g.parent or ""] for g in rs.open_groups for name in (g.name, *g.choices)}


def editable_level1(rs: Ruleset) -> list[str]:
    """Codes of the 一级 whose 分值 the 表样设置 rows let the user change (not one holding a fixed indicator)."""
    held = {_level1_of(rs, i) for i in fixed(rs)}
    return [g.code for g in rs.level1 if g.code not in held]


def fixed(rs: Ruleset) -> list[Indicator]:
    """The ruleset's own 三级 indicators (not the department's rows), e.g. 预算执行率."""
    open_codes = {g.code for g in rs.open_groups}
    return [i for i in rs.indicators if i.parent not in open_codes]


@dataclass(frozen=True)
class Layout:
    fixed_rows: dict[str, int]
    goal_row: int
    header_row: int
    first_row: int
    total_row: int  # 合计
    results_row: int  # 总分; then 等级, 分值合计, 未能计分, 自评总分, 存在的问题
    level1_header: int

    @property
    def last_row(self) -> int:
        return self.total_row - 1


def layout(rs: Ruleset, table_rows: int = PREPARED_ROWS) -> Layout:
    fixed_rows = {ind.code: FIXED_HEADER + 1 + i for i, ind in enumerate(fixed(rs))}
    goal = FIXED_HEADER + len(fixed_rows) + 2
    header = goal + 3
    total = header + 1 + table_rows
    results = total + 2
    return Layout(fixed_rows, goal, header, header + 1, total, results, results + 7)


def basic_rows(rs: Ruleset, lay: Layout) -> dict[str, int]:
    """The rows of the 基本情况 texts, after the 表样设置 block (their title row just above)."""
    first = lay.level1_header + len(rs.level1) + 3
    return {key: first + offset for offset, key in enumerate(BASIC_SECTIONS)}


def _table_rows(evaluation: Evaluation | None) -> int:
    form = evaluation.self_form if evaluation else None
    return max(PREPARED_ROWS, len(form.rows) if form else 0)


def fund_cell(line: str, column: str) -> str:
    return f"{FUND_COLS[column]}{FUND_ROWS[line]}"


def _level1_of(rs: Ruleset, indicator: Indicator) -> str:
    return next(g.parent or "" for g in rs.level2 if g.code == indicator.parent)

"""The data of a self-evaluation form (自评表): the fund block, the year's goal, and the user's own indicator rows.

A self-evaluation ruleset fixes the upper levels; the 三级 rows are data (any number, names,
targets and weights), so no TOML is needed to evaluate a department. How rows become indicators
is in ``scoring.rules.self_eval``.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field

from ..common.base import Record

RowValue = str | int | Decimal | None
FUND_LINES = {"total": "年度资金总额", "fiscal": "其中：财政拨款", "other": "其他资金"}
FUND_COLUMNS = {"initial": "年初预算数", "budget": "全年预算数", "final": "全年执行数"}
MAX_ROWS = 200  # a department's own 三级 indicators; real forms have 10–40

# How a row is scored (the 计分方式 column); blank means: decided from the target (see self_eval.row_rule).
METHODS = ("正向", "反向", "等于", "定性", "时限", "系数")


class FundLine(Record):
    """One line of the fund block, in the block's unit."""

    initial: Decimal | None = Field(default=None, description="年初预算数")
    budget: Decimal | None = Field(default=None, description="全年预算数")
    final: Decimal | None = Field(default=None, description="全年执行数")


class FundBlock(Record):
    """年度资金总额 / 财政拨款 / 其他资金 × 年初预算数 / 全年预算数 / 全年执行数."""

    unit: Literal["万元", "元"] = "万元"
    total: FundLine = Field(default_factory=FundLine, description="年度资金总额")
    fiscal: FundLine = Field(default_factory=FundLine, description="其中：财政拨款")
    other: FundLine = Field(default_factory=FundLine, description="其他资金")

    def line(self, name: str) -> FundLine:
        line: FundLine = getattr(self, name)
        return line


class TargetRow(Record):
    """One 三级 indicator row as the department wrote it."""

    group: str = Field(default="", description="二级指标代码（规则集中开放填写的二级指标）")
    name: str = Field(default="", description="三级指标名称")
    target: RowValue = Field(default=None, description="年度指标值（或年初指标值），如 ≥50个、≤90万元、100%、9月底前")
    adjusted_target: RowValue = Field(default=None, description="调整指标值；填写时按它计分")
    actual: RowValue = Field(default=None, description="实际完成值")
    weight: RowValue = Field(default=None, description="分值（指标权重）")
    method: str = Field(default="", description="计分方式：正向、反向、等于、定性、时限、系数；空白按年度指标值判断")
    entered: RowValue = Field(default=None, description="定性指标的评定得分，或得分系数")
    reported: RowValue = Field(default=None, description="自评得分（报送的得分，审核时与规则得分比较）")
    reason: str = Field(default="", description="偏差原因分析及改进措施")
    core: bool = Field(default=False, description="是否核心指标")

    @property
    def blank(self) -> bool:
        """Nothing typed in the row (the form's spare rows)."""
        return not any(value not in (None, "", False) for value in self.model_dump().values())

    @property
    def effective_target(self) -> RowValue:
        """The adjusted target when there is one, else the year's target."""
        return self.target if self.adjusted_target in (None, "") else self.adjusted_target


class SelfForm(Record):
    """Everything a self-evaluation form holds beyond the basic information."""

    fund: FundBlock = Field(default_factory=FundBlock, description="资金情况")
    goal_expected: str = Field(default="", description="年度总体目标：预期目标")
    goal_actual: str = Field(default="", description="年度总体目标：实际完成情况")
    rows: list[TargetRow] = Field(default_factory=list, max_length=MAX_ROWS, description="三级指标行")
    reported: dict[str, RowValue] = Field(default_factory=dict, description="固定指标（如预算执行率）的自评得分，按指标代码")
    reported_total: RowValue = Field(default=None, description="自评总分（报送的总分）")
    issues: str = Field(default="", description="存在的问题及改进措施")

    def coded_rows(self) -> list[tuple[str, TargetRow]]:
        """Each non-blank row with its code: the 二级 code and the row's position within that group (``A1-2``)."""
        counts: dict[str, int] = {}
        coded = []
        for row in (r for r in self.rows if not r.blank):
            counts[row.group] = counts.get(row.group, 0) + 1
            coded.append((f"{row.group}-{counts[row.group]}", row))
        return coded

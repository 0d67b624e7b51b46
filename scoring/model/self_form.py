"""The data of a self-evaluation form (自评表): the fund block, the year's goal, and the user's own indicator rows.

A self-evaluation ruleset fixes the upper levels; the 三级 rows are data (any number, names,
targets and weights), so no TOML is needed to evaluate a department. How rows become indicators
is in ``scoring.rules.self_eval``.
"""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator

from ..common.base import Record
from ..common.evidence import EvidenceError, Number, OptionalNumber, parse_number
from ..common.targets import plain

RowValue = str | int | Decimal | None
FUND_LINES = {"total": "年度资金总额", "fiscal": "其中：财政拨款", "other": "其他资金"}
FUND_COLUMNS = {"initial": "年初预算数", "budget": "全年预算数", "final": "全年执行数"}
NATURE_LINES = {"basic": "基本支出", "project": "项目支出"}  # the optional split of the total by nature
# The 基础数据表 some provinces attach: money items × 上年决算 / 本年预算 / 本年决算, and the staff figures.
BASIC_ITEMS = {"three_public": "三公经费合计", "abroad": "因公出国（境）费", "vehicle": "公务用车购置及运行费",
               "vehicle_purchase": "其中：公务用车购置费", "vehicle_running": "公务用车运行费",
               "reception": "公务接待费", "project": "项目支出", "public": "公用经费"}
BASIC_COLUMNS = {"last_final": "上年决算", "budget": "本年预算", "final": "本年决算"}
STAFF_FIELDS = {"quota": "编制数", "actual": "在职人数（实有人数）"}
# The identities of the 基础数据表: a total and the items it is the sum of.
BASIC_SUMS = {"three_public": ("abroad", "vehicle", "reception"), "vehicle": ("vehicle_purchase", "vehicle_running")}
MAX_ROWS = 200  # a department's own 三级 indicators; real forms have 10–40

# How a row is scored (the 计分方式 column); blank means: decided from the target (see self_eval.row_rule).
METHODS = ("正向", "反向", "等于", "定性", "时限", "系数")


class FundLine(Record):
    """One line of the fund block, in the block's unit."""

    initial: Decimal | None = Field(default=None, description="年初预算数")
    budget: Decimal | None = Field(default=None, description="全年预算数")
    final: Decimal | None = Field(default=None, description="全年执行数")

    @field_validator("initial", "budget", "final", mode="before")
    @classmethod
    def _amount(cls, value: object, info: ValidationInfo) -> object:
        """Bounded like every amount (no 1E+999999 nor a 4,000-digit figure reaches the arithmetic)."""
        try:
            return parse_number(value, f"资金情况{FUND_COLUMNS.get(info.field_name or '', '金额')}")
        except EvidenceError as exc:
            raise ValueError(str(exc)) from None


class BasicLine(Record):
    """One money item of the 基础数据表, in the table's unit."""

    last_final: Decimal | None = Field(default=None, description="上年决算")
    budget: Decimal | None = Field(default=None, description="本年预算")
    final: Decimal | None = Field(default=None, description="本年决算")

    @field_validator("last_final", "budget", "final", mode="before")
    @classmethod
    def _amount(cls, value: object, info: ValidationInfo) -> object:
        try:
            return parse_number(value, f"基础数据表{BASIC_COLUMNS.get(info.field_name or '', '金额')}")
        except EvidenceError as exc:
            raise ValueError(str(exc)) from None


class StaffLine(Record):
    """编制数 and 在职人数 (persons)."""

    quota: int | None = Field(default=None, ge=0, le=1_000_000, description="编制数（人）")
    actual: int | None = Field(default=None, ge=0, le=1_000_000, description="在职人数（实有人数，人）")


class BasicData(Record):
    """基础数据表: 编制/在职, 三公经费 by item, 项目支出 and 公用经费 for 上年决算 / 本年预算 / 本年决算."""

    unit: Literal["万元", "元"] = "万元"
    staff: StaffLine = Field(default_factory=StaffLine, description="人员情况")
    three_public: BasicLine = Field(default_factory=BasicLine, description="三公经费合计（= 因公出国（境）费 + 公务用车购置及运行费 + 公务接待费）")
    abroad: BasicLine = Field(default_factory=BasicLine, description="因公出国（境）费")
    vehicle: BasicLine = Field(default_factory=BasicLine, description="公务用车购置及运行费（= 购置费 + 运行费）")
    vehicle_purchase: BasicLine = Field(default_factory=BasicLine, description="其中：公务用车购置费")
    vehicle_running: BasicLine = Field(default_factory=BasicLine, description="公务用车运行费")
    reception: BasicLine = Field(default_factory=BasicLine, description="公务接待费")
    project: BasicLine = Field(default_factory=BasicLine, description="项目支出")
    public: BasicLine = Field(default_factory=BasicLine, description="公用经费")

    def line(self, name: str) -> BasicLine:
        line: BasicLine = getattr(self, name)
        return line

    @property
    def blank(self) -> bool:
        return not any(value is not None for line in (self.staff, *map(self.line, BASIC_ITEMS))
                       for value in line.model_dump().values())


class FundBlock(Record):
    """年度资金总额 / 财政拨款 / 其他资金 × 年初预算数 / 全年预算数 / 全年执行数."""

    unit: Literal["万元", "元"] = "万元"
    total: FundLine = Field(default_factory=FundLine, description="年度资金总额")
    fiscal: FundLine = Field(default_factory=FundLine, description="其中：财政拨款")
    other: FundLine = Field(default_factory=FundLine, description="其他资金")
    basic: FundLine | None = Field(default=None, description="按支出性质：基本支出（填写时与项目支出之和应等于年度资金总额）")
    project: FundLine | None = Field(default=None, description="按支出性质：项目支出")

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
    unit: str = Field(default="", max_length=20, description="计量单位（如 个、%、天）；年度指标值、实际完成值只写数字时接在其后")
    nature: str = Field(default="", max_length=10, description="指标性质：定量 或 定性；定性且计分方式空白时按定性计分")

    @property
    def blank(self) -> bool:
        """Nothing typed in the row (the form's spare rows)."""
        return not any(value not in (None, "", False) for value in self.model_dump().values())

    @property
    def effective_target(self) -> RowValue:
        """The adjusted target when there is one, else the year's target (with the row's 计量单位, see ``with_unit``)."""
        return with_unit(self.target if self.adjusted_target in (None, "") else self.adjusted_target, self.unit)

    @property
    def effective_actual(self) -> RowValue:
        """The actual with the row's 计量单位 (see ``with_unit``)."""
        return with_unit(self.actual, self.unit)

    @property
    def effective_method(self) -> str:
        """The 计分方式; blank with 指标性质 定性 means 定性."""
        return self.method if self.method.strip() or self.nature.strip() != "定性" else "定性"


_BARE_NUMBER = re.compile(r"[0-9]*\.?[0-9]*")


def with_unit(value: RowValue, unit: str) -> RowValue:
    """``value`` followed by ``unit`` when it is a bare number: a number, or text of digits and at most one point
    (``50`` + ``个`` → ``50个``); anything else (``≥50``, ``95%``, ``9月底前``) is kept as written. The workbook's
    row formulas do the same (``xladdin.workbook.self_sheet``)."""
    unit = unit.strip()
    if not unit or value is None or isinstance(value, bool):
        return value
    if isinstance(value, (int, Decimal)):
        return f"{plain(Decimal(value))}{unit}"
    if isinstance(value, str) and value.strip(".") and _BARE_NUMBER.fullmatch(value):
        return f"{value}{unit}"
    return value



# ── the form's structure (表样设置): which groups, weights and execution rule this province's form has ──
STANDARD_LEVEL2 = {
    "产出指标": ("数量指标", "质量指标", "时效指标", "成本指标"),
    "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
    "满意度指标": ("服务对象满意度指标",),
}
EXECUTION_METHODS = {"proportional": "按比例", "steps": "按档扣分", "tiers": "分档取值", "none": "不计分"}
OPTIONAL_COLUMNS = {"adjusted_target": "年初/调整指标值", "coefficient": "得分系数（计分方式空白时按得分系数）",
                    "core": "是否核心指标", "unit": "计量单位", "nature": "指标性质（定量/定性）"}
StructureColumn = Literal["adjusted_target", "coefficient", "core", "unit", "nature"]
OPTIONAL_BLOCKS = {"basic": "基础数据表"}
StructureBlock = Literal["basic"]


class StructureLevel(Record):
    """The level above the 一级 groups (e.g. 年度绩效目标 80分)."""

    name: str = Field(min_length=1, max_length=40, description="名称，如 年度绩效目标")
    weight: Number = Field(gt=0, le=1000, description="分值")


class StructureGroup(Record):
    """One 一级 group (产出指标 50分…): its name, 分值 and the 二级 names a row may choose under it."""

    name: str = Field(min_length=1, max_length=40, description="一级指标名称，如 产出指标")
    weight: OptionalNumber = Field(default=None, gt=0, le=1000,
                                   description="分值；有上一级（top）时可省略，由指标行合计得出")
    level2: list[str] = Field(default_factory=list, max_length=20,
                              description="其下可选的二级指标名称；空列表时用标准名称（产出指标：数量、质量、时效、成本指标；"
                                          "效益指标：经济、社会、生态、可持续影响指标；满意度指标：服务对象满意度指标），其他一级指标用其本身的名称")

    def level2_names(self) -> tuple[str, ...]:
        names = tuple(n.strip() for n in self.level2 if n.strip())
        return names or STANDARD_LEVEL2.get(self.name.strip(), (self.name.strip(),))


class ExecutionTier(Record):
    """One tier of the 分档取值 execution rule: the rate compared with ``pct`` by ``op`` gives ``points``."""

    op: Literal[">=", ">", "<=", "<", "="] = Field(default=">=", description="比较方式")
    pct: Number = Field(description="预算执行率（百分点），如 90")
    points: Number = Field(ge=0, description="得分")


class ExecutionPart(Record):
    """The 预算执行率 part: its 分值 and how the execution rate (全年执行数 ÷ 全年预算数) is scored."""

    name: str = Field(default="预算执行率", min_length=1, max_length=40, description="一级指标名称，如 预算执行率、预算执行")
    weight: Number = Field(default=Decimal(10), ge=0, le=1000, description="分值（method 为 none 时不计分）")
    method: Literal["proportional", "steps", "tiers", "none"] = Field(
        default="proportional", description="proportional 按比例（分值×执行率，不超过分值）；steps 按档扣分；tiers 分档取值；none 不计分")
    position: Literal["first", "last"] = Field(default="last", description="在表中排在一级指标之前（first）或之后（last）")
    threshold_pct: Number = Field(default=Decimal(100), ge=0, le=100, description="steps：不低于此执行率（百分点）得满分")
    step_pct: Number = Field(default=Decimal(5), gt=0, le=100, description="steps：每档百分点")
    deduct_per_step: Number = Field(default=Decimal(1), gt=0, le=1000, description="steps：每档扣分")
    partial: Literal["whole", "ignore", "pro_rata"] = Field(
        default="whole", description="steps：不足一档的部分 whole 按一档扣，ignore 不扣，pro_rata 按比例扣")
    tiers: list[ExecutionTier] = Field(default_factory=list, max_length=20, description="tiers：各档（按顺序取第一个符合的）")
    otherwise_points: Number = Field(default=Decimal(0), ge=0, description="tiers：不在各档内时的得分")

    @property
    def scored(self) -> bool:
        return self.method != "none" and self.weight > 0


class FormStructure(Record):
    """表样设置: the form's upper levels, replacing the ruleset's fixed 一级 groups, weights and execution part."""

    top: StructureLevel | None = Field(default=None, description="一级指标之上的一级（如 年度绩效目标 80分）；没有时为 null")
    groups: list[StructureGroup] = Field(min_length=1, max_length=10, description="一级指标（有 top 时为其下的指标），按表中顺序")
    execution: ExecutionPart = Field(default_factory=ExecutionPart, description="预算执行率部分")
    columns: list[StructureColumn] | None = Field(
        default=None, description="表中的可选列：adjusted_target 年初/调整指标值，coefficient 得分系数，core 是否核心指标，"
                                  "unit 计量单位，nature 指标性质（定量/定性）；省略时按规则集")
    blocks: list[StructureBlock] | None = Field(
        default=None, description="表所附的可选部分：basic 基础数据表（编制/在职、三公经费分项、项目支出、公用经费）；省略时按规则集")


class SelfForm(Record):
    """Everything a self-evaluation form holds beyond the basic information."""

    structure: FormStructure | None = Field(default=None, description="表样设置：一级指标及分值、上一级、二级指标名称、预算执行率的分值和计分方式；"
                                                                       "省略时按规则集")
    fund: FundBlock = Field(default_factory=FundBlock, description="资金情况")
    basic: BasicData | None = Field(default=None, description="基础数据表（表样设置的 blocks 含 basic 时在工作簿中列出）")
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

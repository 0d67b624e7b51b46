"""The whole evaluation as one pydantic model (JSON round trip, JSON Schema)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, SerializerFunctionWrapHandler, model_serializer, model_validator

from .accounts import Accounts
from ..common.base import Record
from ..common.errors import UserError
from ..common.evidence import Number, OptionalNumber
from .self_form import SelfForm
from .survey import Survey

CellValue = str | int | Decimal | None


class Model(Record):
    """Evaluation data."""


class KeyProject(Model):
    name: str
    budget: OptionalNumber = Field(default=None, description="预算数（万元）")
    spent: OptionalNumber = Field(default=None, description="支出数（万元）")
    completed: bool | None = None
    note: str = ""


MAX_SECTION_CHARS = 32_767  # what an Excel cell holds: the same text limit whether it comes from a workbook or JSON
SectionText = Annotated[str, Field(max_length=MAX_SECTION_CHARS)]
MAX_PROGRESS_POINTS = 24  # monthly points and the year's with room to spare; each is a point of the report's chart


class ProgressPoint(Model):
    """Budget execution progress at a point in the year, e.g. 6月 → 0.6046."""

    label: str
    rate: Number = Field(description="执行进度（小数，0.6046 即 60.46%）")


class BasicInfo(Model):
    """基本信息. Money here is in 万元, as the narrative states it; the accounts are in 元."""

    unit_name: str = Field(default="", description="单位名称")
    year: int | None = Field(default=None, ge=2000, le=2100, description="评价年度")
    credit_code: str = Field(default="", description="统一社会信用代码")
    supervisor: str = Field(default="", description="主管部门")
    unit_type: str = Field(default="", description="单位性质")
    staff_quota: int | None = Field(default=None, ge=0, description="编制数")
    staff_actual: int | None = Field(default=None, ge=0, description="在职人数（编内，决算口径）")
    staff_dispatched: int | None = Field(default=None, ge=0, description="劳务派遣人数")
    three_public_current: OptionalNumber = Field(default=None, ge=0, description="本年三公经费（万元）")
    three_public_previous: OptionalNumber = Field(default=None, ge=0, description="上年三公经费（万元）")
    three_public_budget: OptionalNumber = Field(default=None, ge=0, description="本年三公经费预算（万元）")
    total_assets: OptionalNumber = Field(default=None, description="资产总额（万元）")
    current_assets: OptionalNumber = Field(default=None, description="流动资产（万元）")
    fixed_assets_net: OptionalNumber = Field(default=None, description="固定资产净值（万元）")
    fixed_assets_total: OptionalNumber = Field(default=None, ge=0, description="固定资产总额（原值，万元）")
    fixed_assets_in_use: OptionalNumber = Field(default=None, ge=0, description="在用固定资产总额（万元）")
    liabilities: OptionalNumber = Field(default=None, description="负债总额（万元）")
    procurement_budget: OptionalNumber = Field(default=None, ge=0, description="政府采购预算（万元）")
    procurement_actual: OptionalNumber = Field(default=None, ge=0, description="政府采购实际（万元）")
    key_projects: list[KeyProject] = Field(default_factory=list, description="重点项目")
    execution_progress: list[ProgressPoint] = Field(default_factory=list, max_length=MAX_PROGRESS_POINTS,
                                                    description="预算执行进度")
    period_start: dt.date | None = Field(default=None, description="评价时段起")
    period_end: dt.date | None = Field(default=None, description="评价时段止")
    evaluator: str = Field(default="", description="评价机构")

    @property
    def unit_text(self) -> str:
        return self.unit_name or "【单位名称未填写】"

    @property
    def year_text(self) -> str:
        return str(self.year) if self.year is not None else "【年度未填写】"


class IndicatorEntry(Model):
    """What the evaluator entered for one 三级 indicator.

    ``inputs`` are the raw cell values in the rule's input order; ``None`` for an
    input bound to data (``source``) means "take it from the data".
    """

    code: str
    inputs: list[CellValue] = Field(default_factory=list, max_length=3)
    override: OptionalNumber = Field(default=None, description="人工评定得分")
    reported: CellValue = Field(default=None, description="自评得分（报送的得分；审核时与规则得分比较）")
    reason: str = Field(default="", description="人工评定理由")
    note: str = Field(default="", description="评价说明")


def _ruleset_schema(schema: dict[str, Any]) -> None:
    """``ruleset`` is written as an id or path, or as the whole ruleset object."""
    schema.pop("type", None)
    schema["anyOf"] = [{"type": "string"}, {"type": "object", "description": "整个规则集（字段同规则集 TOML 文件，见 docs/ruleset-format.md）"}]


class Evaluation(Model):
    schema_version: Literal[1] = 1
    ruleset: str = Field(description="规则集编号（如 xundian-2024）、TOML 文件路径，或整个规则集对象（字段同规则集 TOML，"
                                     "评价数据因此不依赖规则集文件）", json_schema_extra=_ruleset_schema)
    ruleset_data: dict[str, Any] | None = Field(
        default=None, exclude=True, description="整个规则集（JSON 中写在 ruleset 处；读取时移到这里，写出时放回 ruleset）")
    info: BasicInfo
    accounts: Accounts = Field(default_factory=Accounts)
    indicators: list[IndicatorEntry] = Field(default_factory=list)
    survey: Survey | None = None
    narrative: dict[str, SectionText] = Field(default_factory=dict, description="报告各部分文字")
    self_form: SelfForm | None = Field(default=None, description="自评表：资金情况、年度总体目标和三级指标行")

    @model_validator(mode="before")
    @classmethod
    def _ruleset_object(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("ruleset"), dict):
            whole = data["ruleset"]
            data = {**data, "ruleset": str(whole.get("id") or ""), "ruleset_data": whole}
        return data

    @model_serializer(mode="wrap")
    def _ruleset_back(self, handler: SerializerFunctionWrapHandler) -> Any:
        data = handler(self)
        if isinstance(data, dict) and self.ruleset_data is not None and "ruleset" in data:
            data["ruleset"] = self.ruleset_data
        return data

    def entry(self, code: str) -> IndicatorEntry | None:
        """What was entered for an indicator: a ruleset indicator's entry, or a self-evaluation row as one."""
        found = next((e for e in self.indicators if e.code == code), None)
        if found is not None or self.self_form is None:
            return found
        for row_code, row in self.self_form.coded_rows():
            if row_code == code:
                return IndicatorEntry(code=code, inputs=[row.effective_target, row.effective_actual, row.entered],
                                      reported=row.reported, note=row.reason)
        reported = self.self_form.reported.get(code)
        return None if reported is None else IndicatorEntry(code=code, reported=reported)


class EvaluationError(UserError):
    """An evaluation file that cannot be used; the message is Chinese."""


MAX_JSON_BYTES = 20_000_000


def parse_evaluation(text: str, source: str = "<数据>") -> Evaluation:
    """Validate evaluation JSON text, with Chinese messages."""
    import json

    from pydantic import ValidationError

    from ..common.validation import chinese_errors

    try:
        data = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise EvaluationError(f"「{source}」不是有效的 JSON：第{exc.lineno}行第{exc.colno}列 {exc.msg}") from None
    except RecursionError:
        raise EvaluationError(f"「{source}」嵌套层数过多，不是评价数据文件") from None
    except ValueError:  # e.g. an integer of thousands of digits
        raise EvaluationError(f"「{source}」含有无法读取的数值，不是评价数据文件") from None
    try:
        return Evaluation.model_validate(data)
    except ValidationError as exc:
        lines = "\n".join(f"- {line}" for line in chinese_errors(exc, data))
        raise EvaluationError(f"评价数据「{source}」有误：\n{lines}") from None


def read_evaluation(path: Path) -> Evaluation:
    """Read an evaluation JSON file (size-limited)."""
    try:
        if path.stat().st_size > MAX_JSON_BYTES:
            raise EvaluationError(f"文件「{path}」过大，评价数据不应超过{MAX_JSON_BYTES}字节")
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise EvaluationError(f"无法读取「{path}」：{exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise EvaluationError(f"「{path}」不是 UTF-8 编码的文本") from None
    return parse_evaluation(text, str(path))


SAMPLES_DIR = Path(__file__).resolve().parents[1] / "samples"


def sample_evaluation(name: str = "xundian-2024") -> Evaluation:
    """The embedded sample: the seed report's evaluation as its evaluator entered it."""
    return read_evaluation(SAMPLES_DIR / f"{name}.json")

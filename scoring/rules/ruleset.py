"""Indicator systems (一级 → 二级 → 三级) in TOML, validated with Chinese messages."""
from __future__ import annotations

import functools
import json
import stat
import sys
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, model_validator

from ..model import sources
from ..common.errors import UserError
from ..common.evidence import bounded_number
from ..common.grades import (
    DEFAULT_GRADES,
    GradeBand,
    check_bands,
    grade_for,
    unreachable_bands_warning,
)
from ..common.numbers import fmt_points
from .indicator_rules import RULE_TYPE_NAMES, Rule, Strict
from ..common.validation import chinese_errors

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

RULESET_DIR = Path(__file__).with_name("rulesets")
MAX_RULESET_BYTES = 2_000_000
MAX_INDICATORS = 500  # 三级 indicators; real systems have 20–60, and the workbook and report grow with each


class RulesetError(UserError):
    """A ruleset that cannot be used; ``problems`` are Chinese, one per line."""

    def __init__(self, source: str, problems: list[str]):
        self.problems = problems
        super().__init__(f"规则集「{source}」有误：\n" + "\n".join(f"- {p}" for p in problems))


class Group(Strict):
    """一级 or 二级 indicator.

    An ``open`` 二级 indicator of a self-evaluation ruleset holds the department's own 三级 rows;
    its weight is the sum of those rows unless the ruleset fixes it.
    """

    code: str = Field(min_length=1)
    name: str = Field(min_length=1)
    weight: Decimal = Field(default=Decimal(0), ge=0)
    parent: str | None = None
    open: bool = False
    choices: tuple[str, ...] = Field(default=(), description="开放填写的二级指标：指标行也可填写的名称（如其下的数量指标、质量指标）")
    weight_from_rows: bool = Field(default=False, exclude=True, description="分值由自评表的指标行合计得出（计算结果，不在规则集中填写）")


class RowSettings(Strict):
    """How a self-evaluation form scores the department's own rows."""

    default_method: Literal["auto", "系数"] = Field(
        default="auto", description="计分方式空白时：auto 按年度指标值判断（数值→正向/反向/等于，时间→时限，文字→定性）；系数 按得分系数")
    late_deduction: Decimal | None = Field(default=None, gt=0, description="时限指标未按时完成扣的分数；省略则该指标不得分")
    adjusted_targets: bool = Field(default=False, description="表中有“年初指标值/调整指标值”两列")
    core_column: bool = Field(default=False, description="表中有“是否核心指标”列")
    unit_column: bool = Field(default=False, description="表中有“计量单位”列")
    nature_column: bool = Field(default=False, description="表中有“指标性质”（定量/定性）列")
    basic_block: bool = Field(default=False, description="表后附“基础数据表”（编制/在职、三公经费分项、项目支出、公用经费）")


class Indicator(Strict):
    """三级 indicator with its texts and machine rule."""

    code: str = Field(min_length=1)
    parent: str
    name: str = Field(min_length=1)
    weight: Decimal = Field(gt=0)
    definition: str = ""
    scoring_guide: str = ""
    data_source: str = ""
    rule: Rule

    def describe_rule(self) -> str:
        """One line for the 计分方式 column, e.g. ``逐项计分：①0.5分 ②0.5分``."""
        return self.rule.describe(self.weight)


class Ruleset(Strict):
    id: str = Field(min_length=1)
    name: str
    description: str = ""
    total_weight: Decimal = Decimal(100)
    budget_adjustment_limit_pct: Decimal = Field(
        default=Decimal(20), gt=0, description="全年预算数偏离年初预算数超过此百分比时提示（XCHK-BUDGET-ADJUST）")
    grades: tuple[GradeBand, ...] = DEFAULT_GRADES
    form: Literal["report", "self"] = Field(
        default="report", description="report 第三方评价报告（决算表、问卷、指标体系）；self 自评表（资金情况、自定义指标行）")
    rows: RowSettings = Field(default_factory=RowSettings, description="自评表指标行的计分设置（form = \"self\"）")
    level1: tuple[Group, ...] = Field(min_length=1)
    level2: tuple[Group, ...] = Field(min_length=1)
    indicators: tuple[Indicator, ...] = Field(default=(), max_length=MAX_INDICATORS)

    @model_validator(mode="after")
    def _consistent(self) -> "Ruleset":
        problems = _structure_problems(self)
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def indicator(self, code: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.code == code:
                return indicator
        raise KeyError(code)

    def subgroups(self, code: str) -> list[Group]:
        """The 二级 indicators under 一级 ``code``."""
        return [group for group in self.level2 if group.parent == code]

    @property
    def open_groups(self) -> list[Group]:
        """The 二级 indicators whose 三级 rows the user adds (self-evaluation forms)."""
        return [group for group in self.level2 if group.open]

    def indicators_of(self, code: str) -> list[Indicator]:
        """The 三级 indicators under 二级 ``code``."""
        return [indicator for indicator in self.indicators if indicator.parent == code]

    def grade(self, total: Decimal) -> str:
        """The grade of a total score; band minimums are shares of ``total_weight`` unless stated in points."""
        return grade_for(total, self.grades, self.total_weight)

    def grade_warning(self) -> str | None:
        """Why some grade can never be reached (absolute minimums above the total weight), if so."""
        return unreachable_bands_warning(self.grades, self.total_weight)

    def declared(self) -> "Ruleset":
        """The ruleset as written, without a self-evaluation's rows (what an evaluation built on it embeds)."""
        if not self.open_groups:
            return self
        open_codes = {g.code for g in self.open_groups}
        level2 = tuple(g.model_copy(update={"weight": Decimal(0), "weight_from_rows": False}) if g.weight_from_rows else g
                       for g in self.level2)
        return self.model_copy(update={"level2": level2,
                                       "indicators": tuple(i for i in self.indicators if i.parent not in open_codes)})


def _sum(values: Iterable[Decimal]) -> Decimal:
    return sum(values, Decimal(0))


def _structure_problems(rs: Ruleset) -> list[str]:
    problems: list[str] = []
    seen: set[str] = set()
    everything: list[Group | Indicator] = [*rs.level1, *rs.level2, *rs.indicators]
    for item in everything:
        if item.code in seen:
            problems.append(f"指标代码{item.code}重复")
        seen.add(item.code)
    level1 = {g.code for g in rs.level1}
    level2 = {g.code for g in rs.level2}
    for group in rs.level2:
        if group.parent not in level1:
            problems.append(f"二级指标{group.code}的上级「{group.parent}」不是一级指标")
    for group in (*rs.level1, *rs.level2):
        if group.weight == 0 and not group.open:
            problems.append(f"指标{group.code}{group.name}的分值应大于0")
    if any(g.choices and not g.open for g in rs.level2):
        problems.append("只有开放填写的二级指标（open = true）可列出 choices")
    if rs.open_groups and rs.form != "self":
        problems.append("开放填写的二级指标（open = true）只用于自评表（form = \"self\"）")
    if rs.form == "report" and not rs.indicators:
        problems.append("评价报告的规则集至少要有一个三级指标")
    for ind in rs.indicators:
        if ind.parent not in level2:
            problems.append(f"三级指标{ind.code}的上级「{ind.parent}」不是二级指标")
    top = _sum(g.weight for g in rs.level1)
    if top != rs.total_weight:
        problems.append(f"一级指标分值合计{fmt_points(top)}分，不等于总分{fmt_points(rs.total_weight)}分")
    children: dict[str, list[Group | Indicator]] = defaultdict(list)
    for item in everything[len(rs.level1):]:
        children[item.parent or ""].append(item)
    open_codes = {g.code for g in rs.open_groups}
    for group in (*rs.level1, *rs.level2):
        kids = children.get(group.code, [])
        if group.code in open_codes:
            continue  # its rows are the user's; their weights are checked per evaluation
        if not kids:
            problems.append(f"指标{group.code}{group.name}没有下级指标")
            continue
        if any(k.code in open_codes and k.weight == 0 for k in kids):
            continue  # a part of the weight is set by the user's rows
        total = _sum(k.weight for k in kids)
        if total != group.weight:
            codes = "、".join(k.code for k in kids)
            problems.append(
                f"指标{group.code}{group.name}分值{fmt_points(group.weight)}分，"
                f"但下级指标（{codes}）分值合计{fmt_points(total)}分"
            )
    for ind in rs.indicators:
        problems.extend(f"指标{ind.code}：{p}" for p in _rule_problems(ind))
        problems.extend(f"指标{ind.code}：{p}" for p in _source_problems(ind, rs.form))
    try:
        check_bands(rs.grades)
    except ValueError as exc:
        problems.append(str(exc))
    return problems


def _rule_problems(ind: Indicator) -> list[str]:
    problems = ind.rule.problems(ind.weight)
    if ind.rule.row_only:
        problems.append(f"计分规则「{ind.rule.type_name}」只用于自评表的指标行，不能用于固定的三级指标")
    for ref in ind.rule.inputs():
        if ref.source is not None:
            try:
                sources.describe(ref.source)
            except ValueError as exc:
                problems.append(str(exc))
    return problems


def _source_problems(ind: Indicator, form: str) -> list[str]:
    """A self-evaluation form's fixed indicators read its fund block; a report's read the other data."""
    sources = [ref.source for ref in ind.rule.inputs() if ref.source]
    if form == "self" and (len(sources) < len(ind.rule.inputs()) or any(not s.startswith(("fund.", "basic.")) for s in sources)):
        return ["自评表的固定指标只能由资金情况计算，或由基础数据表计算：每个输入都应引用 fund.<total|fiscal|other>.<initial|budget|final>"
                " 或 basic.<项目>.<last_final|budget|final>、basic.staff.<quota|actual>"]
    if form == "report" and any(s.startswith(("fund.", "basic.")) for s in sources):
        return ["资金情况（fund.…）只用于自评表（form = \"self\"），基础数据表（basic.…）也是"]
    return []


def parse_ruleset(data: dict, source: str = "<数据>") -> Ruleset:
    """Validate a ruleset from already-parsed TOML."""
    unbounded = _unbounded_numbers(data)
    if unbounded:
        raise RulesetError(source, unbounded)
    try:
        return Ruleset.model_validate(data)
    except ValidationError as exc:
        problems = chinese_errors(exc, data, RULE_TYPE_NAMES)
        raise RulesetError(source, problems) from None


def _unbounded_numbers(data: object) -> list[str]:
    """Every number no cell could hold (``1e999``, ``inf``, 20 digits), by where it is: refused before any rule
    computes or rounds with it."""
    found: list[str] = []
    stack: list[tuple[str, object]] = [("", data)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, dict):
            stack += [(f"{where}.{key}" if where else str(key), item) for key, item in reversed(value.items())]
        elif isinstance(value, list):
            stack += [(f"{where}[{index}]", item) for index, item in reversed(list(enumerate(value, start=1)))]
        elif isinstance(value, (int, float, Decimal)):
            try:
                bounded_number(value)
            except ValueError as exc:
                found.append(f"{where}：{exc}")
    return found


def read_ruleset_file(path: Path) -> Ruleset:
    """Read a user's TOML file (size-limited; decimals kept exact)."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a named pipe would block the read forever, a device never end
            raise RulesetError(str(path), ["不是普通文件（文件夹、命名管道或设备），不能作为规则集读取"])
        size = info.st_size
        if size > MAX_RULESET_BYTES:
            raise RulesetError(str(path), [f"文件过大（{size}字节），规则集文件不应超过{MAX_RULESET_BYTES}字节"])
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise RulesetError(str(path), [f"无法读取文件：{exc.strerror or exc}"]) from None
    except UnicodeDecodeError:
        raise RulesetError(str(path), ["文件不是 UTF-8 编码的文本"]) from None
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise RulesetError(str(path), [f"TOML 格式错误：{exc}"]) from None
    except RecursionError:
        raise RulesetError(str(path), ["TOML 嵌套层数过多，不是有效的规则集"]) from None
    return parse_ruleset(data, str(path))


def ruleset_data(rs: Ruleset) -> dict:
    """The ruleset as plain JSON data (what a workbook embeds, and what ``ruleset`` in evaluation JSON may hold)."""
    data: dict = rs.declared().model_dump(mode="json", exclude_defaults=True)
    return data


def ruleset_json(rs: Ruleset) -> str:
    """``ruleset_data`` as compact JSON text (Chinese kept as is)."""
    return json.dumps(ruleset_data(rs), ensure_ascii=False, separators=(",", ":"))


def parse_ruleset_json(text: str, source: str) -> Ruleset:
    """A ruleset from ``ruleset_json`` text (e.g. embedded in a workbook); decimals kept exact.

    Each text is parsed once per process (rulesets are immutable): a batch of workbooks built from one ruleset,
    or a worksheet's functions recalculating, validate it once.
    """
    return _parsed_json(text, source)


@functools.lru_cache(maxsize=8)
def _parsed_json(text: str, source: str) -> Ruleset:
    if len(text) > MAX_RULESET_BYTES:
        raise RulesetError(source, [f"规则集过大（{len(text)}个字符），不应超过{MAX_RULESET_BYTES}个字符"])
    try:
        data = json.loads(text, parse_float=Decimal)
    except (ValueError, RecursionError):
        raise RulesetError(source, ["不是有效的规则集数据（JSON）"]) from None
    if not isinstance(data, dict):
        raise RulesetError(source, ["不是有效的规则集数据（应为对象）"])
    return parse_ruleset(data, source)


def resolve_ruleset(ref: str, data: dict | None = None) -> Ruleset:
    """The ruleset an evaluation names: its own embedded data when it has it, else the shipped id or .toml path."""
    if data is not None:
        return parse_ruleset(data, ref or "评价数据中的规则集")
    return load_ruleset(ref)


def shipped_rulesets() -> list[str]:
    return sorted(p.stem for p in RULESET_DIR.glob("*.toml"))


def load_ruleset(name: str) -> Ruleset:
    """A shipped ruleset by id (``xundian-2024``) or a ``.toml`` file path (reloaded when it changes).

    Each is parsed once per process: the live worksheet functions call this on every recalculation.
    """
    if name.lower().endswith(".toml"):
        path = Path(name)
        try:
            stamp = path.stat().st_mtime_ns
        except OSError as exc:
            raise RulesetError(name, [f"无法读取文件：{exc.strerror or exc}"]) from None
        return _cached_file(path, stamp)
    return _shipped(name)


@functools.lru_cache(maxsize=None)
def _shipped(name: str) -> Ruleset:
    if name not in shipped_rulesets():  # a failed lookup is not cached, so this listing runs once per id
        raise RulesetError(name, [f"没有名为「{name}」的规则集（可用：{'、'.join(shipped_rulesets())}）"])
    return read_ruleset_file(RULESET_DIR / f"{name}.toml")


@functools.lru_cache(maxsize=32)
def _cached_file(path: Path, stamp: int) -> Ruleset:
    return read_ruleset_file(path)

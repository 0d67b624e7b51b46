"""Report narrative: the sections a user writes (报告 sheet / ``Evaluation.narrative``) and their placeholders.

A narrative text may contain placeholders such as ``{总得分}`` or ``{本年收入合计_万元}``;
``fill`` replaces them with figures from the data so that the report never drifts from
the accounts. Money from the 决算表 is shown in 万元 with 2 decimals (half up).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from ..model.accounts import COLUMNS, ROWS
from ..common.grades import INCOMPLETE
from ..common.numbers import HUNDRED, ZERO, chinese_numeral, fmt2, fmt_points, round2, to_wan

if TYPE_CHECKING:
    from ..rules.scorecard import Scorecard
    from ..model.evaluation import Evaluation
    from ..rules.ruleset import Ruleset

Part = Literal["overview", "chapter", "annex"]


@dataclass(frozen=True)
class NarrativeSection:
    """A part of the report the user writes.

    ``key`` is the stable identifier shared by the workbook's 报告 sheet (read by key, so
    sections may move), the evaluation JSON and the renderer; ``heading`` is numbered by position.
    """

    key: str
    name: str
    part: Part
    heading: str


def _numbered(entries: tuple[tuple[str, str, Part], ...]) -> tuple[NarrativeSection, ...]:
    """Number each part in order: （一）… under 一、部门概况; 二、… for chapters; 附件1 … for annexes."""
    count = {"overview": 0, "chapter": 1, "annex": 0}  # chapter 一、 is the generated 部门概况
    sections = []
    for key, name, part in entries:
        count[part] += 1
        number = count[part]
        heading = {"overview": f"（{chinese_numeral(number)}）{name}", "chapter": f"{chinese_numeral(number)}、{name}",
                   "annex": f"附件{number} {name}"}[part]
        sections.append(NarrativeSection(key, name, part, heading))
    return tuple(sections)


# In report order: moving a line here moves the section in the report and on the 报告 sheet.
NARRATIVE_SECTIONS: tuple[NarrativeSection, ...] = _numbered((
    ("org", "部门机构设置、编制", "overview"),
    ("functions", "部门职能", "overview"),
    ("work", "部门工作完成情况", "overview"),
    ("management", "部门管理制度", "overview"),
    ("funds", "部门资金来源及使用情况", "overview"),
    ("procurement", "政府采购情况", "overview"),
    ("assets", "固定资产情况", "overview"),
    ("goals", "绩效目标", "chapter"),
    ("approach", "评价思路和过程", "chapter"),
    ("conclusion", "评价结论和绩效分析", "chapter"),
    ("experience", "主要经验做法", "chapter"),
    ("problems", "存在的问题", "chapter"),
    ("suggestions", "改进措施及建议", "chapter"),
    ("annex1", "成本效益分析报告", "annex"),
    ("annex2", "部门职能分解及工作完成情况", "annex"),
))
SECTION_HEADINGS = {section.key: section.heading for section in NARRATIVE_SECTIONS}

_NUMBERING = re.compile(r"^[一二三四五六七八九十]+、")

# 决算表 figures offered as placeholders: name → the 行次 summed (功能分类 names as the form prints them).
ACCOUNT_FIGURES: dict[str, tuple[int, ...]] = {
    "一般公共预算财政拨款收入": (1,),
    "政府性基金预算财政拨款收入": (2,),
    "国有资本经营预算财政拨款收入": (3,),
    "财政拨款收入": (1, 2, 3),
    "上级补助收入": (4,),
    "事业收入": (5,),
    "经营收入": (6,),
    "附属单位上缴收入": (7,),
    "其他收入": (8,),
    "非财政拨款收入": (4, 5, 6, 7, 8),
    "本年收入合计": (27,),
    "使用非财政拨款结余": (28,),
    "年初结转和结余": (29,),
    "收入总计": (31,),
    **{
        ("功能分类其他支出" if number == 54 else _NUMBERING.sub("", ROWS[number].name)): (number,)
        for number in range(32, 58)
    },
    "基本支出": (58,),
    "人员经费": (59,),
    "公用经费": (60,),
    "项目支出": (61,),
    "基本建设类项目支出": (62,),
    "上缴上级支出": (63,),
    "经营支出": (64,),
    "对附属单位补助支出": (65,),
    "经济分类支出合计": (68,),
    "工资福利支出": (69,),
    "商品和服务支出": (70,),
    "对个人和家庭的补助": (71,),
    "债务利息及费用支出": (72,),
    "资本性支出（基本建设）": (73,),
    "资本性支出": (74,),
    "对企业补助（基本建设）": (75,),
    "对企业补助": (76,),
    "对社会保障基金补助": (77,),
    "经济分类其他支出": (78,),
    "本年支出合计": (84,),
    "结余分配": (85,),
    "年末结转和结余": (86,),
    "支出总计": (88,),
}
_COLUMN_SUFFIX = {"final": "", "initial": "_年初预算", "budget": "_全年预算"}
_COLUMN_TEXT = {"final": "决算数", "initial": "年初预算数", "budget": "全年预算数"}


def _rows_text(rows: tuple[int, ...]) -> str:
    return "、".join(f"第{r}行" for r in rows)


def _account_placeholders() -> dict[str, str]:
    found = {}
    for name, rows in ACCOUNT_FIGURES.items():
        for column in COLUMNS:
            if any(column in ROWS[r].na for r in rows):
                continue
            found[f"{name}{_COLUMN_SUFFIX[column]}_万元"] = f"决算表{_rows_text(rows)}{_COLUMN_TEXT[column]}（万元）"
    return found


PROGRESS_PREFIX = "执行进度_"

PLACEHOLDERS: dict[str, str] = {
    "单位名称": "单位名称",
    "年度": "评价年度，如2024",
    "上年度": "评价年度的上一年，如2023",
    "统一社会信用代码": "统一社会信用代码",
    "主管部门": "主管部门",
    "单位性质": "单位性质",
    "评价机构": "评价机构",
    "评价时段": "评价时段，如“2024年1月1日至2024年12月31日”",
    "总得分": "绩效评价总得分（两位小数），如93.56",
    "等级": "评价等级（优、良、中、差）",
    "问卷得分": "问卷综合得分＝问卷总分÷有效问卷份数，如98.67",
    "问卷总分": "问卷各题得分合计，如4835",
    "问卷满意率": "问卷得分占满分的比例，如98.67%",
    "发放问卷份数": "发放问卷份数",
    "收回问卷份数": "收回问卷份数",
    "有效问卷份数": "有效问卷份数",
    "编制数": "编制数（人）",
    "在职人数": "在职人数（编内，人）",
    "劳务派遣人数": "劳务派遣人数（人）",
    "年末人员合计": "在职人数＋劳务派遣人数（人）",
    "在职人员控制率": "在职人数÷编制数，如82.14%",
    "三公经费本年_万元": "本年三公经费（万元）",
    "三公经费上年_万元": "上年三公经费（万元）",
    "三公经费变动额_万元": "本年与上年三公经费之差的绝对值（万元）",
    "三公经费变动方向": "“下降”“增加”或“持平”",
    "三公经费控制率": "本年三公经费÷上年三公经费，如91.60%",
    "资产总额_万元": "资产总额（万元）",
    "流动资产_万元": "流动资产（万元）",
    "固定资产净值_万元": "固定资产净值（万元）",
    "固定资产总额_万元": "固定资产总额（原值，万元）",
    "在用固定资产_万元": "在用固定资产总额（万元）",
    "固定资产在用率": "在用固定资产÷固定资产总额",
    "负债总额_万元": "负债总额（万元）",
    "政府采购预算_万元": "政府采购预算（万元）",
    "政府采购实际_万元": "政府采购实际金额（万元）",
    "预算执行率": "本年支出合计决算数÷全年预算数，如100.00%",
    "预算执行进度": "各时点预算执行进度，如“6月末60.46%，9月末76.19%，全年98.00%”",
    f"{PROGRESS_PREFIX}<时点>": "某一时点的预算执行进度，<时点>为基本信息中录入的时点名称，如{执行进度_6月末}",
    "收入明细": "决算数不为0的各项收入，如“一般公共预算财政拨款收入522.08万元，其他收入10.36万元”",
    "经济分类支出明细": "决算数不为0的各项经济分类支出（万元）",
    "功能分类支出明细": "决算数不为0的各项功能分类支出（万元）",
    **_account_placeholders(),
}

# The generated 资金来源及使用 paragraphs at the top of （五）, numbered （1）（2）; the user's ``funds``
# text follows them (the sample's starts at （3）预算资金管理情况).
FUNDS_TEMPLATE: tuple[str, ...] = (
    "（1）资金总体情况",
    "{年度}年度年初预算收入{本年收入合计_年初预算_万元}万元，年初预算支出{本年支出合计_年初预算_万元}万元，"
    "其中基本支出{基本支出_年初预算_万元}万元（人员经费{人员经费_年初预算_万元}万元，公用经费{公用经费_年初预算_万元}万元），"
    "项目支出{项目支出_年初预算_万元}万元。全年预算收入{本年收入合计_全年预算_万元}万元，全年预算支出{本年支出合计_全年预算_万元}万元。",
    "{年度}年实际总收入{本年收入合计_万元}万元（其中{收入明细}），总支出{本年支出合计_万元}万元"
    "（其中基本支出{基本支出_万元}万元，项目支出{项目支出_万元}万元）；"
    "年初结转和结余{年初结转和结余_万元}万元，年末结转和结余{年末结转和结余_万元}万元。",
    "（2）资金收支具体情况",
    "1.收入情况：",
    "{年度}年共收入{本年收入合计_万元}万元。其中：{收入明细}。",
    "2.支出情况：",
    "{年度}年共支出{本年支出合计_万元}万元。其中：{经济分类支出明细}。按功能分类：{功能分类支出明细}。",
)

# Names users naturally type → the documented placeholder they mean (listed on 说明 next to it).
ALIASES: dict[str, str] = {
    "评价年度": "年度",
    "单位": "单位名称",
    "部门名称": "单位名称",
    "总分": "总得分",
    "评价等级": "等级",
    "满意度": "问卷满意率",
    "问卷满意度": "问卷满意率",
}

_PLACEHOLDER = re.compile(r"\{([^{}\n]{1,60})\}")


def _canonical(name: str) -> str:
    """The documented placeholder an alias stands for; any other name unchanged."""
    return ALIASES.get(name, name)


def is_known(name: str) -> bool:
    """Whether ``name`` is a documented placeholder or an alias of one (its data may still be blank)."""
    name = _canonical(name)
    return name in PLACEHOLDERS or (name.startswith(PROGRESS_PREFIX) and len(name) > len(PROGRESS_PREFIX))


def fill(text: str, values: dict[str, str]) -> tuple[str, list[str]]:
    """Replace ``{name}`` by ``values[name]``; return the text and the names that had no value.

    A name without a value never stays in the text: it becomes 【缺少数据：名称】 for a
    documented placeholder whose data is blank, else 【未知占位符：名称】. An alias
    (``ALIASES``) is replaced like the placeholder it stands for.
    """
    missing: list[str] = []

    def replace(match: re.Match[str]) -> str:
        name = match.group(1).strip()
        if (value := values.get(_canonical(name))) is not None:
            return value
        missing.append(name)
        return f"【缺少数据：{name}】" if is_known(name) else f"【未知占位符：{name}】"

    return _PLACEHOLDER.sub(replace, text), missing


def percent(ratio: Decimal) -> str:
    """0.60455 → '60.46%' (half up)."""
    return f"{fmt2(ratio * HUNDRED)}%"


def _date(value: dt.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def _account_values(evaluation: Evaluation) -> dict[str, str]:
    accounts = evaluation.accounts
    values: dict[str, str] = {}
    for column in COLUMNS:
        if all(accounts.get(number, column) is None for number in accounts.rows):
            continue  # the column is not filled at all: its placeholders have no data
        for name, rows in ACCOUNT_FIGURES.items():
            if any(column in ROWS[r].na for r in rows):
                continue
            total = sum((accounts.get(r, column) or ZERO for r in rows), ZERO)
            values[f"{name}{_COLUMN_SUFFIX[column]}_万元"] = fmt2(to_wan(total))

    def listing(numbers: range, separator: str) -> str | None:
        if all(accounts.get(n, "final") is None for n in accounts.rows):
            return None
        items = [
            f"{_NUMBERING.sub('', ROWS[n].name)}{fmt2(to_wan(amount))}万元"
            for n in numbers
            if n in ROWS and (amount := accounts.get(n, "final")) and to_wan(amount) != 0
        ]
        return separator.join(items) or "无"

    for name, numbers, separator in (
        ("收入明细", range(1, 9), "，"),
        ("经济分类支出明细", range(69, 79), "；"),
        ("功能分类支出明细", range(32, 58), "；"),
    ):
        text = listing(numbers, separator)
        if text is not None:
            values[name] = text
    spent, budget = accounts.get(84, "final"), accounts.get(84, "budget")
    if spent is not None and budget:
        values["预算执行率"] = percent(spent / budget)
    return values


def _info_values(evaluation: Evaluation) -> dict[str, str]:
    info = evaluation.info
    values = {"单位名称": info.unit_name} if info.unit_name else {}
    if info.year is not None:
        values |= {"年度": str(info.year), "上年度": str(info.year - 1)}
    texts = {
        "统一社会信用代码": info.credit_code, "主管部门": info.supervisor,
        "单位性质": info.unit_type, "评价机构": info.evaluator,
    }
    values.update({k: v for k, v in texts.items() if v})
    if info.period_start and info.period_end:
        values["评价时段"] = f"{_date(info.period_start)}至{_date(info.period_end)}"
    counts = {"编制数": info.staff_quota, "在职人数": info.staff_actual, "劳务派遣人数": info.staff_dispatched}
    values.update({k: str(v) for k, v in counts.items() if v is not None})
    if info.staff_actual is not None and info.staff_dispatched is not None:
        values["年末人员合计"] = str(info.staff_actual + info.staff_dispatched)
    if info.staff_actual is not None and info.staff_quota:
        values["在职人员控制率"] = percent(Decimal(info.staff_actual) / info.staff_quota)
    money = {
        "三公经费本年_万元": info.three_public_current, "三公经费上年_万元": info.three_public_previous,
        "资产总额_万元": info.total_assets, "流动资产_万元": info.current_assets,
        "固定资产净值_万元": info.fixed_assets_net, "固定资产总额_万元": info.fixed_assets_total,
        "在用固定资产_万元": info.fixed_assets_in_use, "负债总额_万元": info.liabilities,
        "政府采购预算_万元": info.procurement_budget, "政府采购实际_万元": info.procurement_actual,
    }
    values.update({k: fmt2(v) for k, v in money.items() if v is not None})
    current, previous = info.three_public_current, info.three_public_previous
    if current is not None and previous is not None:
        change = round2(current) - round2(previous)
        values["三公经费变动额_万元"] = fmt2(abs(change))
        values["三公经费变动方向"] = "下降" if change < 0 else "增加" if change > 0 else "持平"
        if previous:
            values["三公经费控制率"] = percent(current / previous)
    if info.fixed_assets_in_use is not None and info.fixed_assets_total:
        values["固定资产在用率"] = percent(info.fixed_assets_in_use / info.fixed_assets_total)
    if info.execution_progress:
        values["预算执行进度"] = "，".join(f"{p.label}{percent(p.rate)}" for p in info.execution_progress)
        values.update({f"{PROGRESS_PREFIX}{p.label}": percent(p.rate) for p in info.execution_progress})
    return values


def placeholder_values(evaluation: Evaluation, scorecard: Scorecard) -> dict[str, str]:
    """Every placeholder whose data is present, formatted for the report."""
    values = _info_values(evaluation) | _account_values(evaluation)
    values["总得分"] = fmt2(scorecard.total)
    values["等级"] = scorecard.grade or INCOMPLETE
    survey = evaluation.survey
    if survey is not None:
        values.update(
            {
                "问卷总分": fmt_points(survey.total), "发放问卷份数": str(survey.issued),
                "收回问卷份数": str(survey.returned), "有效问卷份数": str(survey.valid),
            }
        )
        if survey.average is not None:
            values["问卷得分"] = fmt2(survey.average)
        if survey.rate is not None:
            values["问卷满意率"] = percent(survey.rate)
    return values


# A leading place in a ruleset's name, e.g. 寻甸县 in 寻甸县部门整体支出绩效评价指标体系（2024）.
_PLACE_SUFFIX = "(?:自治县|自治州|自治区|自治旗|省|市|县|区|州|旗)"
_RULESET_PLACE = re.compile(rf"^(.+?{_PLACE_SUFFIX})(?=部门)")
_PLACE_PART = re.compile(rf".+?{_PLACE_SUFFIX}")  # 云南省昆明市寻甸县 → 云南省、昆明市、寻甸县
# A place's short name: 寻甸回族彝族自治县 → 寻甸 (suffix and ethnic groups dropped).
_SHORT_PLACE = re.compile(rf"^(.{{2,}}?)(?:[^族]{{1,3}}族)*{_PLACE_SUFFIX}$")


def indicator_system_name(evaluation: Evaluation, ruleset: Ruleset) -> str:
    """The indicator system's name as the report prints it.

    A ruleset named after a place (寻甸县部门整体支出…) keeps its full name only for a unit of
    that place (its short name, 寻甸, in the unit's name); for any other unit the place is
    left out, so that its report does not claim another county's system.
    """
    place = _RULESET_PLACE.match(ruleset.name)
    if place is None:
        return ruleset.name
    short = _SHORT_PLACE.match(_PLACE_PART.findall(place.group(1))[-1])
    if short and short.group(1) in evaluation.info.unit_name:
        return ruleset.name
    return ruleset.name[place.end():]

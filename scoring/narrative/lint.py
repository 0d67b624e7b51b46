"""报告文字检查 (codes RPT-LINT-…): figures typed into the report's text that contradict the data.

Each rule reads one sentence of the narrative as the user wrote it (placeholders such as ``{总得分}``
are left alone: ``fill`` always gives the right figure) and compares a figure whose meaning the
wording makes explicit with the one ``placeholder_values`` gives. False alarms cost more than misses:
a rule fires only on a fixed phrase, skips a sentence that may be about something else (another
year, a 考核 or 自评, an indicator, a group), and every finding quotes the sentence and gives the data's figure.

Rules:
- RPT-LINT-GRADE: 评价等级为“良” / 评价结果为优秀 … against the computed grade (优秀=优, 良好=良,
  中等=中, 合格=中 as a note only, 不合格/较差=差); skipped while the scorecard has no grade.
- RPT-LINT-TOTAL: 总得分 / 综合得分 / 评价得分 N分 against the total score.
- RPT-LINT-SURVEY: 发放问卷N份, 收回N份, 有效问卷N份 against the questionnaire; 问卷得分 N分 (a score in a
  sentence about the 问卷) against its 综合得分.
- RPT-LINT-MONEY: 总收入 / 本年收入合计 / 全年收入 / 共收入, the same for 支出 (决算数, 27行 and 84行), and
  年初预算收入/支出, 全年预算收入/支出, each directly followed by N万元.
- RPT-LINT-YEAR (a note): a year after the year following the evaluation year, outside any plan
  or target (2035年远景目标 is not flagged).
- RPT-LINT-POLICY: a national document cited by 文号 or by its exact title in 《》 that another has replaced
  (policy_documents.toml), when the evaluated year is not before the replacement's year and the sentence
  neither cites the replacement nor speaks of the change (废止, 取代, 修订…).

- RPT-LINT-STAFF: 编制人数/核定编制 N人(名), 在编人数/编内人员 N人, 劳务派遣 N人 against 基本信息.
- RPT-LINT-THREE-PUBLIC: YYYY年三公经费(实际支出) N万元 against 基本信息's 三公经费 of that year (the evaluation
  year or the one before); a figure of one year written under another year is flagged too.
- RPT-LINT-PROGRESS: 6月末 … 执行进度达到 N% (the 时点 as entered in 基本信息) against that 时点's progress.
- RPT-LINT-RATE: 预算执行率 N% against 本年支出合计 决算数 ÷ 全年预算数 (not about 项目/基本支出, a month or a 时点).
- RPT-LINT-PLAN-YEAR (a note): a heading line such as 三、2024年工作打算 whose plan is for the evaluated year or
  earlier (a report on 2024 plans for 2025).
Text rules, read on the filled text (placeholders replaced), one line at a time:
- RPT-LINT-PARTS: a total followed by 其中 and its parts (万元, 人 or 名): the parts add up to more than the total
  (a list may leave parts out, so only parts above the total are flagged).
- RPT-LINT-SURVEY: 对 N 份 … 问卷 … 统计/分析 — the questionnaires analysed are the valid ones, not those issued.

Tolerance: a stated number agrees when it is within half a unit of its own last digit, and at least
0.005 (the data's own rounding to 2 decimals): 532 and 532.4412 both agree with 532.44. A sum of parts may exceed
its total by the rounding of each part (half a unit of its last digit).
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from ..common.findings import Finding, Severity
from .sections import SECTION_HEADINGS, fill, placeholder_values
from .policy_documents import NUMBER, PolicyDocument, PolicyTable, policy_documents, title_key

if TYPE_CHECKING:
    from ..rules.scorecard import Scorecard
    from ..model.evaluation import Evaluation

_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]?")
_CLAUSE_END = "，,；;。！？!?"
_QUOTE_LIMIT = 80
_QUOTE_MARGIN = 30
_DATA_ROUNDING = Decimal("0.005")  # the data is given to 2 decimals, half up
_NUMBER = r"(\d+(?:\.\d+)?)(?![\d.])"
_YEAR_IN_TEXT = re.compile(r"(?<![\d〔\[【])((?:19|20)\d{2})(?=年)")


@dataclass(frozen=True)
class Facts:
    """What the data says: formatted figures (``placeholder_values``), the grade and the year."""

    values: Mapping[str, str]
    grade: str | None
    year: int | None


@dataclass(frozen=True)
class Claim:
    """A figure in a sentence that contradicts the data; ``span`` locates it in the sentence."""

    code: str
    span: tuple[int, int]
    message: str
    severity: Severity = "warning"
    expected: Decimal | None = None
    actual: Decimal | None = None


Rule = Callable[[str, Facts], list[Claim]]


def agrees(stated: str, data: Decimal) -> bool:
    """Whether ``stated`` (as written) is ``data`` given the precision it was written with."""
    decimals = len(stated.partition(".")[2])
    tolerance = max(Decimal(5) / Decimal(10) ** (decimals + 1), _DATA_ROUNDING)
    return abs(Decimal(stated) - data) <= tolerance


def _clause_before(sentence: str, position: int) -> str:
    """The text from the last clause break before ``position`` up to it."""
    start = max(sentence.rfind(mark, 0, position) for mark in _CLAUSE_END) + 1
    return sentence[start:position]


def _other_year(text: str, year: int | None) -> bool:
    return any(int(found) != year for found in _YEAR_IN_TEXT.findall(text))


# --- grade ------------------------------------------------------------------------------------------

_GRADE_SYNONYMS = {
    "优秀": "优", "优": "优", "良好": "良", "良": "良", "中等": "中", "中": "中", "合格": "中",
    "不合格": "差", "较差": "差", "差": "差",
}
_GRADE = re.compile(
    r"(?:(?:评价等级|绩效等级|评价结果|综合评价|等级|等次)(?:为|是|：|:|评定为|确定为)?|绩效(?:评定)?为)"
    r"(?P<open>[“\"「『])?(?P<word>不合格|优秀|良好|中等|合格|较差|优|良|中|差)(?P<close>[”\"」』])?"
)
_GRADE_FOLLOW = "，。；、,;.!！）)"
_GRADE_ELSEWHERE = re.compile(r"考核|评比|评选|获评|荣获|自评|信用|满意|上年|去年|上一年|指标(?!体系)")


def _clear_grade(match: re.Match[str], sentence: str) -> bool:
    """A quoted grade, or a grade word ending the phrase (评价等级为优，); never a bare 中 (评价结果中)."""
    following = sentence[match.end():match.end() + 1]
    ends = following == "" or following in _GRADE_FOLLOW
    return bool(match["open"] and match["close"]) or (ends and match["word"] != "中")


def grade_claims(sentence: str, facts: Facts) -> list[Claim]:
    computed = _GRADE_SYNONYMS.get(facts.grade or "")
    if computed is None or not re.search(r"评价|绩效", sentence) or _GRADE_ELSEWHERE.search(sentence):
        return []  # no grade yet, or perhaps another assessment's grade
    if _other_year(sentence, facts.year):
        return []
    claims = []
    for match in _GRADE.finditer(sentence):
        stated = _GRADE_SYNONYMS[match["word"]]
        if _clear_grade(match, sentence) and stated != computed:
            claims.append(Claim(
                "RPT-LINT-GRADE", match.span(), f"计算所得评价等级为“{facts.grade}”",
                severity="info" if match["word"] == "合格" else "warning",
            ))
    return claims


# --- scores -----------------------------------------------------------------------------------------

_SCORE = re.compile(r"(总得分|综合得分|评价得分|最终得分|平均得分|得分)(?:为|是|：|:|达到|共)?" + _NUMBER + "分")
_SCORE_ELSEWHERE = re.compile(r"考核|自评|指标(?!体系)|满分|权重|扣|题|类|一级|二级|三级|决策|过程|产出|效益|效果|上年|去年|上一年")
_SURVEY_SENTENCE = re.compile(r"问卷|满意度")


def _score_claim(match: re.Match[str], sentence: str, facts: Facts) -> Claim | None:
    keyword, stated = match[1], match[2]
    if _SURVEY_SENTENCE.search(sentence):
        if keyword == "总得分" or "问卷得分" not in facts.values:
            return None  # 问卷总得分 is the sum of points, not the score
        name, code, data = "问卷综合得分", "RPT-LINT-SURVEY", facts.values["问卷得分"]
    elif keyword == "得分" and not re.search(r"评价|绩效", sentence):
        return None
    else:
        name, code, data = "评价总得分", "RPT-LINT-TOTAL", facts.values["总得分"]
    if agrees(stated, Decimal(data)):
        return None
    return Claim(code, match.span(), f"计算所得{name}为{data}分", expected=Decimal(data), actual=Decimal(stated))


def score_claims(sentence: str, facts: Facts) -> list[Claim]:
    if _SCORE_ELSEWHERE.search(sentence) or _other_year(sentence, facts.year):
        return []
    return [claim for match in _SCORE.finditer(sentence) if (claim := _score_claim(match, sentence, facts))]


# --- questionnaire counts ---------------------------------------------------------------------------

_COUNTS = (
    (re.compile(r"(?:发放(?:调查)?问卷|问卷发放)(?:共|合计)?(\d+)份"), "发放问卷份数", "发放问卷"),
    (re.compile(r"(?:收回|回收)(?:调查)?(?:问卷)?(?:共|合计)?(\d+)份"), "收回问卷份数", "收回问卷"),
    (re.compile(r"有效问卷(?:数|份数)?(?:为|共|合计)?(\d+)(?![\d.%])份?"), "有效问卷份数", "有效问卷"),
)


def count_claims(sentence: str, facts: Facts) -> list[Claim]:
    if "问卷" not in sentence:
        return []
    claims = []
    for pattern, key, name in _COUNTS:
        data = facts.values.get(key)
        for match in pattern.finditer(sentence):
            if data is not None and int(match[1]) != int(data):
                claims.append(Claim(
                    "RPT-LINT-SURVEY", match.span(), f"问卷数据中{name}为{data}份",
                    expected=Decimal(data), actual=Decimal(match[1]),
                ))
    return claims


# --- money ------------------------------------------------------------------------------------------

_MONEY_ITEMS = (
    ("年初预算收入", "本年收入合计_年初预算_万元", "本年收入合计（第27行）年初预算数"),
    ("年初预算支出", "本年支出合计_年初预算_万元", "本年支出合计（第84行）年初预算数"),
    ("全年预算收入", "本年收入合计_全年预算_万元", "本年收入合计（第27行）全年预算数"),
    ("全年预算支出", "本年支出合计_全年预算_万元", "本年支出合计（第84行）全年预算数"),
    ("本年收入合计|全年收入|总收入|共收入", "本年收入合计_万元", "本年收入合计（第27行）决算数"),
    ("本年支出合计|全年支出|总支出|共支出", "本年支出合计_万元", "本年支出合计（第84行）决算数"),
)
_MONEY = tuple(
    (re.compile(f"(?:{words})(?:为|是|：|:|共|合计|达|达到)?{_NUMBER}万元"), key, name)
    for words, key, name in _MONEY_ITEMS
)
# Words before the figure, in its clause, that make it another figure (广告总收入, 上年总支出…);
# 预算 there makes a 决算数 phrase (总支出) a budget figure.
_MONEY_ELSEWHERE = re.compile(r"上年|去年|上一年|同比|较|增|减|广告|经营|事业|其他|拨款|项目|基本|上级|附属|专项|资金")


def _money_claim(match: re.Match[str], sentence: str, facts: Facts, key: str, name: str) -> Claim | None:
    data = facts.values.get(key)
    clause = _clause_before(sentence, match.start())
    if data is None or _other_year(sentence[:match.start()], facts.year):
        return None
    if _MONEY_ELSEWHERE.search(clause) or ("预算" not in key and "预算" in clause):
        return None
    if agrees(match[1], Decimal(data)):
        return None
    return Claim("RPT-LINT-MONEY", match.span(), f"决算表{name}为{data}万元", expected=Decimal(data), actual=Decimal(match[1]))


def money_claims(sentence: str, facts: Facts) -> list[Claim]:
    return [
        claim
        for pattern, key, name in _MONEY
        for match in pattern.finditer(sentence)
        if (claim := _money_claim(match, sentence, facts, key, name))
    ]


# --- years ------------------------------------------------------------------------------------------

_PLAN_WORDS = re.compile(r"远景|规划|目标|计划|打算|力争|展望|预计|到|至|前|十四五|十五五|中长期")


def year_claims(sentence: str, facts: Facts) -> list[Claim]:
    if facts.year is None or _PLAN_WORDS.search(sentence):
        return []
    return [
        Claim("RPT-LINT-YEAR", match.span(), f"评价年度为{facts.year}年，文中出现的{match[1]}年晚于{facts.year + 1}年，请核对", severity="info")
        for match in _YEAR_IN_TEXT.finditer(sentence)
        if int(match[1]) > facts.year + 1
    ]


# --- cited documents --------------------------------------------------------------------------------

_TITLE = re.compile(r"[《〈]([^《》〈〉]+)[》〉]")
_CITING = "据照依按循见和及与"  # may stand right before a 文号 (根据财预〔2011〕285号)
_CHANGE = re.compile(r"废止|废除|失效|取代|替代|代替|不再执行|停止执行|修订|以来|此前")
Cited = dict[tuple[str, int, int], tuple[PolicyDocument, tuple[int, int]]]


def _known_prefix(prefix: str, known: list[str]) -> str | None:
    """The table's issuer prefix that ``prefix`` (the Chinese before a 文号's year) is, or ends with after 据/按….

    云财预 is a province's 财预, not the ministry's; the greedy match of 根据财预 is 财预.
    """
    return next((p for p in known if prefix == p or prefix.endswith(p) and prefix[-len(p) - 1] in _CITING),
                None)


def citations(sentence: str, table: PolicyTable) -> Cited:
    """The table's documents cited in ``sentence`` (by 文号 or exact title), each with its first span."""
    cited: Cited = {}
    for match in NUMBER.finditer(sentence):
        prefix = _known_prefix(match["prefix"], table.prefixes)
        doc = None if prefix is None else table.by_number.get((prefix, int(match["year"]), int(match["serial"])))
        if doc is not None:
            cited.setdefault(doc.key, (doc, (match.end("prefix") - len(doc.key[0]), match.end())))
    for match in _TITLE.finditer(sentence):
        for doc in table.by_title.get(title_key(match[1]), []):
            cited.setdefault(doc.key, (doc, match.span()))
    return cited


def policy_claims(sentence: str, facts: Facts) -> list[Claim]:
    """Superseded documents cited as if in force; not when the sentence tells of the change (原…, 已废止, 修订…)."""
    table = policy_documents()
    cited = citations(sentence, table)
    if not cited or facts.year is None or _CHANGE.search(sentence):
        return []
    claims = []
    for doc, span in cited.values():
        current = table.current(doc)
        if current is doc or current.key in cited or facts.year < current.year:
            continue  # in force, cited with its replacement, or replaced only after the evaluated year
        if sentence[span[0] - 1:span[0]] != "原":
            claims.append(Claim("RPT-LINT-POLICY", span, f"{doc.cited()}已由{current.cited()}取代，请引用现行文件"))
    return claims


# --- staff counts -----------------------------------------------------------------------------------

_STAFF = (
    (re.compile(r"(?:编制人数|编制数|核定(?:事业|行政)?编制)(?:为|是|：|:|共)?" + _NUMBER + "[人名]"), "编制数", "编制数"),
    (re.compile(r"(?:在编人数|在编人员|编内人员|实有在编人数)(?:为|是|：|:|共)?" + _NUMBER + "人"), "在职人数",
     "在职人数（编内）"),
    (re.compile(r"劳务派遣(?:人员|人数)?(?:为|是|：|:|共)?" + _NUMBER + "人"), "劳务派遣人数", "劳务派遣人数"),
)
_STAFF_ELSEWHERE = re.compile(r"上年|去年|上一年|同比|较|增|减|管理人员|专业技术|工勤|领导")


def staff_claims(sentence: str, facts: Facts) -> list[Claim]:
    if _other_year(sentence, facts.year):
        return []
    claims = []
    for pattern, key, name in _STAFF:
        data = facts.values.get(key)
        for match in pattern.finditer(sentence):
            if data is None or _STAFF_ELSEWHERE.search(_clause_before(sentence, match.start())):
                continue
            if not agrees(match[1], Decimal(data)):
                claims.append(Claim("RPT-LINT-STAFF", match.span(), f"基本信息中{name}为{data}人",
                                    expected=Decimal(data), actual=Decimal(match[1])))
    return claims


# --- 三公经费 of a year -------------------------------------------------------------------------------

_THREE_PUBLIC = re.compile(r"((?:19|20)\d{2})年(?:度)?(?:的)?[“\"]?三公[”\"]?经费(?:实际支出|支出|决算数)?(?:为|是|：|:|共|合计)?"
                           + _NUMBER + "万元")


def three_public_claims(sentence: str, facts: Facts) -> list[Claim]:
    if facts.year is None or re.search(r"预算", sentence):
        return []
    figures = {facts.year: facts.values.get("三公经费本年_万元"), facts.year - 1: facts.values.get("三公经费上年_万元")}
    claims = []
    for match in _THREE_PUBLIC.finditer(sentence):
        year, stated = int(match[1]), match[2]
        data = figures.get(year)
        if data is not None:
            if not agrees(stated, Decimal(data)):
                claims.append(Claim("RPT-LINT-THREE-PUBLIC", match.span(), f"基本信息中{year}年三公经费为{data}万元",
                                    expected=Decimal(data), actual=Decimal(stated)))
            continue
        other = next((y for y, v in figures.items() if v is not None and agrees(stated, Decimal(v))), None)
        if other is not None:
            claims.append(Claim("RPT-LINT-THREE-PUBLIC", match.span(),
                                f"{stated}万元是基本信息中{other}年的三公经费（评价年度{facts.year}年，上年为{facts.year - 1}年），"
                                f"年份有误"))
    return claims


# --- budget execution progress and rate -------------------------------------------------------------

_PROGRESS_KEY = "执行进度_"
_LINK = re.compile(r"(?:已|累计)?(?:达到|为|是|：|:|达)?")  # between a 时点 and its percentage
_RATE_AFTER = re.compile(r"(?:达到|为|是|：|:|达)?" + r"(\d+(?:\.\d+)?)%")


def progress_claims(sentence: str, facts: Facts) -> list[Claim]:
    """Each 时点 of 基本信息 named in the sentence, with the first percentage after it in its clause."""
    if "执行" not in sentence or _other_year(sentence, facts.year):
        return []
    claims = []
    for key, data in facts.values.items():
        label = key.removeprefix(_PROGRESS_KEY)
        if not key.startswith(_PROGRESS_KEY) or not label:
            continue
        for found in re.finditer(re.escape(label), sentence):
            rest = sentence[found.end():]
            clause = rest[:min((rest.find(m) for m in "，,；;。" if m in rest), default=len(rest))]
            rate = _RATE_AFTER.search(clause)
            if rate is None or not ("进度" in clause[:rate.start()] or _LINK.fullmatch(clause[:rate.start()])):
                continue  # 全年预算执行率达到100%: a rate, not the progress
            if agrees(rate[1], Decimal(data.rstrip("%"))):
                continue
            start = found.end() + rate.start(1)
            claims.append(Claim("RPT-LINT-PROGRESS", (found.start(), start + len(rate[1]) + 1),
                                f"基本信息中{label}的预算执行进度为{data}",
                                expected=Decimal(data.rstrip("%")), actual=Decimal(rate[1])))
    return claims


_RATE = re.compile(r"预算执行率(?:为|是|：|:|达到|达)?(\d+(?:\.\d+)?)%")
_RATE_ELSEWHERE = re.compile(r"项目|基本支出|人员|公用|专项|月|进度|上年|去年|目标|不低于|以上|超过|低于")


def rate_claims(sentence: str, facts: Facts) -> list[Claim]:
    data = facts.values.get("预算执行率")
    if data is None or _other_year(sentence, facts.year):
        return []
    return [
        Claim("RPT-LINT-RATE", match.span(), f"决算表本年支出合计（第84行）决算数÷全年预算数为{data}",
              expected=Decimal(data.rstrip("%")), actual=Decimal(match[1]))
        for match in _RATE.finditer(sentence)
        if not _RATE_ELSEWHERE.search(_clause_before(sentence, match.start()))
        and not agrees(match[1], Decimal(data.rstrip("%")))
    ]


# --- the year of a plan --------------------------------------------------------------------------------

_PLAN_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])?\s*((?:19|20)\d{2})年(?:度)?"
                           r"(?:工作)?(?:打算|计划|思路|安排)[。：:]?$")


def plan_year_claims(sentence: str, facts: Facts) -> list[Claim]:
    match = _PLAN_HEADING.match(sentence)
    if facts.year is None or match is None or int(match[1]) > facts.year:
        return []
    return [Claim("RPT-LINT-PLAN-YEAR", match.span(),
                  f"评价年度为{facts.year}年，{match[1]}年的工作打算应为下一年（{facts.year + 1}年），请核对", severity="info")]


RULES: tuple[Rule, ...] = (grade_claims, score_claims, count_claims, money_claims, year_claims, policy_claims,
                           staff_claims, three_public_claims, progress_claims, rate_claims, plan_year_claims)


# --- text rules: on the filled text, a line at a time ----------------------------------------------------

_TOTAL_THEN_PARTS = re.compile(r"(\d+(?:\.\d+)?)(万元|人|名)(?:[，,]|[。；;])?([（(])?其中[：:，,]?")
_PART = re.compile(r"([^，,；;。（）()]*?)(\d+(?:\.\d+)?)(万元|人|名)")
_BRACKETED = re.compile(r"[（(][^（）()]*[）)]")
_NOT_A_PART = re.compile(r"总|合计|共计|负债|净值|结余|上年|同比|增|减|年初|全年预算")


def parts_claims(line: str, facts: Facts) -> list[Claim]:
    """A total and the parts listed after its 其中: the list ends at ）, at 。 (or the next 。 when 其中 starts a
    sentence), or at a figure that is not a part (总…, 负债, 净值…)."""
    claims = []
    for match in _TOTAL_THEN_PARTS.finditer(line):
        total, unit, paren = Decimal(match[1]), match[2], match[3]
        rest = line[match.end():]
        end = rest.find("）" if paren else "。")
        items = rest if end < 0 else rest[:end]
        if not paren:
            items = _BRACKETED.sub("", items)  # a part's own parts: 基本支出387.97万元（人员经费…）
        parts: list[str] = []
        last = 0
        for part in _PART.finditer(items):
            if part[3] != unit or _NOT_A_PART.search(part[1]):
                break
            parts.append(part[2])
            last = rest.find(part[0]) + len(part[0])
        if len(parts) < 2:
            continue
        rounding = sum(Decimal(5) / Decimal(10) ** (len(p.partition(".")[2]) + 1) for p in parts)
        added = sum((Decimal(p) for p in parts), Decimal(0))
        if added > total + rounding:
            span = (match.start(), match.end() + last)
            claims.append(Claim("RPT-LINT-PARTS", span,
                                f"“其中”所列{len(parts)}项合计{added.normalize():f}{unit}，超过总数{match[1]}{unit}",
                                expected=total, actual=added))
    return claims


_ANALYSED = re.compile(r"对(\d+)份[^，,。；;]*?问卷[^。；;]*?(?:统计|分析|汇总)")


def analysed_claims(line: str, facts: Facts) -> list[Claim]:
    """The questionnaires a score is computed from are the valid ones."""
    valid = facts.values.get("有效问卷份数")
    return [
        Claim("RPT-LINT-SURVEY", match.span(), f"问卷得分按有效问卷{valid}份计算（发放{facts.values.get('发放问卷份数', '—')}份）",
              expected=Decimal(valid), actual=Decimal(match[1]))
        for match in _ANALYSED.finditer(line)
        if valid is not None and int(match[1]) != int(valid)
    ]


TEXT_RULES: tuple[Rule, ...] = (parts_claims, analysed_claims)


def sentences(text: str) -> Iterator[str]:
    for match in _SENTENCE.finditer(text):
        if sentence := match.group().strip():
            yield sentence


def quote(sentence: str, span: tuple[int, int]) -> str:
    """The sentence, or the part of a long one around ``span``."""
    if len(sentence) <= _QUOTE_LIMIT:
        return sentence
    start, end = max(span[0] - _QUOTE_MARGIN, 0), min(span[1] + _QUOTE_MARGIN, len(sentence))
    return f"{'…' if start else ''}{sentence[start:end]}{'…' if end < len(sentence) else ''}"


def _finding(claim: Claim, text: str, where: str) -> Finding:
    return Finding(
        severity=claim.severity, code=claim.code, where=where,
        message=f"报告写“{quote(text, claim.span)}”，而{claim.message}",
        expected=claim.expected, actual=claim.actual,
        difference=None if claim.expected is None or claim.actual is None else claim.actual - claim.expected,
    )


def lint_text(text: str, facts: Facts, where: str) -> list[Finding]:
    """Every rule on every sentence of one section's text, and the text rules on each line of it filled."""
    filled = fill(text, dict(facts.values))[0]
    return [
        *(_finding(claim, sentence, where) for sentence in sentences(text) for rule in RULES
          for claim in rule(sentence, facts)),
        *(_finding(claim, line.strip(), where) for line in filled.splitlines() for rule in TEXT_RULES
          for claim in rule(line.strip(), facts)),
    ]


def lint_narrative(evaluation: Evaluation, card: Scorecard, provenance: Mapping[str, str]) -> list[Finding]:
    """Findings for figures in the report's sections that differ from the data."""

    facts = Facts(placeholder_values(evaluation, card), card.grade, evaluation.info.year)
    findings = []
    for key, text in evaluation.narrative.items():
        where = provenance.get(f"narrative.{key}", f"报告「{SECTION_HEADINGS.get(key, key)}」")
        findings.extend(lint_text(text, facts, where))
    return findings

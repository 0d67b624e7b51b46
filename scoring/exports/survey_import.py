"""Tally a 问卷星 export into the questionnaire's counts: match questions and options, screen respondents, count.

Matched to a workbook's questions, a question is paired by number and title (whitespace and punctuation
ignored; by title alone when the numbers differ; with a note naming both titles when, under the same
number, one title contains the other or they differ by a few characters), an answer by option position
(按序号), score (按分数) or text (按文本). Every answer that fits no option is an error naming both sides;
nothing is guessed. The export completes the workbook: titles where it has none, and on a blank sheet the
questions and options themselves (scored by the 分值方案 when it has a scale for their number of options).
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import compress

from .table import ExportError, cell_at, same_unit, shown, squeeze, text
from ..common.findings import Finding, Severity
from ..common.numbers import fmt_points
from ..model.survey import (
    MAX_OPTIONS,
    MAX_QUESTIONS,
    Survey,
    SurveyOption,
    SurveyQuestion,
    numbers_text,
    parse_points,
    parse_scale,
)
from .survey_export import (
    MODE_NAMES,
    MULTI,
    SKIP_NUMBERS,
    SKIP_TEXTS,
    Item,
    Mode,
    SurveyExport,
    answer_text,
    ip_address,
    number_or_none,
    seconds,
)

MAX_LISTED = 30  # problems listed in one message
_LONGEST_TITLE = 500  # titles compared character by character only up to this length
MAX_OPTION_NUMBER = 100  # an option number (按序号) beyond this is a wrong cell, not an option
_SAMPLED_ROWS = 200  # rows looked at to tell 按序号 from 按分数 when the file name does not say
_NUMBERED_OPTION = re.compile(r"选项\d+")  # how an option is shown when the export says only its number
# the unit a questionnaire's title names: what comes before the year or the kind of survey, ending as units do
_TITLE_TAIL = re.compile(r"(?:20\d\d\s*年|年度|满意度|调查|问卷|部门整体|绩效|测评|评价)")
_UNIT_END = re.compile(r"(?:局|中心|委员会|委|办公室|办|院|所|站|队|馆|部|厅|署|会|社|处|科|团|校|学|场|台|室|政府|街道|乡|镇|社区)$")
_LETTER = re.compile(r"^[A-Za-z]\s*[.、:：\s]\s*")
Answer = Hashable  # None (skipped), one option key, or a tuple of keys (several options chosen)


class _Bad(str):
    """Why a cell fits no option (kept apart from the option keys, which may be text too)."""


_WORDS = _Bad("不是数字")


@dataclass(frozen=True)
class Excluded:
    row: int
    reason: str


@dataclass(frozen=True)
class TalliedQuestion:
    """One question's counts, option by option (the workbook's options when matched to one)."""

    number: int
    title: str
    options: tuple[str, ...]  # as shown: "A 经常到基层调研", "选项1", "10分"
    points: tuple[Decimal | None, ...]
    counts: tuple[int, ...]
    skipped: int
    target: SurveyQuestion | None = None


@dataclass(frozen=True)
class SurveyImport:
    name: str
    title: str
    mode: Mode
    returned: int
    valid: int
    excluded: tuple[Excluded, ...]
    questions: tuple[TalliedQuestion, ...]
    notes: tuple[Finding, ...]

    @property
    def mode_name(self) -> str:
        return MODE_NAMES[self.mode]

    @property
    def unit_named(self) -> str:
        """The unit the questionnaire's title names (``寻甸县融媒体中心满意度调查问卷`` → 寻甸县融媒体中心), "" if none."""
        head = _TITLE_TAIL.split(self.title, maxsplit=1)[0].strip()
        head = head.removeprefix("关于").removesuffix("的").strip()
        return head if len(head) >= 3 and _UNIT_END.search(head) else ""

    def unit_check(self, unit_name: str, force: bool = False) -> list[Finding]:
        """The title's unit compared with the workbook's: another unit is refused (``force``: imported, with a warning)."""
        named = self.unit_named
        if not named or not unit_name or squeeze(named) == squeeze(unit_name):
            return []
        if same_unit(named, unit_name):
            return [_note("SVI-UNIT", f"问卷标题中的单位「{named}」与工作簿基本信息的单位「{unit_name}」为同一单位（简称）")]
        message = (f"「{self.name}」的问卷标题「{self.title}」所指单位「{named}」与工作簿基本信息的单位名称「{unit_name}」不同")
        if not force:
            raise ExportError(f"{message}：请确认是否选错了导出文件，未写入任何数据（确认无误时，命令行加 --force 仍导入）")
        return [_note("SVI-UNIT", f"{message}，按 --force 仍导入，请核对", "warning")]

    def json(self) -> dict[str, object]:
        return {
            "returned": self.returned, "valid": self.valid,
            "excluded": [{"row": e.row, "reason": e.reason} for e in self.excluded],
            "questions": [{"number": q.number, "title": q.title, "counts": list(q.counts), "skipped": q.skipped}
                          for q in self.questions],
        }

    def survey(self, existing: Survey | None = None, *, title: str | None = None, issued: int | None = None,
               scale: str | None = None) -> tuple[Survey, list[Finding]]:
        """The questionnaire with these counts: the workbook's questions completed (titles where it has none), or
        new ones as exported. Title, 发放 count and 分值方案 are the workbook's (``existing``'s unless given)."""
        title = existing.title if title is None and existing else title
        issued = existing.issued if issued is None and existing else issued
        scale = existing.scale if scale is None and existing else scale or ""
        notes = []
        if self.questions and self.questions[0].target is not None:
            questions = [_filled(q) for q in self.questions]
            if any(o.count for q in self.questions if q.target for o in q.target.options):
                notes.append(_note("SVI-REPLACED", "工作簿问卷表原有的人数已替换为导入的人数"))
            titled = [q.number for q in self.questions if q.target and not q.target.text and q.title]
            if titled:
                notes.append(_note("SVI-TITLES", f"第{numbers_text(titled)}题的题目取自导出文件"))
        else:
            questions = self._created(scale, notes)
        if issued is None:
            issued = self.returned
            notes.append(_note("SVI-ISSUED", f"发放问卷份数按收回份数{self.returned}份填写，请按实际修改"))
        named = {"title": title or self.title} if title or self.title else {}
        return Survey(**named, issued=issued, returned=self.returned, valid=self.valid, questions=questions,
                      scale=scale), notes

    def _created(self, scale: str, notes: list[Finding]) -> list[SurveyQuestion]:
        """The questions as exported, on a sheet that has none: options A, B, C… with the export's texts (按文本)
        or scores (按分数); 按序号 gives no texts, and as many options as the 分值方案's one scale that fits."""
        scales = parse_scale(scale)
        created, widened = [], []
        for n, q in enumerate(self.questions, start=1):
            counts, points = list(q.counts), list(q.points)
            fitting = [size for size in scales if size >= len(counts)]
            if self.mode == "index" and len(fitting) == 1 and fitting[0] > len(counts):
                widened.append(n)
                counts += [0] * (fitting[0] - len(counts))
                points += [None] * (fitting[0] - len(points))
            texts = ["" if self.mode == "score" or _NUMBERED_OPTION.fullmatch(t) else t for t in q.options]
            texts += [""] * (len(counts) - len(texts))
            created.append(SurveyQuestion(number=n, text=q.title, options=[
                SurveyOption(label=chr(ord("A") + i), text=t,
                             points=None if p is None else parse_points(p, f"第{q.number}题的分值"), count=c)
                for i, (t, p, c) in enumerate(zip(texts, points, counts))]))
        notes.append(_note("SVI-CREATED", f"工作簿问卷表原来没有题目：已按导出文件建立{len(created)}道题的题目、选项和人数"))
        if self.mode == "index":
            notes.append(_note("SVI-OPTIONS", "按序号导出的文件不含选项文字：选项内容请在问卷表填写（不影响计分）；"
                               "各题的选项个数取答卷中出现的最大序号"
                               + (f"（第{numbers_text(widened)}题按分值方案补足）" if widened else "") + "，请核对",
                               "warning"))
        return created


def _filled(tallied: TalliedQuestion) -> SurveyQuestion:
    """The workbook's question with the counts, and the export's title where it has none."""
    question = tallied.target
    assert question is not None
    options = [o.model_copy(update={"count": c}) for o, c in zip(question.options, tallied.counts)]
    return question.model_copy(update={"options": options, "text": question.text or tallied.title})


def _note(code: str, message: str, severity: Severity = "info") -> Finding:
    return Finding(severity=severity, code=code, where="问卷导入", message=message)


class _Problems:
    """Every problem of the file, each bad answer value once with how many gave it and the first row."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.cells: dict[tuple[str, str], list[int]] = {}

    def cell(self, where: str, value: object, reason: str, row: int) -> None:
        seen = self.cells.setdefault((where, f"「{shown(value)}」{reason}"), [0, row])
        seen[0] += 1

    def check(self, name: str) -> None:
        lines = self.lines + [f"{where}{what}（{n}处，如第{row}行）" for (where, what), (n, row) in self.cells.items()]
        if lines:
            more = f"\n……另有{len(lines) - MAX_LISTED}处" if len(lines) > MAX_LISTED else ""
            listed = "\n".join(f"- {line}" for line in lines[:MAX_LISTED])
            raise ExportError(f"「{name}」无法导入（共{len(lines)}处问题，未写入任何数据）：\n{listed}{more}")


def import_survey(export: SurveyExport, questions: Sequence[SurveyQuestion] | None = None, *,
                  min_seconds: int | None = None, dedupe_ip: bool = False) -> SurveyImport:
    """Count ``export``'s answers, into ``questions`` (the workbook's) when given, else question by question as exported."""
    problems = _Problems()
    notes: list[Finding] = []
    pairs: list[tuple[Item, SurveyQuestion | None]] = (
        _match(export.items, questions, problems, notes) if questions else [(item, None) for item in export.items])
    problems.check(export.name)
    mode = export.mode or _numeric_mode(export, pairs, notes)
    columns = _by_column(export)
    answers = [_answers(export, columns, item, target, mode, problems) for item, target in pairs]
    if not questions:  # on its own, a numeric export's column of words is a 填空 question: not counted
        notes += [_note("SVI-TEXT", f"导出文件第{item.number}题「{item.title}」的答案不是选项序号或分值（填空题），未统计")
                  for (item, _), found in zip(pairs, answers) if found.words]
        pairs, answers = [p for p, a in zip(pairs, answers) if not a.words], [a for a in answers if not a.words]
    excluded = _screen(export, columns, [a.cells for a in answers], min_seconds, dedupe_ip, problems)
    problems.check(export.name)
    twice = [e for e in excluded if e.reason.startswith("序号")]
    if twice:
        notes.append(_note("SVI-DUPLICATE", f"{len(twice)}份答卷的序号与前面的答卷重复（同一份答卷出现两次），只计一次："
                           + "、".join(f"第{e.row}行" for e in twice[:MAX_LISTED]) + ("等" if len(twice) > MAX_LISTED else ""),
                           "warning"))
    if export.sheets:
        notes.append(_note("SVI-SHEETS", f"答卷分布在{len(export.sheets) + 1}个工作表，已合并：{'；'.join(export.sheets)}"))
    dropped = {e.row for e in excluded}
    valid = [number not in dropped for number, _ in export.rows]  # by respondent row
    tallied = tuple(_tally(item, target, a, valid, mode) for (item, target), a in zip(pairs, answers))
    _within_limits(tallied)
    if export.ignored:
        notes.append(_note("SVI-IGNORED", f"无法识别的列，未导入：{'、'.join(export.ignored)}", "warning"))
    return SurveyImport(name=export.name, title=export.title, mode=mode, returned=len(export.rows),
                        valid=sum(valid), excluded=tuple(excluded), questions=tallied, notes=tuple(notes))


# ── matching ──────────────────────────────────────────────
def _match(items: Sequence[Item], questions: Sequence[SurveyQuestion], problems: _Problems,
           notes: list[Finding]) -> list[tuple[Item, SurveyQuestion | None]]:
    """Each workbook question's export item: same number and title, else the one item with its title."""
    by_number: dict[int, list[Item]] = {}
    for item in items:
        if not item.row:
            by_number.setdefault(item.number, []).append(item)
    pairs: list[tuple[Item, SurveyQuestion | None]] = []
    taken: dict[Item, int] = {}
    for question in questions:
        title = squeeze(question.text)
        same = by_number.get(question.number, [])
        titled = [i for i in items if title and title in i.aliases]
        if len(same) == 1 and (not title or not same[0].title or title in same[0].aliases):
            item = same[0]
        elif len(titled) == 1:
            item = titled[0]
            notes.append(_note("SVI-NUMBER",
                               f"工作簿第{question.number}题「{question.text}」按标题对应导出文件第{item.number}题"))
        elif len(same) == 1 and not titled and similar(title, squeeze(same[0].title)):
            item = same[0]
            notes.append(_note("SVI-TITLE", f"工作簿第{question.number}题「{question.text}」与导出文件第{item.number}题"
                                            f"「{item.title}」的题目文字略有不同，按题号对应（选项须一致），请核对", "warning"))
        else:
            problems.lines.append(_unmatched(question, same, len(titled)))
            continue
        if item in taken:
            problems.lines.append(f"导出文件第{item.number}题「{item.title}」同时对应工作簿第{taken[item]}题和第{question.number}题")
            continue
        taken[item] = question.number
        pairs.append((item, question))
    notes += [_note("SVI-EXTRA", f"导出文件第{i.number}题「{i.title}」不在工作簿问卷表中，未导入")
              for i in items if i not in taken]
    return pairs


def similar(ours: str, theirs: str) -> bool:
    """Two titles (squeezed) of one question edited a little: one holds the other (at least 3/5 of it), or they
    differ by at most one character in five (and at most 10)."""
    if not ours or not theirs:
        return False
    short, long_ = sorted((ours, theirs), key=len)
    if short in long_:
        return len(short) * 5 >= len(long_) * 3
    if len(long_) > _LONGEST_TITLE:  # no question is this long: not worth len² steps
        return False
    return _distance(ours, theirs, limit := min(10, len(long_) // 5)) <= limit


def _distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance of ``a`` and ``b``, or ``limit`` + 1 once it is known to exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, char in enumerate(a, start=1):
        current = [i]
        for j, other in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char != other)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def _unmatched(question: SurveyQuestion, same: list[Item], titled: int) -> str:
    ours = f"工作簿第{question.number}题「{question.text}」"
    if titled > 1:
        return f"{ours}在导出文件中有{titled}道标题相同的题目，无法确定对应哪一道"
    if len(same) == 1:
        return f"{ours}与导出文件第{question.number}题「{same[0].title}」标题不同，导出文件中也没有与之标题相同的题目"
    return f"导出文件中没有{ours}（题号和标题都找不到）"


def _numeric_mode(export: SurveyExport, pairs: list[tuple[Item, SurveyQuestion | None]], notes: list[Finding]) -> Mode:
    """按序号 or 按分数, from the numbers themselves when the file name does not say (both fitting is an error)."""
    fits = {"index": True, "score": True}
    for item, target in pairs:
        if item.flags:
            continue
        values = {n for _, row in export.rows[:_SAMPLED_ROWS]
                  if (n := number_or_none(cell_at(row, item.columns[0]))) is not None and n not in SKIP_NUMBERS}
        if target is None:
            fits["index"] = fits["index"] and all(v == v.to_integral_value() and v >= 1 for v in values)
        else:
            fits["index"] = fits["index"] and all(v in range(1, len(target.options) + 1) for v in values)
            fits["score"] = fits["score"] and values <= {o.points for o in target.options}
    if fits["index"] and fits["score"] and any(target is not None for _, target in pairs):
        raise ExportError(f"无法判断「{export.name}」中的数字是选项序号还是分值（两种理解都说得通，结果不同）：请使用问卷星"
                          "导出时的原文件名（含「按序号」或「按分数」）")
    mode: Mode = "score" if fits["score"] and not fits["index"] else "index"
    notes.append(_note("SVI-MODE", f"文件名未注明导出方式，按内容判断为{MODE_NAMES[mode]}"))
    return mode


# ── reading answers ───────────────────────────────────────
@dataclass
class _Answers:
    cells: list[Answer]  # one per respondent row
    keys: dict[Hashable, str]  # standalone: option key → how it is shown, in order of first appearance
    words: bool = False  # a numeric export's column holding words (a 填空 question)


def _by_column(export: SurveyExport) -> list[Sequence[object]]:
    """The respondents' cells column by column, a short row's missing cells blank (None)."""
    rows = [row for _, row in export.rows]
    width = max(map(len, rows), default=0)
    if any(len(row) != width for row in rows):
        rows = [[*row, *[None] * (width - len(row))] for row in rows]
    return list(zip(*rows))


def _answers(export: SurveyExport, columns: list[Sequence[object]], item: Item, target: SurveyQuestion | None,
             mode: Mode, problems: _Problems) -> _Answers:
    found = _Answers([], {})
    if item.flags:
        options = _flag_options(item, target, problems)
        found.cells = [_flag_answer(row, item, options, problems, number) for number, row in export.rows]
        found.keys = dict(enumerate(item.flags))
        return found
    column, where = item.columns[0], item.where()
    raws = columns[column] if column < len(columns) else [None] * len(export.rows)
    memo = {raw: _decode(raw, mode, target, found.keys) for raw in dict.fromkeys(raws)}  # in order of first appearance
    if not any(isinstance(answer, _Bad) for answer in memo.values()):
        found.cells = list(map(memo.__getitem__, raws))
        return found
    for (number, _), raw in zip(export.rows, raws):
        answer = memo[raw]
        if isinstance(answer, _Bad):
            if target is None and answer is _WORDS:
                found.words = True
            else:
                problems.cell(where, raw, answer, number)
            answer = None
        found.cells.append(answer)
    return found


def _decode(raw: object, mode: Mode, target: SurveyQuestion | None, keys: dict[Hashable, str]) -> Answer | _Bad:
    """A cell → None (skipped), an option (index into ``target``'s options, else a key recorded in ``keys``),
    a tuple of them (several chosen), or why it fits none."""
    value = text(raw)
    if not value or value in SKIP_TEXTS:
        return None
    if mode == "text":
        parts = [p for p in map(answer_text, shown(raw).split(MULTI)) if p]
        found = [_option(squeeze(_LETTER.sub("", p)), p, mode, target, keys) for p in parts]
    else:
        number = number_or_none(raw)
        if number is None:
            return _WORDS
        if number in SKIP_NUMBERS:
            return None
        if mode == "index" and (number != number.to_integral_value() or not 1 <= number <= MAX_OPTION_NUMBER):
            return _Bad("不是选项序号（应为1、2、3……）")
        found = [_option(int(number) if mode == "index" else number, value, mode, target, keys)]
    bad = next((f for f in found if isinstance(f, _Bad)), None)
    if bad is not None or not found:
        return bad
    return found[0] if len(found) == 1 else tuple(found)


def _option(key: Hashable, shown: str, mode: Mode, target: SurveyQuestion | None,
            keys: dict[Hashable, str]) -> Hashable | _Bad:
    if target is None:
        keys.setdefault(key, shown)
        return key
    options = target.options
    ours = f"工作簿第{target.number}题"
    if mode == "index":
        assert isinstance(key, int)
        return key - 1 if key <= len(options) else _Bad(f"超出{ours}的{len(options)}个选项（{_listed(target)}）")
    if mode == "score":
        hits = [i for i, o in enumerate(options) if o.points == key]
        if len(hits) == 1:
            return hits[0]
        if hits:
            return _Bad(f"对应{ours}的多个选项（{_listed(target)}），无法区分")
        return _Bad(f"不是{ours}任一选项的分值（{_listed(target)}）")
    hits = [i for i, o in enumerate(options) if squeeze(_LETTER.sub("", o.text)) == key]
    return hits[0] if len(hits) == 1 else _Bad(f"不是{ours}的选项（{_listed(target)}）")


def _listed(question: SurveyQuestion) -> str:
    return "；".join(" ".join(p for p in (o.label, o.text, "" if o.points is None else f"{fmt_points(o.points)}分") if p)
                    for o in question.options)


def _flag_options(item: Item, target: SurveyQuestion | None, problems: _Problems) -> list[int]:
    """The option each 0/1 column stands for: its position, or the workbook option with its text (-1: none)."""
    if target is None:
        return list(range(len(item.flags)))
    texts = [squeeze(_LETTER.sub("", o.text)) for o in target.options]
    found = []
    for flag in item.flags:
        key = squeeze(_LETTER.sub("", flag))
        found.append(texts.index(key) if texts.count(key) == 1 else -1)
        if found[-1] < 0:
            problems.lines.append(f"{item.where()}的选项「{flag}」不是工作簿第{target.number}题的选项（{_listed(target)}）")
    return found


def _flag_answer(row: Sequence[object], item: Item, options: list[int], problems: _Problems, number: int) -> Answer:
    """The options ticked in a multi-select's 0/1 columns, None when none is."""
    chosen = []
    for option, column, name in zip(options, item.columns, item.flags):
        raw = cell_at(row, column)
        flag = number_or_none(raw)
        if flag == 1 and option >= 0:
            chosen.append(option)
        elif flag not in (None, 0, 1, *SKIP_NUMBERS) or (flag is None and text(raw) not in ("", *SKIP_TEXTS)):
            problems.cell(f"导出文件第{item.number}题（{name}）", raw, "应为1（选中）或0", number)
    return tuple(chosen) or None


# ── screening and counting ────────────────────────────────
def _screen(export: SurveyExport, columns: list[Sequence[object]], answers: list[list[Answer]],
            min_seconds: int | None, dedupe_ip: bool, problems: _Problems) -> list[Excluded]:
    """Rows that are not valid: no scored question answered; optionally too fast, or an IP seen before.
    ``columns``: the respondents' cells column by column (``_by_column``)."""
    if min_seconds is not None and export.time_column is None:
        problems.lines.append("导出文件没有「所用时间」列，无法按最短用时筛选")
    if dedupe_ip and export.ip_column is None:
        problems.lines.append("导出文件没有「来自IP」列，无法按 IP 去重")
    count = len(export.rows)

    def column(index: int | None) -> Sequence[object]:
        return columns[index] if index is not None and index < len(columns) else (None,) * count

    excluded: list[Excluded] = []
    first_from: dict[str, int] = {}
    first_id: dict[str, int] = {}
    answered = [row.count(None) < len(answers) for row in zip(*answers)] if answers else [False] * count
    ids = [text(v) for v in column(export.id_column)] if export.id_column is not None else [""] * count
    times = column(export.time_column) if min_seconds is not None and export.time_column is not None else None
    durations = {raw: seconds(raw) for raw in dict.fromkeys(times)} if times is not None else {}  # each value once
    ips = column(export.ip_column) if dedupe_ip and export.ip_column is not None else None
    addresses = {raw: ip_address(raw) for raw in dict.fromkeys(ips)} if ips is not None else {}
    for index, (number, _) in enumerate(export.rows):
        respondent = ids[index]
        reason = f"序号{respondent}与第{first_id[respondent]}行相同，重复的答卷不计" if respondent in first_id else ""
        if respondent:
            first_id.setdefault(respondent, number)
        reason = reason or ("" if answered[index] else "未回答任何计分题目")
        if not reason and times is not None:
            used = durations[times[index]]
            if used is None:
                problems.cell("所用时间", times[index], "无法识别，应如 123秒 或 2分3秒", number)
            elif min_seconds is not None and used < min_seconds:
                reason = f"用时{used}秒，少于{min_seconds}秒"
        if not reason and ips is not None:
            ip = addresses[ips[index]]
            if ip in first_from:
                reason = f"来自IP {ip} 与第{first_from[ip]}行相同"
            elif ip:
                first_from[ip] = number
        if reason:
            excluded.append(Excluded(number, reason))
    return excluded


def _within_limits(tallied: tuple[TalliedQuestion, ...]) -> None:
    """As many questions and options as a questionnaire can have (the report prints a row and a bar for each)."""
    if len(tallied) > MAX_QUESTIONS:
        raise ExportError(f"导出文件有{len(tallied)}道题，超过问卷{MAX_QUESTIONS}道题的上限（满意度问卷一般10至30题）："
                          "请在问卷星只导出满意度题目后再导入")
    wide = [q.number for q in tallied if len(q.options) > MAX_OPTIONS]
    if wide:
        raise ExportError(f"导出文件第{numbers_text(wide)}题的选项超过{MAX_OPTIONS}个（可能是填空题）：请只导出满意度题目后再导入")


def _tally(item: Item, target: SurveyQuestion | None, answers: _Answers, valid: list[bool],
           mode: Mode) -> TalliedQuestion:
    cells = answers.cells
    counter: Counter[Hashable] = Counter(compress(cells, valid))
    skipped = counter.pop(None, 0)
    for several in [answer for answer in counter if type(answer) is tuple]:  # a multi-select counts each option
        times = counter.pop(several)
        for option in several:
            counter[option] += times
    if target is not None:
        keys: list[Hashable] = list(range(len(target.options)))
        shown = [f"{o.label} {o.text}".strip() for o in target.options]
        points: list[Decimal | None] = [o.points for o in target.options]
    else:
        keys, shown, points = _standalone_options(answers.keys, mode, bool(item.flags))
    return TalliedQuestion(number=target.number if target else item.number,
                           title=target.text if target and target.text else item.title,
                           options=tuple(shown), points=tuple(points), counts=tuple(counter[k] for k in keys),
                           skipped=skipped, target=target)


def _standalone_options(keys: dict[Hashable, str], mode: Mode,
                        flags: bool) -> tuple[list[Hashable], list[str], list[Decimal | None]]:
    """Options as exported: numbers 1…max (按序号), scores high to low (按分数), texts as first met (按文本)."""
    if flags or mode == "text":
        return list(keys), list(keys.values()), [None] * len(keys)
    if mode == "index":
        numbers: list[Hashable] = list(range(1, max((k for k in keys if isinstance(k, int)), default=0) + 1))
        return numbers, [f"选项{n}" for n in numbers], [None] * len(numbers)
    scores = sorted((k for k in keys if isinstance(k, Decimal)), reverse=True)
    return list(scores), [f"{fmt_points(s)}分" for s in scores], list(scores)

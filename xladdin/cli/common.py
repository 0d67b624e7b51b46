"""What the subcommands share: exit codes, the error type, JSON and column output, result and findings lines."""
from __future__ import annotations

import json
import re
import unicodedata
from decimal import Decimal
from pathlib import Path
from typing import TextIO

from scoring import SEVERITY_NAMES, Assessment, Finding, UserError, fmt2

EXIT_FINDINGS = 1
EXIT_USAGE = 2
MAX_LISTED = 5  # unscored indicators named on the result line
EXIT_PIPE_CLOSED = 141  # 128 + SIGPIPE, as a shell reports a command whose output pipe closed
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports a command stopped with Ctrl-C


class CliError(UserError):
    """A Chinese message for stderr, exit status 2."""


NAME_MAX_BYTES = 255  # of one file name on every common file system


def output_path(name: str) -> Path:
    """The output file the user named, refused plainly when no file system takes a name that long."""
    path = Path(name)
    size = len(path.name.encode(errors="surrogateescape"))
    if size > NAME_MAX_BYTES:
        raise CliError(f"输出文件名「{path.name[:20]}…」过长（{size}字节，约{size // 3}个汉字）：文件名不能超过{NAME_MAX_BYTES}字节，"
                       "请换一个短一些的名字")
    return path


# Characters a terminal acts on rather than shows: C0/C1 controls but tab and line feed (ESC starts an escape
# sequence, CR rewinds the line), bidirectional overrides that reorder a line, and lone surrogates.
_ACTS_ON_TERMINAL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def shown(text: object) -> str:
    """``text`` safe to print: what a terminal would act on written as an escape (``\\x1b``, ``\\r``, ``\\u202e``)."""
    return _ACTS_ON_TERMINAL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), str(text))


class EscapingStream:
    """A text stream whose every write goes through ``shown``: nothing a file holds reaches the terminal raw."""

    def __init__(self, stream: TextIO):
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(shown(text))
        return len(text)

    def __getattr__(self, name: str) -> object:
        return getattr(self.stream, name)


def display_width(text: str) -> int:
    """Terminal columns: wide (CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))


def to_json(data: object) -> str:
    """Indented UTF-8 JSON; Decimal figures as numbers."""
    def encode(value: object) -> object:
        if isinstance(value, Decimal):  # 2-decimal figures survive float's shortest repr exactly
            return float(value)
        raise TypeError(type(value).__name__)

    return json.dumps(data, ensure_ascii=False, indent=2, default=encode)


def result_lines(assessment: Assessment) -> list[str]:
    """The result first: the total and grade, or plainly that the evaluation is not finished or not yet final."""
    card, doubts = assessment.scorecard, assessment.doubts
    if card.complete and doubts:
        places = "、".join(f.where for f in doubts[:MAX_LISTED]) + ("等" if len(doubts) > MAX_LISTED else "")
        return [f"待核实：总得分{fmt2(card.total)}分、等级{card.grade}尚不是最终结果——"
                f"{len(doubts)}处数据可能填错（{places}），核实后再定，详见 pe-eval check"]
    if card.complete:
        return [f"总得分：{fmt2(card.total)}分    等级：{card.grade}"]
    reasons = "；".join(f"{u.code}（{u.reason}）" for u in card.incomplete[:MAX_LISTED])
    if len(card.incomplete) > MAX_LISTED:
        reasons += f"；……其余{len(card.incomplete) - MAX_LISTED}项见 pe-eval check"
    unscored = sum(1 for r in card.indicators if r.score is None)
    others = len(card.incomplete) - unscored  # rows of a self-evaluation form that are not yet indicators
    head = f"{len(card.indicators)}项指标中{unscored}项未能计分" + (f"，另有{others}处指标行有误" if others else "")
    return [
        f"未完成：{head}：{reasons}",
        f"已计分指标合计：{fmt2(card.total)}分（不是最终得分，不评定等级）",
    ]


def render_findings(findings: list[Finding]) -> str:
    counts = {s: sum(f.severity == s for f in findings) for s in SEVERITY_NAMES}
    head = f"检查完成：{counts['error']}个错误，{counts['warning']}个警告，{counts['info']}个提示"
    body = [f"[{SEVERITY_NAMES[f.severity]}] {f.code} {f.where}：{f.message}" for f in findings]
    return "\n".join([head, *body]) if body else head + "。所有勾稽关系和数据检查均通过。"


def exit_code(findings: tuple[Finding, ...] | list[Finding]) -> int:
    return EXIT_FINDINGS if any(f.severity == "error" for f in findings) else 0


UNREADABLE = "无法读取："
BATCH_COLUMNS = ("文件", "单位名称", "年度", "规则集", "总得分", "等级", "错误", "警告", "未计分指标", "说明")


def csv_text(value: object) -> object:
    """Text a spreadsheet would run as a formula (=, +, -, @, tab, CR first) is kept as text."""
    if isinstance(value, str) and value.startswith(("=", "+", "-", "@", "\t", "\r")):
        return "'" + value
    return value

"""A report that is not ready to submit is a draft: marked under the title, open findings first.

Not ready: open errors, an unfinished result, a figure that cannot be right (待核实), or body text that still
holds a 【…】 marker (unfilled text, missing data) or the software's internal wording (the rule engine's
explanations, reviewers' notes). The text is read back from the finished document, so whatever put it there is caught.

The mark and the list are written last (only then are the report's own findings known) and moved
up to follow the title, so the published body never depends on whether it is a draft.
"""
from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.text.paragraph import Paragraph

from scoring import DOUBT_PREFIX, SEVERITY_NAMES, Finding, Scorecard

from .layout import clark
from .writer import Writer

DRAFT_MARK = "（征求意见稿）"
MAX_LISTED = 60
UNFINISHED = "RPT-UNFINISHED"  # a 【…】 marker in the text
INTERNAL = "RPT-INTERNAL"  # the software's or the reviewers' internal wording in the text
MARKER = re.compile(r"【[^【】]{1,60}】")
# What the rule engine and the reviewers' notes say, never meant for the report's readers
INTERNAL_WORDING = ("规则无法计算", "规则也无法计算", "暂按规则计分", "按规则：", "评价说明：", "沿用评价报告记录得分",
                    "沿用报告记录得分", "报告未说明扣分依据", "缺少输入：")
_BREAKS = "。；;\n"
_SENTENCE_END = re.compile(f"[{_BREAKS}]")
_QUOTED = 60  # characters of the sentence quoted in a finding
_SECTION_STYLES = ("Heading 1", "Annex Label")


# Warnings that leave a marker or a gap in the text: the report is not ready (RPT-EMPTY: a section not written,
# RPT-DATA: a placeholder without data, RPT-REASON: a 偏差原因 not given)
DRAFT_CODES = frozenset({UNFINISHED, INTERNAL, "RPT-EMPTY", "RPT-DATA", "RPT-REASON"})


def is_draft(card: Scorecard, findings: Sequence[Finding]) -> bool:
    """Not ready: unfinished, an error, a gap in the text, or a figure that cannot be right (待核实)."""
    return not card.complete or any(f.severity == "error" or (f.severity == "warning" and (
        f.code in DRAFT_CODES or f.code.startswith(DOUBT_PREFIX))) for f in findings)


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence of ``text`` holding ``text[start:end]``; of a long one, the ``_QUOTED`` characters around it."""
    before = [m.end() for m in _SENTENCE_END.finditer(text, 0, start)]
    after = _SENTENCE_END.search(text, end)
    first, last = before[-1] if before else 0, after.end() if after else len(text)
    if last - first > _QUOTED:
        margin = max((_QUOTED - (end - start)) // 2, 0)
        first, last = max(first, start - margin), min(last, end + margin)
    cut_before = first > 0 and text[first - 1] not in _BREAKS
    cut_after = last < len(text) and text[last - 1] not in _BREAKS
    return f"{'…' if cut_before else ''}{text[first:last].strip()}{'…' if cut_after else ''}"


def _texts(doc: DocxDocument, section_ids: dict[str, str]) -> Iterator[tuple[str, str]]:
    """(section, text) of every paragraph of the body and its tables, in order; the section is the last
    一级 heading or 附件 label."""
    section = "标题"
    ids = set(section_ids.values())
    for p in doc.element.body.iter(clark("w:p")):
        text = "".join(t.text or "" for t in p.iter(clark("w:t")))
        style = p.find(f"{clark('w:pPr')}/{clark('w:pStyle')}")
        if style is not None and style.get(clark("w:val")) in ids and text.strip():
            section = text.strip()
        if text:
            yield section, text


def unfinished_text(doc: DocxDocument, writer: Writer, known: Sequence[Finding] = (),
                    internal_allowed: Sequence[str] = ()) -> list[Finding]:
    """Every 【…】 marker and every piece of internal wording in the document, with its section and sentence.

    A marker that one of the ``known`` findings names already (e.g. 【未填写】 of an empty section) is not
    listed again. ``internal_allowed``: sections where internal wording was asked for (the 工作底稿 with
    --override-reasons).
    """
    named = " ".join(f.message for f in known)
    findings = []
    for section, text in _texts(doc, {name: writer.style_id(name) for name in _SECTION_STYLES}):
        where = f"报告「{section}」"
        for match in MARKER.finditer(text):
            if match.group() in named:
                continue
            findings.append(Finding(
                severity="warning", code=UNFINISHED, where=where,
                message=f"报告中有待补充的内容{match.group()}：“{_sentence(text, *match.span())}”；补充后重新生成报告"))
        if section in internal_allowed:
            continue
        for word in INTERNAL_WORDING:
            start = text.find(word)
            if start >= 0:
                findings.append(Finding(
                    severity="warning", code=INTERNAL, where=where,
                    message=f"报告中有软件或评价组内部用语「{word.rstrip('：')}」：“{_sentence(text, start, start + len(word))}”；"
                            "请改写为面向读者的文字"))
    return findings


def mark_draft(writer: Writer, title: Paragraph, card: Scorecard, findings: Sequence[Finding]) -> None:
    """The draft mark under ``title``, then a page listing the open errors and warnings."""
    open_findings = [f for f in findings if f.severity in ("error", "warning")]
    errors = sum(f.severity == "error" for f in open_findings)
    made = [writer.paragraph(DRAFT_MARK, "Plain")]
    made[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    made.append(writer.paragraph(head="待处理事项（定稿前删除本页）", head_role="heading1"))
    summary = f"本报告尚有{errors}个错误、{len(open_findings) - errors}个警告未处理，不得作为正式报告印发。"
    if not card.complete:
        summary += f"有{len(card.incomplete)}项指标未能计分，总得分只是已计分指标的合计，不评定等级。"
    doubts = sum(f.code.startswith(DOUBT_PREFIX) for f in open_findings)
    if doubts:
        summary += f"有{doubts}处数据可能填错，得分和等级待核实。"
    made.append(writer.paragraph(summary, "Plain"))
    for number, finding in enumerate(open_findings[:MAX_LISTED], start=1):
        made.append(writer.paragraph(f"{number}. [{SEVERITY_NAMES[finding.severity]}] {finding.where}：{finding.message}",
                                     "Plain"))
    if len(open_findings) > MAX_LISTED:
        made.append(writer.paragraph(f"……其余{len(open_findings) - MAX_LISTED}条请用 pe-eval check 查看。", "Plain"))
    made[-1].add_run().add_break(WD_BREAK.PAGE)
    anchor = title._p
    for paragraph in made:  # move up, in order, right after the title
        anchor.addnext(paragraph._p)
        anchor = paragraph._p

"""A report with open errors or an unfinished result is a draft: marked under the title, open findings first.

The mark and the list are written last (only then are the report's own findings known) and moved
up to follow the title, so the published body never depends on whether it is a draft.
"""
from __future__ import annotations

from collections.abc import Sequence

from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.text.paragraph import Paragraph

from scoring import SEVERITY_NAMES, Finding, Scorecard

from .writer import Writer

DRAFT_MARK = "（征求意见稿）"
MAX_LISTED = 60


def is_draft(card: Scorecard, findings: Sequence[Finding]) -> bool:
    return not card.complete or any(f.severity == "error" for f in findings)


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
    made.append(writer.paragraph(summary))
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

"""Build the report: the seed's structure, figures from the data, written without destroying anything."""
from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.shared import Mm

from scoring import (
    FUNDS_TEMPLATE,
    NARRATIVE_SECTIONS,
    SECTION_HEADINGS,
    Assessment,
    Evaluation,
    Finding,
    Ruleset,
    Scorecard,
    chinese_numeral,
    fill,
    fmt2,
    fmt_points,
    indicator_system_name,
    is_known,
    most_severe_first,
    placeholder_values,
)

from ..files.pdf_convert import ConverterMissing, docx_to_pdf
from ..files.safe_io import available_path, write_new
from . import charts, tables
from .analysis import indicator_analysis, level2_count
from .draft import is_draft, mark_draft, unfinished_text
from .fonts import FONT_ENV, configured_font
from .layout import ReportFonts, configure
from .self_report import form_workbook, render_self
from .writer import Writer, plain_text, property_text

TITLES = SECTION_HEADINGS
OVERVIEW_KEYS = tuple(section.key for section in NARRATIVE_SECTIONS if section.part == "overview")
CHAPTER_KEYS = tuple(section.key for section in NARRATIVE_SECTIONS if section.part == "chapter")
UNFILLED = "【未填写】"
WORKPAPERS = 5  # 附件5 工作底稿: where --override-reasons writes the reviewers' reasons
WORKPAPERS_LABEL = f"附件{WORKPAPERS}"
NAME_BYTES = 150  # of a report file's own name part: 50 Chinese characters (UTF-8), far below the 255 a name may have
_NOT_IN_NAME = re.compile(r'[\x00-\x1f<>:"/\\|?*]')  # separators, and what Windows forbids in a file name


@dataclass(frozen=True)
class ReportResult:
    """Where the report went; ``findings`` (errors first): the assessment's, the report's and the PDF's."""

    docx_path: Path
    pdf_path: Path | None
    findings: list[Finding] = field(default_factory=list)
    draft: bool = False  # open errors or an unfinished result: marked 征求意见稿, open findings first
    form_path: Path | None = None  # a self-evaluation's 自评表 as an xlsx (values only)


class _Texts:
    """Fills narrative texts; records unknown placeholders (error) and blank data (warning)."""

    def __init__(self, evaluation: Evaluation, values: dict[str, str]):
        self.narrative = evaluation.narrative
        self.values = values
        self.findings: list[Finding] = [
            Finding(severity="warning", code="RPT-SECTION", where=f"报告文字「{key}」",
                    message=f"报告文字中的「{key}」不是报告的组成部分，未写入报告（可用：{'、'.join(TITLES)}）")
            for key in self.narrative if key not in TITLES
        ]

    def fill(self, text: str, where: str) -> str:
        filled, missing = fill(text, self.values)
        for name in dict.fromkeys(missing):
            if is_known(name):
                self.findings.append(Finding(
                    severity="warning", code="RPT-DATA", where=where,
                    message=f"占位符{{{name}}}所需的数据未填写，报告中显示为【缺少数据：{name}】",
                ))
            else:
                self.findings.append(Finding(
                    severity="error", code="RPT-PLACEHOLDER", where=where,
                    message=f"未知的占位符{{{name}}}，报告中显示为【未知占位符：{name}】；请检查拼写（可用占位符见说明）",
                ))
        return filled

    def section(self, key: str, *, generated: bool = False) -> str:
        """The section's text, filled; 【未填写】 when blank (the report is then a draft), unless ``generated``
        text stands in the section already."""
        where = f"报告「{TITLES[key]}」"
        text = self.narrative.get(key, "").strip()
        if not text:
            shown = "报告中该部分只有自动生成的文字" if generated else f"报告中该部分显示为{UNFILLED}"
            self.findings.append(Finding(severity="info" if generated else "warning", code="RPT-EMPTY", where=where,
                                         message=f"「{TITLES[key]}」未填写文字，{shown}"))
            return "" if generated else UNFILLED
        return self.fill(text, where)


def render(assessment: Assessment, fonts: ReportFonts, *, show_reasons: bool = False,
           ) -> tuple[DocxDocument, list[Finding], bool]:
    """The python-docx Document, the report's own findings, and whether it is a draft.

    ``show_reasons``: write the reviewers' reasons for manual scores into the workpapers.
    """
    evaluation, rs, card = assessment.evaluation, assessment.ruleset, assessment.scorecard
    info = evaluation.info
    doc = Document()
    configure(doc, fonts)
    writer = Writer(doc, fonts)
    texts = _Texts(evaluation, placeholder_values(evaluation, card))
    title = f"{info.unit_text}{info.year_text}年度部门整体支出绩效评价报告"
    _metadata(doc, property_text(title), property_text(info.evaluator or info.unit_name))
    title_paragraph = writer.title(title, info.unit_name)

    writer.heading("一、部门概况", 1)
    for key in OVERVIEW_KEYS:
        writer.heading(TITLES[key], 2)
        if key == "funds":
            generated = texts.fill("\n".join(FUNDS_TEMPLATE), f"报告「{TITLES[key]}」（自动生成部分）")
            writer.text(generated, outline=False)
        writer.text(texts.section(key, generated=key == "funds"), outline=True)
    for key in CHAPTER_KEYS:
        writer.heading(TITLES[key], 1)
        text = texts.section(key)
        writer.text(text, outline=True)
        if key == "conclusion":
            _analysis(writer, evaluation, rs, card, level2_count(text) + 1)

    _annexes(writer, texts, evaluation, rs, card, show_reasons)
    reasons_in = (WORKPAPERS_LABEL,) if show_reasons else ()
    findings = [*texts.findings, *_chart_findings()]
    findings += unfinished_text(doc, writer, findings, reasons_in)
    draft = is_draft(card, [*assessment.findings, *findings])
    if draft:
        mark_draft(writer, title_paragraph, card, most_severe_first([*assessment.findings, *findings]))
    return doc, findings, draft


def grade_text(card: Scorecard) -> str:
    """“优”, or why there is no grade yet."""
    return f"“{card.grade}”" if card.grade else f"未评定（尚有{len(card.incomplete)}项指标未能计分）"


def _chart_findings() -> list[Finding]:
    """No matplotlib (no charts), a configured font not used, or no Chinese font for the labels."""
    where = "报告图表"
    if not charts.available():
        return [Finding(severity="warning", code="RPT-CHARTS", where=where,
                        message='未安装 matplotlib，报告中未插入图表；如需图表，请运行 pip install "pe-eval[charts]"')]
    font, setting = charts.cjk_font(), os.environ.get(FONT_ENV, "").strip()
    findings = []
    if setting and (font is None or font.path != configured_font()):
        findings.append(Finding(severity="warning", code="RPT-CHART-FONT", where=where,
                                message=f"环境变量 {FONT_ENV} 所指的不是可用的字体文件（.ttf/.otf/.ttc）：{setting}"))
    if font is None:
        findings.append(Finding(
            severity="info", code="RPT-CHART-FONT", where=where,
            message=f"未找到中文字体，图表中的标签以指标代码显示；请安装中文字体（Debian/Ubuntu："
                    f"sudo apt-get install fonts-noto-cjk），或将环境变量 {FONT_ENV} 设为字体文件的路径",
        ))
    return findings


def _metadata(doc: DocxDocument, title: str, author: str) -> None:
    """Own properties instead of python-docx's template ones (its author, 2013 date and thumbnail)."""
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = title, author, author
    props.created = props.modified = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    props.revision = 1
    rels = doc.part.package.rels
    for rel_id in [key for key, rel in rels.items() if rel.reltype == RT.THUMBNAIL]:
        rels.pop(rel_id)


def _analysis(writer: Writer, evaluation: Evaluation, rs: Ruleset, card: Scorecard, number: int) -> None:
    """（N）指标得分分析: generated from the scorecard, with the charts."""
    info, system = evaluation.info, indicator_system_name(evaluation, rs)
    writer.heading(f"（{chinese_numeral(number)}）指标得分分析", 2)
    writer.paragraph(
        f"按照《{system}》，本次评价共设{len(rs.level1)}个一级指标、{len(rs.level2)}个二级指标、"
        f"{len(rs.indicators)}个三级指标，满分{fmt_points(rs.total_weight)}分。{info.unit_name}综合得分"
        f"{fmt2(card.total)}分，评价等级为{grade_text(card)}。各指标得分情况如下："
    )
    for line in indicator_analysis(rs, card):
        writer.paragraph(line.rest, head=line.head, bold_head=line.level == 1)
    if not charts.available():  # reported by _chart_findings
        return
    width = min(writer.width, Mm(150))
    writer.picture(charts.score_chart(rs, card), width, "图1　各二级指标分值与得分")
    if info.execution_progress:
        writer.picture(charts.progress_chart(info.execution_progress), width, f"图2　{info.year_text}年预算执行进度")


def _annexes(writer: Writer, texts: _Texts, evaluation: Evaluation, rs: Ruleset, card: Scorecard,
             show_reasons: bool) -> None:
    info = evaluation.info
    unit, year = info.unit_text, info.year_text
    writer.annex(1, "成本效益分析报告")
    writer.text(texts.section("annex1"), outline=False)
    writer.annex(2, f"部门职能分解及{year}年度工作完成情况")
    writer.text(texts.section("annex2"), outline=False)

    writer.annex(3, f"{unit}{year}年部门整体支出绩效评价指标体系", lead=unit, landscape=True)
    tables.indicator_table(writer, rs, card)

    survey = evaluation.survey
    writer.annex(4, survey.title if survey else f"{unit}{year}年部门整体支出绩效评价调查问卷", lead=unit)
    if survey is None:
        writer.paragraph("未录入满意度调查问卷数据。")
        texts.findings.append(Finding(severity="warning", code="RPT-SURVEY", where="报告附件4",
                                      message="未录入满意度调查问卷，附件4无问卷统计表"))
    else:
        writer.paragraph(f"发放问卷：{survey.issued}份　收回问卷：{survey.returned}份　有效问卷：{survey.valid}份", "Plain")
        tables.survey_table(writer, survey)

    writer.annex(WORKPAPERS, "工作底稿")
    _workpapers(writer, evaluation, rs, card, show_reasons)

    writer.annex(6, f"{year}年收入支出决算总表", wide=True)
    line = writer.paragraph(f"编制单位：{unit}\t单位：元", "Table Note")
    line.paragraph_format.tab_stops.add_tab_stop(writer.width, WD_TAB_ALIGNMENT.RIGHT)
    tables.accounts_table(writer, evaluation.accounts)


def _workpapers(writer: Writer, evaluation: Evaluation, rs: Ruleset, card: Scorecard, show_reasons: bool) -> None:
    """附件5: the overall result, then one 评价底稿 per 三级 indicator."""
    unit, year = evaluation.info.unit_text, evaluation.info.year_text
    project = f"{unit}{year}年部门整体支出"
    evaluator = evaluation.info.evaluator or unit
    writer.paragraph(
        f"项目名称：{project}。评价机构：{evaluator}。根据指标评价体系，本次绩效评价得分{fmt2(card.total)}分，"
        f"评价结果为{grade_text(card)}。以下为{len(rs.indicators)}项三级指标的评价底稿。"
    )
    results = {r.code: r for r in card.indicators}
    level1 = {g.code: g for g in rs.level1}
    level2 = {g.code: g for g in rs.level2}
    for ind in rs.indicators:
        sub = level2[ind.parent]
        tables.workpaper(writer, ind, results[ind.code], evaluation.entry(ind.code),
                         (level1[sub.parent or ""], sub), project, evaluator, show_reasons)


def default_report_path(source: Path, *, pdf: bool = False, today: dt.date | None = None,
                        kind: str = "绩效评价报告") -> Path:
    """``<name>_<kind>_<YYYYMMDD>.docx`` next to ``source``; (2), (3)… when it (or its PDF) exists."""
    day = today or dt.date.today()
    name = f"{file_stem(source.stem)}_{kind}_{day:%Y%m%d}.docx"
    return available_path(source.parent / name, (".pdf",) if pdf else ())


def file_stem(name: str, max_bytes: int = NAME_BYTES) -> str:
    """``name`` fit to start a file name on Windows and Linux: no separators or forbidden characters, not too long."""
    stem = _NOT_IN_NAME.sub("_", name).strip(" .")
    return stem.encode(errors="surrogateescape")[:max_bytes].decode(errors="ignore").rstrip(" .") or "评价"


def _stand_in(evaluation: Evaluation) -> Path:
    """A source path for an assessment without one: ``<unit><year>年度`` in the current folder."""
    year = f"{evaluation.info.year or ''}年度"
    unit = file_stem(plain_text(evaluation.info.unit_name), NAME_BYTES - len(year.encode()))
    return Path.cwd() / f"{unit}{year}"


def build_report(
    assessment: Assessment,
    out_path: Path | None = None,
    *,
    pdf: bool = False,
    fonts: ReportFonts = ReportFonts(),
    overwrite: bool = False,
    show_reasons: bool = False,
) -> ReportResult:
    """Write the report (and its PDF when ``pdf``); findings are the assessment's plus the report's own.

    With open errors or an unfinished result the report is still written, marked as a draft.

    Without ``out_path`` the report goes next to the assessment's source file (workbook or JSON),
    else into the current folder, under a name that is free. An explicit ``out_path``
    that exists raises FileExistsError unless ``overwrite``.
    """
    evaluation = assessment.evaluation
    if out_path is None:
        kind = "绩效自评报告" if assessment.ruleset.form == "self" else "绩效评价报告"
        target = default_report_path(Path(assessment.source) if assessment.source else _stand_in(evaluation), pdf=pdf,
                                     kind=kind)
    else:
        target = Path(out_path)
        taken = [p for p in (target, target.with_suffix(".pdf") if pdf else None) if p and p.exists()]
        if taken and not overwrite:
            raise FileExistsError(f"文件已存在，未覆盖：{taken[0]}（如需覆盖请使用 --force）")
    if assessment.ruleset.form == "self":
        doc, findings, draft = render_self(assessment, fonts)
    else:
        doc, findings, draft = render(assessment, fonts, show_reasons=show_reasons)
    write_new(target, lambda temp: doc.save(str(temp)), overwrite)
    form_path = None
    if assessment.ruleset.form == "self":  # the form itself, values only, for upload
        data = form_workbook(assessment)
        form_path = available_path(target.with_name(f"{target.stem.replace('绩效自评报告', '自评表')}_数值版.xlsx"))
        write_new(form_path, lambda temp: temp.write_bytes(data))
    findings = [*assessment.findings, *findings]
    pdf_path = None
    if pdf:
        pdf_path, problem = _convert(target, overwrite)
        if problem:
            findings.append(problem)
    return ReportResult(target, pdf_path, most_severe_first(findings), draft, form_path)


def _convert(docx: Path, overwrite: bool) -> tuple[Path | None, Finding | None]:
    """The PDF next to the docx; a missing converter or a failure is a finding, not an exception."""
    try:
        return docx_to_pdf(docx, overwrite=overwrite), None
    except ConverterMissing as exc:
        return None, Finding(severity="warning", code="RPT-PDF", where="PDF", message=f"未生成PDF：{exc.message}")
    except (RuntimeError, OSError) as exc:
        return None, Finding(severity="error", code="RPT-PDF", where="PDF", message=f"未生成PDF：{exc}")

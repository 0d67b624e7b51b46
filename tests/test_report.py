"""The Word report: structure of the seed, figures equal to the data, GB/T 9704 layout, fonts."""
import datetime as dt
import os
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from scoring import (
    COLUMNS, SECTION_HEADINGS, PRINTED_LINES, ROWS, assess, fmt2, fmt_money, fmt_points, load_ruleset, printed_line,
    sample_evaluation,
)
from xladdin.report import ReportFonts, build_report, default_report_path

FONTS = ReportFonts()
THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
TITLES = SECTION_HEADINGS


def sample_assessment(evaluation=None, source=""):
    """The seed (or ``evaluation``) assessed under its own ruleset; ``source`` is the file it came from."""
    evaluation = evaluation or sample_evaluation()
    return assess(evaluation, load_ruleset(evaluation.ruleset), source=str(source))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    assessment = sample_assessment()
    out = tmp_path_factory.mktemp("report") / "报告.docx"
    result = build_report(assessment, out)
    return SimpleNamespace(
        evaluation=assessment.evaluation, rs=assessment.ruleset, card=assessment.scorecard, result=result,
        assessment=assessment, doc=Document(out),
    )


def blocks(doc):
    for child in doc.element.body.iterchildren():
        if child.tag == qn("w:p"):
            yield Paragraph(child, doc)
        elif child.tag == qn("w:tbl"):
            yield Table(child, doc)


def parts(doc) -> dict[int, list]:
    """Blocks before the first 附件 (key 0) and of each 附件N (key N)."""
    found: dict[int, list] = {0: []}
    current = 0
    for block in blocks(doc):
        if isinstance(block, Paragraph) and block.style.name == "Annex Label":
            current = int(block.text.removeprefix("附件"))
            found[current] = []
        found[current].append(block)
    return found


def texts(items) -> list[str]:
    return [b.text for b in items if isinstance(b, Paragraph)]


def tables(items) -> list[Table]:
    return [b for b in items if isinstance(b, Table)]


def number(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def all_paragraphs(doc):
    yield from doc.paragraphs
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs
    for section in doc.sections:
        for footer in (section.footer, section.even_page_footer):
            yield from footer.paragraphs


def test_title_and_headings_in_seed_order(built):
    doc = built.doc
    assert doc.paragraphs[0].style.name == "Report Title"
    assert doc.paragraphs[0].text.replace("\n", "") == "寻甸回族彝族自治县融媒体中心2024年度部门整体支出绩效评价报告"
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 1"] == [
        "一、部门概况", "二、绩效目标", "三、评价思路和过程", "四、评价结论和绩效分析",
        "五、主要经验做法", "六、存在的问题", "七、改进措施及建议",
    ]
    level2 = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    overview = [TITLES[k] for k in ("org", "functions", "work", "management", "funds", "procurement", "assets")]
    assert level2[:7] == overview
    assert level2[level2.index("（二）主要绩效分析。") + 1] == "（三）指标得分分析"
    assert [p.text for p in doc.paragraphs if p.style.name == "Annex Label"] == [f"附件{n}" for n in range(1, 7)]
    annex_titles = [p.text.replace("\n", "") for p in doc.paragraphs if p.style.name in ("Annex Title", "Table Title")]
    assert annex_titles == [
        "成本效益分析报告", "部门职能分解及2024年度工作完成情况",
        "寻甸回族彝族自治县融媒体中心2024年部门整体支出绩效评价指标体系",
        "寻甸回族彝族自治县融媒体中心2024年部门整体支出绩效评价调查问卷（受益人群）",
        "工作底稿", "2024年收入支出决算总表",
    ]


def test_each_annex_starts_a_new_page(built):
    body = list(built.doc.element.body.iterchildren())
    for index, element in enumerate(body):
        paragraph = Paragraph(element, built.doc) if element.tag == qn("w:p") else None
        if paragraph is None or paragraph.style.name != "Annex Label":
            continue
        previous = body[index - 1]
        after_section_break = previous.find(qn("w:pPr")) is not None and previous.find(qn("w:pPr")).find(qn("w:sectPr")) is not None
        assert paragraph.paragraph_format.page_break_before or after_section_break, paragraph.text
        assert paragraph.runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")) == FONTS.heading1


def test_generated_funds_paragraph_in_wan_yuan(built):
    main = texts(parts(built.doc)[0])
    start = main.index(TITLES["funds"])
    section = main[start:main.index(TITLES["procurement"])]
    assert "（1）资金总体情况" in section
    assert "2024年共收入532.44万元。其中：一般公共预算财政拨款收入522.08万元，其他收入10.36万元。" in section
    assert any(line.startswith("2024年共支出535.08万元。其中：工资福利支出324.13万元；") for line in section)
    assert "（3）预算资金管理情况" in section


def test_conclusion_has_total_grade_analysis_and_charts(built):
    main = texts(parts(built.doc)[0])
    result = main[main.index("（一）评价结果。") + 1]
    assert "得分93.56分，部门整体支出绩效为“优”" in result
    analysis = main[main.index("（三）指标得分分析"):main.index("五、主要经验做法")]
    assert any("综合得分93.56分，评价等级为“优”" in line for line in analysis)
    for group in (*built.rs.level1, *built.rs.level2):
        assert any(f"{group.code}{group.name}：" in line and fmt2(built.card.subtotals[group.code]) in line
                   for line in analysis), group.code
    assert any("B12项目支出预算执行率经评价组综合评定得3.36分（分值4分）" in line for line in analysis)
    body = "\n".join(main)
    for internal in ("人工评定", "理由：", "沿用", "按规则：", "规则无法计算", "报告未说明扣分依据"):
        assert internal not in body, internal
    pictures = [p for p in built.doc.paragraphs if p._p.xpath(".//w:drawing")]
    assert len(pictures) == 2
    for picture in pictures:
        assert picture.style.name == "Figure"
        assert picture.style.paragraph_format.line_spacing_rule == WD_LINE_SPACING.SINGLE
    assert "图1　各二级指标分值与得分" in analysis and "图2　2024年预算执行进度" in analysis


def test_annex3_indicator_table_equals_scorecard(built):
    (table,) = tables(parts(built.doc)[3])
    results = {r.code: r for r in built.card.indicators}
    rows = table.rows
    assert [c.text for c in rows[0].cells] == ["一级指标", "二级指标", "三级指标", "指标分值", "得分", "指标解释", "指标评分细则", "数据来源"]
    seen = []
    for row in rows[1:-1]:
        cells = [c.text for c in row.cells]
        code = re.match(r"[A-Z]\d+", cells[2]).group(0)
        ind = built.rs.indicator(code)
        sub = next(g for g in built.rs.level2 if g.code == ind.parent)
        assert cells[0].startswith(sub.parent) and cells[1] == f"{sub.code}{sub.name}（{fmt_points(sub.weight)}分）"
        assert cells[2] == f"{code}{ind.name}（{fmt_points(ind.weight)}分）"
        assert number(cells[3]) == ind.weight
        assert number(cells[4]) == results[code].score
        assert cells[5:] == [ind.definition, ind.scoring_guide, ind.data_source]
        seen.append(code)
    assert seen == [i.code for i in built.rs.indicators]
    total = [c.text for c in rows[-1].cells]
    assert total[0] == "合计" and number(total[3]) == 100 and number(total[4]) == built.card.total == Decimal("93.56")
    cell_texts = ["".join(t.text for t in tc.iter(qn("w:t"))) for tc in table._tbl.iter(qn("w:tc"))]
    for group in (*built.rs.level1, *built.rs.level2):  # merged like the seed: one cell per group
        assert cell_texts.count(f"{group.code}{group.name}（{fmt_points(group.weight)}分）") == 1


def test_annex4_survey_tally_equals_data(built):
    items = parts(built.doc)[4]
    survey = built.evaluation.survey
    assert "发放问卷：50份　收回问卷：49份　有效问卷：49份" in texts(items)
    (table,) = tables(items)
    rows = [[c.text for c in row.cells] for row in table.rows]
    options = [(q, o) for q in survey.questions for o in q.options]
    assert len(rows) == 1 + len(options) + 3
    for cells, (question, option) in zip(rows[1:], options):
        assert cells[0] == str(question.number) and cells[1] == question.text
        assert cells[2] == f"{option.label}.{option.text}"
        assert number(cells[3]) == option.points and int(cells[4]) == option.count
        assert number(cells[5]) == option.points * option.count
    footer = {cells[0]: cells for cells in rows[-3:]}
    assert number(footer["问卷总分"][3]) == 100 and number(footer["问卷总分"][5]) == survey.total == 4835
    assert int(footer["有效问卷份数"][4]) == survey.valid == 49
    assert number(footer["问卷综合得分"][5]) == survey.average == Decimal("98.67")


def test_annex5_has_one_workpaper_per_indicator(built):
    items = parts(built.doc)[5]
    assert any("本次绩效评价得分93.56分，评价结果为“优”" in t for t in texts(items))
    papers = tables(items)
    assert len(papers) == len(built.rs.indicators) == 31
    for table, ind, result in zip(papers, built.rs.indicators, built.card.indicators):
        rows = {row.cells[0].text: row.cells[1].text for row in table.rows}
        assert table.rows[0].cells[0].text == f"{ind.code}“{ind.name.replace('“', '‘').replace('”', '’')}”评价底稿"
        assert "评价说明" not in rows["评价结果"]
        assert rows["指标解释"] == ind.definition and rows["评分细则"] == ind.scoring_guide
        assert rows["数据来源"] == ind.data_source and rows["指标分值"] == f"{fmt_points(ind.weight)}分"
        if result.override is None:
            assert rows["评价结果"].startswith(result.explanation.rstrip("。"))
        else:  # the reviewers' reason stays out of the published workpaper
            assert rows["评价结果"] == f"经评价组综合评定，得{fmt2(result.score)}分。" and "理由" not in rows["评价结果"]
        assert rows["指标得分"] == f"{fmt2(result.score)}分"


def test_override_reasons_are_shown_when_asked(tmp_path, seed_assessment):
    result = build_report(seed_assessment, tmp_path / "r.docx", show_reasons=True)
    text = "\n".join(p.text for p in all_paragraphs(Document(result.docx_path)))
    assert "人工评定3.36分（理由：沿用评价报告记录得分3.36分" in text


def test_annex6_accounts_equal_data(built):
    (table,) = tables(parts(built.doc)[6])
    accounts = built.evaluation.accounts
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[2] == ["栏次", "", "1", "2", "3", "栏次", "", "4", "5", "6", "栏次", "", "7", "8", "9"]
    seen = set()
    for cells in rows[3:]:
        for side in (cells[0:5], cells[5:10], cells[10:15]):
            if not side[1]:  # the merged blank beside 本年支出合计…总计
                continue
            row_number = int(side[1])
            seen.add(row_number)
            if row_number not in ROWS:
                assert side[0] == "" and side[2:] == ["", "", ""]
                continue
            row = ROWS[row_number]
            assert side[0] == "　" * row.indent + row.name
            for text, column in zip(side[2:], COLUMNS):
                value = accounts.get(row_number, column)
                if column in row.na:
                    assert text == "—"
                elif value is None:
                    assert text == ""
                else:
                    assert text == fmt_money(value) and number(text) == value
    assert set(ROWS) <= seen and seen == set(range(1, 89))
    assert len(rows) - 3 == PRINTED_LINES  # the printed 财决01表: three sections side by side
    for line, cells in enumerate(rows[3:], start=1):
        for section, side in zip(("income", "function", "nature"), (cells[0:5], cells[5:10], cells[10:15])):
            expected = printed_line(line)[section]
            assert side[1] == ("" if expected is None else str(expected)), (line, section)
    amount = table.rows[3].cells[2].paragraphs[0]
    assert amount.alignment == WD_ALIGN_PARAGRAPH.RIGHT


def test_seed_figures_appear_where_the_seed_has_them(built):
    annexes = parts(built.doc)
    assert any("服务对象对寻甸回族彝族自治县融媒体中心工作开展情况比较满意，得分98.67分" in t for t in texts(annexes[1]))
    assert "2024年共收入532.44万元。其中：县财政拨款522.08万元，其他收入10.36万元。" in texts(annexes[1])


def test_no_placeholder_braces_left(built):
    assert not any("{" in p.text or "}" in p.text for p in all_paragraphs(built.doc))
    # the seed's own: a superseded document, parts above their total, 50 questionnaires analysed of 49 valid
    # (tests/test_narrative_lint.py)
    assert sorted(f.code for f in built.result.findings if f.code.startswith("RPT-") and f.severity != "info") == [
        "RPT-LINT-PARTS", "RPT-LINT-POLICY", "RPT-LINT-SURVEY"]


def test_east_asian_fonts_on_styles_and_runs(built):
    doc = built.doc
    styles = doc.styles
    expected = {
        "Normal": FONTS.body, "Heading 1": FONTS.heading1, "Heading 2": FONTS.heading2,
        "Report Title": FONTS.title, "Annex Title": FONTS.title, "Table Text": FONTS.body,
    }
    for name, font in expected.items():
        rfonts = styles[name].element.rPr.rFonts
        assert rfonts.get(qn("w:eastAsia")) == font and rfonts.get(qn("w:ascii")) == font, name
    for rfonts in styles.element.iter(qn("w:rFonts")):
        assert not any(rfonts.get(qn(a)) for a in THEME_ATTRS)
    allowed = set(vars(FONTS).values())
    runs = [r for p in all_paragraphs(doc) for r in p.runs if r.text.strip()]
    assert len(runs) > 1000
    for run in runs:
        rfonts = run._r.rPr.rFonts
        assert rfonts.get(qn("w:eastAsia")) in allowed, run.text
        assert not any(rfonts.get(qn(a)) for a in THEME_ATTRS)
    heading = next(p for p in doc.paragraphs if p.style.name == "Heading 1")
    assert heading.runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")) == FONTS.heading1
    header_cell = doc.tables[0].rows[0].cells[0].paragraphs[0].runs[0]
    body_cell = doc.tables[0].rows[1].cells[5].paragraphs[0].runs[0]
    assert header_cell._r.rPr.rFonts.get(qn("w:eastAsia")) == FONTS.heading1
    assert body_cell._r.rPr.rFonts.get(qn("w:eastAsia")) == FONTS.body


def test_gbt9704_page_and_paragraph_layout(built):
    doc = built.doc
    section = doc.sections[0]
    close = lambda a, b: abs(a - b) < Mm(0.1)  # noqa: E731
    assert close(section.page_width, Mm(210)) and close(section.page_height, Mm(297))
    assert close(section.top_margin, Mm(37)) and close(section.bottom_margin, Mm(35))
    assert close(section.left_margin, Mm(28)) and close(section.right_margin, Mm(26))
    normal = doc.styles["Normal"]
    assert normal.font.size == Pt(16)
    assert normal.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert abs(normal.paragraph_format.line_spacing.pt - 28.9) < 0.1
    assert normal.element.pPr.ind.get(qn("w:firstLineChars")) == "200"
    title = doc.styles["Report Title"]
    assert title.font.size == Pt(22) and title.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert doc.styles["Table Text"].font.size == Pt(10.5)
    assert doc.settings.odd_and_even_pages_header_footer
    for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT), (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        paragraph = footer.paragraphs[0]
        assert paragraph.alignment == align
        assert paragraph.text == "— 1 —"
        assert [t.text for t in paragraph._p.iter(qn("w:instrText"))] == [" PAGE "]
        assert all(r.font.size == Pt(14) and r._r.rPr.rFonts.get(qn("w:eastAsia")) == FONTS.page_number
                   for r in paragraph.runs)
    for table in (tables(parts(doc)[n])[0] for n in (3, 4, 6)):
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_problems_become_findings_and_never_braces(tmp_path):
    evaluation = sample_evaluation()
    evaluation.narrative["goals"] += "\n目标{不存在的占位符}。"
    evaluation.narrative["bogus"] = "多余"
    evaluation.survey = None
    evaluation.info.execution_progress = []
    evaluation.info.staff_quota = None
    fonts = ReportFonts(body="仿宋", heading2="楷体")
    result = build_report(sample_assessment(evaluation), tmp_path / "r.docx", fonts=fonts)
    codes = {(f.severity, f.code) for f in result.findings}
    assert {("error", "RPT-PLACEHOLDER"), ("warning", "RPT-DATA"), ("warning", "RPT-SECTION"),
            ("warning", "RPT-SURVEY")} <= codes
    assert result.findings[0].severity == "error"
    doc = Document(result.docx_path)
    assert result.draft
    pages = "\n".join(p.text for p in all_paragraphs(doc)).split("待处理事项（定稿前删除本页）")
    assert pages[0].rstrip().endswith("（征求意见稿）")  # the mark under the title
    open_items, text = pages[1].split("一、部门概况", 1)
    assert "未知的占位符{不存在的占位符}" in open_items  # the draft's first page names what to fix
    assert "目标【未知占位符：不存在的占位符】。" in text and "【缺少数据：编制数】" in text
    assert "{" not in text and "}" not in text and "多余" not in text
    assert "未录入满意度调查问卷数据。" in text
    assert len([p for p in doc.paragraphs if p._p.xpath(".//w:drawing")]) == 1
    assert doc.styles["Normal"].element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋"
    assert doc.styles["Heading 2"].element.rPr.rFonts.get(qn("w:eastAsia")) == "楷体"


def test_default_name_next_to_source_never_overwrites(tmp_path):
    source = tmp_path / "评价.xlsm"
    source.write_bytes(b"workbook")
    today = dt.date.today().strftime("%Y%m%d")
    first = build_report(sample_assessment(source=source)).docx_path
    assert first == tmp_path / f"评价_绩效评价报告_{today}.docx"
    first_bytes = first.read_bytes()
    second = build_report(sample_assessment(source=source)).docx_path
    assert second == tmp_path / f"评价_绩效评价报告_{today}(2).docx"
    assert first.read_bytes() == first_bytes and source.read_bytes() == b"workbook"
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".~")]


def test_default_name_skips_a_taken_pdf(tmp_path):
    day = dt.date(2025, 3, 1)
    (tmp_path / "a_绩效评价报告_20250301.pdf").write_bytes(b"old")
    assert default_report_path(tmp_path / "a.xlsx", today=day).name == "a_绩效评价报告_20250301.docx"
    assert default_report_path(tmp_path / "a.xlsx", pdf=True, today=day).name == "a_绩效评价报告_20250301(2).docx"


def test_explicit_target_is_not_overwritten_without_force(tmp_path):
    target = tmp_path / "r.docx"
    target.write_bytes(b"keep")
    with pytest.raises(FileExistsError, match="未覆盖"):
        build_report(sample_assessment(), target)
    assert target.read_bytes() == b"keep"
    other = tmp_path / "s.docx"
    (tmp_path / "s.pdf").write_bytes(b"keep")
    with pytest.raises(FileExistsError):
        build_report(sample_assessment(), other, pdf=True)
    assert not other.exists()
    assert build_report(sample_assessment(), target, overwrite=True).docx_path == target
    assert target.read_bytes().startswith(b"PK")


@pytest.mark.skipif(os.name == "nt", reason="Windows falls back to Word")
def test_missing_converter_is_a_message_not_a_crash(tmp_path, monkeypatch):
    monkeypatch.setenv("PE_SOFFICE", str(tmp_path / "no" / "soffice"))
    result = build_report(sample_assessment(), tmp_path / "r.docx", pdf=True)
    assert result.docx_path.exists() and result.pdf_path is None
    (problem,) = [f for f in result.findings if f.code == "RPT-PDF"]
    assert problem.severity == "warning" and "LibreOffice" in problem.message


@pytest.mark.parametrize(("line", "expected"), [
    ("（一）评价结果。", (2, "（一）评价结果。", "")),
    ("（二）评价目的。通过收集部门基本情况", (2, "（二）评价目的。", "通过收集部门基本情况")),
    ("(一)制度还不够完善。多年来", (2, "(一)制度还不够完善。", "多年来")),
    ("二、存在问题", (1, "二、存在问题", "")),
    ("（1）资金总体情况", (4, "（1）资金总体情况", "")),
    ("1.资金来源", (3, "1.资金来源", "")),
    ("2．支出情况：本年支出", (3, "2．支出情况：", "本年支出")),
    ("1.5万元用于设备购置", (0, "", "1.5万元用于设备购置")),
    ("（三）" + "很长" * 20 + "。后文", (2, "", "（三）" + "很长" * 20 + "。后文")),
])
def test_classify_narrative_lines(line, expected):
    from xladdin.report.analysis import classify

    assert tuple(vars(classify(line)).values()) == expected


def test_numerals_and_title_breaks():
    from scoring import chinese_numeral
    from xladdin.report.analysis import level2_count, title_lines

    assert [chinese_numeral(n) for n in (1, 3, 10, 12, 20, 35)] == ["一", "三", "十", "十二", "二十", "三十五"]
    assert level2_count("（一）评价结果。\n正文（二）不算\n（二）主要绩效分析。\n") == 2
    assert title_lines("某某县某某局2024年度报告", "某某县某某局", 20) == ["某某县某某局2024年度报告"]
    assert title_lines("寻甸回族彝族自治县融媒体中心2024年度部门整体支出绩效评价报告", "寻甸回族彝族自治县融媒体中心", 20) == [
        "寻甸回族彝族自治县融媒体中心", "2024年度部门整体支出绩效评价报告",
    ]

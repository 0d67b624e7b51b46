"""Paragraph-level writing: every run gets its East-Asian font explicitly."""
from __future__ import annotations

import copy
import io
import re

from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tbl
from docx.shared import Length, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from .analysis import Line, classify, em_width, title_lines
from .layout import (
    STYLES,
    ReportFonts,
    element,
    font_for,
    new_element,
    page_setup,
    style_map,
    text_width,
)

_LEVEL_ROLE = {1: "heading1", 2: "heading2", 3: "body", 4: "body"}  # GB/T 9704: 黑体, 楷体, 仿宋, 仿宋
_EXCEL_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")  # how xlsx stores a control character (ST_Xstring)
_NOT_XML = re.compile("[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]")  # XML 1.0 forbids these; \r goes too
SHORT_LINES = 2  # a justified paragraph of at most this many lines is set left-aligned
PROPERTY_MAX = 255  # python-docx's limit for a core property (title, author)
_XML_SPACE = qn("xml:space")


def plain_text(text: str) -> str:
    """``text`` fit for a docx or a chart: Excel's ``_xHHHH_`` escapes decoded, then characters XML forbids dropped.

    Tabs and line feeds stay; a control character (e.g. a vertical tab pasted from Word) is dropped.
    """
    decoded = _EXCEL_ESCAPE.sub(lambda match: chr(int(match.group(1), 16)), text)
    return _NOT_XML.sub("", decoded)


def property_text(text: str) -> str:
    """``text`` fit for a docx core property: plain, at most 255 characters."""
    return plain_text(text)[:PROPERTY_MAX]


class Writer:
    """Appends styled paragraphs to a python-docx Document; tracks the current page setup."""

    def __init__(self, doc, fonts: ReportFonts):
        self.doc = doc
        self.fonts = fonts
        self.page = (False, False)  # (landscape, wide) of the current section
        self.section = doc.sections[-1]  # kept: python-docx finds sections by searching the whole body
        self._rpr: dict[tuple[str, bool, int | None], object] = {}
        self._body_end = doc.element.body.get_or_add_sectPr()  # the document's last w:sectPr stays last
        styles = style_map(doc)
        self._style_ids = {name: styles[name].style_id for name in (*STYLES, "Table Grid")}
        self._roles = {self._style_ids[name]: role for name, (role, *_rest) in STYLES.items()}

    def new_paragraph(self, style: str):
        """A paragraph at the end with ``style`` set by id.

        Built here: python-docx's ``add_paragraph`` searches the whole body for its last ``w:sectPr`` each
        time, and its lookup of a style by name scans every style.
        """
        p = new_element("w:p")
        element(element(p, "w:pPr"), "w:pStyle", val=self._style_ids[style])
        self._body_end.addprevious(p)
        return Paragraph(p, self.doc._body)

    def style_id(self, style: str) -> str:
        return self._style_ids[style]

    def run(self, paragraph, text: str, role: str | None = None, *, bold: bool = False, size: Pt | None = None):
        """A run whose fonts are set explicitly: ``role`` or the role of the paragraph's style."""
        r = self.run_xml(text, role or self._roles.get(paragraph._p.style, "body"), bold=bold, size=size)
        paragraph._p.append(r)
        return Run(r, paragraph)

    def run_xml(self, text: str, role: str, *, bold: bool = False, size: Pt | None = None):
        """A ``w:r`` built in schema order (python-docx's element-by-element API is slow for big tables)."""
        r = new_element("w:r")
        r.append(copy.copy(self._run_properties(role, bold, None if size is None else round(size.pt * 2))))
        t = element(r, "w:t")
        t.set(_XML_SPACE, "preserve")
        t.text = plain_text(text)
        return r

    def _run_properties(self, role: str, bold: bool, half_points: int | None):
        """The ``w:rPr`` of runs in ``role``'s font (built once per kind; each run gets a copy: lxml's copy.copy
        copies the whole element)."""
        key = (role, bold, half_points)
        if key not in self._rpr:
            font = font_for(self.fonts, role)
            rpr = new_element("w:rPr")
            element(rpr, "w:rFonts", ascii=font, hAnsi=font, eastAsia=font, cs=font, hint="eastAsia")
            if bold:
                element(rpr, "w:b")
            if half_points is not None:
                element(rpr, "w:sz", val=str(half_points))
                element(rpr, "w:szCs", val=str(half_points))
            self._rpr[key] = rpr
        return self._rpr[key]

    def paragraph(self, text: str = "", style: str = "Normal", *, head: str = "", head_role: str | None = None,
                  bold_head: bool = False):
        """``head`` (in the font of ``head_role``) followed by ``text`` in the style's font.

        A ``head`` alone is a sub-heading: left-aligned and kept with the next paragraph. A justified paragraph
        of at most two lines is left-aligned too: its first line would be stretched, letter by letter, when a
        long number does not fit at its end.
        """
        paragraph = self.new_paragraph(style)
        if head:
            self.run(paragraph, head, head_role, bold=bold_head)
        if text:
            self.run(paragraph, text)
        elif head:
            paragraph.paragraph_format.keep_with_next = True
            paragraph.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
        if text and STYLES[style][3] == WD_ALIGN_PARAGRAPH.JUSTIFY and self._short(head + text, style):
            paragraph.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
        return paragraph

    def _short(self, text: str, style: str) -> bool:
        """``text`` fits on two lines of ``style`` (less its first-line indent)."""
        size, indent = STYLES[style][1], STYLES[style][2]
        return em_width(plain_text(text)) + indent <= SHORT_LINES * self.chars_per_line(size)

    def heading(self, text: str, level: int):
        return self.paragraph(text, f"Heading {level}")

    def line(self, line: Line, *, outline: bool):
        """A classified narrative line; whole-line （一） headings become Heading 2 when ``outline``."""
        if line.level and line.head and not line.rest:
            if outline and line.level == 2:
                return self.heading(line.head, 2)
            return self.paragraph(head=line.head, head_role=_LEVEL_ROLE[line.level])
        if line.head:
            return self.paragraph(line.rest, head=line.head, head_role=_LEVEL_ROLE[line.level])
        return self.paragraph(line.rest)

    def text(self, text: str, *, outline: bool) -> None:
        for raw in text.splitlines():
            line = classify(raw)
            if line.head or line.rest:
                self.line(line, outline=outline)

    def title(self, text: str, lead: str, style: str = "Report Title"):
        """A title (2号, or ``style``'s size), broken after ``lead`` (the unit name) when it needs two lines."""
        paragraph = self.new_paragraph(style)
        lines = title_lines(plain_text(text), plain_text(lead), self.chars_per_line(STYLES[style][1]))
        for index, line in enumerate(lines):
            run = self.run(paragraph, line)
            if index < len(lines) - 1:
                run.add_break()
        return paragraph

    def annex(self, number: int, title: str, *, lead: str = "", landscape: bool = False, wide: bool = False) -> None:
        """“附件N” top-left on a new page (a new section when the page setup changes), then the title.

        ``wide``: a landscape page with narrow margins for one page-wide table, under a 3号 title.
        """
        page = (landscape or wide, wide)
        if page != self.page:
            self.section = self.doc.add_section(WD_SECTION.NEW_PAGE)
            page_setup(self.section, *page)
            self.page = page
            self.paragraph(f"附件{number}", "Annex Label")
        else:
            self.paragraph(f"附件{number}", "Annex Label").paragraph_format.page_break_before = True
        self.title(title, lead, "Table Title" if wide else "Annex Title")

    def chars_per_line(self, size: Pt) -> int:
        return int(self.width / size)

    @property
    def width(self) -> Length:
        return Length(text_width(self.section))

    def new_table(self, columns: int) -> Table:
        """An empty table at the end, as ``Document.add_table`` makes it but without searching the body."""
        tbl = CT_Tbl.new_tbl(0, columns, self.width)
        self._body_end.addprevious(tbl)
        return Table(tbl, self.doc._body)

    def picture(self, png: bytes, width: Length, caption: str) -> None:
        paragraph = self.new_paragraph("Figure")
        paragraph.add_run().add_picture(io.BytesIO(png), width=width)
        self.paragraph(caption, "Figure Caption")

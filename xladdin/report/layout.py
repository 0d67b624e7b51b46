"""GB/T 9704 page layout for python-docx: page setup, styles, East-Asian fonts, page numbers."""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass

from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import nspfxmap, qn
from docx.oxml.parser import oxml_parser
from docx.shared import Mm, Pt
from docx.styles.style import StyleFactory
from lxml import etree  # type: ignore[import-untyped]


@dataclass(frozen=True)
class ReportFonts:
    """Font names per role; machines without the GB/T 9704 fonts can substitute (e.g. 仿宋, 楷体, 宋体)."""

    body: str = "仿宋_GB2312"
    title: str = "方正小标宋简体"
    heading1: str = "黑体"
    heading2: str = "楷体_GB2312"
    page_number: str = "宋体"


BODY_SIZE = Pt(16)  # 3号
TITLE_SIZE = Pt(22)  # 2号
PAGE_NUMBER_SIZE = Pt(14)  # 4号
TABLE_SIZE = Pt(10.5)  # 5号
CAPTION_SIZE = Pt(14)
LINE = Pt(28.9)  # 22 lines in the 225 mm type area
TITLE_LINE = Pt(36)
TABLE_TITLE_SIZE, TABLE_TITLE_LINE = Pt(16), Pt(22)  # 3号: the title over a page-wide table, in proportion to it
TABLE_NOTE_SIZE, TABLE_NOTE_LINE = Pt(9), Pt(13)  # 编制单位/单位 above such a table

PORTRAIT_MARGINS = {"top": 37, "bottom": 35, "left": 28, "right": 26}
CHARS_PER_LINE = 28  # GB/T 9704: 28 characters of 3号 a line in the 156 mm type area (16 pt would give 27)
# Body characters set closer, in twentieths of a point, so that 28 fit: −5 (−0.25 pt). A document grid
# (w:docGrid linesAndChars) would do it in Word, but LibreOffice then gives each character two cells.
_TYPE_WIDTH = Mm(210 - PORTRAIT_MARGINS["left"] - PORTRAIT_MARGINS["right"])
BODY_SPACING = math.floor((_TYPE_WIDTH.pt / CHARS_PER_LINE - BODY_SIZE.pt) * 20)
LANDSCAPE_MARGINS = {"top": 26, "bottom": 26, "left": 25, "right": 25}
WIDE_MARGINS = {"top": 20, "bottom": 20, "left": 15, "right": 15}  # a landscape page held by one wide table
_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
_AFTER_SPACING = ("w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd",
                  "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish",
                  "w:oMath")  # what follows w:spacing in w:rPr (schema order)

# style name → (font role, size, indent in characters, alignment, line spacing)
STYLES = {
    "Normal": ("body", BODY_SIZE, 2, WD_ALIGN_PARAGRAPH.JUSTIFY, LINE),
    "Heading 1": ("heading1", BODY_SIZE, 2, WD_ALIGN_PARAGRAPH.LEFT, LINE),
    "Heading 2": ("heading2", BODY_SIZE, 2, WD_ALIGN_PARAGRAPH.LEFT, LINE),
    "Report Title": ("title", TITLE_SIZE, 0, WD_ALIGN_PARAGRAPH.CENTER, TITLE_LINE),
    "Annex Label": ("heading1", BODY_SIZE, 0, WD_ALIGN_PARAGRAPH.LEFT, LINE),
    "Annex Title": ("title", TITLE_SIZE, 0, WD_ALIGN_PARAGRAPH.CENTER, TITLE_LINE),
    "Table Title": ("title", TABLE_TITLE_SIZE, 0, WD_ALIGN_PARAGRAPH.CENTER, TABLE_TITLE_LINE),
    "Table Note": ("body", TABLE_NOTE_SIZE, 0, WD_ALIGN_PARAGRAPH.LEFT, TABLE_NOTE_LINE),
    "Plain": ("body", BODY_SIZE, 0, WD_ALIGN_PARAGRAPH.LEFT, LINE),
    "Table Text": ("body", TABLE_SIZE, 0, WD_ALIGN_PARAGRAPH.LEFT, None),
    "Figure": ("body", BODY_SIZE, 0, WD_ALIGN_PARAGRAPH.CENTER, None),
    "Figure Caption": ("body", CAPTION_SIZE, 0, WD_ALIGN_PARAGRAPH.CENTER, LINE),
}

# headings (and figures) stay on the page of the paragraph that follows them
KEEP_WITH_NEXT = ("Report Title", "Heading 1", "Heading 2", "Annex Label", "Annex Title", "Table Title", "Table Note",
                  "Figure")


_W_NSMAP = nspfxmap("w")
clark = functools.lru_cache(maxsize=None)(qn)  # "w:tc" → "{…/main}tc", parsed once per name


def new_element(tag: str):
    """A new ``w:`` element of python-docx's class for it, not yet in a tree."""
    return oxml_parser.makeelement(clark(tag), nsmap=_W_NSMAP)


def element(parent, tag: str, **attrs: str):
    """Append a new ``w:`` element with ``w:`` attributes (built in schema order by the caller).

    lxml's SubElement: the element gets python-docx's class from the parent's parser, at half the cost of
    ``OxmlElement`` (tables create tens of thousands of elements).
    """
    return etree.SubElement(parent, clark(tag), {clark(f"w:{k}"): v for k, v in attrs.items()})


def font_for(fonts: ReportFonts, role: str) -> str:
    return getattr(fonts, role)


def set_rfonts(rpr, name: str) -> None:
    """Set ASCII, hAnsi, East-Asian and complex-script fonts; drop theme fonts (they would win)."""
    rfonts = rpr.get_or_add_rFonts()
    for attr in _THEME_ATTRS:
        rfonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), name)
    rfonts.set(qn("w:hint"), "eastAsia")


def _character_spacing(rpr, twentieths: int) -> None:
    """``w:spacing`` of run properties: characters set closer (negative) or wider, in twentieths of a point."""
    for old in rpr.findall(clark("w:spacing")):
        rpr.remove(old)
    spacing = new_element("w:spacing")
    spacing.set(clark("w:val"), str(twentieths))
    rpr.insert_element_before(spacing, *_AFTER_SPACING)


def set_indent_chars(paragraph_format, chars: int, size: Pt) -> None:
    """First-line indent in characters (w:firstLineChars wins over w:firstLine in Word and LibreOffice)."""
    paragraph_format.first_line_indent = Pt(size.pt * chars)
    ind = paragraph_format.element.get_or_add_pPr().get_or_add_ind()
    ind.set(qn("w:firstLineChars"), str(chars * 100))


def single_spacing(paragraph_format) -> None:
    paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    paragraph_format.space_before = Pt(0)
    paragraph_format.space_after = Pt(0)


def _set_style(style, fonts: ReportFonts, role: str, size: Pt, indent: int, align, line) -> None:
    style.font.size = size
    style.font.bold = False
    style.font.color.rgb = None
    rpr = style.element.get_or_add_rPr()
    set_rfonts(rpr, font_for(fonts, role))
    _character_spacing(rpr, BODY_SPACING if size == BODY_SIZE else 0)  # 0 rather than inherit Normal's
    fmt = style.paragraph_format
    single_spacing(fmt)
    if line is not None:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = line
    fmt.alignment = align
    set_indent_chars(fmt, indent, size)


def _strip_theme_fonts(doc, fonts: ReportFonts) -> None:
    """No style may fall back to theme fonts: replace them with the body font."""
    for rfonts in doc.styles.element.iter(qn("w:rFonts")):
        themed = any(rfonts.get(qn(attr)) is not None for attr in _THEME_ATTRS)
        for attr in _THEME_ATTRS:
            rfonts.attrib.pop(qn(attr), None)
        if themed:
            for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
                rfonts.set(qn(attr), fonts.body)


def _doc_defaults(doc, fonts: ReportFonts) -> None:
    rpr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_rfonts(rpr, fonts.body)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")


def configure(doc, fonts: ReportFonts) -> None:
    """Apply page setup, styles and page numbers to a fresh python-docx Document."""
    _strip_theme_fonts(doc, fonts)
    _doc_defaults(doc, fonts)
    styles = style_map(doc)
    for name, (role, size, indent, align, line) in STYLES.items():
        if name not in styles:  # python-docx's add_style would scan every style for the name once more
            styles[name] = StyleFactory(doc.styles.element.add_style_of_type(name, WD_STYLE_TYPE.PARAGRAPH, False))
            styles[name].base_style = styles["Normal"]
        _set_style(styles[name], fonts, role, size, indent, align, line)
    for name in KEEP_WITH_NEXT:
        styles[name].paragraph_format.keep_with_next = True
    styles["Annex Title"].paragraph_format.space_after = LINE
    styles["Report Title"].paragraph_format.space_after = LINE
    styles["Table Title"].paragraph_format.space_after = Pt(6)
    page_setup(doc.sections[0], landscape=False)
    doc.settings.odd_and_even_pages_header_footer = True
    _page_numbers(doc.sections[0], fonts, styles["Plain"].style_id)


def style_map(doc) -> dict:
    """The document's styles by name, in one pass (python-docx runs an XPath query for each name looked up)."""
    return {style.name: style for style in doc.styles}


def page_setup(section, landscape: bool, wide: bool = False) -> None:
    """A4 portrait or landscape; ``wide``: landscape with the narrow margins of a page-wide table."""
    landscape = landscape or wide
    width, height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = width, height
    margins = WIDE_MARGINS if wide else LANDSCAPE_MARGINS if landscape else PORTRAIT_MARGINS
    section.top_margin = Mm(margins["top"])
    section.bottom_margin = Mm(margins["bottom"])
    section.left_margin = Mm(margins["left"])
    section.right_margin = Mm(margins["right"])
    section.header_distance = Mm(15)
    section.footer_distance = Mm(margins["bottom"] - 10)


def text_width(section) -> int:
    return section.page_width - section.left_margin - section.right_margin


def _field_run(paragraph, fonts: ReportFonts, text: str = "", field: str | None = None) -> None:
    """A 4号 run: plain text, or a field part (``begin``, ``separate``, ``end``, or ``instr`` for PAGE)."""
    run = paragraph.add_run(text)
    run.font.size = PAGE_NUMBER_SIZE
    set_rfonts(run._r.get_or_add_rPr(), fonts.page_number)
    if field == "instr":
        element(run._r, "w:instrText").text = " PAGE "
    elif field:
        element(run._r, "w:fldChar", fldCharType=field)


def _page_number(footer, fonts: ReportFonts, style_id: str, odd: bool) -> None:
    """“— N —”, 4号宋体: odd pages right, even pages left, one character in from the edge."""
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0]
    paragraph._p.style = style_id
    fmt = paragraph.paragraph_format
    single_spacing(fmt)
    fmt.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
    ind = fmt.element.get_or_add_pPr().get_or_add_ind()
    side = "right" if odd else "left"
    ind.set(qn(f"w:{side}Chars"), "100")
    ind.set(qn(f"w:{side}"), str(int(PAGE_NUMBER_SIZE.pt * 20)))
    _field_run(paragraph, fonts, "— ")
    for field in ("begin", "instr", "separate"):
        _field_run(paragraph, fonts, field=field)
    _field_run(paragraph, fonts, "1")
    _field_run(paragraph, fonts, field="end")
    _field_run(paragraph, fonts, " —")


def _page_numbers(section, fonts: ReportFonts, style_id: str) -> None:
    _page_number(section.footer, fonts, style_id, odd=True)
    _page_number(section.even_page_footer, fonts, style_id, odd=False)

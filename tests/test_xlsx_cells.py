"""The fast cell reader reads every cell as openpyxl does: saved value, formula, dates by number format, shared and
array formulas, rich and inline text, the 1904 date system, limits on rows and columns; a bad part is an error."""
from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from department_files import report_department, self_department, write_workbook
from openpyxl.worksheet.formula import ArrayFormula

from xladdin.files.pdf_convert import find_converter
from xladdin.workbook.file import WorkbookError, WorkbookFile
from xladdin.workbook.xlsx_cells import read_cells

TEMPLATES = sorted((Path(__file__).resolve().parents[1] / "workbook_templates").glob("*.xls[xm]"))
FIXTURE = Path(__file__).parent / "fixtures" / "layout-v1-xundian-2024-sample.xlsx"
ROWS, COLUMNS = 2_000, 26
pytestmark = pytest.mark.filterwarnings("ignore:Workbook contains no default style")  # the crafted minimal workbooks


def openpyxl_cells(source: Path | io.BytesIO, rows: int = ROWS, columns: int = COLUMNS) -> dict[str, dict]:
    """What openpyxl reads (full load, once for saved values and once for formulas) within the limits."""
    values = openpyxl.load_workbook(source, data_only=True)
    formulas = openpyxl.load_workbook(source, data_only=False)
    found: dict[str, dict] = {}
    for ws in values.worksheets:
        cells = {}
        for row in ws.iter_rows(max_row=min(ws.max_row, rows), max_col=min(ws.max_column, columns)):
            for cell in row:
                formula_cell = formulas[ws.title][cell.coordinate]
                formula = None
                if formula_cell.data_type == "f":
                    text = formula_cell.value
                    formula = text.text if isinstance(text, ArrayFormula) else text
                if cell.value is not None or formula:
                    cells[cell.coordinate] = (cell.value, formula)
        found[ws.title] = cells
    return found


def fast_cells(source: Path | io.BytesIO, rows: int = ROWS, columns: int = COLUMNS) -> dict[str, dict]:
    with zipfile.ZipFile(source) as archive:
        sheets, _ = read_cells(archive, tuple(openpyxl.load_workbook(source, read_only=True).sheetnames), rows, columns)
    return sheets


@pytest.mark.parametrize("path", [*TEMPLATES, FIXTURE], ids=lambda p: p.name)
def test_every_workbook_the_product_writes_reads_as_openpyxl_reads_it(path):
    expected, got = openpyxl_cells(path), fast_cells(path)
    assert got == expected
    assert sum(len(cells) for cells in got.values()) > 200


def test_generated_departments_read_as_openpyxl_reads_them(tmp_path):
    for n, evaluation in enumerate((report_department(3), self_department(4))):
        path = write_workbook(tmp_path / f"{n}.xlsx", evaluation)
        assert fast_cells(path) == openpyxl_cells(path)


@pytest.mark.skipif(not find_converter(), reason="LibreOffice (soffice) is not installed")
def test_workbooks_saved_by_libreoffice_read_as_openpyxl_reads_them(tmp_path):
    """Another writer: shared strings, its own styles and number formats."""
    sample = next(p for p in TEMPLATES if p.name == "self-2020-sample.xlsx")
    subprocess.run([find_converter(), f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(tmp_path / "out"), str(sample)],
                   check=True, capture_output=True, timeout=180, env={**os.environ, "PATH": "/usr/bin:/bin"})
    saved = tmp_path / "out" / sample.name
    assert fast_cells(saved) == openpyxl_cells(saved)
    assert sum(len(cells) for cells in fast_cells(saved).values()) > 300


def test_defined_names_are_the_global_ones_openpyxl_lists():
    path = next(p for p in TEMPLATES if p.name == "xundian-2024-sample.xlsx")
    with zipfile.ZipFile(path) as archive:
        _, names = read_cells(archive, (), ROWS, COLUMNS)
    wb = openpyxl.load_workbook(path, read_only=True)
    assert names == {name: defined.attr_text for name, defined in wb.defined_names.items()}
    assert names["版式版本"].startswith("说明!")


NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
R_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def crafted(sheet_data: str, *, strings: str = "", date1904: bool = False, names: str = "") -> io.BytesIO:
    """A minimal workbook as Excel writes it, with the given sheetData, shared strings and defined names."""
    styles = (f'<styleSheet {NS}><numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/>'
              '<numFmt numFmtId="165" formatCode="[h]:mm"/></numFmts>'
              '<fonts count="1"><font/></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders>'
              '<cellStyleXfs count="1"><xf numFmtId="0"/></cellStyleXfs>'
              '<cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="164"/>'
              '<xf numFmtId="20"/><xf numFmtId="165"/></cellXfs></styleSheet>')
    parts = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        '</Types>',
        "_rels/.rels": f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook {NS} {R_NS}><workbookPr date1904="{int(date1904)}"/>'
        f'<sheets><sheet name="表一" sheetId="1" r:id="rId1"/></sheets>{names}</workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{REL}/styles" Target="/xl/styles.xml"/>'
        f'<Relationship Id="rId3" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        "xl/styles.xml": styles,
        "xl/sharedStrings.xml": f"<sst {NS}>{strings}</sst>",
        "xl/worksheets/sheet1.xml": f"<worksheet {NS}><sheetData>{sheet_data}</sheetData>"
        '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>',
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    buffer.seek(0)
    return buffer


STRINGS = ('<si><t>纯文本</t></si>'
           '<si><r><t>富</t></r><r><rPr><b/></rPr><t xml:space="preserve">文本 </t></r><rPh sb="0" eb="1"><t>フ</t></rPh></si>'
           '<si><t>_x005F_x000D_ 转义</t></si><si><t/></si>')
EVERY_KIND = (
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c>'
    '<c r="D1" t="s"><v>3</v></c><c r="E1"><v>42</v></c><c r="F1"><v>3.25</v></c><c r="G1"><v>1E-3</v></c></row>'
    '<row r="2"><c r="A2" s="1"><v>45291</v></c><c r="B2" s="2"><v>45292.5</v></c><c r="C2" s="3"><v>0.75</v></c>'
    '<c r="D2" s="4"><v>1.5</v></c><c r="E2" t="b"><v>1</v></c><c r="F2" t="e"><v>#N/A</v></c>'
    '<c r="G2" t="d"><v>2024-03-01T00:00:00</v></c></row>'
    '<row r="3"><c r="A3"><f>SUM(E1:F1)</f><v>45.25</v></c><c r="B3" t="str"><f>A1&amp;"x"</f><v>纯文本x</v></c>'
    '<c r="C3"><f t="shared" ref="C3:C5" si="0">A3*2</f><v>90.5</v></c>'
    '<c r="D3"><f t="array" ref="D3">SUM(E1:G1*2)</f><v>90</v></c><c r="E3"><f>NOW()</f></c><c r="F3"><v></v></c></row>'
    '<row r="4"><c r="C4"><f t="shared" si="0"/><v>0</v></c><c r="E4" t="inlineStr"><is><t>行内</t></is></c>'
    '<c r="F4" t="inlineStr"><is><r><t>甲</t></r><r><t>乙</t></r><rPh sb="0" eb="1"><t>コウ</t></rPh></is></c></row>'
    '<row r="5"><c r="C5"><f t="shared" si="0"/><v>0</v></c><c><v>7</v></c><c><v>8</v></c></row>'
    '<row><c r="A6"><v>6</v></c></row>'
    '<row r="7"><c r="Z7"><v>26</v></c><c r="AA7"><v>27</v></c></row>'
    '<row r="9"><c r="A9"><v>9</v></c></row>'
)


def test_every_cell_kind_reads_as_openpyxl_reads_it():
    expected = openpyxl_cells(crafted(EVERY_KIND, strings=STRINGS), rows=8)
    got = fast_cells(crafted(EVERY_KIND, strings=STRINGS), rows=8)
    assert got == expected
    cells = got["表一"]
    assert cells["B1"] == ("富文本 ", None) and cells["C1"] == ("_x000D_ 转义", None) and cells["D1"] == ("", None)
    assert cells["A2"] == (dt.datetime(2023, 12, 31), None) and cells["C2"] == (dt.time(18, 0), None)
    assert cells["D2"] == (dt.timedelta(hours=36), None) and cells["E2"] == (True, None)
    assert cells["C4"] == (0, "=A4*2") and cells["C5"][1] == "=A5*2" and cells["D3"] == (90, "=SUM(E1:G1*2)")
    assert cells["E3"] == (None, "=NOW()") and cells["F4"] == ("甲乙", None)
    assert cells["D5"] == (7, None) and cells["E5"] == (8, None) and cells["A6"] == (6, None)
    assert "Z7" in cells and "AA7" not in cells and "A9" not in cells


def test_the_1904_date_system():
    source = '<row r="1"><c r="A1" s="1"><v>0</v></c><c r="B1" s="1"><v>43830</v></c></row>'
    got = fast_cells(crafted(source, date1904=True))
    assert got == openpyxl_cells(crafted(source, date1904=True))
    assert got["表一"]["B1"] == (dt.datetime(2024, 1, 1), None)


def test_global_names_only_and_print_areas_left_out():
    names = ('<definedNames><definedName name="_xlnm.Print_Area" localSheetId="0">表一!$A$1:$B$2</definedName>'
             '<definedName name="局部" localSheetId="0">表一!$A$1</definedName>'
             '<definedName name="_xlnm.Print_Titles">表一!$1:$1</definedName>'
             '<definedName name="总分">表一!$B$2</definedName><definedName name="空"/></definedNames>')
    with zipfile.ZipFile(crafted("", names=names)) as archive:
        assert read_cells(archive, ("表一",), ROWS, COLUMNS) == ({"表一": {}}, {"总分": "表一!$B$2", "空": ""})


@pytest.mark.parametrize("sheet_data, what", [
    ('<row r="1"><c r="A1" t="s"><v>9</v></c></row>', "a shared string that does not exist"),
    ('<row r="1"><c r="a1"><v>1</v></c></row>', "a lower-case address"),
    ('<row r="1"><c r="XFE1"><v>1</v></c></row>', "a column beyond Excel's"),
    ('<row r="1.5"><c><v>1</v></c></row>', "a fractional row number"),
    ('<row r="1"><c r="A1"><v>十</v></c></row>', "a number that is not one"),
    ('<row r="1"><c r="A1" s="x"><v>1</v></c></row>', "a style that is not an index"),
    ('<row r="1"><c r="A1"><v>1</v></row>', "XML that is not well formed"),
])
def test_a_malformed_sheet_is_a_clean_error_naming_the_file(tmp_path, sheet_data, what):
    path = tmp_path / "坏.xlsx"
    path.write_bytes(crafted(sheet_data, strings=STRINGS).getvalue())
    with pytest.raises(WorkbookError, match="坏.xlsx.*已损坏"):
        WorkbookFile(path, ("表一",))

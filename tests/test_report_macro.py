"""The workbook button's entry point, run headless with a stand-in for xw.Book.caller()."""
import os
import shutil
import sys
from pathlib import Path

import pytest

xw = pytest.importorskip("xlwings")

from scoring import assess, load_ruleset, sample_evaluation  # noqa: E402
from xladdin.excel import macros  # noqa: E402

SAMPLE = Path(__file__).resolve().parents[1] / "workbook_templates" / "xundian-2024-sample.xlsx"


class FakeApp:
    def __init__(self):
        self.alerts = []

    def alert(self, prompt, title=None, buttons="ok", mode=None, callback=None):
        self.alerts.append((prompt, title, mode))


class FakeApi:
    def __init__(self, source: Path):
        self.source = source
        self.copies = []

    def SaveCopyAs(self, path):  # noqa: N802 - Excel's COM name
        shutil.copyfile(self.source, path)
        self.copies.append(Path(path))


class FakeBook:
    def __init__(self, path: Path):
        self.fullname = str(path)
        self.api = FakeApi(path)
        self.app = FakeApp()


class StubReader:
    """Stand in for xladdin.workbook.assess_workbook: assesses the sample, or raises what it is given."""

    def __init__(self):
        self.calls: list[Path] = []
        self.error: Exception | None = None
        self.edit = lambda evaluation: None

    def __call__(self, path, ruleset=None):
        self.calls.append(Path(path))
        if self.error:
            raise self.error
        evaluation = sample_evaluation()
        self.edit(evaluation)
        return assess(evaluation, ruleset or load_ruleset(evaluation.ruleset), source=str(path))


@pytest.fixture
def stub_reader(monkeypatch):
    stub = StubReader()
    monkeypatch.setattr("xladdin.workbook.assess_workbook", stub)
    return stub


def test_exports_next_to_workbook_without_touching_it(tmp_path, caller, stub_reader):
    workbook = tmp_path / "评价.xlsm"
    workbook.write_bytes(b"the user's workbook")
    book = caller(FakeBook(workbook))
    macros.export_report(pdf=False)
    ((prompt, title, mode),) = book.app.alerts
    assert mode == "info" and title == macros.ALERT_TITLE
    (report,) = tmp_path.glob("评价_绩效评价报告_*.docx")
    assert str(report) in prompt and prompt.startswith("报告已生成")
    assert "检查发现0个错误、9个警告" in prompt
    assert workbook.read_bytes() == b"the user's workbook"
    (copy,) = book.api.copies
    assert stub_reader.calls == [copy] and copy.name == workbook.name and not copy.exists()  # temp copy removed
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([workbook.name, report.name])


def test_failure_is_a_chinese_alert_not_a_traceback(tmp_path, caller, stub_reader):
    stub_reader.error = ValueError("「基本信息」工作表缺少单位名称")
    workbook = tmp_path / "评价.xlsx"
    workbook.write_bytes(b"x")
    book = caller(FakeBook(workbook))
    macros.export_report()
    ((prompt, _, mode),) = book.app.alerts
    assert mode == "critical"
    assert prompt == "未能生成报告：「基本信息」工作表缺少单位名称"
    assert [p.name for p in tmp_path.iterdir()] == ["评价.xlsx"]


def test_unexpected_error_still_gives_a_message(tmp_path, caller, stub_reader):
    stub_reader.error = KeyError("x")
    book = caller(FakeBook(tmp_path / "a.xlsm"))
    (tmp_path / "a.xlsm").write_bytes(b"x")
    macros.export_report()
    ((prompt, _, mode),) = book.app.alerts
    assert mode == "critical" and prompt.startswith("未能生成报告：程序内部错误（KeyError")


def test_unsaved_workbook_is_asked_to_be_saved(caller, stub_reader):
    book = caller(FakeBook(Path("工作簿1")))
    book.fullname = "工作簿1"
    macros.export_report()
    ((prompt, _, mode),) = book.app.alerts
    assert mode == "critical" and "请先将工作簿另存到本机文件夹" in prompt
    assert stub_reader.calls == [] and book.api.copies == []


def test_real_sample_workbook(tmp_path, caller):
    workbook = tmp_path / "xundian-2024-sample.xlsx"
    shutil.copyfile(SAMPLE, workbook)
    before = workbook.read_bytes()
    book = caller(FakeBook(workbook))
    macros.export_report(pdf=False)
    ((prompt, _, mode),) = book.app.alerts
    assert mode == "info", prompt
    (report,) = tmp_path.glob("xundian-2024-sample_绩效评价报告_*.docx")
    assert str(report) in prompt
    assert workbook.read_bytes() == before

    from docx import Document

    text = "\n".join(p.text for p in Document(report).paragraphs)
    assert "得分93.56分" in text


def test_report_environment_renders_in_a_subprocess(tmp_path, caller, monkeypatch):
    """As installed on Windows: the button's process hands the work to venv-report's Python."""
    monkeypatch.setattr(macros, "report_python", lambda: Path(sys.executable))
    workbook = tmp_path / "寻甸 评价.xlsx"
    shutil.copyfile(SAMPLE, workbook)
    book = caller(FakeBook(workbook))
    macros.export_report(pdf=False)
    ((prompt, _, mode),) = book.app.alerts
    assert mode == "info", prompt
    (report,) = tmp_path.glob("寻甸 评价_绩效评价报告_*.docx")
    assert str(report) in prompt and "检查发现0个错误、9个警告" in prompt


def test_report_environment_is_found_beside_the_excel_environment(tmp_path, monkeypatch):
    scripts = "Scripts" if os.name == "nt" else "bin"
    python_name = "python.exe" if os.name == "nt" else "python"
    excel_python = tmp_path / "pe-eval" / "venv" / scripts / "pythonw.exe"
    monkeypatch.setattr(sys, "executable", str(excel_python))
    assert macros.report_python() is None
    report = tmp_path / "pe-eval" / "venv-report" / scripts / python_name
    report.parent.mkdir(parents=True)
    report.write_bytes(b"")
    assert macros.report_python() == report


def test_a_draft_report_says_so_in_the_message_box(tmp_path, caller, stub_reader):
    def unscorable(evaluation):
        entry = evaluation.entry("C101")
        entry.inputs, entry.override, entry.reason = [None], None, ""
    stub_reader.edit = unscorable
    workbook = tmp_path / "评价.xlsm"
    workbook.write_bytes(b"the user's workbook")
    book = caller(FakeBook(workbook))
    macros.export_report(pdf=False)
    ((prompt, _, mode),) = book.app.alerts
    assert mode == "info" and prompt.startswith("报告（征求意见稿）已生成") and "待处理事项" in prompt


def test_static_copy_button_writes_next_to_the_workbook(tmp_path, caller):
    workbook = tmp_path / "评价.xlsx"
    shutil.copyfile(SAMPLE, workbook)
    book = caller(FakeBook(workbook))
    macros.export_static_copy()
    ((prompt, _, mode),) = book.app.alerts
    copy = tmp_path / "评价_静态副本.xlsx"
    assert mode == "info" and str(copy) in prompt and "总得分93.56分，等级优" in prompt and copy.exists()
    assert workbook.read_bytes() == SAMPLE.read_bytes()


def test_static_copy_button_failure_is_a_message(tmp_path, caller):
    book = caller(FakeBook(tmp_path / "没保存"))
    book.fullname = "Book1"
    macros.export_static_copy()
    ((prompt, _, mode),) = book.app.alerts
    assert mode == "critical" and prompt.startswith("未能生成静态副本")

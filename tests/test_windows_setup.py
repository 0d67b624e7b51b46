"""Windows set-up logic, run against stand-ins for Excel's COM objects, the registry and pip."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from xladdin.excel import windows_setup as ws
from xladdin.workbook import BUTTON_PLACES


class Recorder:
    def __init__(self):
        self.calls: list[tuple] = []

    def record(self, *call):
        self.calls.append(call)


class FakeRange:
    Left, Top = 300.0, 20.0


class FakeButton:
    def __init__(self, log, where):
        self.log, self.where = log, where

    def __setattr__(self, name, value):
        if name in ("OnAction", "Caption"):
            self.log.record("button", self.where, name, value)
        object.__setattr__(self, name, value)


class FakeButtons:
    def __init__(self, log, sheet):
        self.log, self.sheet = log, sheet

    def Add(self, left, top, width, height):
        self.log.record("button.add", self.sheet.name, left, top)
        return FakeButton(self.log, self.sheet.name)


class FakeCell:
    def __init__(self, log, sheet, row, column):
        self.log, self.at = log, (sheet, row, column)

    def __setattr__(self, name, value):
        if name == "Value":
            self.log.record("cell", *self.at, value)
        object.__setattr__(self, name, value)


class FakeSheet:
    def __init__(self, log, name, protected=False):
        self.log, self.name, self.ProtectContents = log, name, protected
        object.__setattr__(self, "Name", name)  # as COM's Worksheet.Name, without logging a rename

    def Range(self, address):
        return FakeRange()

    def Buttons(self):
        return FakeButtons(self.log, self)

    def Cells(self, row, column):
        return FakeCell(self.log, self.name, row, column)

    def Unprotect(self):
        self.log.record("unprotect", self.name)

    def Activate(self):
        self.log.record("activate", self.name)

    def Protect(self, **options):
        self.log.record("protect", self.name, tuple(sorted(options)))

    def __setattr__(self, name, value):
        if name in ("Name", "Visible") and hasattr(self, "log"):
            self.log.record("sheet", name, value)
            if name == "Name":
                object.__setattr__(self, "name", value)
        object.__setattr__(self, name, value)


class FakeSheets:
    def __init__(self, log):
        self.log = log
        self.sheets = [FakeSheet(log, "说明"), FakeSheet(log, "问卷", protected=True), FakeSheet(log, "汇总", protected=True)]

    @property
    def Count(self):
        return len(self.sheets)

    def __call__(self, key):
        return self.sheets[key - 1] if isinstance(key, int) else next(s for s in self.sheets if s.name == key)

    def Add(self, After):
        sheet = FakeSheet(self.log, "Sheet")
        self.sheets.append(sheet)
        return sheet


class FakeReference:
    def __init__(self, name):
        self.Name = name


class FakeReferences(list):
    def __init__(self, log):
        super().__init__([FakeReference("VBA"), FakeReference("Excel")])
        self.log = log

    def AddFromFile(self, path):
        self.log.record("reference", Path(path).name)


class FakeComponents:
    def __init__(self, log):
        self.log = log

    def Import(self, path):
        self.log.record("import", Path(path).name)


class FakeBook:
    def __init__(self, log, path):
        self.log, self.Name = log, Path(path).name
        self.Worksheets = FakeSheets(log)
        self.VBProject = type("P", (), {"References": FakeReferences(log), "VBComponents": FakeComponents(log)})()

    def SaveAs(self, path, FileFormat):
        self.log.record("save", Path(path).name, FileFormat)
        Path(path).write_bytes(b"xlsm")

    def Close(self, SaveChanges):
        self.log.record("close", SaveChanges)


class FakeExcel:
    Version = "16.0"

    def __init__(self):
        self.log = Recorder()
        self.Workbooks = type("W", (), {"Open": lambda _, path: self._open(path)})()

    def _open(self, path):
        self.log.record("open", Path(path).name)
        return FakeBook(self.log, path)

    def MacroOptions(self, **options):
        self.log.record("macro-options", options["Macro"], options["Category"], len(options["ArgumentDescriptions"]))

    def CalculateFullRebuild(self):
        self.log.record("calculate")

    def Quit(self):
        self.log.record("quit")


class FakeRegistry(ws.Registry):
    def __init__(self, initial=None):
        self.values = dict(initial or {})
        self.log = []

    def get(self, key, name):
        return self.values.get((key, name))

    def set(self, key, name, value):
        self.log.append(("set", name, value))
        self.values[(key, name)] = value

    def delete(self, key, name):
        self.log.append(("delete", name))
        self.values.pop((key, name), None)


def test_home_is_ascii_even_for_chinese_user_names():
    assert ws.home_dir({"LOCALAPPDATA": r"C:\Users\zhang\AppData\Local"}) == (
        Path(r"C:\Users\zhang\AppData\Local") / "pe-eval", r"%LOCALAPPDATA%\pe-eval")
    home, expr = ws.home_dir({"LOCALAPPDATA": r"C:\Users\张三\AppData\Local", "SystemDrive": "D:"})
    assert home == Path("D:\\") / "pe-eval" and expr == r"%SystemDrive%\pe-eval"
    assert str(home).isascii()


def test_pip_goes_offline_when_wheels_are_shipped(tmp_path):
    python = Path("py.exe")
    online = ws.pip_command(python, tmp_path, "excel")
    assert "--no-index" not in online and online[-1] == f"{tmp_path}[excel]"
    (tmp_path / "wheels").mkdir()
    (tmp_path / "wheels" / "pydantic-2.0-py3-none-any.whl").write_bytes(b"")
    offline = ws.pip_command(python, tmp_path, "charts")
    assert offline[offline.index("--find-links") + 1] == str(tmp_path / "wheels") and "--no-index" in offline


def test_bootstrap_creates_two_environments_once(tmp_path, monkeypatch):
    commands = []
    env = {"LOCALAPPDATA": str(tmp_path)}
    ws.bootstrap(tmp_path, env, run=lambda cmd, check: commands.append(cmd))
    creates = [c for c in commands if c[1:3] == ["-m", "venv"]]
    assert [Path(c[3]).name for c in creates] == ["venv", "venv-report"]
    assert [c[-1].rsplit("[", 1)[1] for c in commands if "pip" in c] == ["excel]", "charts]"]
    assert commands[-1][-4:] == ["xladdin.excel.windows_setup", "configure", "--source", str(tmp_path)]
    for env_name in ws.ENVIRONMENTS:  # second run: environments exist, nothing is recreated
        python = ws.venv_python(tmp_path / "pe-eval", env_name=env_name)
        python.parent.mkdir(parents=True)
        python.write_bytes(b"")
    commands.clear()
    ws.bootstrap(tmp_path, env, run=lambda cmd, check: commands.append(cmd))
    assert not [c for c in commands if c[1:3] == ["-m", "venv"]]


def test_conf_merge_keeps_user_settings_and_is_idempotent(tmp_path):
    conf = tmp_path / ".xlwings" / "xlwings.conf"
    settings = {"INTERPRETER_WIN": r"C:\pe-eval\venv\Scripts\pythonw.exe"}
    assert ws.write_user_conf(conf, settings, "gbk") is True
    assert conf.read_bytes() == b'"INTERPRETER_WIN","C:\\pe-eval\\venv\\Scripts\\pythonw.exe"\r\n'
    assert ws.write_user_conf(conf, settings, "gbk") is False  # running twice changes nothing
    conf.write_bytes('"INTERPRETER_WIN","D:\\其它\\python.exe"\r\n"SHOW CONSOLE","True"\r\n'.encode("gbk"))
    assert ws.write_user_conf(conf, settings, "gbk") is False  # another tool's interpreter is respected
    assert "其它" in conf.read_text(encoding="gbk")


def test_vba_access_is_restored(tmp_path):
    key = r"Software\Microsoft\Office\16.0\Excel\Security"
    absent = FakeRegistry()
    with ws.vba_project_access(absent, "16.0"):
        assert absent.get(key, "AccessVBOM") == 1
    assert absent.get(key, "AccessVBOM") is None and absent.log[-1] == ("delete", "AccessVBOM")
    was_zero = FakeRegistry({(key, "AccessVBOM"): 0})
    with pytest.raises(RuntimeError), ws.vba_project_access(was_zero, "16.0"):
        raise RuntimeError("Excel failed")
    assert was_zero.get(key, "AccessVBOM") == 0


def test_build_workbook_imports_vba_adds_button_and_conf(tmp_path):
    excel = FakeExcel()
    target = tmp_path / "模板.xlsm"
    modules = [Path("xlwings_udfs.bas"), Path("pe_buttons.bas")]
    ws.build_workbook(excel, tmp_path / "t.xlsx", target, modules, Path("xlwings.xlam"),
                      ws.workbook_conf(r"%LOCALAPPDATA%\pe-eval"), {"PE_SCORE": ("计分", ["a", "b"])})
    calls = excel.log.calls
    assert ("reference", "xlwings.xlam") in calls
    assert [c[1] for c in calls if c[0] == "import"] == ["xlwings_udfs.bas", "pe_buttons.bas"]
    assert ("cell", "xlwings.conf", 1, 2, "xladdin.excel.udfs") in calls
    assert ("cell", "xlwings.conf", 2, 2, r"%LOCALAPPDATA%\pe-eval\venv\Scripts\pythonw.exe") in calls
    assert ("sheet", "Visible", ws.XL_SHEET_VERY_HIDDEN) in calls
    assert ("button", "汇总", "OnAction", "PE_ExportReport") in calls
    assert ("button", "汇总", "OnAction", "PE_ExportStaticCopy") in calls
    assert ("button", "问卷", "OnAction", "PE_ImportSurvey") in calls  # the workbook has no 决算: no such button
    assert not [c for c in calls if c[:2] == ("button", "决算")]
    assert calls.index(("unprotect", "汇总")) < calls.index(("button.add", "汇总", 300.0, 20.0)) < [
        i for i, c in enumerate(calls) if c[0] == "protect"][0]
    assert ("macro-options", "'t.xlsx'!PE_SCORE", "绩效评价", 2) in calls
    assert calls.index(("activate", "说明")) < calls.index(("save", "模板.xlsm", 52))
    assert calls.index(("calculate",)) < calls.index(("save", "模板.xlsm", 52)) and calls[-1] == ("close", False)


def test_copy_never_overwrites_the_users_workbook(tmp_path):
    built = tmp_path / "built"
    built.mkdir()
    (built / "模板.xlsm").write_bytes(b"new")
    docs = tmp_path / "文档" / ws.DOCS_FOLDER
    assert ws.copy_new([built / "模板.xlsm"], docs) == [(docs / "模板.xlsm", True)]
    (docs / "模板.xlsm").write_bytes(b"user's work")
    assert ws.copy_new([built / "模板.xlsm"], docs) == [(docs / "模板.xlsm", False)]
    assert (docs / "模板.xlsm").read_bytes() == b"user's work"


def test_uninstall_keeps_documents(tmp_path, capsys):
    home = tmp_path / "pe-eval"
    (home / "venv" / "Scripts").mkdir(parents=True)
    commands = []
    ws.uninstall({"LOCALAPPDATA": str(tmp_path)}, run=lambda cmd, check: commands.append(cmd))
    assert not home.exists() and commands == []
    assert "未删除" in capsys.readouterr().out


def test_bootstrap_refuses_unsupported_python(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(sys, "version_info", (3, 9, 0))
    assert ws.bootstrap(tmp_path, {}, run=lambda *a, **k: pytest.fail("must not run")) == 1
    assert "python.org" in capsys.readouterr().out


def test_setup_script_runs_with_the_standard_library_only():
    import subprocess

    script = Path(ws.__file__)
    code = f"import runpy, sys; sys.argv=['x','--help']; runpy.run_path(r'{script}', run_name='__main__')"
    result = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True)
    assert result.returncode == 0 and "bootstrap" in result.stdout


ROOT = Path(__file__).resolve().parents[1]


def test_batch_files_find_the_supported_pythons_and_hand_over():
    finder = (ROOT / "tools" / "find_python.cmd").read_bytes()
    low, high = ws.SUPPORTED_PYTHON
    listed = [f"3.{minor}" for minor in range(high[1], low[1] - 1, -1)]
    assert f"for %%V in ({' '.join(listed)})".encode() in finder
    assert b"WindowsApps" in finder and f"{low} <= sys.version_info[:2] <= {high}".encode() in finder
    for name in ("install.bat", "uninstall.bat", "tools/find_python.cmd"):
        raw = (ROOT / name).read_bytes()
        assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b""), f"{name} needs CRLF line ends"
    install = (ROOT / "install.bat").read_bytes().decode("utf-8")
    assert install.startswith("@echo off\r\nchcp 65001")
    assert r'"%PY%" "%~dp0xladdin\excel\windows_setup.py" bootstrap --source "%~dp0."' in install
    assert r'windows_setup.py" uninstall' in (ROOT / "uninstall.bat").read_text(encoding="utf-8")


def test_configure_twice_changes_nothing_the_second_time(tmp_path, capsys):
    env = {"LOCALAPPDATA": str(tmp_path / "local"), "USERPROFILE": str(tmp_path / "profile"),
           "APPDATA": str(tmp_path / "roaming")}
    docs = tmp_path / "文档"
    runs, excels = [], []

    def new_excel():
        excels.append(FakeExcel())
        return excels[-1]

    def configure():
        return ws.configure(ROOT, env, new_excel, FakeRegistry(), run=lambda cmd, check: runs.append(cmd),
                            documents=lambda: docs, encoding="gbk")

    assert configure() == 0
    first = capsys.readouterr().out
    assert runs[0][1:] == ["addin", "install"] and Path(runs[0][0]).name == "xlwings.exe"
    copied = sorted(p.name for p in (docs / ws.DOCS_FOLDER).iterdir())
    builds = ws.builds()
    assert copied == sorted(name for _, name in builds) and "已复制到" in first
    conf = tmp_path / "profile" / ".xlwings" / "xlwings.conf"
    before = conf.read_bytes()
    (docs / ws.DOCS_FOLDER / builds[0][1]).write_bytes(b"user's filled workbook")
    assert configure() == 0
    second = capsys.readouterr().out
    assert conf.read_bytes() == before and "无需更改" in second
    assert second.count("已存在，未覆盖") == len(builds)
    assert (docs / ws.DOCS_FOLDER / builds[0][1]).read_bytes() == b"user's filled workbook"
    for excel in excels:
        opened = [c[1] for c in excel.log.calls if c[0] == "open"]
        assert opened == ["xlwings.xlam", *[t for t, _ in builds]] and excel.log.calls[-1] == ("quit",)


def test_builds_are_the_installed_templates():
    assert ws.builds() == [
        ("xundian-2024-template.xlsx", "绩效评价模板（寻甸2024指标体系）.xlsm"),
        ("mof-2013-template.xlsx", "绩效评价模板（财预2013-53号共性指标）.xlsm"),
        ("xundian-2024-sample.xlsx", "示例-寻甸县融媒体中心2024.xlsm"),
        ("self-2020-template.xlsx", "自评表模板（通用格式）.xlsm"),
        ("self-coef-template.xlsx", "自评表模板（得分系数格式）.xlsm"),
        ("self-2020-sample.xlsx", "示例-青山县文化和旅游局2024自评表.xlsm"),
    ]


@pytest.mark.parametrize("template, _name", ws.builds())
def test_templates_are_ready_for_the_excel_build(template, _name):
    import openpyxl

    book = openpyxl.load_workbook(ROOT / "workbook_templates" / template, keep_vba=True)
    assert "xlwings.conf" not in book.sheetnames
    name, cells = next((name, cells) for name, cells in BUTTON_PLACES if name in book.sheetnames)
    sheet = book[name]
    assert all(sheet[cell].value is None for cell in cells) and sheet.protection.sheet

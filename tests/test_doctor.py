"""`pe-eval doctor`: the portable steps for real, the Windows steps and the Excel check with stand-ins."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
import tomllib

from xladdin.excel import doctor
from xladdin.excel import windows_setup as ws
from xladdin.workbook.build_templates import INSTALLED_NAMES
from xladdin.cli import main

ROOT = Path(__file__).resolve().parents[1]
PIN = doctor.xlwings_pin()
EXCEL_CLSID = "{00024500-0000-0000-C000-000000000046}"
EXCEL_EXE = r'"C:\Program Files\Microsoft Office\Root\Office16\EXCEL.EXE" /automation'
WPS_EXE = r'"C:\Users\zhang\AppData\Local\Kingsoft\WPS Office\12.1.0.16120\office6\et.exe" /Automation'
STORE_EXE = (r'"C:\Program Files\WindowsApps\Microsoft.Office.Desktop.Excel_16051.14326.20404.0_x86__8wekyb3d8bbwe'
             r'\Office16\EXCEL.EXE" /automation')
ASR_KEY = doctor.ASR_RULE_KEYS[0]
NAME_ERROR = -2146826259  # #NAME? as COM returns it
MARKS = ("✓ ", "! ", "✗ ", "○ ")
MACHINE_PARTS = "needs LibreOffice and a Chinese font on this machine (sudo bash .ci/system-packages.sh)"
needs_machine_parts = pytest.mark.skipif(not (doctor.find_converter() and next(iter(doctor.cjk_font_files()), None)),
                                         reason=MACHINE_PARTS)


@pytest.fixture
def pdf_and_fonts(monkeypatch):
    """This machine's LibreOffice and fonts do not matter to the test: those steps pass."""
    monkeypatch.setattr(doctor, "find_converter", lambda: "/opt/libreoffice/program/soffice")
    monkeypatch.setattr(doctor, "cjk_font_files", lambda: iter([Path("/usr/share/fonts/仿宋.ttf")]))
    monkeypatch.setattr(doctor, "check_calc", lambda run_probe: doctor.Check(doctor.OK, "pe-eval 扩展 0.1.0（本用户）"))


class FakeRegistry(doctor.Registry):
    """Values by (key, name); sub-keys derived from the keys; compared case-insensitively like Windows."""

    def __init__(self, values: dict[tuple[str, str], object]):
        self.values = {(key.lower(), name.lower()): value for (key, name), value in values.items()}
        self.keys = [key for key, _ in values]

    def value(self, key, name=""):
        return self.values.get((key.lower(), name.lower()))

    def subkeys(self, key):
        prefix = key.lower() + "\\"
        return sorted({k[len(prefix):].split("\\")[0] for k in self.keys if k.lower().startswith(prefix)})


class RaisingRegistry(doctor.Registry):
    def value(self, key, name=""):
        raise PermissionError("拒绝访问")

    def subkeys(self, key):
        raise PermissionError("拒绝访问")


def good_registry(changes: dict[tuple[str, str], object] | None = None) -> dict[tuple[str, str], object]:
    values = {
        (r"HKCR\Excel.Application\CLSID", ""): EXCEL_CLSID,
        (rf"HKCR\CLSID\{EXCEL_CLSID}\LocalServer32", ""): EXCEL_EXE,
        (r"HKCU\Software\Microsoft\Office\16.0\Excel\Security", "VBAWarnings"): 2,
        (ASR_KEY, doctor.ASR_OFFICE_CHILD): "2",  # audit only
    }
    values.update(changes or {})
    return values


class Runner:
    """subprocess.run for the probes: answers as each environment's Python would."""

    def __init__(self, answers: dict[str, tuple[int, str]] | None = None):
        self.answers = {"venv": (0, f"{PIN}\n"), "venv-report": (0, "3.9.2\n"), **(answers or {})}
        self.commands: list[list[str]] = []

    def __call__(self, command, **options):
        assert options["timeout"] and options["capture_output"] and "-I" in command
        self.commands.append(command)
        code, said = self.answers[Path(command[0]).parents[1].name]
        return subprocess.CompletedProcess(command, code, said if code == 0 else "", "" if code == 0 else said)


def install(tmp_path: Path) -> dict[str, str]:
    """A complete installation's files under tmp_path; its environment variables."""
    env = {"LOCALAPPDATA": str(tmp_path / "local"), "APPDATA": str(tmp_path / "roaming"),
           "USERPROFILE": str(tmp_path / "profile")}
    home = ws.home_dir(env)[0]
    files = [ws.venv_python(home, env_name=name) for name in ws.ENVIRONMENTS]
    files += [ws.venv_python(home, windowed=True), home / "venv" / f"xlwings64-{PIN}.dll",
              home / "venv" / f"xlwings32-{PIN}.dll", home / "workbooks" / "示例-寻甸县融媒体中心2024.xlsm",
              Path(env["APPDATA"]) / "Microsoft" / "Excel" / "XLSTART" / "xlwings.xlam"]
    files += [tmp_path / "文档" / ws.DOCS_FOLDER / name for name in INSTALLED_NAMES.values()]
    for file in files:
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(b"")
    ws.write_user_conf(Path(env["USERPROFILE"]) / ".xlwings" / "xlwings.conf",
                       {"INTERPRETER_WIN": str(ws.venv_python(home, windowed=True))}, "gbk")
    return env


def windows(tmp_path, registry=None, run=None, excel=None, env=None) -> doctor.WindowsSystem:
    return doctor.WindowsSystem(env=env or install(tmp_path), registry=registry or FakeRegistry(good_registry()),
                                documents=lambda: tmp_path / "文档", run=run or Runner(), encoding="gbk",
                                excel=excel or (lambda: pytest.fail("Excel must not start without --excel")))


def diagnose(system, tmp_path, excel=False) -> tuple[int, list[str]]:
    said: list[str] = []
    code = doctor.run_doctor(system, tmp_path / "诊断.txt", excel=excel, say=said.append)
    return code, said


def line(said: list[str], title: str) -> str:
    return next(text for text in said if text[2:].startswith(title + "："))


def fix_of(said: list[str], title: str) -> str:
    return said[said.index(line(said, title)) + 1]


# ───────────── every platform, for real ─────────────

@needs_machine_parts
def test_this_machine_passes_every_step(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(doctor, "EXTRAS", {"charts": "matplotlib"})  # the excel extra is optional off Windows
    monkeypatch.chdir(tmp_path)
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out.splitlines()
    steps = [text for text in out if text[:2] in MARKS]
    assert [text[2:].split("：")[0] for text in steps] == [
        "Python 版本", "pe-eval 程序包", "可选组件", "生成 PDF", "中文字体（报告图表）", "规则集", "示例计分", "LibreOffice 实时计算"]
    assert all(text.startswith("✓ ") for text in steps[:-1]), steps
    assert steps[-1][:2] in ("✓ ", "○ "), steps  # live cells in LibreOffice are optional: installed or not
    assert "LibreOffice" in line(out, "生成 PDF") and "93.56（优）" in line(out, "示例计分")
    assert out[-2] in ("诊断结果：8项通过，0项提醒，0项未通过。", "诊断结果：7项通过，0项提醒，0项未通过，1项可选部分未安装。")
    written = tmp_path / doctor.DEFAULT_OUT
    assert out[-1].startswith(f"诊断信息已写入：{written}")
    text = written.read_text(encoding="utf-8")
    assert text.startswith("pe-eval 诊断信息\n") and all(step in text for step in steps) and out[-2] in text


def test_missing_libreoffice_is_named_and_fails(tmp_path, monkeypatch):
    monkeypatch.setattr(doctor, "find_converter", lambda: None)
    code, said = diagnose(None, tmp_path)
    assert code == 1
    assert line(said, "生成 PDF").startswith("✗ ") and "LibreOffice" in line(said, "生成 PDF")
    assert fix_of(said, "生成 PDF").startswith("    处理：安装 LibreOffice")


def test_missing_fonts_are_named_and_fail(tmp_path, monkeypatch):
    monkeypatch.setattr(doctor, "cjk_font_files", lambda: iter(()))
    code, said = diagnose(None, tmp_path)
    assert code == 1
    assert line(said, "中文字体（报告图表）").startswith("✗ 中文字体（报告图表）：未找到中文字体")
    assert "PE_EVAL_CHART_FONT" in fix_of(said, "中文字体（报告图表）")


def test_an_optional_part_not_installed_has_a_neutral_mark(tmp_path, monkeypatch, pdf_and_fonts):
    monkeypatch.setattr(doctor, "EXTRAS", {**doctor.EXTRAS, "excel": "no_such_module_pe"})
    code, said = diagnose(None, tmp_path)
    assert code == 0 and line(said, "可选组件").startswith("○ 可选组件：excel（no_such_module_pe）未安装；charts（matplotlib ")
    assert said[-2] == "诊断结果：7项通过，0项提醒，0项未通过，1项可选部分未安装。"


def test_missing_charts_extra_is_a_warning_only(tmp_path, monkeypatch, pdf_and_fonts):
    monkeypatch.setattr(doctor, "EXTRAS", {**doctor.EXTRAS, "charts": "no_such_module_pe"})
    code, said = diagnose(None, tmp_path)
    assert code == 0 and line(said, "可选组件").startswith("! ") and "pe-eval[charts]" in fix_of(said, "可选组件")


def test_unsupported_python_is_a_failure():
    check = doctor.check_python((3, 9, 18))
    assert check.status == doctor.FAIL and "3.10–3.13" in check.detail and "python.org" in check.fix
    assert doctor.check_python((3, 13, 0)).status == doctor.OK


def test_a_step_that_raises_becomes_a_failure_with_its_message(tmp_path, monkeypatch, capsys):
    def broken():
        raise RuntimeError("fc-list 崩溃了")

    monkeypatch.setattr(doctor, "cjk_font_files", broken)
    monkeypatch.chdir(tmp_path)
    assert main(["doctor"]) == 1
    captured = capsys.readouterr()
    assert "✗ 中文字体（报告图表）：检查时出错（RuntimeError：fc-list 崩溃了）" in captured.out
    assert "Traceback" not in captured.out + captured.err


def test_pin_is_the_excel_extra_of_pyproject():
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    assert extras["excel"] == [f"xlwings=={PIN}"]


# ───────────── the diagnostics file ─────────────

def test_the_diagnostics_file_never_overwrites(tmp_path):
    out = tmp_path / "诊断.txt"
    out.write_text("用户自己的文件", encoding="utf-8")
    for expected in ("诊断(2).txt", "诊断(3).txt"):
        _, said = diagnose(None, tmp_path)
        assert said[-1].startswith(f"诊断信息已写入：{tmp_path / expected}")
    assert out.read_text(encoding="utf-8") == "用户自己的文件"


def test_an_unwritable_diagnostics_file_is_reported_not_raised(tmp_path, pdf_and_fonts):
    blocker = tmp_path / "一个文件"
    blocker.write_text("x", encoding="utf-8")
    said: list[str] = []
    assert doctor.run_doctor(None, blocker / "诊断.txt", say=said.append) == 0
    assert said[-1].startswith("未能写入诊断文件：")


# ───────────── Windows, with stand-ins ─────────────

WINDOWS_TITLES = [title for title, _ in doctor.WINDOWS_CHECKS]


def _break(tmp_path: Path, env: dict[str, str], what: str) -> dict:
    """Damage one part of a good installation; the system's parts that differ."""
    home = ws.home_dir(env)[0]
    if what == "venv-report":
        ws.venv_python(home, env_name="venv-report").unlink()
    elif what == "dll":  # quarantined by an antivirus
        (home / "venv" / f"xlwings64-{PIN}.dll").unlink()
    elif what == "addin":
        (Path(env["APPDATA"]) / "Microsoft" / "Excel" / "XLSTART" / "xlwings.xlam").unlink()
    elif what == "no conf":
        (Path(env["USERPROFILE"]) / ".xlwings" / "xlwings.conf").unlink()
    elif what == "conf":
        ws.venv_python(home, windowed=True).unlink()
    elif what == "workbook":
        (tmp_path / "文档" / ws.DOCS_FOLDER / INSTALLED_NAMES[next(iter(INSTALLED_NAMES))]).unlink()
    elif what == "xlwings":
        return {"run": Runner({"venv": (0, "0.30.0\n")})}
    elif what == "wps":
        return {"registry": FakeRegistry(good_registry({(rf"HKCR\CLSID\{EXCEL_CLSID}\LocalServer32", ""): WPS_EXE}))}
    elif what == "no excel":
        return {"registry": FakeRegistry({})}
    elif what == "asr":
        return {"registry": FakeRegistry(good_registry({(ASR_KEY, doctor.ASR_OFFICE_CHILD.upper()): "1"}))}
    elif what == "asr intune":
        value = f"{doctor.ASR_OFFICE_CHILD}=1|be9ba2d9-53ea-4cdc-84e5-9b1eeee46550=1"
        return {"registry": FakeRegistry(good_registry({doctor.ASR_MDM: value}))}
    elif what == "vbom policy":
        policy = r"HKLM\Software\Policies\Microsoft\Office\16.0\Excel\Security"
        return {"registry": FakeRegistry(good_registry({(policy, "AccessVBOM"): 0}))}
    return {}


def test_a_good_windows_install_passes_every_step(tmp_path, pdf_and_fonts):
    run = Runner()
    code, said = diagnose(windows(tmp_path, run=run), tmp_path)
    steps = [text for text in said if text[:2] in MARKS]
    assert code == 0 and all(text.startswith("✓ ") for text in steps), steps
    assert [text[2:].split("：")[0] for text in steps][-len(WINDOWS_TITLES):] == WINDOWS_TITLES
    assert "Windows 上 Excel 和报告各用一个运行环境" in line(said, "可选组件")
    assert EXCEL_EXE in line(said, "Excel 自动化（COM）注册")
    assert [Path(c[0]).parents[1].name for c in run.commands] == ["venv", "venv-report"]


def test_wps_takeover_fails_with_the_fix(tmp_path):
    env = install(tmp_path)
    code, said = diagnose(windows(tmp_path, env=env, **_break(tmp_path, env, "wps")), tmp_path)
    assert code == 1
    assert line(said, "Excel 自动化（COM）注册") == f"✗ Excel 自动化（COM）注册：Excel.Application 被 WPS 接管：{WPS_EXE}"
    assert fix_of(said, "Excel 自动化（COM）注册") == f"    处理：{doctor.WPS_FIX}"


@pytest.mark.parametrize("command", [r"C:\WPS\office6\et.exe /automation", r'"D:\Kingsoft\et.exe"'])
def test_wps_is_recognised_by_its_program(command):
    assert doctor.is_wps(command) and not doctor.is_wps(EXCEL_EXE)


@pytest.mark.parametrize("changes", [
    {(rf"HKCR\CLSID\{EXCEL_CLSID}\LocalServer32", ""): STORE_EXE},
    {(rf"{doctor.APPX_PACKAGES}\Microsoft.Office.Desktop.Excel_16051.14326.20404.0_x86__8wekyb3d8bbwe", ""): "",
     (rf"{doctor.APPX_PACKAGES}\Microsoft.WindowsCalculator_11.2210.0.0_x64__8wekyb3d8bbwe", ""): ""},
])
def test_store_office_fails(tmp_path, changes):
    code, said = diagnose(windows(tmp_path, registry=FakeRegistry(good_registry(changes))), tmp_path)
    assert code == 1 and line(said, "Office 安装方式").startswith("✗ Office 安装方式：Microsoft Store 版 Office（")
    assert fix_of(said, "Office 安装方式") == f"    处理：{doctor.STORE_FIX}"


@pytest.mark.parametrize("what, title, said_part, fix_part", [
    ("venv-report", "运行环境", "venv-report", "install.bat"),
    ("venv-report", "报告运行环境", "未找到", "install.bat"),
    ("dll", "xlwings DLL", f"xlwings64-{PIN}.dll", "杀毒软件的隔离区"),
    ("addin", "Excel 加载项", "xlwings.xlam", "杀毒软件"),
    ("no conf", "xlwings.conf 解释器路径", "未找到", "写入解释器路径"),
    ("conf", "xlwings.conf 解释器路径", "pythonw.exe 不存在", "删除"),
    ("workbook", "文档中的工作簿", "缺少", "不会被覆盖"),
    ("xlwings", "Excel 运行环境中的 xlwings", f"xlwings 0.30.0，应为 {PIN}", f"xlwings=={PIN}"),
    ("no excel", "Excel 自动化（COM）注册", "未注册", "WPS"),
    ("asr", "Windows Defender 攻击面减少规则", "（阻止）", "排除项"),
    ("asr intune", "Windows Defender 攻击面减少规则", "（阻止）", "排除项"),
    ("vbom policy", "信任对 VBA 项目对象模型的访问", "组织策略禁止", "IT 管理员"),
])
def test_each_broken_part_fails_with_its_fix(tmp_path, what, title, said_part, fix_part):
    env = install(tmp_path)
    code, said = diagnose(windows(tmp_path, env=env, **_break(tmp_path, env, what)), tmp_path)
    assert code == 1
    assert line(said, title).startswith(f"✗ {title}：") and said_part in line(said, title)
    assert fix_part in fix_of(said, title)


def test_conf_with_environment_variables_and_warnings_do_not_fail(tmp_path, pdf_and_fonts):
    env = install(tmp_path)
    conf = Path(env["USERPROFILE"]) / ".xlwings" / "xlwings.conf"
    pythonw = str(ws.venv_python(ws.home_dir(env)[0], windowed=True))
    written = "%LOCALAPPDATA%" + pythonw.removeprefix(env["LOCALAPPDATA"])
    conf.write_bytes(f'"SHOW CONSOLE","True"\r\n"interpreter_win","{written}"\r\n'.encode("gbk"))
    check = doctor.check_conf(windows(tmp_path, env=env))
    assert check.status == doctor.OK and check.detail == pythonw
    trusted = FakeRegistry(good_registry({(r"HKCU\Software\Microsoft\Office\16.0\Excel\Security", "AccessVBOM"): 1,
                                            (ASR_KEY, doctor.ASR_OFFICE_CHILD): "6"}))
    code, said = diagnose(windows(tmp_path, env=env, registry=trusted), tmp_path)
    assert code == 0
    assert line(said, "信任对 VBA 项目对象模型的访问").startswith("! ")
    assert line(said, "Windows Defender 攻击面减少规则").startswith("! ")


def test_an_unreadable_registry_never_raises(tmp_path):
    code, said = diagnose(windows(tmp_path, registry=RaisingRegistry()), tmp_path)
    assert code == 1
    assert line(said, "Excel 自动化（COM）注册") == "✗ Excel 自动化（COM）注册：检查时出错（PermissionError：拒绝访问）"


# ───────────── --excel, with a fake COM object ─────────────

class FakeRange:
    def __init__(self, value):
        self.Value = value


class FakeBook:
    def __init__(self, log, values):
        self.log, self.values = log, values

    def Names(self, name):
        return type("Name", (), {"RefersToRange": FakeRange(self.values[name])})()

    def Close(self, SaveChanges):
        self.log.append(("close", SaveChanges))


class FakeExcel:
    def __init__(self, values):
        self.log: list[tuple] = []
        self.values = values
        self.Workbooks = type("Books", (), {"Open": lambda _, path, **options: self._open(path, options)})()

    def _open(self, path, options):
        self.log.append(("open", Path(path).name, options))
        return FakeBook(self.log, self.values)

    def __setattr__(self, name, value):
        if name in ("Visible", "DisplayAlerts"):
            self.log.append((name, value))
        object.__setattr__(self, name, value)

    def CalculateFullRebuild(self):
        self.log.append(("calculate",))

    def Quit(self):
        self.log.append(("quit",))


@pytest.mark.parametrize("total, grade, status, shown", [
    (93.56, "优", "✓", "总分 93.56，等级 优"),
    (93.5600000001, "优", "✓", "等级 优"),
    (NAME_ERROR, NAME_ERROR, "✗", "总分 #NAME?，等级 #NAME?，应为 93.56（优）"),
    ("Could not activate Python COM server", "优", "✗", "总分 Could not activate Python COM server"),
    (float("inf"), "优", "✗", "总分 inf"),
])
def test_excel_calculates_the_sample_read_only_and_closes_without_saving(tmp_path, pdf_and_fonts, total, grade, status,
                                                                         shown):
    excel = FakeExcel({"总分": total, "等级": grade})
    code, said = diagnose(windows(tmp_path, excel=lambda: excel), tmp_path, excel=True)
    assert line(said, "在 Excel 中计算示例").startswith(status) and shown in line(said, "在 Excel 中计算示例")
    assert code == (0 if status == "✓" else 1)
    assert excel.log == [("Visible", False), ("DisplayAlerts", False), ("open", "xlwings.xlam", {}),
                         ("open", "示例-寻甸县融媒体中心2024.xlsm", {"ReadOnly": True}), ("calculate",),
                         ("close", False), ("quit",)]


def test_excel_quits_even_when_the_workbook_fails_to_open(tmp_path):
    excel = FakeExcel({})
    excel.Workbooks = type("Books", (), {"Open": lambda _, path, **options: (_ for _ in ()).throw(OSError("打不开"))})()
    code, said = diagnose(windows(tmp_path, excel=lambda: excel), tmp_path, excel=True)
    assert code == 1 and "打不开" in line(said, "在 Excel 中计算示例") and excel.log[-1] == ("quit",)


@pytest.mark.skipif(os.name == "nt", reason="on Windows --excel starts Excel")
def test_excel_option_needs_windows(capsys):
    assert main(["doctor", "--excel"]) == 2
    assert "--excel 只能在 Windows 上使用" in capsys.readouterr().err


# ───────────── what install.bat and the README say ─────────────

def test_install_bat_ends_by_running_doctor():
    install_bat = (ROOT / "install.bat").read_bytes().decode("utf-8")
    run = install_bat.index(r'"%PE_HOME%\venv\Scripts\pe-eval.exe" doctor --out "%~dp0')
    assert install_bat.index("bootstrap --source") < run < install_bat.rindex("exit /b 0")


@pytest.mark.parametrize("what, title, printed", [
    ("asr", "Windows Defender 攻击面减少规则", lambda said: said),
    ("dll", "xlwings DLL", lambda said: said.split(" 中缺少 ")[1]),
    ("wps", "Excel 自动化（COM）注册", lambda said: said.rsplit("：", 1)[0]),
])
def test_readme_quotes_what_doctor_prints(tmp_path, what, title, printed):
    env = install(tmp_path)
    _, said = diagnose(windows(tmp_path, env=env, **_break(tmp_path, env, what)), tmp_path)
    assert printed(line(said, title)) in (ROOT / "README.md").read_text(encoding="utf-8")

"""`pe-eval doctor`: a step-by-step diagnosis of this installation, and a file to send to support.

Every step returns a ``Check``: ✓, ! (a warning), ✗, or ○ (an optional part not installed: neither a pass
nor a fault), what it found and, unless ✓ or ○, the fix in one sentence. A step that raises becomes ✗ with its message. The Windows steps see the system only through
``WindowsSystem`` (environment, registry, Documents folder, a process runner, Excel's COM factory),
so tests run them anywhere with stand-ins.
"""
from __future__ import annotations

import datetime
import importlib
import locale
import os
import platform
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import partial
from importlib import metadata
from pathlib import Path, PureWindowsPath
from typing import Any

from scoring import (
    RulesetError,
    UserError,
    assess,
    fmt2,
    load_ruleset,
    round2,
    sample_evaluation,
    shipped_rulesets,
)

from . import windows_setup as setup
from ..workbook.build_templates import INSTALLED_NAMES, sample_name
from ..files.pdf_convert import find_converter
from ..report.fonts import FONT_ENV, cjk_font_files
from ..files.safe_io import available_path, write_text_new

OK, WARN, FAIL, ABSENT = "✓", "!", "✗", "○"
DEFAULT_OUT = "pe-eval诊断.txt"
SAMPLE_TOTAL, SAMPLE_GRADE = Decimal("93.56"), "优"
PROBE_TIMEOUT = 120  # seconds for a first import in a fresh environment (antivirus scans every file)
REINSTALL = "程序文件不完整或被改动：请重新安装本工具（Windows 上重新解压后运行 install.bat）。"
SUPPORT = "请把诊断文件发给技术支持。"
WPS_FIX = ("打开“WPS Office 配置工具”→ 高级 → 兼容设置，取消勾选“WPS Office 兼容第三方系统和软件”，"
           "再修复 Office（设置 → 应用 → Microsoft Office → 修改 → 快速修复），让 Excel 重新注册。")
STORE_FIX = "应用商店版 Office 不支持 COM 加载项：请卸载后安装即点即用版（office.com 下载）或 MSI 版 Office。"
EXCEL_FIX = ("按上面 ✗ 的各项处理（常见原因：加载项、xlwings.conf 解释器路径、杀毒软件、攻击面减少规则）后再试，"
             "仍不对请把诊断文件发给技术支持。")
EXTRAS = {"excel": "xlwings", "charts": "matplotlib"}  # pe-eval's optional extra → the module it brings
APPX_PACKAGES = (r"HKCU\Software\Classes\Local Settings\Software\Microsoft\Windows\CurrentVersion\AppModel"
                 r"\Repository\Packages")  # installed Microsoft Store apps
USER_OFFICE = r"HKCU\Software\Microsoft\Office"
POLICY_OFFICE = (r"HKCU\Software\Policies\Microsoft\Office", r"HKLM\Software\Policies\Microsoft\Office")
# The attack surface reduction rule "Block all Office applications from creating child processes".
ASR_OFFICE_CHILD = "d4f940ab-401b-4efc-aadc-ad5f3c50688a"
ASR_RULE_KEYS = (  # set by group policy; set by Set-MpPreference
    r"HKLM\SOFTWARE\Policies\Microsoft\Windows Defender\Windows Defender Exploit Guard\ASR\Rules",
    r"HKLM\SOFTWARE\Microsoft\Windows Defender\Windows Defender Exploit Guard\ASR\Rules",
)
ASR_MDM = (r"HKLM\SOFTWARE\Policies\Microsoft\Windows Defender\Policy Manager", "ASRRules")  # Intune: "guid=1|guid=2"
ASR_BLOCK, ASR_WARN = "1", "6"
# Excel error values as COM returns them (CVErr: 0x800A0000 + xlErr code).
XL_ERRORS = {-2146826281: "#DIV/0!", -2146826246: "#N/A", -2146826259: "#NAME?", -2146826288: "#NULL!",
             -2146826252: "#NUM!", -2146826265: "#REF!", -2146826273: "#VALUE!"}


@dataclass(frozen=True)
class Check:
    status: str  # OK, WARN, FAIL or ABSENT
    detail: str
    fix: str = ""


@dataclass(frozen=True)
class Step:
    title: str
    check: Callable[[], Check]


class Registry:
    """Read-only registry; keys start with their hive (``HKCR\\Excel.Application\\CLSID``).

    A missing or unreadable key or value reads as None (a value) or as no sub-keys.
    """

    def value(self, key: str, name: str = "") -> object:
        winreg = _winreg()
        try:
            with _open_key(winreg, key) as handle:
                return winreg.QueryValueEx(handle, name)[0]
        except OSError:
            return None

    def subkeys(self, key: str) -> list[str]:
        winreg = _winreg()
        try:
            with _open_key(winreg, key) as handle:
                return [winreg.EnumKey(handle, index) for index in range(winreg.QueryInfoKey(handle)[0])]
        except OSError:
            return []


def _winreg() -> Any:
    return importlib.import_module("winreg")  # Windows only; typed as a plain module on every platform


def _open_key(winreg: Any, key: str) -> Any:
    hive, _, path = key.partition("\\")
    roots = {"HKCR": winreg.HKEY_CLASSES_ROOT, "HKCU": winreg.HKEY_CURRENT_USER, "HKLM": winreg.HKEY_LOCAL_MACHINE}
    return winreg.OpenKey(roots[hive], path)


@dataclass(frozen=True)
class WindowsSystem:
    """What the Windows steps read, replaceable by stand-ins."""

    env: Mapping[str, str]
    registry: Registry
    documents: Callable[[], Path]
    run: Callable[..., Any]  # subprocess.run or a stand-in: runs a probe in one of the environments
    encoding: str  # the ANSI code page xlwings.conf is written in
    excel: Callable[[], Any]  # a new Excel.Application through COM

    @property
    def home(self) -> Path:
        return setup.home_dir(self.env)[0]


def local_system() -> WindowsSystem | None:
    """This computer's Windows facts; None elsewhere (then only the portable steps run)."""
    if os.name != "nt":
        return None
    return WindowsSystem(env=dict(os.environ), registry=Registry(), documents=setup.documents_dir, run=subprocess.run,
                         encoding=locale.getpreferredencoding(False), excel=_new_excel)


def _new_excel() -> Any:
    return importlib.import_module("win32com.client").DispatchEx("Excel.Application")


# ───────────── steps on every platform ─────────────

def check_python(version: tuple[int, ...] = tuple(sys.version_info[:3])) -> Check:
    low, high = setup.SUPPORTED_PYTHON
    supported = f"{low[0]}.{low[1]}–{high[0]}.{high[1]}"
    shown = ".".join(map(str, version))
    if low <= version[:2] <= high:
        return Check(OK, f"{shown}（支持 {supported}）")
    return Check(FAIL, f"{shown}，不在支持范围 {supported} 内",
                 f"请从 python.org 安装 Python {supported}（推荐 3.12）后重新安装本工具。")


def check_package() -> Check:
    try:
        version = metadata.version("pe-eval")
    except metadata.PackageNotFoundError:
        return Check(WARN, "未作为程序包安装（从源代码目录运行）", "在本工具文件夹中运行 pip install . 安装。")
    return Check(OK, f"pe-eval {version}（{sys.prefix}）")


def check_extras(system: WindowsSystem | None) -> Check:
    versions = {extra: _module_version(module) for extra, module in EXTRAS.items()}
    detail = "；".join(f"{extra}（{EXTRAS[extra]} {version}）" if version else f"{extra}（{EXTRAS[extra]}）未安装"
                      for extra, version in versions.items())
    status = OK if all(versions.values()) else ABSENT
    if system is not None:
        return Check(status, f"本环境 {detail}。Windows 上 Excel 和报告各用一个运行环境，下面分别检查")
    if versions["charts"] is None:
        return Check(WARN, detail, '报告将不含图表：运行 pip install "pe-eval[charts]" 安装 matplotlib。')
    return Check(status, detail)


def _module_version(module: str) -> str | None:
    try:
        return str(getattr(importlib.import_module(module), "__version__", "版本不明"))
    except ImportError:
        return None


def check_pdf(system: WindowsSystem | None) -> Check:
    soffice = find_converter()
    if soffice:
        return Check(OK, f"LibreOffice：{soffice}")
    if system is not None and system.registry.value(r"HKCR\Word.Application\CLSID"):
        return Check(OK, "未找到 LibreOffice，将用 Word 生成 PDF")
    return Check(FAIL, "未找到 LibreOffice（soffice），无法生成 PDF 报告",
                 "安装 LibreOffice（libreoffice.org；Debian/Ubuntu：sudo apt install libreoffice-writer-nogui），"
                 "或用环境变量 PE_SOFFICE 指定 soffice 的位置。")


def check_fonts() -> Check:
    font = next(iter(cjk_font_files()), None)
    if font is not None:
        return Check(OK, str(font))
    return Check(FAIL, "未找到中文字体，报告图表中的中文会显示为方框",
                 f"安装中文字体（如 Noto Sans CJK SC、微软雅黑），或用环境变量 {FONT_ENV} 指定字体文件。")


def check_rulesets() -> Check:
    names = shipped_rulesets()
    problems = []
    for name in names:
        try:
            load_ruleset(name)
        except RulesetError as exc:
            problems.append(f"{name}：{_one_line(str(exc))}")
    if problems or not names:
        return Check(FAIL, "；".join(problems) or "未找到规则集文件", REINSTALL)
    return Check(OK, "、".join(names))


def check_sample() -> Check:
    card = assess(sample_evaluation(), load_ruleset("xundian-2024")).scorecard
    shown = f"总得分 {fmt2(card.total)}（{card.grade or '未完成'}）"
    if card.complete and card.total == SAMPLE_TOTAL and card.grade == SAMPLE_GRADE:
        return Check(OK, shown)
    return Check(FAIL, f"{shown}，应为 {SAMPLE_TOTAL}（{SAMPLE_GRADE}）", REINSTALL)


# ───────────── steps on Windows ─────────────

def check_environments(system: WindowsSystem) -> Check:
    pythons = [setup.venv_python(system.home, env_name=name) for name in setup.ENVIRONMENTS]
    missing = [str(python.parents[1]) for python in pythons if not python.is_file()]
    if missing:
        return Check(FAIL, f"缺少：{'、'.join(missing)}", "重新运行 install.bat 建立运行环境。")
    return Check(OK, f"{system.home}：{'、'.join(setup.ENVIRONMENTS)}")


def xlwings_pin() -> str:
    """The xlwings version pe-eval's ``excel`` extra pins (pyproject.toml, read from the installed metadata)."""
    for requirement in metadata.requires("pe-eval") or []:
        spec, _, marker = requirement.partition(";")
        name, _, version = spec.replace(" ", "").partition("==")
        if name == "xlwings" and version and 'extra == "excel"' in marker:
            return version
    raise LookupError("pe-eval 的 excel 可选组件没有固定 xlwings 版本")


def _probe(system: WindowsSystem, env_name: str, code: str) -> tuple[bool, str]:
    """Run ``code`` with the Python of one environment: (succeeded, its output or its last error line)."""
    python = setup.venv_python(system.home, env_name=env_name)
    if not python.is_file():
        return False, f"未找到 {python}"
    done = system.run([str(python), "-I", "-c", code], capture_output=True, text=True, errors="replace",
                      timeout=PROBE_TIMEOUT)
    said = (done.stdout if done.returncode == 0 else done.stderr).strip()
    return done.returncode == 0, said.splitlines()[-1] if said else ""


def check_xlwings(system: WindowsSystem) -> Check:
    pin = xlwings_pin()
    ok, said = _probe(system, "venv", "import xladdin.excel.udfs, xlwings; print(xlwings.__version__)")
    if not ok:
        return Check(FAIL, f"Excel 运行环境无法载入工作表函数：{said}", f"重新运行 install.bat 安装 xlwings=={pin}。")
    if said != pin:
        return Check(FAIL, f"xlwings {said}，应为 {pin}",
                     f"重新运行 install.bat 安装固定版本 xlwings=={pin}（工作簿的 VBA 按版本号引用它的 DLL）。")
    return Check(OK, f"xlwings {said}")


def check_dlls(system: WindowsSystem) -> Check:
    pin, venv = xlwings_pin(), system.home / "venv"
    missing = [name for name in (f"xlwings{bits}-{pin}.dll" for bits in (64, 32)) if not (venv / name).is_file()]
    if missing:
        return Check(FAIL, f"{venv} 中缺少 {'、'.join(missing)}（多半被杀毒软件隔离）",
                     f"在杀毒软件的隔离区恢复该文件并把 {system.home} 加入信任（排除）列表，然后重新运行 install.bat。")
    return Check(OK, f"{venv}：xlwings64/32-{pin}.dll")


def check_report_environment(system: WindowsSystem) -> Check:
    ok, said = _probe(system, "venv-report", "import xladdin.report, matplotlib; print(matplotlib.__version__)")
    if not ok:
        return Check(FAIL, f"报告运行环境不完整：{said}", "重新运行 install.bat 补全报告运行环境。")
    return Check(OK, f"venv-report：matplotlib {said}")


def _addin(system: WindowsSystem) -> Path:
    return Path(system.env["APPDATA"]) / "Microsoft" / "Excel" / "XLSTART" / "xlwings.xlam"


def check_addin(system: WindowsSystem) -> Check:
    addin = _addin(system)
    if not addin.is_file():
        return Check(FAIL, f"未找到 {addin}",
                     "重新运行 install.bat 安装加载项；若仍然缺失，多半是杀毒软件隔离了 xlwings.xlam，请从隔离区恢复并加入信任列表。")
    return Check(OK, str(addin))


def conf_value(text: str, key: str) -> str | None:
    """A key's value in xlwings.conf lines ``"KEY","value"`` (keys compared case-insensitively)."""
    for line in text.splitlines():
        name, _, value = line.partition(",")
        if name.strip().strip('"').upper() == key.upper():
            return value.strip().strip('"')
    return None


def _expand(value: str, env: Mapping[str, str]) -> str:
    return re.sub(r"%([^%]+)%", lambda match: env.get(match[1], match[0]), value)


def check_conf(system: WindowsSystem) -> Check:
    conf = Path(system.env["USERPROFILE"]) / ".xlwings" / "xlwings.conf"
    text = conf.read_text(encoding=system.encoding, errors="replace") if conf.is_file() else ""
    value = conf_value(text, "INTERPRETER_WIN")
    if value is None:
        missing = f"{conf} 中没有 INTERPRETER_WIN" if text else f"未找到 {conf} 或它是空的"
        return Check(FAIL, missing, "重新运行 install.bat 写入解释器路径。")
    interpreter = _expand(value, system.env)
    redo = f"删除 {conf} 中 INTERPRETER_WIN 这一行后重新运行 install.bat。"
    if not Path(interpreter).is_file():
        return Check(FAIL, f"INTERPRETER_WIN 指向的 {interpreter} 不存在", redo)
    if not interpreter.isascii():
        return Check(FAIL, f"INTERPRETER_WIN 路径含中文等非英文字符：{interpreter}", redo)
    return Check(OK, interpreter)


def excel_registration(registry: Registry) -> tuple[str, str]:
    """(CLSID of Excel.Application, the command COM starts it with); empty strings when not registered."""
    clsid = str(registry.value(r"HKCR\Excel.Application\CLSID") or "")
    if not clsid:
        return "", ""
    for view in ("CLSID", r"WOW6432Node\CLSID"):  # 32-bit Office on 64-bit Windows registers in the second
        command = registry.value(rf"HKCR\{view}\{clsid}\LocalServer32")
        if command:
            return clsid, str(command)
    return clsid, ""


def is_wps(command: str) -> bool:
    lowered = command.lower()
    return "wps" in lowered or "kingsoft" in lowered or PureWindowsPath(_program(command)).name.lower() == "et.exe"


def _program(command: str) -> str:
    """The program of a command line such as ``"C:\\…\\EXCEL.EXE" /automation``."""
    if command.startswith('"'):
        return command[1:].partition('"')[0]
    return command.partition(" /")[0].strip()


def check_excel_registration(system: WindowsSystem) -> Check:
    clsid, command = excel_registration(system.registry)
    if not clsid:
        return Check(FAIL, "Excel.Application 未注册（未安装桌面版 Excel）",
                     "安装 Microsoft Excel 桌面版（2010 及以上）；只用 WPS 或 LibreOffice 时请用命令行 pe-eval score/check/report。")
    if is_wps(command):
        return Check(FAIL, f"Excel.Application 被 WPS 接管：{command}", WPS_FIX)
    return Check(OK, f"Excel.Application → {command or clsid}")


def check_store_office(system: WindowsSystem) -> Check:
    _, command = excel_registration(system.registry)
    store = [command] if "\\windowsapps\\" in command.lower() else []
    store += [name for name in system.registry.subkeys(APPX_PACKAGES)
              if name.lower().startswith("microsoft.office.desktop")]
    if store:
        return Check(FAIL, f"Microsoft Store 版 Office（{store[0]}）", STORE_FIX)
    return Check(OK, "不是应用商店版 Office")


def office_versions(registry: Registry) -> list[str]:
    found = {name for key in (USER_OFFICE, *POLICY_OFFICE) for name in registry.subkeys(key)
             if re.fullmatch(r"\d+\.\d", name)}
    return sorted(found, key=lambda version: float(version))


def check_vba_access(system: WindowsSystem) -> Check:
    registry, versions = system.registry, office_versions(system.registry)
    policies = [f"{key}\\{version}\\Excel\\Security" for version in versions for key in POLICY_OFFICE]
    forbidden = [key for key in policies if registry.value(key, "AccessVBOM") == 0]
    if forbidden:
        return Check(FAIL, f"组织策略禁止“信任对 VBA 项目对象模型的访问”（{forbidden[0]}）",
                     "请 IT 管理员允许此项后重新运行 install.bat（安装程序只在生成工作簿时临时打开它，完成后恢复）。")
    user = [v for v in versions if registry.value(rf"{USER_OFFICE}\{v}\Excel\Security", "AccessVBOM") == 1]
    if user:
        return Check(WARN, f"已勾选（Office {user[0]}）",
                     "使用本工具不需要此项，如非有意开启，可在 Excel“文件 → 选项 → 信任中心 → 信任中心设置 → 宏设置”中取消勾选。")
    return Check(OK, "未勾选（安装程序只在生成工作簿时临时允许，完成后恢复）")


def asr_actions(registry: Registry) -> set[str]:
    """The actions configured for ASR_OFFICE_CHILD (1 block, 2 audit, 6 warn) wherever Windows keeps them."""
    found = {str(registry.value(key, ASR_OFFICE_CHILD)).strip() for key in ASR_RULE_KEYS}
    for part in str(registry.value(*ASR_MDM) or "").split("|"):
        rule, _, action = part.partition("=")
        if rule.strip().lower() == ASR_OFFICE_CHILD:
            found.add(action.strip())
    return found


def check_asr(system: WindowsSystem) -> Check:
    actions, rule = asr_actions(system.registry), "“阻止所有 Office 应用程序创建子进程”"
    pythonw = setup.venv_python(system.home, windowed=True)
    if ASR_BLOCK in actions:
        return Check(FAIL, f"已启用{rule}（阻止），Excel 无法启动 Python",
                     f"请 IT 管理员把此规则改为“审核”，或为 {pythonw} 添加攻击面减少规则排除项。")
    if ASR_WARN in actions:
        return Check(WARN, f"已启用{rule}（警告）",
                     f"Windows 安全中心提示时选择“允许”，或请 IT 管理员为 {pythonw} 添加排除项。")
    return Check(OK, f"未发现启用{rule}")


def check_workbooks(system: WindowsSystem) -> Check:
    folder = system.documents() / setup.DOCS_FOLDER
    missing = [name for name in INSTALLED_NAMES.values() if not (folder / name).is_file()]
    if missing:
        return Check(FAIL, f"{folder} 中缺少：{'、'.join(missing)}", "重新运行 install.bat 生成工作簿（已有的同名文件不会被覆盖）。")
    return Check(OK, f"{folder}（{len(INSTALLED_NAMES)} 个）")


def calculate_sample(excel: Any, addin: Path, workbook: Path) -> tuple[object, object]:
    """Open ``workbook`` read-only in ``excel`` (hidden), recalculate everything; (总分, 等级); never saved."""
    from ..workbook import summary

    try:
        excel.Visible = False
        excel.DisplayAlerts = False
        excel.Workbooks.Open(str(addin))  # Excel started by automation does not load XLSTART add-ins
        book = excel.Workbooks.Open(str(workbook), ReadOnly=True)
        try:
            excel.CalculateFullRebuild()
            value = book.Names
            return value(summary.NAME_TOTAL).RefersToRange.Value, value(summary.NAME_GRADE).RefersToRange.Value
        finally:
            book.Close(SaveChanges=False)
    finally:
        excel.Quit()


def _shown(value: object) -> str:
    return XL_ERRORS.get(value, str(value)) if isinstance(value, int) else str(value)


def _is_sample_total(value: object) -> bool:
    try:
        return isinstance(value, (int, float)) and round2(Decimal(str(value))) == SAMPLE_TOTAL
    except InvalidOperation:  # inf or nan
        return False


def check_excel_sample(system: WindowsSystem) -> Check:
    workbook = system.home / "workbooks" / INSTALLED_NAMES[sample_name()]
    if not workbook.is_file():
        return Check(FAIL, f"未找到安装时生成的示例 {workbook}", "重新运行 install.bat 生成工作簿。")
    total, grade = calculate_sample(system.excel(), _addin(system), workbook)
    shown = f"总分 {_shown(total)}，等级 {_shown(grade)}"
    if _is_sample_total(total) and grade == SAMPLE_GRADE:
        return Check(OK, shown)
    return Check(FAIL, f"{shown}，应为 {SAMPLE_TOTAL}（{SAMPLE_GRADE}）", EXCEL_FIX)


WINDOWS_CHECKS: tuple[tuple[str, Callable[[WindowsSystem], Check]], ...] = (
    ("运行环境", check_environments),
    ("Excel 运行环境中的 xlwings", check_xlwings),
    ("xlwings DLL", check_dlls),
    ("报告运行环境", check_report_environment),
    ("Excel 加载项", check_addin),
    ("xlwings.conf 解释器路径", check_conf),
    ("Excel 自动化（COM）注册", check_excel_registration),
    ("Office 安装方式", check_store_office),
    ("信任对 VBA 项目对象模型的访问", check_vba_access),
    ("Windows Defender 攻击面减少规则", check_asr),
    ("文档中的工作簿", check_workbooks),
)


# ───────────── running the steps ─────────────

def check_calc(run_probe: bool) -> Check:
    """Live cells in LibreOffice Calc (``pe-eval calc``): what is installed, and with ``--calc`` a test formula."""
    from ..calc.command import doctor_check

    return Check(*doctor_check(run_probe=run_probe))


def all_steps(system: WindowsSystem | None, excel: bool, calc: bool = False) -> list[Step]:
    steps = [Step("Python 版本", check_python), Step("pe-eval 程序包", check_package),
             Step("可选组件", partial(check_extras, system)), Step("生成 PDF", partial(check_pdf, system)),
             Step("中文字体（报告图表）", check_fonts), Step("规则集", check_rulesets), Step("示例计分", check_sample),
             Step("LibreOffice 实时计算", partial(check_calc, calc))]
    if system is not None:
        steps += [Step(title, partial(check, system)) for title, check in WINDOWS_CHECKS]
        if excel:
            steps.append(Step("在 Excel 中计算示例", partial(check_excel_sample, system)))
    return steps


def _one_line(text: str) -> str:
    return " ".join(text.split())


def run_step(step: Step) -> Check:
    try:
        return step.check()
    except Exception as exc:  # noqa: BLE001 - a failing check is a finding to report, never a traceback
        return Check(FAIL, f"检查时出错（{type(exc).__name__}：{_one_line(str(exc))[:300]}）", SUPPORT)


def step_lines(title: str, check: Check) -> list[str]:
    return [f"{check.status} {title}：{check.detail}", *([f"    处理：{check.fix}"] if check.fix else [])]


def summary_line(checks: list[Check]) -> str:
    counts = Counter(check.status for check in checks)
    absent = f"，{counts[ABSENT]}项可选部分未安装" if counts[ABSENT] else ""
    return f"诊断结果：{counts[OK]}项通过，{counts[WARN]}项提醒，{counts[FAIL]}项未通过{absent}。"


def header_lines() -> list[str]:
    return ["pe-eval 诊断信息", f"时间：{datetime.datetime.now():%Y-%m-%d %H:%M:%S}", f"系统：{platform.platform()}",
            f"Python：{_one_line(sys.version)}（{sys.executable}）", f"当前目录：{Path.cwd()}", ""]


def write_report(out: Path, lines: list[str]) -> str:
    """Write the diagnostics file beside nothing it could replace; the sentence telling where (or why not)."""
    try:
        written = write_text_new(available_path(out), "\n".join(lines) + "\n")
    except (OSError, ValueError) as exc:  # WriteError is an OSError too
        return f"未能写入诊断文件：{exc}"
    return f"诊断信息已写入：{written}（可发给技术支持）"


def run_doctor(system: WindowsSystem | None, out: Path | None = None, excel: bool = False,
               say: Callable[[str], object] = print, calc: bool = False) -> int:
    """Run every step, printing each as it finishes; write the diagnostics file; 0 if nothing failed, else 1."""
    if excel and system is None:
        raise UserError("--excel 只能在 Windows 上使用（需要 Microsoft Excel）")
    lines, checks = header_lines(), []
    for step in all_steps(system, excel, calc):
        checks.append(run_step(step))
        for line in step_lines(step.title, checks[-1]):
            say(line)
            lines.append(line)
    summary = summary_line(checks)
    say(summary)
    say(write_report(out or Path.cwd() / DEFAULT_OUT, [*lines, "", summary]))
    return 1 if any(check.status == FAIL for check in checks) else 0

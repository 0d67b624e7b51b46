"""Windows set-up behind ``install.bat`` and ``uninstall.bat``.

Phase ``bootstrap`` runs on the user's own Python with the standard library only (this
file is run as a script from the unpacked folder): it picks an ASCII-only home, creates
the virtual environment and installs the package into it — offline from ``wheels\\`` when
that folder holds wheels — then hands over to phase ``configure`` inside the venv.
Phase ``configure`` (pywin32 comes with xlwings): installs the xlwings add-in, writes the
user's xlwings.conf, lets Excel itself build the macro-enabled workbooks from the
templates and the ``.bas`` modules, removes Mark-of-the-Web and copies them to Documents.
Every step is idempotent; nothing the user made is overwritten or deleted.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

APP = "pe-eval"
SUPPORTED_PYTHON = ((3, 10), (3, 13))  # also listed in tools/find_python.cmd
DOCS_FOLDER = "绩效评价工具"
XL_MACRO_ENABLED = 52  # xlOpenXMLWorkbookMacroEnabled
XL_SHEET_VERY_HIDDEN = 2
# Phase 1 runs this file as a script with the system Python, before xladdin is installed: the
# facts it shares with the package (UDF module, button, template names) are imported in phase 2 only.


def builds() -> list[tuple[str, str]]:
    """(template in workbook_templates/, name of the .xlsm Excel builds from it)."""
    from xladdin.workbook.build_templates import INSTALLED_NAMES

    return list(INSTALLED_NAMES.items())


def say(text: str) -> None:
    """Chinese progress line; never fails on a console that cannot show it."""
    try:
        print(text, flush=True)
    except UnicodeEncodeError:
        print(text.encode("ascii", "replace").decode(), flush=True)


# ───────────── phase 1: bootstrap (standard library only) ─────────────

def home_dir(env: Mapping[str, str]) -> tuple[Path, str]:
    """Install home and the same path written with an environment variable (for xlwings.conf).

    ``%LOCALAPPDATA%\\pe-eval`` when that path is ASCII; otherwise (Chinese user names)
    ``%SystemDrive%\\pe-eval``, because the Python COM server fails on non-ASCII paths.
    """
    local = env.get("LOCALAPPDATA", "")
    if local and local.isascii():
        return Path(local) / APP, rf"%LOCALAPPDATA%\{APP}"
    drive = env.get("SystemDrive", "C:")
    return Path(drive + "\\") / APP, rf"%SystemDrive%\{APP}"


# Two environments: Excel's (UDF server and button) stays light because xlwings imports
# matplotlib/numpy whenever they are installed; the report renderer gets the charts.
ENVIRONMENTS = {"venv": "excel", "venv-report": "charts"}


def venv_python(home: Path, windowed: bool = False, env_name: str = "venv") -> Path:
    return home / env_name / "Scripts" / ("pythonw.exe" if windowed else "python.exe")


def pip_command(python: Path, source: Path, extra: str) -> list[str]:
    """pip install of this package with an extra, offline when ``wheels\\`` has wheels."""
    command = [str(python), "-m", "pip", "install", "--disable-pip-version-check", "--upgrade"]
    wheels = source / "wheels"
    if wheels.is_dir() and any(wheels.glob("*.whl")):
        command += ["--no-index", "--find-links", str(wheels)]
    return command + [f"{source}[{extra}]"]


def bootstrap(source: Path, env: Mapping[str, str], run: Callable[..., object] = subprocess.run) -> int:
    if not SUPPORTED_PYTHON[0] <= tuple(sys.version_info[:2]) <= SUPPORTED_PYTHON[1]:
        say(f"需要 Python 3.10–3.13，当前为 {sys.version.split()[0]}。请从 python.org 安装 64 位 Python 3.12。")
        return 1
    home, _ = home_dir(env)
    for env_name, extra in ENVIRONMENTS.items():
        python = venv_python(home, env_name=env_name)
        if python.exists():
            say(f"已有运行环境：{python.parents[1]}")
        else:
            say(f"创建运行环境：{python.parents[1]}")
            run([sys.executable, "-m", "venv", str(python.parents[1])], check=True)
        say("安装程序包（首次可能需要几分钟）…")
        run(pip_command(python, source, extra), check=True)
    run([str(venv_python(home)), "-m", "xladdin.excel.windows_setup", "configure", "--source", str(source)], check=True)
    return 0


# ───────────── phase 2: configure (inside the venv, Windows) ─────────────

def merge_conf(text: str, settings: Mapping[str, str], keep_existing: bool = True) -> str:
    """xlwings.conf lines ``"KEY","value"``: add ours; by default keep a key the user already set."""
    lines, seen = [], set()
    for line in text.splitlines():
        key = line.split(",", 1)[0].strip().strip('"').upper()
        if key in settings and not keep_existing:
            continue
        seen.add(key)
        lines.append(line)
    lines += [f'"{key}","{value}"' for key, value in settings.items() if key not in seen]
    return "\n".join(lines) + "\n"


def write_user_conf(path: Path, settings: Mapping[str, str], encoding: str) -> bool:
    """Merge into ``%USERPROFILE%\\.xlwings\\xlwings.conf`` in the ANSI code page VBA reads; True if changed."""
    old = path.read_text(encoding=encoding) if path.exists() else ""
    new = merge_conf(old, settings)
    if new == old:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_suffix(".tmp")
    temp.write_text(new, encoding=encoding, newline="\r\n")
    os.replace(temp, path)
    return True


def workbook_conf(home_expr: str) -> dict[str, str]:
    """Settings for the workbook's hidden xlwings.conf sheet (environment variables are expanded by xlwings)."""
    from xladdin import UDF_MODULE

    return {"UDF Modules": UDF_MODULE, "Interpreter_Win": home_expr + r"\venv\Scripts\pythonw.exe"}


class Registry:
    """The few registry operations set-up needs (HKEY_CURRENT_USER only)."""

    def get(self, key: str, name: str) -> int | None:
        import winreg

        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, key) as handle:
                return winreg.QueryValueEx(handle, name)[0]
        except FileNotFoundError:
            return None

    def set(self, key: str, name: str, value: int) -> None:
        import winreg

        with winreg.CreateKey(winreg.HKEY_CURRENT_USER, key) as handle:
            winreg.SetValueEx(handle, name, 0, winreg.REG_DWORD, value)

    def delete(self, key: str, name: str) -> None:
        import winreg

        with contextlib.suppress(FileNotFoundError), winreg.OpenKey(winreg.HKEY_CURRENT_USER, key, 0, winreg.KEY_SET_VALUE) as handle:
            winreg.DeleteValue(handle, name)


@contextlib.contextmanager
def vba_project_access(registry: Registry, office_version: str) -> Iterator[None]:
    """Trust access to the VBA project object model only while the workbooks are built, then restore."""
    key = rf"Software\Microsoft\Office\{office_version}\Excel\Security"
    before = registry.get(key, "AccessVBOM")
    registry.set(key, "AccessVBOM", 1)
    try:
        yield
    finally:
        if before is None:
            registry.delete(key, "AccessVBOM")
        else:
            registry.set(key, "AccessVBOM", before)


def build_workbook(excel, template: Path, target: Path, modules: list[Path], addin: Path, conf: Mapping[str, str],
                   descriptions: Mapping[str, tuple[str, list[str]]]) -> None:
    """Excel opens the .xlsx template, imports the VBA, adds the button and saves as .xlsm."""
    book = excel.Workbooks.Open(str(template))
    try:
        project = book.VBProject
        if not any(ref.Name == "xlwings" for ref in project.References):
            project.References.AddFromFile(str(addin))
        for module in modules:
            project.VBComponents.Import(str(module))
        sheet = book.Worksheets.Add(After=book.Worksheets(book.Worksheets.Count))
        sheet.Name = "xlwings.conf"
        for row, (key, value) in enumerate(conf.items(), start=1):
            sheet.Cells(row, 1).Value = key
            sheet.Cells(row, 2).Value = value
        sheet.Visible = XL_SHEET_VERY_HIDDEN
        from xladdin import BUTTONS, IMPORT_BUTTONS
        from xladdin.workbook import BUTTON_PLACES, SHEET_BUTTON_CELLS

        names = {book.Worksheets(i).Name for i in range(1, book.Worksheets.Count + 1)}
        main_sheet, cells = next((name, cells) for name, cells in BUTTON_PLACES if name in names)
        placed = [(main_sheet, sub, caption, cell) for (sub, _, caption), cell in zip(BUTTONS, cells)]
        placed += [(data_sheet, sub, caption, SHEET_BUTTON_CELLS[data_sheet])
                   for sub, _, caption, data_sheet in IMPORT_BUTTONS if data_sheet in names]
        for sheet_name, sub, caption, cell in placed:
            _add_button(book.Worksheets(sheet_name), sub, caption, cell)
        for name, (text, args) in descriptions.items():
            excel.MacroOptions(Macro=f"'{book.Name}'!{name}", Description=text[:255], Category="绩效评价",
                               ArgumentDescriptions=[a[:255] for a in args])
        book.Worksheets(1).Activate()  # open on 说明, not on the sheet added last
        excel.CalculateFullRebuild()  # re-parse PE_ formulas against the imported wrappers; fills cached values
        if target.exists():
            target.unlink()
        book.SaveAs(str(target), FileFormat=XL_MACRO_ENABLED)
    finally:
        book.Close(SaveChanges=False)


def unblock(path: Path) -> None:
    """Remove Mark-of-the-Web (the Zone.Identifier stream) so Excel does not block the macros."""
    with contextlib.suppress(OSError):
        os.remove(f"{path}:Zone.Identifier")


def copy_new(files: list[Path], folder: Path) -> list[tuple[Path, bool]]:
    """Copy each file into ``folder`` unless a file of that name is already there (the user's work)."""
    folder.mkdir(parents=True, exist_ok=True)
    done = []
    for file in files:
        target = folder / file.name
        fresh = not target.exists()
        if fresh:
            shutil.copy2(file, target)
            unblock(target)
        done.append((target, fresh))
    return done


def documents_dir() -> Path:
    """The user's Documents folder (follows OneDrive/folder redirection)."""
    import ctypes
    from ctypes import wintypes

    buffer = ctypes.create_unicode_buffer(wintypes.MAX_PATH)
    ctypes.windll.shell32.SHGetFolderPathW(None, 5, None, 0, buffer)  # CSIDL_PERSONAL
    return Path(buffer.value or Path.home() / "Documents")


def udf_descriptions() -> dict[str, tuple[str, list[str]]]:
    """Function-wizard texts from the UDF module's xlwings metadata."""
    from xladdin.excel import udfs

    found = {}
    for name in dir(udfs):
        info = getattr(getattr(udfs, name), "__xlfunc__", None)
        if info:
            found[info["name"]] = (info["ret"]["doc"], [a["doc"] for a in info["args"] if not a["vba"]])
    return found


def configure(source: Path, env: Mapping[str, str], excel_factory: Callable[[], object], registry: Registry,
              run: Callable[..., object] = subprocess.run, documents: Callable[[], Path] = documents_dir,
              encoding: str | None = None) -> int:
    home, home_expr = home_dir(env)
    say("安装 xlwings Excel 加载项…")
    run([str(venv_python(home).with_name("xlwings.exe")), "addin", "install"], check=True)
    conf_file = Path(env["USERPROFILE"]) / ".xlwings" / "xlwings.conf"
    if encoding is None:
        import locale

        encoding = locale.getpreferredencoding(False)  # the ANSI code page VBA's Open … For Input reads (3.10+)
    changed = write_user_conf(conf_file, {"INTERPRETER_WIN": str(venv_python(home, windowed=True))}, encoding)
    say(f"xlwings 配置：{conf_file}（{'已更新' if changed else '无需更改'}）")
    modules = sorted(Path(__file__).with_name("vba").glob("*.bas"))
    addin = Path(env["APPDATA"]) / "Microsoft" / "Excel" / "XLSTART" / "xlwings.xlam"
    built_dir = home / "workbooks"
    built_dir.mkdir(parents=True, exist_ok=True)
    excel = excel_factory()
    try:
        excel.Visible = False
        excel.DisplayAlerts = False
        excel.Workbooks.Open(str(addin))  # Excel started by automation does not load XLSTART add-ins
        with vba_project_access(registry, excel.Version):
            for template, name in builds():
                build_workbook(excel, source / "workbook_templates" / template, built_dir / name, modules, addin,
                               workbook_conf(home_expr), udf_descriptions())
                say(f"已生成：{name}")
    finally:
        excel.Quit()
    for target, fresh in copy_new([built_dir / name for _, name in builds()], documents() / DOCS_FOLDER):
        say(f"{'已复制到' if fresh else '已存在，未覆盖'}：{target}")
    say("安装完成。打开「文档\\绩效评价工具」中的工作簿，启用宏后即可使用。")
    return 0


def uninstall(env: Mapping[str, str], run: Callable[..., object] = subprocess.run) -> int:
    home, _ = home_dir(env)
    xlwings_exe = venv_python(home).with_name("xlwings.exe")
    if xlwings_exe.exists():
        run([str(xlwings_exe), "addin", "remove"], check=False)
    shutil.rmtree(home, ignore_errors=True)
    say(f"已卸载运行环境和加载项。您的工作簿仍保留在「文档\\{DOCS_FOLDER}」中，未删除。")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="windows_setup")
    parser.add_argument("phase", choices=("bootstrap", "configure", "uninstall"))
    parser.add_argument("--source", type=Path, default=Path(__file__).resolve().parents[2])
    args = parser.parse_args(argv)
    env = dict(os.environ)
    if args.phase == "bootstrap":
        return bootstrap(args.source.resolve(), env)
    if args.phase == "uninstall":
        return uninstall(env)
    from win32com.client import DispatchEx

    return configure(args.source.resolve(), env, lambda: DispatchEx("Excel.Application"), Registry())


if __name__ == "__main__":
    sys.exit(main())


def _add_button(sheet, sub: str, caption: str, cell: str) -> None:  # sheet: an Excel Worksheet (COM)
    """A form button running ``sub``, at ``cell``; the sheet's protection is lifted for it and restored."""
    protected = sheet.ProtectContents
    if protected:
        sheet.Unprotect()
    anchor = sheet.Range(cell)
    button = sheet.Buttons().Add(anchor.Left, anchor.Top, 150, 36)
    button.OnAction = sub
    button.Caption = caption
    if protected:  # as xladdin.workbook.style.protect: no password, column/row formatting allowed
        sheet.Protect(DrawingObjects=False, Contents=True, Scenarios=False,
                      AllowFormattingColumns=True, AllowFormattingRows=True)

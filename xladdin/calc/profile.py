"""Where LibreOffice and the user's profile are, and the Basic module in the profile's *Standard* library.

A profile is the folder LibreOffice is started with as ``-env:UserInstallation`` (it holds ``user/``):
``~/.config/libreoffice/4`` on Linux, ``%APPDATA%\\LibreOffice\\4`` on Windows,
``~/Library/Application Support/LibreOffice/4`` on macOS. *My Macros › Standard* is
``user/basic/Standard``: ``script.xlb`` lists the modules, one ``<module>.xba`` holds each module's code.
Installing adds our module there (or replaces it) and touches no other module; uninstalling removes it.

Windows and macOS paths follow LibreOffice's documented defaults; they are unverified here (no such
machine): ``PE_SOFFICE`` names soffice explicitly, ``--profile`` the profile.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from scoring import UserError

from . import BASIC_MODULE

PYTHON_CHECK_TIMEOUT = 30
LIBRARY_FILE = "script.xlb"
_ELEMENT = re.compile(r'[ \t]*<library:element library:name="([^"]+)"\s*/>[ \t]*\n?')
_ELEMENT_NAMES = re.compile(r'<library:element library:name="([^"]+)"')
_VERSION_LINE = re.compile(r"\bREM pe-eval version (\S+)$", re.M)
XBA_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">\n'
            '<script:module xmlns:script="http://openoffice.org/2000/script" script:name="{name}" '
            'script:language="StarBasic">')
XBA_TAIL = "</script:module>\n"


class CalcError(UserError):
    """A Chinese message for the user: LibreOffice or its profile is not as needed."""


@dataclass(frozen=True)
class LibreOffice:
    """An installed LibreOffice: its ``program`` folder's soffice and unopkg, and a Python that has ``uno``."""

    soffice: Path
    unopkg: Path | None
    python: Path | None


def _first_file(candidates: list[Path]) -> Path | None:
    return next((path for path in candidates if path.is_file()), None)


def program_dirs(env: Mapping[str, str] = os.environ, platform: str = sys.platform) -> list[Path]:
    """Folders where soffice may be, most specific first."""
    found: list[Path] = []
    override = env.get("PE_SOFFICE")
    if override:
        which = shutil.which(override)
        return [Path(which or override).resolve().parent]
    for name in ("soffice", "libreoffice"):
        which = shutil.which(name, path=env.get("PATH"))
        if which:
            found.append(Path(which).resolve().parent)
    if platform == "win32":
        for root in (env.get("ProgramFiles"), env.get("ProgramW6432"), env.get("ProgramFiles(x86)")):
            if root:
                found.append(Path(root, "LibreOffice", "program"))
    elif platform == "darwin":
        found.append(Path("/Applications/LibreOffice.app/Contents/MacOS"))
    else:
        found += [Path("/usr/lib/libreoffice/program"), Path("/opt/libreoffice/program")]
    return list(dict.fromkeys(found))


def has_uno(python: Path) -> bool:
    try:
        done = subprocess.run([str(python), "-I", "-c", "import uno"], capture_output=True,
                              timeout=PYTHON_CHECK_TIMEOUT)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def find_libreoffice(env: Mapping[str, str] = os.environ, platform: str = sys.platform) -> LibreOffice | None:
    """The first LibreOffice found, or None. Its Python: the one in ``program/`` (LibreOffice's own builds,
    Windows, macOS), else the system ``python3`` when it can import ``uno`` (Debian's python3-uno)."""
    exe = ".exe" if platform == "win32" else ""
    for folder in program_dirs(env, platform):
        soffice = _first_file([folder / f"soffice{exe}", folder / "soffice.bin"])
        if soffice is None:
            continue
        unopkg = _first_file([folder / "unopkg.com", folder / "unopkg.exe"] if platform == "win32"
                             else [folder / "unopkg"])
        pythons = [folder / f"python{exe}", folder.parent / "Resources" / "python"]  # macOS keeps it in Resources
        if platform != "win32":
            pythons += [Path(p) for p in (shutil.which("python3", path=env.get("PATH")), "/usr/bin/python3") if p]
        python = next((p for p in dict.fromkeys(pythons) if p.is_file() and has_uno(p)), None)
        return LibreOffice(soffice, unopkg, python)
    return None


PYTHON_VARIABLES = ("VIRTUAL_ENV", "PYTHONHOME", "PYTHONPATH", "PYTHONSTARTUP", "PYTHONUSERBASE", "PYTHONSAFEPATH")


def office_environment(python: Path | None, env: Mapping[str, str] = os.environ) -> dict[str, str]:
    """The environment to start LibreOffice programs with, free of pe-eval's own Python.

    With a virtual environment's ``bin`` first on PATH (an activated venv, as when pe-eval runs from one),
    LibreOffice's embedded Python (Debian 12, LibreOffice 7.4) fails every Python component: each PE_ cell
    raises std::bad_alloc (tested; VIRTUAL_ENV alone, or pyenv's shims first, are harmless). It apparently takes
    the ``python3`` found on PATH, and with it the venv's pyvenv.cfg, as its own. So LibreOffice's Python goes
    first on PATH, and the variables that point Python elsewhere are dropped.
    """
    cleaned = {key: value for key, value in env.items() if key not in PYTHON_VARIABLES}
    if python is not None:
        cleaned["PATH"] = os.pathsep.join([str(python.parent), *(part for part in env.get("PATH", "").split(os.pathsep)
                                                                  if part and part != str(python.parent))])
    return cleaned


def default_profile(env: Mapping[str, str] = os.environ, platform: str = sys.platform) -> Path:
    """The profile LibreOffice uses when started normally by this user."""
    if platform == "win32":
        return Path(env.get("APPDATA") or Path.home() / "AppData" / "Roaming", "LibreOffice", "4")
    if platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "LibreOffice" / "4"
    config = env.get("XDG_CONFIG_HOME") or str(Path(env.get("HOME") or Path.home()) / ".config")
    return Path(config, "libreoffice", "4")


def profile_dir(given: str | os.PathLike[str] | None, env: Mapping[str, str] = os.environ) -> Path:
    """``--profile``: the folder holding ``user/`` (its ``user`` folder is accepted too), or the default."""
    if given is None:
        return default_profile(env).absolute()
    path = Path(given).expanduser().absolute()
    if path.name == "user" and (path / "registrymodifications.xcu").is_file():
        return path.parent
    return path


def profile_url(profile: Path) -> str:
    return profile.absolute().as_uri()


def lock_file(profile: Path) -> Path | None:
    """LibreOffice's lock of the profile while it runs (left behind if it crashed), or None."""
    return _first_file([profile / "user" / ".lock", profile / ".lock"])


def standard_dir(profile: Path) -> Path:
    return profile / "user" / "basic" / "Standard"


# ── the Basic module in Standard ──

def library_modules(xlb_text: str) -> list[str]:
    """The modules ``script.xlb`` lists, in order."""
    return _ELEMENT_NAMES.findall(xlb_text)


def with_module(xlb_text: str, name: str) -> str:
    """``script.xlb`` listing ``name`` (unchanged when it already does)."""
    if name in library_modules(xlb_text):
        return xlb_text
    if "</library:library>" not in xlb_text:
        if re.search(r"<library:library\b[^>]*/>", xlb_text):  # an empty library written as one tag
            return re.sub(r"<library:library\b([^>]*?)\s*/>",
                          lambda m: f'<library:library{m.group(1)}>\n <library:element library:name="{name}"/>\n'
                                    "</library:library>", xlb_text, count=1)
        raise CalcError("LibreOffice 的 Standard 宏库文件格式无法识别，未作改动")
    return xlb_text.replace("</library:library>", f' <library:element library:name="{name}"/>\n</library:library>', 1)


def without_module(xlb_text: str, name: str) -> str:
    return _ELEMENT.sub(lambda m: "" if m.group(1) == name else m.group(0), xlb_text)


def xba_text(name: str, code: str) -> str:
    return XBA_HEAD.format(name=name) + escape(code) + XBA_TAIL


def _owner_ids(path: Path) -> tuple[int, int] | None:
    """(uid, gid) to give new files in the profile when running as root for another user, else None."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return None
    stat = path.stat()
    return (stat.st_uid, stat.st_gid) if stat.st_uid != 0 else None


def _write(path: Path, text: str, owner: tuple[int, int] | None) -> None:
    """Replace ``path`` in one step (a temporary file beside it, then a rename)."""
    fd, temp = tempfile.mkstemp(prefix=".pe-eval-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        if path.exists():
            os.chmod(temp, path.stat().st_mode & 0o777)
        else:
            os.chmod(temp, 0o644)
        if owner is not None:
            os.chown(temp, *owner)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _library_text(profile: Path) -> str:
    xlb = standard_dir(profile) / LIBRARY_FILE
    if not xlb.is_file():
        raise CalcError(f"LibreOffice 配置中没有 Standard 宏库（{xlb}）：请先启动一次 LibreOffice 再安装")
    text = xlb.read_text(encoding="utf-8")
    if 'library:passwordprotected="true"' in text:
        raise CalcError("“我的宏”中的 Standard 宏库设有密码，无法加入 pe-eval 的函数：请在 LibreOffice 中取消该库的密码后重试")
    return text


def install_module(profile: Path, code: str, name: str = BASIC_MODULE) -> bool:
    """Put module ``name`` with ``code`` into the profile's Standard library; False when it was already so."""
    folder = standard_dir(profile)
    text = _library_text(profile)
    xba = folder / f"{name}.xba"
    wanted = xba_text(name, code)
    listed = with_module(text, name)
    if listed == text and xba.is_file() and xba.read_text(encoding="utf-8") == wanted:
        return False
    owner = _owner_ids(folder)
    _write(xba, wanted, owner)
    if listed != text:
        _write(folder / LIBRARY_FILE, listed, owner)
    return True


def remove_module(profile: Path, name: str = BASIC_MODULE) -> bool:
    """Take module ``name`` out of the profile's Standard library; False when it was not there."""
    folder = standard_dir(profile)
    xlb, xba = folder / LIBRARY_FILE, folder / f"{name}.xba"
    text = xlb.read_text(encoding="utf-8") if xlb.is_file() else ""
    listed = without_module(text, name)
    changed = xba.exists() or listed != text
    if listed != text:
        _write(xlb, listed, _owner_ids(folder))
    xba.unlink(missing_ok=True)
    return changed


def module_version(profile: Path, name: str = BASIC_MODULE) -> str | None:
    """The pe-eval version written in the installed module, "" if it has none, None if not installed."""
    folder = standard_dir(profile)
    xlb, xba = folder / LIBRARY_FILE, folder / f"{name}.xba"
    if not (xlb.is_file() and xba.is_file() and name in library_modules(xlb.read_text(encoding="utf-8"))):
        return None
    match = _VERSION_LINE.search(xba.read_text(encoding="utf-8"))
    return match.group(1) if match else ""

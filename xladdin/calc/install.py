"""``pe-eval calc install | uninstall``: the extension (``unopkg``) and the Basic module, and what unopkg lists.

- The extension goes into the profile with ``unopkg add`` (``--shared`` for every user of the computer:
  by choice, or when run as root for a profile that root owns, because unopkg refuses to run as root
  without it). Run as root for another user's profile (``sudo pe-eval calc install --profile ~alice/…``),
  unopkg runs as that user (``programs.as_owner``), so the profile's files stay theirs.
- The Basic module is written into the profile's *Standard* library (``profile``); it works with a shared
  or a per-user extension alike.

LibreOffice must not be running with the profile (it would write its own copy of the Standard library back
when it closes, and unopkg waits forever for it): both refuse, saying so.
"""
from __future__ import annotations

import os
import re
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from . import EXTENSION_ID, OXT_NAME, basic, extension, programs
from .profile import CalcError, LibreOffice, install_module, lock_file, profile_url, remove_module, standard_dir
from .programs import as_owner, has_pydantic2, output, python_version, require_python, run

UNOPKG_TIMEOUT = 300  # seconds; the first run of unopkg on a new profile builds it
PROFILE_TIMEOUT = 120


def package_version() -> str:
    try:
        return metadata.version("pe-eval")
    except metadata.PackageNotFoundError:
        return "0.0.0"


def _check_not_running(profile: Path) -> None:
    lock = lock_file(profile)
    if lock is not None:
        raise CalcError(f"LibreOffice 正在使用该配置（{profile}）：请先关闭 LibreOffice 再运行；"
                        f"如确认 LibreOffice 未在运行（上次异常退出），删除 {lock} 后重试")


def needs_shared(profile: Path, shared: bool) -> bool:
    """--shared asked for, or root on a profile root owns (unopkg refuses a per-user install as root)."""
    return shared or (hasattr(os, "geteuid") and os.geteuid() == 0 and not as_owner(profile))


def ensure_profile(office: LibreOffice, profile: Path) -> None:
    """A profile that LibreOffice has never started with gets its folders (Standard library included)."""
    if (standard_dir(profile) / "script.xlb").is_file():
        return
    profile.mkdir(parents=True, exist_ok=True)
    run([str(office.soffice), "--headless", "--terminate_after_init", f"-env:UserInstallation={profile_url(profile)}"],
         PROFILE_TIMEOUT, **as_owner(profile))
    if not (standard_dir(profile) / "script.xlb").is_file():
        raise CalcError(f"未能建立 LibreOffice 配置 {profile}：请先启动一次 LibreOffice 再安装")


def _unopkg(office: LibreOffice, profile: Path, shared: bool, *args: str) -> subprocess.CompletedProcess[str]:
    if office.unopkg is None:
        raise CalcError(f"在 {office.soffice.parent} 中找不到 unopkg（LibreOffice 的扩展管理程序）")
    command = [str(office.unopkg), *args, *(["--shared"] if shared else []),
               f"-env:UserInstallation={profile_url(profile)}"]
    return run(command, UNOPKG_TIMEOUT, **({} if shared else as_owner(profile)))


def target_of(office: LibreOffice) -> extension.Target:
    python = require_python(office)
    return extension.Target(python_version(python), has_pydantic2(python))


@dataclass(frozen=True)
class Installed:
    """What ``unopkg list`` says about the pe-eval extension in one place (user or shared)."""

    where: str  # 本用户 / 所有用户
    version: str | None  # None: not installed
    problem: str = ""


_IDENTIFIER = re.compile(r"Identifier:\s*(\S+)")
_VERSION = re.compile(r"Version:\s*(\S+)")


def listed_version(text: str, identifier: str = EXTENSION_ID) -> str | None:
    """The version ``unopkg list`` shows for ``identifier``, or None."""
    for block in re.split(r"\n\s*\n", text):
        found = _IDENTIFIER.search(block)
        if found and found.group(1) == identifier:
            version = _VERSION.search(block)
            return version.group(1) if version else ""
    return None


def installed_extension(office: LibreOffice, profile: Path, shared: bool) -> Installed:
    where = "所有用户" if shared else "本用户"
    if not shared and not profile.exists():
        return Installed(where, None)
    done = _unopkg(office, profile, shared, "list")
    if done.returncode != 0:
        return Installed(where, None, f"unopkg list 失败：{output(done)}")
    return Installed(where, listed_version(done.stdout))


def install(profile: Path, shared: bool = False, say: Callable[[str], object] = print) -> None:
    office = programs.require_libreoffice()
    _check_not_running(profile)
    target = target_of(office)
    ensure_profile(office, profile)
    shared = needs_shared(profile, shared)
    version = package_version()
    with tempfile.TemporaryDirectory(prefix="pe-calc-") as temp:
        oxt = extension.build(Path(temp) / OXT_NAME, version, target)
        os.chmod(temp, 0o755)  # unopkg may run as the profile's owner
        os.chmod(oxt, 0o644)
        done = _unopkg(office, profile, shared, "add", "--force", "--suppress-license", str(oxt))
        if done.returncode != 0:
            raise CalcError(f"安装扩展失败（unopkg add）：{output(done)}")
    where = "所有用户" if shared else "本用户"
    say(f"✓ 扩展 {OXT_NAME} {version} 已安装（{where}）")
    changed = install_module(profile, basic.module_text(version))
    say(f"✓ Basic 模块已{'写入' if changed else '是最新的，未改动'}：我的宏 › Standard › {basic.BASIC_MODULE}（{profile}）")
    if target.has_pydantic2:
        say("  LibreOffice 的 Python 已有 pydantic 2，扩展未另带 pydantic")
    say("请重新打开 LibreOffice，用 .xlsx 工作簿（不要用 .xlsm）；pe-eval calc status 可检查安装。")


def uninstall(profile: Path, shared: bool = False, say: Callable[[str], object] = print) -> None:
    office = programs.require_libreoffice()
    _check_not_running(profile)
    shared = needs_shared(profile, shared)
    if installed_extension(office, profile, shared).version is not None:
        done = _unopkg(office, profile, shared, "remove", EXTENSION_ID)
        if done.returncode != 0:
            raise CalcError(f"卸载扩展失败（unopkg remove）：{output(done)}")
        say(f"✓ 扩展已卸载（{'所有用户' if shared else '本用户'}）")
    else:
        say(f"- 扩展未安装（{'所有用户' if shared else '本用户'}）")
    removed = profile.exists() and remove_module(profile)
    say(f"✓ Basic 模块 {basic.BASIC_MODULE} 已删除" if removed else f"- Basic 模块 {basic.BASIC_MODULE} 未安装")



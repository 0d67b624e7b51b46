"""``pe-eval calc status``: what is installed, and whether a test formula computes in a headless LibreOffice.

Reads the profile only: unopkg and the test run work on a copy (``copy_profile``), since LibreOffice may be
running with the profile, and unopkg then waits forever (tested).
"""
from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from . import basic, programs
from .install import Installed, installed_extension, needs_shared, package_version
from .profile import CalcError, LibreOffice, module_version
from .programs import NO_LIBREOFFICE, NO_UNO_PYTHON, as_owner, session

PROBE_FORMULA = '=PE_GRADE(95;"xundian-2024")'
PROBE_VALUE = "优"
SKIPPED_IN_COPY = {".lock", "backup", "temp", "crash"}


def _ignored(folder: str, names: list[str]) -> set[str]:
    """What the copy of a profile leaves out: LibreOffice's lock, backups, temporary and crash files."""
    return {name for name in names if name in SKIPPED_IN_COPY}


def copy_profile(profile: Path, folder: Path) -> Path | None:
    """``profile``'s user folder copied into ``folder``/profile (None when it has none), owned like the original.

    ``status`` works on the copy only: unopkg waits forever on a profile that a running LibreOffice uses
    (tested), and a test run of LibreOffice must not change the user's own settings."""
    if not (profile / "user").is_dir():
        return None
    copy = folder / "profile"
    shutil.copytree(profile / "user", copy / "user", ignore=_ignored, symlinks=True)
    folder.chmod(0o755)  # the profile's owner, when root works on another user's profile, must reach it
    owner = as_owner(profile)
    if owner:
        for path in (copy, *copy.rglob("*")):
            os.chown(path, owner["user"], owner["group"], follow_symlinks=False)
    return copy


@dataclass(frozen=True)
class Probe:
    """The test formula in a headless LibreOffice: what it showed and how long the first call took."""

    about: str | None  # the component's about(), None when LibreOffice could not create it
    value: object
    seconds: float


def probe(office: LibreOffice, profile: Path) -> Probe:
    """Run the test formula in a headless LibreOffice on ``profile`` (give it a copy: see ``copy_profile``)."""
    with session(office, profile) as run:
        doc = run("new")
        started = time.perf_counter()
        run("set", doc=doc, cell="Sheet1!A1", value=PROBE_FORMULA, formula=True)
        value = run("cells", doc=doc, cells=["Sheet1!A1"])["Sheet1!A1"]
        seconds = time.perf_counter() - started
        run("set", doc=doc, cell="Sheet1!A2", value=f"={basic.ABOUT}()", formula=True)
        about = run("cells", doc=doc, cells=["Sheet1!A2"])["Sheet1!A2"]
        run("close", doc=doc)
    return Probe(str(about) if about is not None else None, value, seconds)


# ── status ──

@dataclass(frozen=True)
class Line:
    status: str  # ✓ ! ✗
    text: str
    fix: str = ""


EXTENSION_MISSING = "pe-eval 扩展未安装"
MODULE_MISSING = "Basic 模块未安装"


def status(profile: Path, run_probe: bool = True) -> list[Line]:
    """What is installed and whether a test formula computes; one line per finding. Reads ``profile`` only
    (LibreOffice may be running with it): unopkg and the test run work on a copy."""
    office = programs.located()
    if office is None:
        return [Line("✗", "未找到 LibreOffice", NO_LIBREOFFICE)]
    lines = [Line("✓", f"LibreOffice：{office.soffice}")]
    if office.python is None:
        lines.append(Line("✗", "未找到能导入 uno 的 Python（LibreOffice 的 Python 组件未安装）", NO_UNO_PYTHON))
    else:
        lines.append(Line("✓", f"LibreOffice 的 Python：{office.python}"))
    version = package_version()
    with tempfile.TemporaryDirectory(prefix="pe-calc-status-") as temp:
        copy = copy_profile(profile, Path(temp))
        user = (installed_extension(office, copy, shared=False) if copy is not None and not needs_shared(profile, False)
                else Installed("本用户", None))  # root's own profile can only have shared extensions
        found = [user, installed_extension(office, Path(temp) / "shared", shared=True)]
        lines += _extension_lines(found, version)
        module = module_version(profile)
        if module is None:
            lines.append(Line("✗", f"{MODULE_MISSING}（{profile}）", "运行 pe-eval calc install"))
        else:
            same = module == version
            lines.append(Line("✓" if same else "!", f"Basic 模块 {basic.BASIC_MODULE} {module or '版本不明'}（{profile}）",
                              "" if same else "运行 pe-eval calc install 更新"))
        installed = any(item.version is not None for item in found)
        if run_probe and copy is not None and office.python is not None and installed and module is not None:
            lines.append(_probe_line(office, copy))
    return lines


def _extension_lines(found: list[Installed], version: str) -> list[Line]:
    lines = [Line("!", f"扩展（{item.where}）：{item.problem}") for item in found if item.problem]
    versions = [item for item in found if item.version is not None]
    if not versions:
        lines.append(Line("✗", EXTENSION_MISSING, "运行 pe-eval calc install"))
    for item in versions:
        same = item.version == version
        lines.append(Line("✓" if same else "!", f"pe-eval 扩展 {item.version}（{item.where}）",
                          "" if same else f"与 pe-eval {version} 不一致：运行 pe-eval calc install 更新"))
    return lines


def _probe_line(office: LibreOffice, profile: Path) -> Line:
    try:
        result = probe(office, profile)
    except CalcError as exc:
        return Line("✗", f"测试公式未能运行：{exc}", "请把 pe-eval calc status 的输出发给技术支持")
    shown = f"{PROBE_FORMULA} → {result.value!r}（{result.seconds:.2f} 秒，含首次载入计分核心）"
    if result.value == PROBE_VALUE:
        return Line("✓", f"测试公式 {shown}；{result.about}")
    return Line("✗", f"测试公式 {shown}；{result.about or '无法创建 pe-eval 组件'}",
                "运行 pe-eval calc install 重新安装后再试")

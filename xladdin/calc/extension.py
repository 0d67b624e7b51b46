"""Builds the ``.oxt`` extension that carries the UNO component and the scoring core into LibreOffice.

Contents (a zip with fixed dates and order, so the same sources give the same bytes):

    description.xml, META-INF/manifest.xml
    XFunctions.rdb                    the committed type library (see XFunctions.idl)
    pe_eval_calc.py                   the component file LibreOffice loads: puts pythonpath/ first, then
                                      imports xladdin.calc.component
    pythonpath/scoring/…              the whole scoring package (code and rule sets)
    pythonpath/xladdin/…              functions.py and calc/{__init__,dispatch,component}.py (the rest of
                                      xladdin is not needed in a cell; xladdin/__init__.py is a stub)
    pythonpath/pydantic/… etc.        pydantic 2 and its dependencies, copied from this environment, when
                                      LibreOffice's Python lacks pydantic 2 (Debian 12 has 1.10). pydantic_core is
                                      compiled for one Python minor version and platform, so they are only copied
                                      when LibreOffice's Python has the same minor version as this one.

Python files are precompiled (unchecked-hash .pyc) when the target Python's minor version is this one's,
so the first call in a LibreOffice process does not compile the core (a shared install is read-only).
"""
from __future__ import annotations

import importlib.util
import io
import os
import subprocess
import sys
import sysconfig
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path, PurePosixPath

from scoring import UserError

from . import COMPONENT_FILE, EXTENSION_ID

HERE = Path(__file__).resolve().parent
RDB = HERE / "XFunctions.rdb"
# pydantic 2 and what it requires (tests check this against pydantic's own metadata).
BUNDLED = ("pydantic", "pydantic-core", "typing-extensions", "annotated-types", "typing-inspection")
PACKAGE_FILES = (".py", ".toml", ".json")  # what the scoring package consists of
XLADDIN_FILES = ("functions.py", "calc/__init__.py", "calc/dispatch.py", "calc/component.py")
ZIP_DATE = (2020, 1, 1, 0, 0, 0)
COMPILE_TIMEOUT = 300
PLATFORMS = {"linux-x86_64": "linux_x86_64", "linux-aarch64": "linux_aarch64", "win-amd64": "windows_x86_64",
             "win32": "windows_x86", "macosx-x86_64": "macosx_x86_64", "macosx-arm64": "macosx_aarch64"}

DESCRIPTION = """\
<?xml version="1.0" encoding="UTF-8"?>
<description xmlns="http://openoffice.org/extensions/description/2006"
             xmlns:d="http://openoffice.org/extensions/description/2006"
             xmlns:xlink="http://www.w3.org/1999/xlink">
  <identifier value="{identifier}"/>
  <version value="{version}"/>
  <platform value="{platform}"/>
  <dependencies>
    <d:OpenOffice.org-minimal-version value="4.0" d:name="OpenOffice.org 4.0"/>
  </dependencies>
  <display-name>
    <name lang="zh-CN">pe-eval 绩效评价函数</name>
    <name lang="en">pe-eval performance evaluation functions</name>
  </display-name>
</description>
"""
MANIFEST = """\
<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="http://openoffice.org/2001/manifest">
  <manifest:file-entry manifest:media-type="application/vnd.sun.star.uno-typelibrary;type=RDB" manifest:full-path="{rdb}"/>
  <manifest:file-entry manifest:media-type="application/vnd.sun.star.uno-component;type=Python" manifest:full-path="{component}"/>
</manifest:manifest>
"""
COMPONENT_ROOT = '''\
"""pe-eval for LibreOffice Calc: the component file LibreOffice loads (written by xladdin.calc.extension).

Puts this extension's pythonpath/ first on sys.path, so its scoring core and pydantic are the ones used
even when LibreOffice's Python has other versions installed.
"""
import os
import sys

_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pythonpath")
if _PATH in sys.path:
    sys.path.remove(_PATH)
sys.path.insert(0, _PATH)

from xladdin.calc import component as _component  # noqa: E402

_component.VERSION = "{version}"
g_ImplementationHelper = _component.g_ImplementationHelper
'''
XLADDIN_STUB = '"""Only the parts of pe-eval\'s xladdin that LibreOffice Calc cells need (see xladdin.calc)."""\n'


class ExtensionError(UserError):
    """The extension cannot be built for this LibreOffice (a Chinese message)."""


@dataclass(frozen=True)
class Target:
    """What the extension is built for: LibreOffice's Python (minor version) and whether it has pydantic 2."""

    python: tuple[int, int]
    has_pydantic2: bool = False


def this_python() -> tuple[int, int]:
    return (sys.version_info[0], sys.version_info[1])


def platform_tag() -> str:
    """description.xml's platform for the compiled pydantic_core of this environment."""
    name = sysconfig.get_platform()
    if name.startswith("macosx-"):
        name = "macosx-" + name.rsplit("-", 1)[-1]
    return PLATFORMS.get(name, "all")


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ExtensionError(f"找不到 Python 包 {name}：请重新安装 pe-eval")
    return Path(next(iter(spec.submodule_search_locations)))


def _is_source(path: PurePosixPath) -> bool:
    return "__pycache__" not in path.parts and path.suffix not in (".pyc", ".pyo")


def _tree(root: Path, prefix: str) -> Iterator[tuple[str, bytes]]:
    """A package's code and data (.py, .toml, .json), nothing an editor or a run left beside them."""
    for path in sorted(root.rglob("*")):
        relative = PurePosixPath(path.relative_to(root).as_posix())
        if path.is_file() and _is_source(relative) and relative.suffix in PACKAGE_FILES:
            yield f"{prefix}/{relative}", path.read_bytes()


def _distribution(name: str) -> Iterator[tuple[str, bytes]]:
    """The files a pip-installed distribution put into site-packages (code, data, licences)."""
    try:
        dist = metadata.distribution(name)
    except metadata.PackageNotFoundError:
        raise ExtensionError(f"本环境没有安装 {name}，无法把它放入扩展：请重新安装 pe-eval") from None
    for item in sorted(dist.files or [], key=str):
        relative = PurePosixPath(str(item))
        if ".." in relative.parts or not _is_source(relative) or relative.name in ("RECORD", "INSTALLER", "REQUESTED"):
            continue
        path = Path(str(dist.locate_file(item)))
        if path.is_file():
            yield f"pythonpath/{relative}", path.read_bytes()


_COMPILER = """\
import importlib.util, marshal, pathlib, sys
root = pathlib.Path(sys.argv[1])
for source in sorted(root.rglob("*.py")):
    data = source.read_bytes()
    code = compile(data, source.relative_to(root).as_posix(), "exec", dont_inherit=True)
    header = importlib.util.MAGIC_NUMBER + (1).to_bytes(4, "little") + importlib.util.source_hash(data)
    source.with_suffix(".pyc").write_bytes(header + marshal.dumps(code))
"""


def _compiled(files: dict[str, bytes]) -> dict[str, bytes]:
    """The .pyc of every ``pythonpath/**.py`` for this Python, under ``__pycache__`` where imports look:
    unchecked hash-based (PEP 552), so they are used whatever the file dates after unpacking. Compiled in a
    child process with a fixed hash seed, so that set constants are written in the same order every time."""
    sources = {name: data for name, data in files.items() if name.startswith("pythonpath/") and name.endswith(".py")}
    with tempfile.TemporaryDirectory(prefix="pe-oxt-") as temp:
        root = Path(temp)
        for name, data in sources.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_bytes(data)
        subprocess.run([sys.executable, "-I", "-c", _COMPILER, str(root / "pythonpath")], check=True,
                       env={**os.environ, "PYTHONHASHSEED": "0"}, capture_output=True, timeout=COMPILE_TIMEOUT)
        out = {}
        for name in sources:
            path = PurePosixPath(name)
            pyc = path.parent / "__pycache__" / f"{path.stem}.{sys.implementation.cache_tag}.pyc"
            out[str(pyc)] = (root / path.with_suffix(".pyc")).read_bytes()
        return out


def entries(version: str, target: Target) -> dict[str, bytes]:
    """Every file of the extension by its path inside the .oxt."""
    bundle = not target.has_pydantic2
    if bundle and target.python != this_python():
        raise ExtensionError(
            f"LibreOffice 的 Python 为 {target.python[0]}.{target.python[1]}，pe-eval 所在的 Python 为 "
            f"{sys.version_info[0]}.{sys.version_info[1]}：扩展需要的 pydantic 2 含有按 Python 版本编译的部分，"
            f"无法从本环境复制。请用 Python {target.python[0]}.{target.python[1]} 安装 pe-eval 后再运行，"
            "或为 LibreOffice 的 Python 安装 pydantic 2")
    files: dict[str, bytes] = {
        "description.xml": DESCRIPTION.format(identifier=EXTENSION_ID, version=version,
                                              platform=platform_tag() if bundle else "all").encode(),
        "META-INF/manifest.xml": MANIFEST.format(rdb=RDB.name, component=COMPONENT_FILE).encode(),
        RDB.name: RDB.read_bytes(),
        COMPONENT_FILE: COMPONENT_ROOT.replace("{version}", version).encode(),
        "pythonpath/xladdin/__init__.py": XLADDIN_STUB.encode(),
    }
    xladdin = _package_dir("xladdin")
    for name in XLADDIN_FILES:
        files[f"pythonpath/xladdin/{name}"] = (xladdin / name).read_bytes()
    files.update(_tree(_package_dir("scoring"), "pythonpath/scoring"))
    if bundle:
        for name in BUNDLED:
            files.update(_distribution(name))
    if target.python == this_python():
        files.update(_compiled(files))
    return files


def build(out: Path, version: str, target: Target) -> Path:
    """Write the .oxt to ``out`` (replacing it) and return ``out``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in sorted(entries(version, target).items()):
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    out.write_bytes(buffer.getvalue())
    return out

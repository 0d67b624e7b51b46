"""The .oxt extension for LibreOffice Calc: its parts, the bundled Python packages, reproducible bytes."""
from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

from xladdin.calc import COMPONENT_FILE, EXTENSION_ID, INTERFACE, extension

ROOT = Path(__file__).resolve().parent.parent
HERE_PYTHON = extension.this_python()
UNOIDL_WRITE = Path("/usr/lib/libreoffice/sdk/bin/unoidl-write")
TYPES = Path("/usr/lib/libreoffice/program/types.rdb")


@pytest.fixture(scope="module")
def oxt(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    path = extension.build(tmp_path_factory.mktemp("oxt") / "pe.oxt", "1.2.3", extension.Target(HERE_PYTHON))
    return zipfile.ZipFile(path)


def test_description_and_manifest(oxt: zipfile.ZipFile) -> None:
    description = oxt.read("description.xml").decode()
    assert f'<identifier value="{EXTENSION_ID}"/>' in description and '<version value="1.2.3"/>' in description
    assert '<name lang="zh-CN">' in description
    manifest = oxt.read("META-INF/manifest.xml").decode()
    assert 'uno-typelibrary;type=RDB" manifest:full-path="XFunctions.rdb"' in manifest
    assert f'uno-component;type=Python" manifest:full-path="{COMPONENT_FILE}"' in manifest
    assert oxt.read("XFunctions.rdb") == (ROOT / "xladdin" / "calc" / "XFunctions.rdb").read_bytes()


def test_component_file_puts_its_pythonpath_first_and_sets_the_version(oxt: zipfile.ZipFile) -> None:
    text = oxt.read(COMPONENT_FILE).decode()
    assert "sys.path.insert(0, _PATH)" in text and '_component.VERSION = "1.2.3"' in text
    compile(text, COMPONENT_FILE, "exec")


def test_pythonpath_has_the_core_the_cell_modules_and_pydantic(oxt: zipfile.ZipFile) -> None:
    names = set(oxt.namelist())
    for needed in ("scoring/__init__.py", "scoring/cells.py", "xladdin/__init__.py", "xladdin/functions.py",
                   "xladdin/calc/__init__.py", "xladdin/calc/dispatch.py", "xladdin/calc/component.py",
                   "pydantic/__init__.py", "pydantic_core/__init__.py", "typing_extensions.py",
                   "annotated_types/__init__.py", "typing_inspection/__init__.py"):
        assert f"pythonpath/{needed}" in names, needed
    assert any(re.match(r"pythonpath/scoring/.*\.toml$", name) for name in names)  # the shipped rule sets
    assert any(re.match(r"pythonpath/pydantic-[\d.]+\.dist-info/licenses?/", name) or
               re.match(r"pythonpath/pydantic-[\d.]+\.dist-info/LICENSE", name) for name in names)
    assert not any("xladdin/workbook" in name or "xladdin/excel" in name for name in names)
    assert oxt.read("pythonpath/xladdin/functions.py") == (ROOT / "xladdin" / "functions.py").read_bytes()


def test_python_files_are_precompiled_for_this_python(oxt: zipfile.ZipFile) -> None:
    tag = sys.implementation.cache_tag
    pyc = oxt.read(f"pythonpath/scoring/__pycache__/cells.{tag}.pyc")
    assert pyc[:4] == importlib.util.MAGIC_NUMBER and int.from_bytes(pyc[4:8], "little") == 1  # unchecked hash


def test_bundled_packages_cover_what_pydantic_requires() -> None:
    wanted = {"pydantic"}
    for requirement in metadata.requires("pydantic") or []:
        if "extra ==" in requirement:
            continue
        name = re.split(r"[\s;<>=!~\[(]", requirement, maxsplit=1)[0]
        wanted.add(name)
    normalise = {re.sub(r"[-_.]+", "-", name).lower() for name in wanted}
    assert normalise <= set(extension.BUNDLED)


def test_same_sources_give_the_same_bytes(tmp_path: Path) -> None:
    """Built in two processes with different hash seeds: identical files (the .pyc set constants included)."""
    code = ("import sys; from pathlib import Path; from xladdin.calc import extension as e; "
            "e.build(Path(sys.argv[1]), '1.2.3', e.Target(e.this_python()))")
    for seed, name in (("1", "a.oxt"), ("2", "b.oxt")):
        subprocess.run([sys.executable, "-c", code, str(tmp_path / name)], cwd=ROOT, check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed})
    with zipfile.ZipFile(tmp_path / "a.oxt") as a, zipfile.ZipFile(tmp_path / "b.oxt") as b:
        differ = [name for name in sorted(set(a.namelist()) | set(b.namelist()))
                  if name not in a.namelist() or name not in b.namelist() or a.read(name) != b.read(name)]
    assert not differ  # (a source file edited between the two builds would show here too)
    assert (tmp_path / "a.oxt").read_bytes() == (tmp_path / "b.oxt").read_bytes()


def test_other_python_minor_version_is_refused_with_a_reason(tmp_path: Path) -> None:
    other = (HERE_PYTHON[0], HERE_PYTHON[1] + 1)
    with pytest.raises(extension.ExtensionError, match=f"LibreOffice 的 Python 为 {other[0]}.{other[1]}"):
        extension.build(tmp_path / "x.oxt", "1", extension.Target(other))


def test_a_python_that_has_pydantic2_gets_no_copy(tmp_path: Path) -> None:
    other = (HERE_PYTHON[0], HERE_PYTHON[1] + 1)
    with zipfile.ZipFile(extension.build(tmp_path / "x.oxt", "1", extension.Target(other, has_pydantic2=True))) as oxt:
        names = oxt.namelist()
        assert '<platform value="all"/>' in oxt.read("description.xml").decode()
    assert not any(name.startswith("pythonpath/pydantic") for name in names)
    assert not any(name.endswith(".pyc") for name in names)  # not this Python's: LibreOffice compiles them


@pytest.mark.skipif(not (UNOIDL_WRITE.is_file() and TYPES.is_file()), reason="needs unoidl-write (Debian libreoffice-dev)")
def test_committed_type_library_is_built_from_the_idl(tmp_path: Path) -> None:
    idl = ROOT / "xladdin" / "calc" / "XFunctions.idl"
    subprocess.run([str(UNOIDL_WRITE), str(TYPES), str(idl), str(tmp_path / "x.rdb")], check=True, capture_output=True)
    assert (tmp_path / "x.rdb").read_bytes() == extension.RDB.read_bytes()
    assert f"interface {INTERFACE.rsplit('.', 1)[-1]}" in idl.read_text(encoding="utf-8")


def test_unoidl_read_shows_the_interface() -> None:
    reader = UNOIDL_WRITE.with_name("unoidl-read")
    if not reader.is_file() or shutil.which(str(reader)) is None:
        pytest.skip("needs unoidl-read (Debian libreoffice-dev)")
    shown = subprocess.run([str(reader), str(extension.RDB)], capture_output=True, text=True, check=True).stdout
    assert "any compute([in] string name, [in] sequence< any > arguments);" in shown and "string about();" in shown

"""The LibreOffice profile: where it is, the Basic module in its Standard library, finding LibreOffice."""
from __future__ import annotations

import os
import stat
from pathlib import Path, PureWindowsPath

import pytest

from xladdin.calc import BASIC_MODULE, install, profile
from xladdin.calc.profile import CalcError
from xladdin.calc.status import copy_profile

XLB = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE library:library PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "library.dtd">
<library:library xmlns:library="http://openoffice.org/2000/library" library:name="Standard" library:readonly="false" library:passwordprotected="false">
 <library:element library:name="Module1"/>
 <library:element library:name="MyTools"/>
</library:library>
"""


@pytest.fixture
def fake_profile(tmp_path: Path) -> Path:
    """A profile as LibreOffice writes it, with two macro modules of the user's own."""
    standard = tmp_path / "user" / "basic" / "Standard"
    standard.mkdir(parents=True)
    (standard / "script.xlb").write_text(XLB, encoding="utf-8")
    for name in ("Module1", "MyTools"):
        (standard / f"{name}.xba").write_text(profile.xba_text(name, f"Sub {name}\nEnd Sub\n"), encoding="utf-8")
    (tmp_path / "user" / "registrymodifications.xcu").write_text("<x/>", encoding="utf-8")
    return tmp_path


def _files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_install_adds_one_module_and_touches_nothing_else(fake_profile: Path) -> None:
    standard = profile.standard_dir(fake_profile)
    before = _files(standard)
    assert profile.install_module(fake_profile, 'REM pe-eval version 9\nFunction PE_X()\n\tPE_X = "<&>"\nEnd Function\n')
    after = _files(standard)
    assert set(after) - set(before) == {f"{BASIC_MODULE}.xba"}
    assert after["Module1.xba"] == before["Module1.xba"] and after["MyTools.xba"] == before["MyTools.xba"]
    assert profile.library_modules(after["script.xlb"].decode()) == ["Module1", "MyTools", BASIC_MODULE]
    assert "&quot;" not in after[f"{BASIC_MODULE}.xba"].decode() and "&lt;&amp;&gt;" in after[f"{BASIC_MODULE}.xba"].decode()
    assert profile.module_version(fake_profile) == "9"


def test_install_is_idempotent_and_replaces_an_older_module(fake_profile: Path) -> None:
    assert profile.install_module(fake_profile, "REM pe-eval version 1\n")
    assert not profile.install_module(fake_profile, "REM pe-eval version 1\n")
    assert profile.install_module(fake_profile, "REM pe-eval version 2\n")
    xlb = (profile.standard_dir(fake_profile) / "script.xlb").read_text(encoding="utf-8")
    assert xlb.count(BASIC_MODULE) == 1 and profile.module_version(fake_profile) == "2"


def test_uninstall_restores_the_library_exactly(fake_profile: Path) -> None:
    standard = profile.standard_dir(fake_profile)
    before = _files(standard)
    profile.install_module(fake_profile, "REM pe-eval version 1\n")
    assert profile.remove_module(fake_profile)
    assert _files(standard) == before
    assert not profile.remove_module(fake_profile)
    assert profile.module_version(fake_profile) is None


def test_file_modes_are_kept(fake_profile: Path) -> None:
    xlb = profile.standard_dir(fake_profile) / "script.xlb"
    xlb.chmod(0o600)
    profile.install_module(fake_profile, "x")
    assert stat.S_IMODE(xlb.stat().st_mode) == 0o600


def test_an_empty_library_tag_gets_the_module() -> None:
    text = '<library:library xmlns:library="http://openoffice.org/2000/library" library:name="Standard"/>'
    assert profile.library_modules(profile.with_module(text, "M")) == ["M"]


def test_password_protected_or_missing_library_is_refused(fake_profile: Path, tmp_path: Path) -> None:
    xlb = profile.standard_dir(fake_profile) / "script.xlb"
    xlb.write_text(XLB.replace('passwordprotected="false"', 'passwordprotected="true"'), encoding="utf-8")
    with pytest.raises(CalcError, match="设有密码"):
        profile.install_module(fake_profile, "x")
    with pytest.raises(CalcError, match="没有 Standard 宏库"):
        profile.install_module(tmp_path / "nothing", "x")


def test_default_profiles() -> None:
    assert profile.default_profile({"HOME": "/home/a"}, "linux") == Path("/home/a/.config/libreoffice/4")
    assert profile.default_profile({"XDG_CONFIG_HOME": "/cfg"}, "linux") == Path("/cfg/libreoffice/4")
    windows = profile.default_profile({"APPDATA": r"C:\Users\张三\AppData\Roaming"}, "win32")
    assert PureWindowsPath(str(windows)).parts[-3:] == ("Roaming", "LibreOffice", "4")


def test_profile_dir_accepts_the_user_folder(fake_profile: Path) -> None:
    assert profile.profile_dir(fake_profile / "user") == fake_profile
    assert profile.profile_dir(fake_profile) == fake_profile


def test_lock_file(fake_profile: Path) -> None:
    assert profile.lock_file(fake_profile) is None
    (fake_profile / "user" / ".lock").write_text("x", encoding="utf-8")
    assert profile.lock_file(fake_profile) == fake_profile / "user" / ".lock"


def test_office_environment_puts_libreoffices_python_first() -> None:
    env = {"PATH": os.pathsep.join(["/venv/bin", "/usr/bin", "/bin"]), "VIRTUAL_ENV": "/venv", "PYTHONPATH": "/x", "LANG": "C"}
    cleaned = profile.office_environment(Path("/usr/bin/python3"), env)
    assert cleaned["PATH"].split(os.pathsep) == ["/usr/bin", "/venv/bin", "/bin"]
    assert "VIRTUAL_ENV" not in cleaned and "PYTHONPATH" not in cleaned and cleaned["LANG"] == "C"


def test_find_libreoffice_in_a_program_folder(tmp_path: Path) -> None:
    program = tmp_path / "program"
    program.mkdir()
    for name in ("soffice", "unopkg"):
        (program / name).write_text("", encoding="utf-8")
    found = profile.find_libreoffice({"PE_SOFFICE": str(program / "soffice"), "PATH": ""}, "linux")
    assert found is not None and found.soffice == program / "soffice" and found.unopkg == program / "unopkg"
    windows = tmp_path / "pf" / "LibreOffice" / "program"
    windows.mkdir(parents=True)
    for name in ("soffice.exe", "unopkg.com"):
        (windows / name).write_text("", encoding="utf-8")
    found = profile.find_libreoffice({"ProgramFiles": str(tmp_path / "pf"), "PATH": ""}, "win32")
    assert found is not None and found.unopkg == windows / "unopkg.com" and found.python is None
    assert profile.find_libreoffice({"PE_SOFFICE": str(tmp_path / "none" / "soffice"), "PATH": ""}, "linux") is None


UNOPKG_LIST = """All deployed user extensions:

Identifier: org.other
  Version: 3.0
  URL: vnd.sun.star.expand:$UNO_USER_PACKAGES_CACHE/uno_packages/a.tmp_/other.oxt

Identifier: org.peeval.calc
  Version: 0.1.0
  URL: vnd.sun.star.expand:$UNO_USER_PACKAGES_CACHE/uno_packages/b.tmp_/pe-eval-calc.oxt
  is registered: yes
"""


def test_listed_version() -> None:
    assert install.listed_version(UNOPKG_LIST) == "0.1.0"
    assert install.listed_version(UNOPKG_LIST.replace("org.peeval.calc", "org.x")) is None


def test_status_works_on_a_copy_without_the_lock(fake_profile: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    (fake_profile / ".lock").write_text("x", encoding="utf-8")
    (fake_profile / "user" / ".lock").write_text("x", encoding="utf-8")
    (fake_profile / "user" / "backup").mkdir()
    copy = copy_profile(fake_profile, tmp_path_factory.mktemp("copy"))
    assert copy is not None and (copy / "user" / "basic" / "Standard" / "script.xlb").is_file()
    assert not (copy / ".lock").exists() and not (copy / "user" / ".lock").exists() and not (copy / "user" / "backup").exists()
    assert copy_profile(fake_profile / "nothing", tmp_path_factory.mktemp("none")) is None

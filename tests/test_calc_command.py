"""``pe-eval calc install | uninstall | status``: Chinese messages and exit codes, never a traceback."""
from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from xladdin.calc import command, install, programs, status
from xladdin.calc.profile import LibreOffice


def _parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="pe-eval")
    command.add_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(["calc", *argv])


def test_parser() -> None:
    args = _parse("install", "--profile", "/p", "--shared")
    assert args.action == "install" and args.profile == "/p" and args.shared and args.func is command.run
    with pytest.raises(SystemExit):
        _parse("reinstall")


@pytest.fixture
def no_libreoffice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(programs, "located", lambda: None)


@pytest.mark.parametrize("action", ["install", "uninstall"])
def test_without_libreoffice_install_says_what_to_do(no_libreoffice: None, action: str, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert command.run(_parse(action, "--profile", str(tmp_path))) == command.EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith("错误：未找到 LibreOffice") and "Traceback" not in err


def test_status_without_libreoffice(no_libreoffice: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert command.run(_parse("status", "--profile", str(tmp_path))) == command.EXIT_PROBLEMS
    assert capsys.readouterr().out.startswith("✗ 未找到 LibreOffice")
    assert command.doctor_check(tmp_path)[0] == command.ABSENT  # optional for Excel users


def test_running_libreoffice_is_not_disturbed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(programs, "located", lambda: LibreOffice(tmp_path / "soffice", None, None))
    (tmp_path / "user").mkdir()
    (tmp_path / "user" / ".lock").write_text("", encoding="utf-8")
    assert command.run(_parse("install", "--profile", str(tmp_path))) == command.EXIT_USAGE
    assert "请先关闭 LibreOffice" in capsys.readouterr().err


def test_a_defect_is_a_message(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise KeyError("x")

    monkeypatch.setattr(install, "install", broken)
    assert command.run(_parse("install", "--profile", str(tmp_path))) == command.EXIT_USAGE
    err = capsys.readouterr().err
    assert "程序内部错误（KeyError" in err and "Traceback" not in err


def test_status_lines_format(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(status, "status", lambda profile, run_probe=True: [
        status.Line("✓", "LibreOffice：/x"), status.Line("✗", "pe-eval 扩展未安装", "运行 pe-eval calc install")])
    assert command.status_lines("/p") == ["✓ LibreOffice：/x", "✗ pe-eval 扩展未安装", "    处理：运行 pe-eval calc install"]
    monkeypatch.setattr(programs, "located", lambda: LibreOffice(Path("/x"), None, None))
    assert command.doctor_check("/p") == ("✗", "LibreOffice：/x；pe-eval 扩展未安装", "运行 pe-eval calc install")

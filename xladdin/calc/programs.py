"""LibreOffice's programs as pe-eval runs them: soffice, unopkg and LibreOffice's Python.

Each runs with ``office_environment`` (pe-eval's own Python out of the way) and, when root works on another
user's profile, as that user (``as_owner``), so the profile's files stay theirs and unopkg, which refuses
per-user installs as root, works. ``OfficeSession`` drives a headless LibreOffice through ``office.py``.
"""
from __future__ import annotations

import functools
import json
import os
import queue
import signal
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from .profile import CalcError, LibreOffice, find_libreoffice, office_environment

PYTHON_TIMEOUT = 30
SESSION_TIMEOUT = 300  # seconds for one command to the headless LibreOffice
OFFICE_SCRIPT = Path(__file__).resolve().with_name("office.py")  # run as a script: it imports only stdlib and uno
NO_LIBREOFFICE = ("未找到 LibreOffice：请安装 LibreOffice（Debian/Ubuntu：sudo apt install libreoffice-calc "
                  "libreoffice-script-provider-python python3-uno），或用环境变量 PE_SOFFICE 指定 soffice 的位置")
NO_UNO_PYTHON = ("未找到 LibreOffice 使用的 Python（能导入 uno 的 Python）："
                 "Debian/Ubuntu 请安装 python3-uno 和 libreoffice-script-provider-python")


@functools.cache
def located() -> LibreOffice | None:
    """LibreOffice as found once per process (finding its Python runs a Python)."""
    return find_libreoffice()


def find_python() -> Path | None:
    """LibreOffice's Python (for the environment of LibreOffice's programs), if LibreOffice is found."""
    office = located()
    return office.python if office else None


def require_libreoffice() -> LibreOffice:
    office = located()
    if office is None:
        raise CalcError(NO_LIBREOFFICE)
    return office


def require_python(office: LibreOffice) -> Path:
    if office.python is None:
        raise CalcError(NO_UNO_PYTHON)
    return office.python


def as_owner(profile: Path) -> dict[str, Any]:
    """subprocess arguments to run as the profile's owner when root works on another user's profile."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return {}
    stat = (profile if profile.exists() else profile.parent).stat()
    if stat.st_uid == 0:
        return {}
    import pwd  # POSIX only, like geteuid

    try:
        home = pwd.getpwuid(stat.st_uid).pw_dir
    except KeyError:
        home = tempfile.gettempdir()
    env = {**office_environment(find_python()), "HOME": home if Path(home).is_dir() else tempfile.gettempdir()}
    return {"user": stat.st_uid, "group": stat.st_gid, "extra_groups": [], "env": env}


def run(command: list[str], timeout: float, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """``command``'s outcome; CalcError when it cannot start or takes longer than ``timeout`` seconds (then it
    and what it started, such as the soffice that unopkg runs, are ended: they share a process group)."""
    kwargs.setdefault("env", office_environment(find_python()))
    try:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True, encoding="utf-8", errors="replace", start_new_session=True, **kwargs)
    except OSError as exc:
        raise CalcError(f"无法运行 {command[0]}：{exc.strerror or exc}") from None
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        raise CalcError(f"{Path(command[0]).name} 在 {timeout:g} 秒内没有完成，已结束") from None
    return subprocess.CompletedProcess(command, process.returncode, out, err)


def _kill_group(process: subprocess.Popen[str]) -> None:
    if hasattr(os, "killpg"):
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except OSError:
            pass
    process.kill()
    process.communicate()


def output(done: subprocess.CompletedProcess[str]) -> str:
    text = " ".join((done.stderr + " " + done.stdout).split())
    return text[:400] or f"退出码 {done.returncode}"


def python_version(python: Path) -> tuple[int, int]:
    done = run([str(python), "-I", "-c", "import sys; print(*sys.version_info[:2])"], PYTHON_TIMEOUT)
    try:
        major, minor = done.stdout.split()
        return int(major), int(minor)
    except ValueError:
        raise CalcError(f"无法运行 LibreOffice 的 Python（{python}）：{output(done)}") from None


def has_pydantic2(python: Path) -> bool:
    done = run([str(python), "-I", "-c", "import pydantic; print(pydantic.VERSION)"], PYTHON_TIMEOUT)
    return done.returncode == 0 and done.stdout.strip().startswith("2.")


# ── the headless LibreOffice, driven by office.py under LibreOffice's Python ──

class OfficeSession:
    """``office.py`` running under LibreOffice's Python, with soffice on ``profile``; one JSON command at a time.

    Run as root on another user's profile, both run as that user (as unopkg does), so that LibreOffice
    does not leave root's files in the profile. A command that takes longer than ``timeout`` seconds (a
    LibreOffice that hangs) ends both processes and raises CalcError."""

    def __init__(self, office: LibreOffice, profile: Path, timeout: float = SESSION_TIMEOUT) -> None:
        python = require_python(office)
        self.timeout = timeout
        self.process = subprocess.Popen(
            [str(python), "-I", str(OFFICE_SCRIPT), str(office.soffice), str(profile)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, encoding="utf-8",
            start_new_session=True, **{"env": office_environment(python), **as_owner(profile)})
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        first = self._answer()
        if not first.get("ok"):
            self.close()
            raise CalcError(f"LibreOffice 未能启动：{first.get('error')}")

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put("")

    def _answer(self) -> dict[str, Any]:
        try:
            line = self.lines.get(timeout=self.timeout)
        except queue.Empty:
            self.kill()
            raise CalcError(f"LibreOffice 在 {self.timeout:g} 秒内没有响应，已结束") from None
        if not line:
            raise CalcError("LibreOffice 意外退出")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def __call__(self, op: str, **arguments: object) -> Any:
        """The result of one command (see ``office``); CalcError when it failed."""
        stdin: IO[str] | None = self.process.stdin
        assert stdin is not None
        try:
            stdin.write(json.dumps({"op": op, **arguments}, ensure_ascii=False) + "\n")
            stdin.flush()
        except OSError:
            raise CalcError("LibreOffice 意外退出") from None
        answer = self._answer()
        if not answer.get("ok"):
            raise CalcError(f"LibreOffice 执行 {op} 失败：{answer.get('error')}")
        return answer.get("result")

    def kill(self) -> None:
        """Both processes at once: they share a process group on POSIX (on Windows soffice may stay)."""
        if hasattr(os, "killpg"):
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except OSError:
                pass
        self.process.kill()
        self.process.wait()

    def close(self) -> None:
        if self.process.poll() is None:
            try:
                assert self.process.stdin is not None
                self.process.stdin.write('{"op": "quit"}\n')
                self.process.stdin.close()
                self.process.wait(timeout=60)
            except (OSError, subprocess.TimeoutExpired, ValueError):
                self.kill()


@contextmanager
def session(office: LibreOffice, profile: Path) -> Iterator[OfficeSession]:
    running = OfficeSession(office, profile)
    try:
        yield running
    finally:
        running.close()

"""Ctrl-C, SIGTERM and SIGHUP during `pe-eval report --pdf`: LibreOffice is stopped and its private folder removed;
a Ctrl-C while the program loads ends without a traceback."""
import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time

import pytest

from scoring import sample_evaluation
from xladdin.cli import commands as cli
from xladdin.files.pdf_convert import TEMP_PREFIX, find_converter

posix_with_pgrep = pytest.mark.skipif(os.name != "posix" or not shutil.which("pgrep"), reason="POSIX signals and pgrep")
# Ctrl-C handled as in a terminal, even when the tests run with SIGINT ignored (started in the background)
CHILD = ("import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
         "from xladdin.cli import main; sys.exit(main(sys.argv[1:]))")
START_WAIT, EXIT_WAIT = 60, 20  # seconds


def converters(scratch, program: str = "") -> list[int]:
    """Processes (running ``program``) started for a conversion whose private folder is under ``scratch``."""
    pattern = f"{re.escape(program)}.*{re.escape(str(scratch / TEMP_PREFIX))}"
    found = subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True)
    return [int(pid) for pid in found.stdout.split()]


def wait_for(condition, seconds: float):
    deadline = time.monotonic() + seconds
    while not (result := condition()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return result


def interrupt_report(tmp_path, signum: int, soffice: str, program: str) -> subprocess.CompletedProcess:
    """Run `pe-eval report --pdf` with ``soffice``; send ``signum`` once its child ``program`` runs.

    Then check that nothing of the conversion outlives the command.
    """
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    source = tmp_path / "评价.json"
    source.write_text(sample_evaluation().model_dump_json(), encoding="utf-8")
    env = {**os.environ, "TMPDIR": str(scratch), "PE_SOFFICE": soffice}
    child = subprocess.Popen([sys.executable, "-c", CHILD, "report", str(source), "--pdf", "-o", str(tmp_path / "报告.docx")],
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert wait_for(lambda: converters(scratch, program), START_WAIT), "the converter did not start"
        time.sleep(0.5)  # well inside the conversion
        child.send_signal(signum)
        out, err = child.communicate(timeout=EXIT_WAIT)
        gone = wait_for(lambda: not converters(scratch), 10)
    finally:  # only when the test failed: stop what it started
        if child.poll() is None:
            child.kill()
        for pid in converters(scratch):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    assert gone, "converter processes remain"
    assert list(scratch.iterdir()) == [], "the private folder remains"
    return subprocess.CompletedProcess(child.args, child.returncode, out, err)


@pytest.fixture
def hanging_soffice(tmp_path):
    """A stand-in for soffice that starts a child (like soffice.bin) and never finishes."""
    fake = tmp_path / "soffice"
    fake.write_text(f'#!/bin/sh\n"{sys.executable}" -c "import time; time.sleep(120)" "$@" &\nwait\n')
    fake.chmod(0o755)
    return str(fake)


@posix_with_pgrep
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, getattr(signal, "SIGHUP", signal.SIGTERM)],
                         ids=["SIGTERM", "Ctrl-C", "SIGHUP (terminal closed)"])
def test_interrupt_stops_converter_and_its_children(tmp_path, hanging_soffice, signum):
    done = interrupt_report(tmp_path, signum, hanging_soffice, program="time.sleep")
    assert done.returncode == 130
    assert done.stderr == "已中断。\n"
    assert (tmp_path / "报告.docx").is_file()  # written before the conversion started


@posix_with_pgrep
@pytest.mark.skipif(not find_converter(), reason="LibreOffice (soffice) is not installed")
def test_sigterm_stops_libreoffice(tmp_path):
    done = interrupt_report(tmp_path, signal.SIGTERM, find_converter() or "", program="soffice.bin")
    assert (done.returncode, done.stderr) == (130, "已中断。\n")
    assert not (tmp_path / "报告.pdf").exists()


def test_keyboard_interrupt_in_process_ends_cleanly(monkeypatch, capsys):
    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "cmd_schema", interrupted)
    before = signal.getsignal(signal.SIGTERM)
    assert cli.main(["schema"]) == 130
    assert capsys.readouterr().err == "已中断。\n"
    assert signal.getsignal(signal.SIGTERM) == before  # main() put the handler back


def test_keyboard_interrupt_while_loading_ends_cleanly(monkeypatch, capsys):
    import builtins

    import xladdin.cli

    real_import = builtins.__import__

    def interrupted(name, *args, **kwargs):
        if name == "commands":
            raise KeyboardInterrupt
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "xladdin.cli.commands")
    monkeypatch.delattr(xladdin.cli, "commands")
    monkeypatch.setattr(builtins, "__import__", interrupted)
    assert xladdin.cli.main(["schema"]) == 130
    assert capsys.readouterr().err == "已中断。\n"


def test_an_interrupt_dropped_inside_a_finalizer_still_ends_the_command(monkeypatch, capsys):
    """Python cannot raise from a finalizer (e.g. a zip file closed by garbage collection): the command must not
    then carry on and end as if nothing happened."""
    class ClosedLate:
        def __del__(self):
            cli._interrupt(signal.SIGINT, None)

    def schema(args):
        ClosedLate()  # dropped at once: its finalizer runs here, and the interrupt raised in it goes nowhere
        print("写完了")
        return 0

    monkeypatch.setattr(cli, "cmd_schema", schema)
    assert cli.main(["schema"]) == 130
    out, err = capsys.readouterr()
    assert (out, err) == ("写完了\n", "已中断。\n")  # and no "Exception ignored in" about it

"""`pe-eval batch` killed outright (SIGKILL: no handler runs, the pool is never shut down): its workers end too."""
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from xladdin.workbook import build_templates

SAMPLE = build_templates.TEMPLATES_DIR / build_templates.sample_name()
FILES = 300  # enough that the workers are still busy when the parent dies


def children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return [int(p) for p in found.stdout.split()]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:  # a zombie is already gone
        return stat.read().rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux") or not shutil.which("pgrep"), reason="Linux /proc and pgrep")
def test_workers_end_when_batch_is_killed(tmp_path):
    folder = tmp_path / "报送"
    folder.mkdir()
    for n in range(FILES):
        shutil.copyfile(SAMPLE, folder / f"单位{n:03}.xlsx")
    batch = subprocess.Popen([sys.executable, "-m", "xladdin.cli", "batch", str(folder)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while len(workers) < 2 and time.monotonic() < deadline and batch.poll() is None:
            time.sleep(0.1)
            workers = children(batch.pid)
        assert len(workers) >= 2 and batch.poll() is None, "the workers did not start"
        time.sleep(0.5)
        batch.send_signal(signal.SIGKILL)
        batch.wait(10)
        deadline = time.monotonic() + 10
        while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert [pid for pid in workers if alive(pid)] == []
    finally:  # only when the test failed: stop what it started
        for pid in [batch.pid, *workers]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def _slow_file(path: str, ruleset_ref: str | None = None):
    time.sleep(120)  # a file that takes very long: Ctrl-C must not wait for it


def test_ctrl_c_stops_the_running_workers_at_once(tmp_path, monkeypatch):
    """Workers only read: on Ctrl-C the ones running are stopped, not waited for, and none is left behind."""
    import multiprocessing

    from xladdin.batch import runner

    def interrupted(futures):
        time.sleep(1)  # the workers have started their files
        raise KeyboardInterrupt
        yield

    monkeypatch.setattr(runner, "assess_file", _slow_file)  # what the forked workers run
    monkeypatch.setattr(runner, "as_completed", interrupted)
    monkeypatch.setattr(runner.os, "cpu_count", lambda: 2)
    start = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        runner.assess_files([tmp_path / f"单位{n}.xlsx" for n in range(8)], progress=False)
    assert time.monotonic() - start < 30 and multiprocessing.active_children() == []

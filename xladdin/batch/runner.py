"""Many evaluations at once: each file assessed in a worker process, a small result record back, a progress bar.

Workers return ``FileResult`` (counts and a ``Snapshot``), never an Assessment, so memory stays flat in
the number of files; results come back in the order of the inputs. A file that cannot be read is a
result with its reason, never the end of the run.
"""
from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.context import BaseContext
from pathlib import Path

from scoring import Snapshot, UserError, load_ruleset, snapshot

from ..files import load

PARALLEL_FROM = 8  # fewer files are assessed in this process: starting workers would cost more than it saves
MAX_WORKERS = 61  # the most Windows allows
CRASHED = "处理该文件的工作进程意外退出（可能内存不足），未能评价；请单独运行 pe-eval check 检查该文件"


@dataclass(frozen=True)
class FileResult:
    """One file's outcome: a snapshot and its findings counted, or ``failure`` (why it could not be read)."""

    path: str
    snapshot: Snapshot | None = None
    failure: str = ""
    errors: int = 0
    warnings: int = 0
    unscored: tuple[str, ...] = ()
    first_error: str = ""


def assess_file(path: str, ruleset_ref: str | None = None) -> FileResult:
    """Assess one file (workbook or JSON); every failure becomes the result's reason."""
    try:
        assessment = load.load_assessment(Path(path), load_ruleset(ruleset_ref) if ruleset_ref else None)
        errors = assessment.errors
        return FileResult(
            path=path, snapshot=snapshot(assessment), errors=len(errors),
            warnings=sum(f.severity == "warning" for f in assessment.findings),
            unscored=tuple(u.code for u in assessment.scorecard.incomplete),
            first_error=errors[0].message if errors else "",
        )
    except UserError as exc:
        return FileResult(path=path, failure=str(exc).splitlines()[0])
    except Exception as exc:  # noqa: BLE001 - one file's crash must not end the batch; it is reported as such
        return FileResult(path=path, failure=f"程序内部错误（{type(exc).__name__}），请将此文件告知维护人员")


def assess_files(paths: Sequence[Path], ruleset_ref: str | None = None, progress: bool | None = None) -> list[FileResult]:
    """Every file's result, in the order given; in worker processes unless there are only a few files.

    ``progress`` (default: when stderr is a terminal) shows a bar with count, rate and time left on stderr.
    """
    show = sys.stderr.isatty() if progress is None else progress
    workers = min(os.cpu_count() or 1, MAX_WORKERS, len(paths))
    if len(paths) < PARALLEL_FROM or workers < 2:
        results = []
        with _bar(len(paths), show) as tick:
            for path in paths:
                results.append(assess_file(str(path), ruleset_ref))
                tick()
        return results
    return _in_parallel(paths, ruleset_ref, workers, show)


def _in_parallel(paths: Sequence[Path], ruleset_ref: str | None, workers: int, show: bool) -> list[FileResult]:
    found: dict[int, FileResult] = {}
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=_fork_when_possible(), initializer=_worker_start,
                               initargs=(os.getpid(),))
    try:
        # all submitted (workers started) before the bar's thread exists: forking a threaded process is unsafe
        futures: dict[Future[FileResult], int] = {pool.submit(assess_file, str(p), ruleset_ref): i for i, p in enumerate(paths)}
        with _bar(len(paths), show) as tick:
            for future in as_completed(futures):
                index = futures[future]
                try:
                    found[index] = future.result()
                except BrokenProcessPool:
                    found[index] = FileResult(path=str(paths[index]), failure=CRASHED)
                tick()
    except BaseException:  # Ctrl-C or SIGTERM: workers only read, so the ones running are stopped at once
        _stop_workers(pool)
        raise
    finally:  # files not yet started are dropped; no worker is left behind
        with _uninterrupted():  # a second Ctrl-C must not break off the shutdown half-way (that can hang the exit)
            pool.shutdown(wait=True, cancel_futures=True)
    return [found[index] for index in range(len(paths))]


def _fork_when_possible() -> BaseContext | None:
    """On Linux, workers forked from this process once it has imported what assessing a file needs: each starts
    without importing anything. Elsewhere (no fork, or fork unsafe as on macOS) the platform's default."""
    if not sys.platform.startswith("linux"):
        return None
    import multiprocessing

    from .. import workbook  # noqa: F401 - imported once here, inherited by every worker

    return multiprocessing.get_context("fork")


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    stop = getattr(pool, "terminate_workers", None)  # Python 3.14+
    if stop is not None:
        stop()
        return
    for process in list(getattr(pool, "_processes", {}).values()):  # what terminate_workers does, before 3.14
        if process.is_alive():
            process.terminate()


@contextmanager
def _uninterrupted() -> Iterator[None]:
    """Ctrl-C, SIGTERM and SIGHUP ignored for the duration: the run is already ending (main thread only)."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held = [getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)]
    previous = {signum: signal.signal(signum, signal.SIG_IGN) for signum in held}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _worker_start(parent: int) -> None:
    """Ctrl-C reaches the whole process group: the main process alone stops the run (no worker tracebacks).

    A worker ends with its parent, even one killed outright (SIGKILL) that cannot shut the pool down.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _end_with_parent(parent)


PR_SET_PDEATHSIG = 1  # linux/prctl.h
ORPHAN_POLL_S = 0.5


def _end_with_parent(parent: int) -> None:
    """On Linux the kernel kills this process when its parent dies; elsewhere a thread watches for it."""
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    import threading

    def watch() -> None:
        while _parent_alive(parent):
            time.sleep(ORPHAN_POLL_S)
        os._exit(1)

    threading.Thread(target=watch, name="pe-orphan-watch", daemon=True).start()  # also covers a parent gone already


def _parent_alive(parent: int) -> bool:
    if os.name == "nt":  # no re-parenting on Windows: ask whether the process still exists
        import ctypes

        handle = ctypes.windll.kernel32.OpenProcess(0x1000, False, parent)  # type: ignore[attr-defined]
        if not handle:
            return False
        code = ctypes.c_ulong()
        ctypes.windll.kernel32.GetExitCodeProcess(handle, ctypes.byref(code))  # type: ignore[attr-defined]
        ctypes.windll.kernel32.CloseHandle(handle)  # type: ignore[attr-defined]
        return code.value == 259  # STILL_ACTIVE
    return os.getppid() == parent


@contextmanager
def _bar(total: int, show: bool) -> Iterator[Callable[[], None]]:
    """A tqdm bar on stderr (count, rate, time left) when ``show``; otherwise a tick that does nothing."""
    if not show:
        yield lambda: None
        return
    from tqdm import tqdm

    with tqdm(total=total, unit="个", desc="评价", file=sys.stderr, dynamic_ncols=True) as bar:
        def tick() -> None:
            bar.update()

        yield tick

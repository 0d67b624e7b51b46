"""Writing files without destroying anything: temp file, then an atomic no-clobber rename."""
from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from scoring import UserError

_DENIED = "权限不足（请确认文件夹可写、同名文件未在 Word 等程序中打开）"
_REASONS = {
    errno.EACCES: _DENIED,
    errno.EPERM: _DENIED,
    errno.EROFS: "所在的磁盘或文件系统是只读的",
    errno.ENOSPC: "磁盘已满",
    errno.EDQUOT: "磁盘已满（超出磁盘配额）",
    errno.ENAMETOOLONG: "文件名或路径过长",
    errno.EISDIR: "已有同名文件夹",
}


class WriteError(UserError, OSError):
    """A file that could not be written: the message names it and says why, in Chinese.

    Also an OSError, so callers that already handle failed writes keep handling it.
    """


NAME_MAX_BYTES = 255  # of one file name, on every common file system (UTF-8 on Linux and macOS)
_NUMBER_ROOM = 8  # bytes kept free for "(2)" … "(99999)"


def available_path(path: Path, companions: tuple[str, ...] = ()) -> Path:
    """``path`` if free, else ``name(2).ext``, ``name(3).ext``…

    A generated name too long for the file system (made from a long source name) is shortened first.
    ``companions`` are suffixes of files written alongside (e.g. ``.pdf`` next to a
    ``.docx``): a name counts as taken when any of them exists.
    """
    path = fitting(path)
    n, candidate = 2, path
    try:
        while any(p.exists() for p in (candidate, *(candidate.with_suffix(s) for s in companions))):
            candidate = path.with_name(f"{path.stem}({n}){path.suffix}")
            n += 1
    except OSError as exc:  # e.g. a folder that cannot be searched
        raise WriteError(f"无法写入「{candidate}」：{reason(exc)}") from exc
    return candidate


def fitting(path: Path, kept: int = 12) -> Path:
    """``path`` with its stem shortened in the middle (``长长…_静态副本``: the source's name cut, the last ``kept``
    characters, what the tool added, kept) so that the name, numbered, fits ``NAME_MAX_BYTES``."""
    room = NAME_MAX_BYTES - _NUMBER_ROOM - len(path.suffix.encode(errors="surrogateescape"))
    if len(path.stem.encode(errors="surrogateescape")) <= room:
        return path
    tail = "…" + path.stem[-kept:]
    head = path.stem[:-kept].encode(errors="surrogateescape")[:room - len(tail.encode(errors="surrogateescape"))]
    return path.with_name(head.decode(errors="ignore") + tail + path.suffix)


def write_new(path: Path, write: Callable[[Path], object], overwrite: bool = False) -> Path:
    """Let ``write`` fill a temp file next to ``path``, then move it into place.

    Raises FileExistsError if ``path`` exists and ``overwrite`` is false; the
    existing file is never touched in that case. Raises WriteError when the
    folder or the disk refuses (permissions, read-only, full); no temp file stays behind.
    """
    try:
        return _write_new(path, write, overwrite)
    except FileExistsError:
        raise
    except OSError as exc:
        raise WriteError(f"无法写入「{path}」：{reason(exc)}") from exc


def reason(exc: OSError) -> str:
    """Why the system refused a write, in Chinese."""
    return _REASONS.get(exc.errno or 0) or exc.strerror or str(exc)


def _write_new(path: Path, write: Callable[[Path], object], overwrite: bool) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=".~pe-", suffix=path.suffix)
    os.close(fd)
    temp = Path(temp_name)
    try:
        write(temp)
        os.chmod(temp, 0o666 & ~_umask())  # mkstemp makes 0600; give the file the user's usual mode
        if overwrite:
            os.replace(temp, path)
        else:
            _link_no_clobber(temp, path)
    finally:
        temp.unlink(missing_ok=True)
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _link_no_clobber(temp: Path, path: Path) -> None:
    try:
        os.link(temp, path)
    except FileExistsError:
        raise FileExistsError(f"文件已存在，未覆盖：{path}") from None
    except OSError:
        # File systems without hard links: check, then rename (a tiny race window remains).
        if path.exists():
            raise FileExistsError(f"文件已存在，未覆盖：{path}") from None
        os.replace(temp, path)


def write_text_new(path: Path, text: str, overwrite: bool = False) -> Path:
    return write_new(path, lambda p: p.write_text(text, encoding="utf-8"), overwrite)

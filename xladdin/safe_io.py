"""Writing files without destroying anything: temp file, then an atomic no-clobber rename."""
from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def available_path(path: Path, companions: tuple[str, ...] = ()) -> Path:
    """``path`` if free, else ``name(2).ext``, ``name(3).ext``…

    ``companions`` are suffixes of files written alongside (e.g. ``.pdf`` next to a
    ``.docx``): a name counts as taken when any of them exists.
    """
    n, candidate = 2, path
    while any(p.exists() for p in (candidate, *(candidate.with_suffix(s) for s in companions))):
        candidate = path.with_name(f"{path.stem}({n}){path.suffix}")
        n += 1
    return candidate


def write_new(path: Path, write: Callable[[Path], object], overwrite: bool = False) -> Path:
    """Let ``write`` fill a temp file next to ``path``, then move it into place.

    Raises FileExistsError if ``path`` exists and ``overwrite`` is false; the
    existing file is never touched in that case.
    """
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

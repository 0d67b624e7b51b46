"""Find font files able to draw Chinese, without matplotlib (its font cache may predate the fonts).

Order: the file named by ``PE_EVAL_CHART_FONT``, then fontconfig's Chinese fonts (``fc-list``),
then well-known file names in the system's and the user's font folders.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

FONT_ENV = "PE_EVAL_CHART_FONT"
FONT_SUFFIXES = (".ttf", ".otf", ".ttc")
FC_LIST_TIMEOUT = 30
REGULAR_WEIGHT = 80  # fontconfig's weight of a regular face
# Family names, best first: sans-serif (黑体-like) faces suit charts, 宋体/楷体-like ones only as a fallback.
CJK_FAMILIES = (
    "Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", "Noto Sans SC", "Microsoft YaHei", "SimHei",
    "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "PingFang SC", "Hiragino Sans GB", "Heiti SC", "STHeiti",
    "Noto Serif CJK SC", "Source Han Serif SC", "AR PL UMing CN", "SimSun", "AR PL UKai CN", "FangSong", "KaiTi",
)
# Well-known file names (lower case), best first, for systems without fontconfig.
CJK_FILES = (
    "notosanscjk-regular.ttc", "notosanscjksc-regular.otf", "sourcehansanssc-regular.otf", "sourcehansans-regular.ttc",
    "notosanssc-regular.otf", "notosanssc-regular.ttf", "msyh.ttc", "msyh.ttf", "simhei.ttf", "wqy-zenhei.ttc",
    "wqy-microhei.ttc", "pingfang.ttc", "hiragino sans gb.ttc", "stheiti light.ttc", "stheiti medium.ttc",
    "notoserifcjk-regular.ttc", "notoserifcjksc-regular.otf", "uming.ttc", "simsun.ttc", "ukai.ttc", "simfang.ttf",
    "simkai.ttf",
)


def configured_font(environ: Mapping[str, str] = os.environ) -> Path | None:
    """The font file named by ``PE_EVAL_CHART_FONT`` if it is an existing .ttf/.otf/.ttc file."""
    value = environ.get(FONT_ENV, "").strip().strip('"')
    path = Path(value).expanduser() if value else None
    return path if path and path.suffix.lower() in FONT_SUFFIXES and path.is_file() else None


def fontconfig_fonts() -> list[Path]:
    """fontconfig's fonts covering Simplified Chinese, best first; none when fc-list is missing or fails."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return []
    try:
        done = subprocess.run([fc_list, "--format", r"%{family}\t%{weight}\t%{file}\n", ":lang=zh-cn"],
                              capture_output=True, encoding="utf-8", errors="replace", timeout=FC_LIST_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired):
        return []
    return rank_fontconfig(done.stdout) if done.returncode == 0 else []


def rank_fontconfig(listing: str) -> list[Path]:
    """The files of ``fc-list`` lines ``families<TAB>weight<TAB>file``: known family first, then regular weight."""
    ranked: dict[Path, tuple[int, float]] = {}
    for line in listing.splitlines():
        families, weight, file = (line.split("\t") + ["", ""])[:3]
        path = Path(file)
        if path.suffix.lower() not in FONT_SUFFIXES:
            continue
        rank = (_family_rank(families.split(",")), _weight_distance(weight))
        ranked[path] = min(ranked.get(path, rank), rank)
    return sorted(ranked, key=lambda path: (ranked[path], str(path)))


def _family_rank(families: list[str]) -> int:
    return min((CJK_FAMILIES.index(name) for name in families if name in CJK_FAMILIES), default=len(CJK_FAMILIES))


def _weight_distance(weight: str) -> float:
    try:
        return abs(float(weight) - REGULAR_WEIGHT)
    except ValueError:  # a variable font's range such as "[0 210]"
        return 0.0


def font_folders(environ: Mapping[str, str] = os.environ, platform: str = sys.platform) -> list[Path]:
    """The system's and the user's font folders on this platform."""
    home = Path.home()
    if platform == "win32":
        windows = Path(environ.get("WINDIR", r"C:\Windows"))
        local = environ.get("LOCALAPPDATA")
        return [windows / "Fonts", *([Path(local) / "Microsoft" / "Windows" / "Fonts"] if local else [])]
    if platform == "darwin":
        return [Path("/System/Library/Fonts"), Path("/Library/Fonts"), home / "Library" / "Fonts"]
    return [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), home / ".local" / "share" / "fonts",
            home / ".fonts"]


def folder_fonts(folders: Iterable[Path]) -> list[Path]:
    """Files with a well-known Chinese font name in ``folders`` (searched recursively), best name first."""
    found: dict[str, Path] = {}
    for folder in folders:
        for root, _dirs, files in os.walk(folder):
            for name in files:
                found.setdefault(name.lower(), Path(root) / name)
    return [found[name] for name in CJK_FILES if name in found]


def cjk_font_files(
    environ: Mapping[str, str] = os.environ,
    fontconfig: Callable[[], list[Path]] = fontconfig_fonts,
    folders: Iterable[Path] | None = None,
) -> Iterator[Path]:
    """Candidate Chinese font files, best first, found lazily (fc-list and folders only when needed)."""
    configured = configured_font(environ)
    if configured is not None:
        yield configured
    yield from fontconfig()
    yield from folder_fonts(font_folders(environ) if folders is None else folders)

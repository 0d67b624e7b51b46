"""Charts for 四、评价结论和绩效分析 (matplotlib, Agg canvas, imported lazily; optional extra ``charts``)."""
from __future__ import annotations

import functools
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from scoring import HUNDRED, ProgressPoint, Ruleset, Scorecard, fmt2, fmt_points

from .fonts import CJK_FAMILIES, cjk_font_files
from .writer import plain_text

WEIGHT_COLOR = "#c9c9c9"
SCORE_COLOR = "#1f4e79"
DPI = 200
PNG_COMPRESSION = 1  # zlib level: the same pixels, written faster than at the default 6


class ChartFont(NamedTuple):
    """A Chinese font registered with matplotlib: its family name and file."""

    family: str
    path: Path


def available() -> bool:
    """Whether matplotlib (the ``charts`` extra) can be imported."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


@functools.lru_cache(maxsize=1)
def cjk_font() -> ChartFont | None:
    """The first Chinese font file found that matplotlib can load, registered with it, or None.

    Registered explicitly, so a matplotlib font cache built before the font was installed does not matter.
    """
    return next(filter(None, map(_register, cjk_font_files())), None)


def _register(path: Path) -> ChartFont | None:
    """Add ``path`` to matplotlib's font list; its family name (a Simplified Chinese face if it has one)."""
    from matplotlib import font_manager

    manager = font_manager.fontManager
    try:
        manager.addfont(path)
    except (OSError, RuntimeError):  # unreadable, or not a font
        return None
    names = {entry.name for entry in manager.ttflist if Path(entry.fname) == path}
    family = next((name for name in CJK_FAMILIES if name in names), None)
    return ChartFont(family or font_manager.FontProperties(fname=path).get_name(), path)


def _render(draw: Callable, width_cm: float, height_cm: float) -> bytes:
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.layout_engine import TightLayoutEngine
    from PIL import Image

    font = cjk_font()
    families = [font.family, "DejaVu Sans"] if font else ["DejaVu Sans"]
    rc: Any = {"font.family": "sans-serif", "font.sans-serif": families, "axes.unicode_minus": False, "font.size": 10,
               "text.parse_math": False}  # labels are the user's text: "$x$" is not mathtext
    with matplotlib.rc_context(rc):
        figure = Figure(figsize=(width_cm / 2.54, height_cm / 2.54), dpi=DPI)
        canvas = FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        draw(axes, font is not None)
        # Once, as figure.tight_layout() would, but without leaving an engine on the figure: savefig would
        # then lay out every text once more before drawing.
        TightLayoutEngine().execute(figure)
        canvas.draw()
    # The figure is opaque: its pixels without the alpha channel, which takes a third of the PNG's writing time.
    image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="png", compress_level=PNG_COMPRESSION, dpi=(DPI, DPI))
    return buffer.getvalue()


def score_chart(rs: Ruleset, card: Scorecard) -> bytes:
    """Horizontal bars: 分值 and 得分 of each 二级 indicator."""
    groups = list(rs.level2)

    def draw(axes, cjk: bool) -> None:
        positions = range(len(groups))
        weights = [float(g.weight) for g in groups]
        scores = [float(card.subtotals[g.code]) for g in groups]
        height = 0.38
        axes.barh([p - height / 2 for p in positions], weights, height, color=WEIGHT_COLOR,
                  label="分值" if cjk else "weight")
        axes.barh([p + height / 2 for p in positions], scores, height, color=SCORE_COLOR,
                  label="得分" if cjk else "score")
        top = max(weights)
        for p, g in zip(positions, groups):
            axes.text(float(g.weight) + top * 0.01, p - height / 2, fmt_points(g.weight), va="center", fontsize=8)
            axes.text(float(card.subtotals[g.code]) + top * 0.01, p + height / 2, fmt2(card.subtotals[g.code]),
                      va="center", fontsize=8, color=SCORE_COLOR)
        axes.set_yticks(list(positions), [plain_text(f"{g.code} {g.name}" if cjk else g.code) for g in groups])
        axes.invert_yaxis()
        axes.set_xlim(0, top * 1.12)
        axes.set_xlabel("分" if cjk else "points")
        axes.legend(loc="upper right", frameon=False)
        axes.spines[["top", "right"]].set_visible(False)

    return _render(draw, 15, 9)


def progress_chart(points: list[ProgressPoint]) -> bytes:
    """Budget execution progress at each point of the year, in percent."""

    def draw(axes, cjk: bool) -> None:
        plain = [plain_text(p.label) for p in points]
        labels = [label if cjk or label.isascii() else f"T{i}" for i, label in enumerate(plain, start=1)]
        rates = [float(p.rate * HUNDRED) for p in points]
        axes.plot(labels, rates, marker="o", color=SCORE_COLOR)
        for label, point, rate in zip(labels, points, rates):
            axes.annotate(f"{fmt2(point.rate * HUNDRED)}%", (label, rate), textcoords="offset points",
                          xytext=(0, 7), ha="center", fontsize=9)
        axes.axhline(100, color=WEIGHT_COLOR, linewidth=0.8, linestyle="--")
        axes.set_ylim(0, 110)
        axes.set_ylabel("预算执行进度（%）" if cjk else "%")
        axes.grid(axis="y", linewidth=0.3)
        axes.spines[["top", "right"]].set_visible(False)

    return _render(draw, 15, 7)

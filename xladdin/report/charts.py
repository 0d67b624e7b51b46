"""Charts for 四、评价结论和绩效分析 (matplotlib, Agg canvas, imported lazily)."""
from __future__ import annotations

import functools
import io
from collections.abc import Callable
from typing import Any

from scoring import HUNDRED, ProgressPoint, Ruleset, Scorecard, fmt2, fmt_points

CJK_FONTS = (
    "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "SimHei", "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei", "PingFang SC", "Noto Serif CJK SC", "AR PL UMing CN", "SimSun",
)
WEIGHT_COLOR = "#c9c9c9"
SCORE_COLOR = "#1f4e79"


@functools.lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The first installed font able to draw Chinese, or None (labels then fall back to codes)."""
    from matplotlib import font_manager

    names = {entry.name for entry in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in names), None)


def _render(draw: Callable, width_cm: float, height_cm: float) -> bytes:
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    font = cjk_font()
    families = [font, "DejaVu Sans"] if font else ["DejaVu Sans"]
    rc: Any = {"font.family": "sans-serif", "font.sans-serif": families, "axes.unicode_minus": False, "font.size": 10}
    with matplotlib.rc_context(rc):
        figure = Figure(figsize=(width_cm / 2.54, height_cm / 2.54), dpi=200)
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        draw(axes, font is not None)
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
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
        axes.set_yticks(list(positions), [f"{g.code} {g.name}" if cjk else g.code for g in groups])
        axes.invert_yaxis()
        axes.set_xlim(0, top * 1.12)
        axes.set_xlabel("分" if cjk else "points")
        axes.legend(loc="upper right", frameon=False)
        axes.spines[["top", "right"]].set_visible(False)

    return _render(draw, 15, 9)


def progress_chart(points: list[ProgressPoint]) -> bytes:
    """Budget execution progress at each point of the year, in percent."""

    def draw(axes, cjk: bool) -> None:
        labels = [p.label if cjk or p.label.isascii() else f"T{i}" for i, p in enumerate(points, start=1)]
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

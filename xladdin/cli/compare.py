"""`pe-eval compare LAST THIS`: one unit's evaluation against last year's, item by item (see scoring.year_over_year)."""
from __future__ import annotations

import argparse
from dataclasses import asdict
from pathlib import Path

from scoring import Change, Comparison, compare, describe_change, snapshot

from ..files.load import load_assessment
from .common import pad, to_json


def cmd_compare(args: argparse.Namespace) -> int:
    """Exit 0 whatever changed (large swings are for reading, not errors); 2 when a file cannot be read."""
    comparison = compare(snapshot(load_assessment(Path(args.last))), snapshot(load_assessment(Path(args.this))))
    print(to_json(asdict(comparison)) if args.json else render_comparison(comparison))
    return 0


def render_comparison(comparison: Comparison) -> str:
    last, this = comparison.last, comparison.this

    def year(value: int | None) -> str:
        return f"{value}年度" if value is not None else "年度未填写"

    lines = [f"{this.unit_name or '（单位名称未填写）'}：{year(last.year)}（{last.ruleset}） → {year(this.year)}（{this.ruleset}）"]
    lines += [f"注意：{note}" for note in comparison.notes]
    lines += ["", _line(comparison.total, 10), "", "关键数据："]
    lines += [_line(change, 28) for change in comparison.figures]
    if comparison.indicators:
        lines += ["", f"指标（{len(comparison.indicators)}项）："]
        lines += [_line(change, 44) for change in comparison.indicators]
    swings, revised = comparison.swings, comparison.revised
    lines += ["", f"大幅变化{len(swings)}项" + (f"：{'、'.join(c.name for c in swings)}" if swings else ""),
              f"计分规则或分值改变的指标{len(revised)}项" + (f"：{'、'.join(c.name for c in revised)}" if revised else "")]
    return "\n".join(lines)


def _line(change: Change, width: int) -> str:
    unit = f"（{change.unit}）" if change.unit in ("万元", "人") else ""
    marks = (["！大幅变化"] if change.swing else []) + ([change.note] if change.note else []) + change.revised
    return f"  {pad(change.name + unit, width)} {describe_change(change)}" + (f"  {'；'.join(marks)}" if marks else "")

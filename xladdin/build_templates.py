"""Regenerate ``workbook_templates/`` from the shipped rulesets; ``--check`` reports drift instead.

    python -m xladdin.build_templates            # rewrite the files
    python -m xladdin.build_templates --check    # exit 1 if the committed files differ from a fresh build

Files are compared by content (cells, formulas, styles that matter, merges, validations,
conditional formats, defined names, protection, print setup), not by zip bytes.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from openpyxl import load_workbook

from scoring.model import Evaluation, sample_evaluation
from scoring.ruleset import Ruleset, load_ruleset, shipped_rulesets

from .workbook_build import build_workbook

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "workbook_templates"
SAMPLE = "xundian-2024"


def template_name(ruleset_id: str) -> str:
    return f"{ruleset_id}-template.xlsx"


def sample_name(name: str = SAMPLE) -> str:
    return f"{name}-sample.xlsx"


def outputs() -> dict[str, tuple[Ruleset, Evaluation | None]]:
    """File name → (ruleset, evaluation or None for a blank template)."""
    files: dict[str, tuple[Ruleset, Evaluation | None]] = {
        template_name(rid): (load_ruleset(rid), None) for rid in shipped_rulesets()
    }
    sample = sample_evaluation(SAMPLE)
    files[sample_name()] = (load_ruleset(sample.ruleset), sample)
    return files


def save(rs: Ruleset, evaluation: Evaluation | None, path: Path) -> None:
    build_workbook(rs, evaluation).save(path)


def write_all(directory: Path = TEMPLATES_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (rs, evaluation) in outputs().items():
        save(rs, evaluation, directory / name)
        written.append(directory / name)
    return written


def _colour(color) -> str | None:
    return None if color is None else str(color.rgb if color.type == "rgb" else f"{color.type}:{color.value}")


def content(path: Path) -> dict:
    """Everything about a workbook that a user or formula could notice."""
    wb = load_workbook(path)
    data: dict = {
        "sheets": wb.sheetnames,
        "names": sorted((name, dn.attr_text) for name, dn in wb.defined_names.items()),
    }
    for ws in wb.worksheets:
        cells = []
        for row in ws.iter_rows():
            for c in row:
                if c.value is None and not c.has_style:
                    continue
                cells.append((
                    c.coordinate, c.value, c.data_type, c.number_format, c.font.b, c.font.i, _colour(c.font.color),
                    _colour(c.fill.fgColor) if c.fill.fill_type else None, c.protection.locked,
                    c.alignment.horizontal, c.alignment.wrap_text, c.alignment.indent, c.border.left.style,
                ))
        page = ws.page_setup
        data[ws.title] = {
            "cells": cells,
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "validations": sorted(
                (str(dv.sqref), dv.type, dv.formula1, dv.formula2, dv.operator, dv.prompt, dv.error)
                for dv in ws.data_validations.dataValidation
            ),
            "conditional": sorted(
                (str(cf.sqref), rule.type, tuple(rule.formula), rule.stopIfTrue, rule.priority,
                 _colour(rule.dxf.fill.fgColor) if rule.dxf and rule.dxf.fill else None,
                 _colour(rule.dxf.font.color) if rule.dxf and rule.dxf.font else None)
                for cf in ws.conditional_formatting for rule in cf.rules
            ),
            "protection": (ws.protection.sheet, ws.protection.password, ws.protection.formatColumns),
            "freeze": ws.freeze_panes,
            "widths": sorted((k, d.width, d.hidden) for k, d in ws.column_dimensions.items() if d.width or d.hidden),
            "heights": sorted((k, d.height) for k, d in ws.row_dimensions.items() if d.height),
            "print": (page.orientation, page.paperSize, page.fitToWidth, page.fitToHeight, ws.print_title_rows),
        }
    return data


def drift(directory: Path = TEMPLATES_DIR) -> list[str]:
    """Chinese descriptions of committed files that differ from a fresh build (empty = none)."""
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, (rs, evaluation) in outputs().items():
            committed = directory / name
            if not committed.exists():
                problems.append(f"缺少 {committed}")
                continue
            fresh = Path(tmp) / name
            save(rs, evaluation, fresh)
            old, new = content(committed), content(fresh)
            if old != new:
                parts = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
                problems.append(f"{committed} 与重新生成的内容不一致（{'、'.join(parts)}）")
        expected = set(outputs())
        problems += [f"多余的文件 {p}" for p in sorted(directory.glob("*.xlsx")) if p.name not in expected]
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m xladdin.build_templates", description="由规则集生成工作簿模板与示例")
    parser.add_argument("--check", action="store_true", help="只检查已提交的文件是否与重新生成的一致")
    args = parser.parse_args(argv)
    if args.check:
        problems = drift()
        for line in problems:
            print(line, file=sys.stderr)
        print("工作簿模板与规则集一致。" if not problems else "请运行 python -m xladdin.build_templates 重新生成。")
        return 1 if problems else 0
    for path in write_all():
        print(f"已生成 {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Regenerate ``workbook_templates/`` from the shipped rulesets; ``--check`` reports drift instead.

    python -m xladdin.workbook.build_templates            # rewrite the files
    python -m xladdin.workbook.build_templates --check    # exit 1 if the committed files differ from a fresh build

Files are compared by content, not by zip bytes: per cell the value, type, number format, font,
borders, alignment, fill and protection; per sheet merges, validations, conditional formats,
protection, panes, sizes, print setup and view; defined names. A failure names the first differences.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.styles import GradientFill

from scoring import (
    Evaluation,
    Ruleset,
    load_ruleset,
    sample_evaluation,
    shipped_rulesets,
)

from ..workbook import workbook_bytes

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "workbook_templates"
SAMPLE = "xundian-2024"
SAMPLES = (SAMPLE, "self-2020")  # embedded samples (scoring/samples/<name>.json); `pe-eval demo` writes each


def template_name(ruleset_id: str) -> str:
    return f"{ruleset_id}-template.xlsx"


def sample_name(name: str = SAMPLE) -> str:
    return f"{name}-sample.xlsx"


INSTALLED_NAMES = {  # file here → the .xlsm the Windows installer has Excel build from it
    template_name("xundian-2024"): "绩效评价模板（寻甸2024指标体系）.xlsm",
    template_name("mof-2013"): "绩效评价模板（财预2013-53号共性指标）.xlsm",
    sample_name(): "示例-寻甸县融媒体中心2024.xlsm",
    template_name("self-2020"): "自评表模板（通用格式）.xlsm",
    template_name("self-coef"): "自评表模板（得分系数格式）.xlsm",
    sample_name("self-2020"): "示例-青山县文化和旅游局2024自评表.xlsm",
}


def outputs() -> dict[str, tuple[Ruleset, Evaluation | None]]:
    """File name → (ruleset, evaluation or None for a blank template)."""
    files: dict[str, tuple[Ruleset, Evaluation | None]] = {
        template_name(rid): (load_ruleset(rid), None) for rid in shipped_rulesets()
    }
    for name in SAMPLES:
        sample = sample_evaluation(name)
        files[sample_name(name)] = (load_ruleset(sample.ruleset), sample)
    return files


def save(rs: Ruleset, evaluation: Evaluation | None, path: Path) -> None:
    path.write_bytes(workbook_bytes(rs, evaluation))


def write_all(directory: Path = TEMPLATES_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (rs, evaluation) in outputs().items():
        save(rs, evaluation, directory / name)
        written.append(directory / name)
    return written


def _colour(color) -> str | None:
    if color is None:
        return None
    text = str(color.rgb if color.type == "rgb" else f"{color.type}:{color.value}")
    return f"{text}{color.tint:+g}" if color.tint else text


def _font(f) -> dict:
    return {"name": f.name, "size": f.sz, "bold": f.b, "italic": f.i, "underline": f.u, "strike": f.strike,
            "colour": _colour(f.color)}


def _side(s) -> dict:
    return {"style": s.style if s else None, "colour": _colour(s.color) if s else None}


def _border(b) -> dict:
    return {"left": _side(b.left), "right": _side(b.right), "top": _side(b.top), "bottom": _side(b.bottom)}


def _alignment(a) -> dict:
    return {"horizontal": a.horizontal, "vertical": a.vertical, "wrap": a.wrap_text, "indent": a.indent,
            "shrink": a.shrink_to_fit, "rotation": a.text_rotation}


def _fill(f) -> dict:
    if isinstance(f, GradientFill):
        stops = tuple((s.position, _colour(s.color)) for s in f.stop)
        return {"type": f"gradient:{f.type}:{f.degree}", "fg": stops, "bg": None}
    return {"type": f.fill_type, "fg": _colour(f.fgColor), "bg": _colour(f.bgColor)}


def _protection(p) -> dict:
    return {"locked": p.locked, "hidden": p.hidden}


def _cell(c) -> dict:
    return {"value": c.value, "data_type": c.data_type, "number_format": c.number_format, "font": _font(c.font),
            "border": _border(c.border), "alignment": _alignment(c.alignment), "fill": _fill(c.fill),
            "protection": _protection(c.protection)}


def _dxf(dxf) -> dict | None:
    """Differential style of a conditional format (font, fill, border, number format)."""
    if dxf is None:
        return None
    return {"font": _font(dxf.font) if dxf.font else None, "fill": _fill(dxf.fill) if dxf.fill else None,
            "border": _border(dxf.border) if dxf.border else None,
            "number_format": dxf.numFmt.formatCode if dxf.numFmt else None}


def _keyed(items) -> dict:
    """(key, value) pairs → dict; a repeated key gets a ``#n`` suffix instead of overwriting."""
    out: dict = {}
    for key, value in items:
        k, n = key, 1
        while k in out:
            n += 1
            k = f"{key}#{n}"
        out[k] = value
    return out


def _sheet(ws) -> dict:
    page, view = ws.page_setup, ws.sheet_view
    fit = ws.sheet_properties.pageSetUpPr
    return {
        # iter_rows is row-major, so the first differences reported are the top-left ones
        "cells": {c.coordinate: _cell(c) for row in ws.iter_rows() for c in row if c.value is not None or c.has_style},
        "merged": sorted(str(r) for r in ws.merged_cells.ranges),
        "validations": _keyed(
            (str(dv.sqref), {"type": dv.type, "formula1": dv.formula1, "formula2": dv.formula2, "operator": dv.operator,
                             "allow_blank": dv.allow_blank, "prompt_title": dv.promptTitle, "prompt": dv.prompt,
                             "error_title": dv.errorTitle, "error": dv.error, "error_style": dv.errorStyle})
            for dv in ws.data_validations.dataValidation
        ),
        "conditional": _keyed(
            (str(cf.sqref), {"type": rule.type, "formula": tuple(rule.formula), "operator": rule.operator,
                             "stop": rule.stopIfTrue, "priority": rule.priority, "dxf": _dxf(rule.dxf)})
            for cf in ws.conditional_formatting for rule in cf.rules
        ),
        "sheet_protection": {"sheet": ws.protection.sheet, "password": ws.protection.password,
                             "format_columns": ws.protection.formatColumns},
        "freeze": ws.freeze_panes,
        "widths": {k: d.width for k, d in ws.column_dimensions.items() if d.width},
        "hidden_columns": sorted(k for k, d in ws.column_dimensions.items() if d.hidden),
        "heights": {k: d.height for k, d in ws.row_dimensions.items() if d.height},
        "print": {"orientation": page.orientation, "paper": page.paperSize, "fit_width": page.fitToWidth,
                  "fit_height": page.fitToHeight, "fit_page": fit.fitToPage if fit else None,
                  "title_rows": ws.print_title_rows, "area": ws.print_area},
        "view": {"zoom": view.zoomScale, "gridlines": view.showGridLines},
        "tab_colour": _colour(ws.sheet_properties.tabColor),
    }


def content(path: Path) -> dict:
    """Everything about a workbook that a user or formula could notice, as nested dicts (comparable with ==)."""
    wb = load_workbook(path)
    shown = load_workbook(path, data_only=True)
    return {
        "workbook": {"sheets": wb.sheetnames, "active": wb.active.title if wb.active else None,
                     "names": {name: dn.attr_text for name, dn in wb.defined_names.items()}},
        "worksheets": {ws.title: _sheet(ws) for ws in wb.worksheets},
        "cached": {f"{ws.title}!{c.coordinate}": shown[ws.title][c.coordinate].value
                   for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"},
    }


# Chinese labels for the keys of content(); a path's label is its keys' labels joined ("font", "size" → 字体大小).
_LABELS = {
    "sheets": "工作表", "active": "活动工作表", "names": "定义名称", "cached": "保存的计算结果",
    "value": "值", "data_type": "数据类型", "number_format": "数字格式",
    "font": "字体", "name": "名称", "size": "大小", "bold": "粗体", "italic": "斜体", "underline": "下划线",
    "strike": "删除线", "colour": "颜色",
    "border": "", "left": "左边框", "right": "右边框", "top": "上边框", "bottom": "下边框", "style": "样式",
    "alignment": "", "horizontal": "水平对齐", "vertical": "垂直对齐", "wrap": "自动换行", "indent": "缩进",
    "shrink": "缩小字体填充", "rotation": "文字方向",
    "fill": "填充", "type": "类型", "fg": "前景色", "bg": "背景色",
    "protection": "", "locked": "锁定", "hidden": "隐藏公式",
    "cell": "单元格", "worksheet": "工作表", "merged": "合并单元格", "validations": "数据验证", "conditional": "条件格式", "dxf": "",
    "formula": "公式", "formula1": "公式1", "formula2": "公式2", "operator": "运算符", "allow_blank": "允许空值",
    "prompt_title": "提示标题", "prompt": "提示", "error_title": "出错标题", "error": "出错信息",
    "error_style": "出错样式", "stop": "如果为真则停止", "priority": "优先级",
    "sheet_protection": "工作表保护", "sheet": "已保护", "password": "密码", "format_columns": "允许设置列格式",
    "freeze": "冻结窗格", "widths": "列宽", "hidden_columns": "隐藏列", "heights": "行高",
    "print": "打印设置", "orientation": "方向", "paper": "纸张", "fit_width": "页宽", "fit_height": "页高",
    "fit_page": "缩放至页", "title_rows": "标题行", "area": "打印区域",
    "view": "视图", "zoom": "缩放", "gridlines": "网格线", "tab_colour": "标签颜色",
}


def _show(value, quote: bool = False) -> str:
    """A value for a message; ``quote`` marks text so that “1” and 1 read differently."""
    if value is None:
        return "（无）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = f"“{value}”" if quote and isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:59] + "…"


def _differences(old, new, keys: tuple = ()):
    """Yield (keys, old, new) for every leaf that differs; dicts are walked, anything else is a leaf."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in list(old) + [k for k in new if k not in old]:
            if key not in new or key not in old:
                yield keys + (key,), old.get(key, None), new.get(key, None)
            elif old[key] != new[key]:
                yield from _differences(old[key], new[key], keys + (key,))
    elif isinstance(old, list) and isinstance(new, list):
        gone, added = [x for x in old if x not in new], [x for x in new if x not in old]
        yield keys, gone[0] if gone else None, added[0] if added else None  # first item that differs
    else:
        yield keys, old, new


def _describe(keys: tuple, old, new) -> str:
    """("worksheets", "说明", "cells", "A1", "font", "size") → 说明!A1 字体大小 16 → 32"""
    if keys[0] == "worksheets" and len(keys) > 3 and keys[2] == "cells":
        where, rest = f"{keys[1]}!{keys[3]}", keys[4:] or ("cell",)
    elif keys[0] == "worksheets":
        where, rest = keys[1], keys[2:] or ("worksheet",)
    else:
        where, rest = "工作簿", keys[1:]
    if isinstance(old, dict) or isinstance(new, dict):  # a cell, sheet or rule present on one side only
        old, new = ("存在" if old is not None else None), ("存在" if new is not None else None)
    label = "".join(_LABELS.get(k, f" {k} ") for k in rest).strip()
    quote = rest[-1:] == ("value",)
    return f"{where} {label} {_show(old, quote)} → {_show(new, quote)}"


def drift(directory: Path = TEMPLATES_DIR, shown: int = 5) -> list[str]:
    """Chinese descriptions of committed files that differ from a fresh build (empty = none).

    Each description names the first ``shown`` differences as ``sheet!cell attribute committed → regenerated``.
    """
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
                found = [_describe(*d) for d in _differences(old, new)]
                more = f"；等共 {len(found)} 处" if len(found) > shown else ""
                problems.append(f"{committed} 与重新生成的内容不一致（已提交 → 重新生成）：{'；'.join(found[:shown])}{more}")
        expected = set(outputs())
        problems += [f"多余的文件 {p}" for p in sorted(directory.glob("*.xlsx")) if p.name not in expected]
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m xladdin.workbook.build_templates", description="由规则集生成工作簿模板与示例")
    parser.add_argument("--check", action="store_true", help="只检查已提交的文件是否与重新生成的一致")
    args = parser.parse_args(argv)
    if args.check:
        problems = drift()
        for line in problems:
            print(line, file=sys.stderr)
        print("工作簿模板与规则集一致。" if not problems else "请运行 python -m xladdin.workbook.build_templates 重新生成。")
        return 1 if problems else 0
    for path in write_all():
        print(f"已生成 {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

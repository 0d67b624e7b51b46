"""The template drift check (`python -m xladdin.workbook.build_templates --check`) sees styles, not only values."""
from __future__ import annotations

import shutil
from copy import copy
from pathlib import Path

import pytest
from openpyxl import load_workbook

from xladdin.workbook import build_templates

TEMPLATE = build_templates.template_name("xundian-2024")


@pytest.fixture(scope="module")
def templates(tmp_path_factory) -> Path:
    """A copy of the committed templates, with no drift, to be copied again and changed by each test."""
    directory = tmp_path_factory.mktemp("committed")
    for name in build_templates.outputs():
        shutil.copy(build_templates.TEMPLATES_DIR / name, directory / name)
    return directory


def changed_copy(templates: Path, tmp_path: Path, change) -> tuple[Path, str]:
    """Copy all expected files to ``tmp_path``, apply ``change(ws) -> coordinate`` to 基本信息 of TEMPLATE, save."""
    for path in templates.glob("*.xlsx"):
        shutil.copy(path, tmp_path / path.name)
    path = tmp_path / TEMPLATE
    wb = load_workbook(path)
    ref = change(wb["基本信息"])
    wb.save(path)
    return path, f"基本信息!{ref}"


def first_cell(ws, wanted):
    return next(c for row in ws.iter_rows() for c in row if wanted(c))


def assert_drift_names(templates: Path, path: Path, ref: str, label: str) -> str:
    assert build_templates.content(path) != build_templates.content(templates / path.name)
    problems = build_templates.drift(path.parent)
    assert len(problems) == 1 and str(path) in problems[0]
    assert f"{ref} {label}" in problems[0]
    return problems[0]


def test_committed_templates_have_no_drift():
    assert build_templates.drift() == []


def test_font_size_change_is_drift(templates, tmp_path):
    def change(ws):
        cell = first_cell(ws, lambda c: c.value is not None)
        font = copy(cell.font)
        font.sz = (font.sz or 11) * 2
        cell.font = font
        return cell.coordinate

    path, ref = changed_copy(templates, tmp_path, change)
    message = assert_drift_names(templates, path, ref, "字体大小")
    assert "→" in message


def test_border_colour_change_is_drift(templates, tmp_path):
    def change(ws):
        cell = first_cell(ws, lambda c: c.border.left.style)
        border, side = copy(cell.border), copy(cell.border.left)
        side.color = "FFFF0000"
        border.left = side
        cell.border = border
        return cell.coordinate

    path, ref = changed_copy(templates, tmp_path, change)
    message = assert_drift_names(templates, path, ref, "左边框颜色")
    assert "FFFF0000 →" in message


def test_fill_colour_change_is_drift(templates, tmp_path):
    def change(ws):
        cell = first_cell(ws, lambda c: c.fill.fill_type == "solid")
        fill = copy(cell.fill)
        fill.fgColor = "FF00FF00"
        cell.fill = fill
        return cell.coordinate

    path, ref = changed_copy(templates, tmp_path, change)
    message = assert_drift_names(templates, path, ref, "填充前景色")
    assert "FF00FF00 →" in message

"""`pe-eval values`: a static copy with no formulas, the core's values, and the input untouched."""
import hashlib
import shutil

from openpyxl import load_workbook

from scoring import assess, load_ruleset, sample_evaluation
from xladdin.workbook import build_templates
from xladdin.cli import main
from xladdin.workbook import expected_cells

SAMPLE = build_templates.TEMPLATES_DIR / build_templates.sample_name()


def test_static_copy_has_the_core_values_and_no_formula(tmp_path, capsys):
    source = tmp_path / "评价.xlsx"
    shutil.copy(SAMPLE, source)
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    assert main(["values", str(source)]) == 0
    assert "总得分：93.56分    等级：优" in capsys.readouterr().out
    copy = tmp_path / "评价_静态副本.xlsx"
    assert hashlib.sha256(source.read_bytes()).hexdigest() == digest  # the input is never modified
    wb = load_workbook(copy)
    assert not [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"]
    expected = expected_cells(assess(sample_evaluation(), load_ruleset("xundian-2024")))
    for item in expected:
        sheet, ref = item.place.split("!")
        value = wb[sheet][ref].value
        assert (value if value is not None else "") == item.value, item.place
    note = wb["说明"].cell(wb["说明"].max_row, 2).value
    assert "「评价.xlsx」" in note and "静态副本" in note and "总得分93.56分，等级优" in note
    assert wb["指标体系"].protection.sheet and "A1:R1" in {str(r) for r in wb["指标体系"].merged_cells.ranges}


def test_static_copy_never_overwrites_and_refuses_other_files(tmp_path, capsys):
    source = tmp_path / "评价.xlsx"
    shutil.copy(SAMPLE, source)
    assert main(["values", str(source)]) == 0 and main(["values", str(source)]) == 0
    assert (tmp_path / "评价_静态副本(2).xlsx").exists()
    out = tmp_path / "x.xlsx"
    out.write_bytes(b"mine")
    assert main(["values", str(source), "-o", str(out)]) == 2 and out.read_bytes() == b"mine"
    assert main(["values", str(tmp_path / "a.json")]) == 2

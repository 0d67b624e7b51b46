"""`pe-eval values`: a static copy with no formulas, the core's values, and the input untouched."""
import hashlib
import json
import shutil

import pytest

from openpyxl import load_workbook

from scoring import assess, load_ruleset, sample_evaluation
from xladdin.workbook import build_templates
from xladdin.cli import main
from xladdin.workbook import expected_cells
from xladdin.workbook.style import INPUT_FILL

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
    note = wb["说明"]["A2"].value
    assert note.startswith("静态副本：由「评价.xlsx」于") and "生成，不随输入更新。总得分93.56分，等级优。" in note
    guide_text = [c.value for row in wb["说明"].iter_rows() for c in row if isinstance(c.value, str)]
    assert not [text for text in guide_text if "实时公式" in text]
    for ws in wb.worksheets:
        if ws.sheet_state == "visible":
            assert ws.HeaderFooter.oddHeader.left.text == note.split("。")[0], ws.title  # on every printed page
            assert not [c.coordinate for row in ws.iter_rows() for c in row if c.fill == INPUT_FILL], ws.title
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


@pytest.mark.parametrize("name", [build_templates.sample_name(), build_templates.sample_name("self-2020")])
def test_check_and_batch_recognise_a_static_copy(name, tmp_path, capsys):
    source = tmp_path / "评价.xlsx"
    shutil.copy(build_templates.TEMPLATES_DIR / name, source)
    assert main(["values", str(source)]) == 0
    capsys.readouterr()
    copy = tmp_path / "评价_静态副本.xlsx"
    main(["check", str(copy), "--json"])
    findings = json.loads(capsys.readouterr().out)["findings"]
    codes = [f["code"] for f in findings]
    assert codes.count("WB-STATIC") == 1 and not [c for c in codes if c in ("WB-FORMULA", "WB-BINDING", "WB-NO-CACHE")]
    (note,) = [f for f in findings if f["code"] == "WB-STATIC"]
    assert note["severity"] == "info" and "不随输入更新" in note["message"]
    main(["check", str(source), "--json"])  # the original, with formulas: checked as before
    assert "WB-STATIC" not in capsys.readouterr().out
    main(["batch", str(copy), "--json"])
    (row,) = json.loads(capsys.readouterr().out)["rows"]
    assert row["警告"] == sum(f["severity"] == "warning" for f in findings) <= 9  # the seed's 9 are about its data

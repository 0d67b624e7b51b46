"""`pe-eval batch` at scale: worker processes, input order, progress, failures listed, the roster and last year."""
import json
import multiprocessing
import os
from pathlib import Path

import pytest

from department_files import credit_code, report_department, self_department, unit_name, write_workbook
from xladdin.batch import runner as batch
from xladdin.cli import main
from xladdin.batch.roster import check_roster, read_expected, unit_key


def _json_files(folder: Path, count: int) -> list[Path]:
    folder.mkdir(exist_ok=True)
    paths = []
    for n in range(count):
        evaluation = report_department(n) if n % 3 else self_department(n)
        path = folder / f"{n:02d}.json"
        path.write_text(evaluation.model_dump_json(), encoding="utf-8")
        paths.append(path)
    return paths


def _summary(results):
    return [(r.path, r.snapshot.unit_name if r.snapshot else None, r.snapshot.total if r.snapshot else None, r.failure)
            for r in results]


def test_workers_give_the_results_of_one_process_in_input_order(tmp_path, monkeypatch):
    paths = _json_files(tmp_path / "in", 10)
    (tmp_path / "in" / "05.json").write_text("{", encoding="utf-8")
    used = []
    original = batch._in_parallel
    monkeypatch.setattr(batch, "_in_parallel", lambda *args: used.append(args[2]) or original(*args))
    parallel = batch.assess_files(paths, progress=False)
    monkeypatch.setattr(batch, "PARALLEL_FROM", 100)
    serial = batch.assess_files(paths, progress=False)
    assert used == [min(os.cpu_count() or 1, 10)] or (os.cpu_count() or 1) < 2  # workers on a machine that has cores
    assert _summary(parallel) == _summary(serial)
    assert [r.path for r in parallel] == [str(p) for p in paths]
    assert parallel[0].snapshot.unit_name == unit_name(0) and parallel[1].snapshot.credit_code == credit_code(1)
    assert parallel[5].snapshot is None and "不是有效的 JSON" in parallel[5].failure
    assert parallel[0].snapshot.ruleset == "self-2020" and parallel[1].snapshot.ruleset == "xundian-2024"


@pytest.mark.skipif(multiprocessing.get_start_method() != "fork", reason="workers inherit the stand-in only when forked")
def test_a_worker_that_dies_is_a_listed_failure_not_the_end(tmp_path, monkeypatch):
    from xladdin.files import load

    paths = _json_files(tmp_path / "in", 9)
    original = load.load_assessment

    def die_on_the_last(path, ruleset=None):
        if path.name == "08.json":
            os._exit(1)
        return original(path, ruleset)
    monkeypatch.setattr(load, "load_assessment", die_on_the_last)
    results = batch.assess_files(paths, progress=False)
    assert [r.path for r in results] == [str(p) for p in paths]
    assert results[-1].failure == batch.CRASHED
    assert all(r.snapshot is not None or r.failure == batch.CRASHED for r in results)


def test_progress_shows_count_and_rate_only_when_asked_or_on_a_terminal(tmp_path, capsys):
    paths = _json_files(tmp_path / "in", 3)
    batch.assess_files(paths, progress=True)
    err = capsys.readouterr().err
    assert "3/3" in err and "个/s" in err
    batch.assess_files(paths)  # stderr is not a terminal here
    assert capsys.readouterr().err == ""


def test_batch_lists_rows_with_file_names_and_failures_at_the_end(tmp_path, capsys):
    _json_files(tmp_path / "in", 2)
    (tmp_path / "in" / "坏.xlsx").write_text("not a workbook")
    assert main(["batch", str(tmp_path / "in")]) == 2
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith(f"{unit_name(0)}（00.json）  通过") and lines[1].endswith(f"{unit_name(1)}（01.json）  通过")
    assert lines[2].endswith("坏.xlsx  无法读取（原因见下）")
    assert lines[3:5] == ["共3个文件：0个有错误，1个无法读取。", "无法读取的文件（1个）："]
    assert lines[5].startswith(f"  {tmp_path / 'in' / '坏.xlsx'}：") and "不是 Excel 工作簿" in lines[5]


def test_batch_output_must_be_new_and_xlsx_or_csv(tmp_path, capsys):
    _json_files(tmp_path / "in", 1)
    existing = tmp_path / "汇总.xlsx"
    existing.write_bytes(b"keep")
    assert main(["batch", str(tmp_path / "in"), "--out", str(existing)]) == 2
    assert "文件已存在，未覆盖" in capsys.readouterr().err and existing.read_bytes() == b"keep"
    assert main(["batch", str(tmp_path / "in"), "--out", str(tmp_path / "汇总.txt")]) == 2
    assert "应以 .xlsx（汇总工作簿）或 .csv 结尾" in capsys.readouterr().err


def test_missing_and_duplicate_units_from_a_gbk_list(tmp_path, capsys):
    folder = tmp_path / "in"
    _json_files(folder, 3)  # units 0, 1, 2
    (folder / "03.json").write_text(report_department(1, seed=7).model_dump_json(), encoding="utf-8")  # unit 1 again
    names = ["单位名称", unit_name(0), f" {unit_name(1)} ", "青山县档案馆", "石门县（筹）审计局"]
    listing = tmp_path / "名单.txt"
    listing.write_bytes("\r\n".join(names).encode("gbk"))  # Notepad's default on Chinese Windows
    assert main(["batch", str(folder), "--expected", str(listing)]) == 0
    out = capsys.readouterr().out
    assert "名单中没有文件的单位（2个）：青山县档案馆、石门县（筹）审计局" in out
    assert f"不在名单中的单位（1个）：{unit_name(2)}（02.json）" in out
    assert f"同一单位有多个文件（1个单位）：\n  {unit_name(1)}：{folder / '01.json'}、{folder / '03.json'}" in out
    assert main(["batch", str(folder), "--expected", str(listing), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["missing"] == ["青山县档案馆", "石门县（筹）审计局"]
    assert data["duplicates"] == [{"unit": unit_name(1), "files": [str(folder / "01.json"), str(folder / "03.json")]}]
    assert data["unexpected"] == [{"unit": unit_name(2), "file": str(folder / "02.json")}]


def test_expected_list_from_a_table_matches_names_of_either_width(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    for name in ("部门名称", "石门县(筹)审计局", None, "青山县财政局", "青山县财政局"):
        wb.active.append([name])
    wb.save(tmp_path / "名单.xlsx")
    assert read_expected(tmp_path / "名单.xlsx") == ["石门县(筹)审计局", "青山县财政局"]
    assert unit_key("石门县（筹） 审计局") == unit_key("石门县(筹)审计局")
    with pytest.raises(Exception, match="应为 .txt"):
        read_expected(tmp_path / "名单.docx")


def test_same_unit_is_joined_by_credit_code_even_under_another_name(tmp_path):
    paths = _json_files(tmp_path / "in", 2)
    renamed = report_department(1)
    renamed.info.unit_name = "青山县教育局"  # renamed, same credit code
    (tmp_path / "in" / "renamed.json").write_text(renamed.model_dump_json(), encoding="utf-8")
    results = batch.assess_files([*paths, tmp_path / "in" / "renamed.json"], progress=False)
    assert check_roster(results, None).duplicates == [(unit_name(1), [str(paths[1]), str(tmp_path / "in" / "renamed.json")])]
    renamed.info.year = 2023  # another year: not a duplicate
    (tmp_path / "in" / "renamed.json").write_text(renamed.model_dump_json(), encoding="utf-8")
    assert check_roster(batch.assess_files([*paths, tmp_path / "in" / "renamed.json"], progress=False), None).duplicates == []


def test_last_year_is_paired_by_credit_code_then_name(tmp_path, capsys):
    this_year, last_year = tmp_path / "2024", tmp_path / "2023"
    this_year.mkdir(), last_year.mkdir()
    for n in range(3):
        (this_year / f"{n}.json").write_text(report_department(n).model_dump_json(), encoding="utf-8")
    renamed = report_department(0, 2023, seed=50)
    renamed.info.unit_name = "青山县财政和国资局"  # last year's name; the credit code pairs it
    (last_year / "a.json").write_text(renamed.model_dump_json(), encoding="utf-8")
    no_code = report_department(1, 2023, seed=51)
    no_code.info.credit_code = ""  # no code: paired by name
    (last_year / "b.json").write_text(no_code.model_dump_json(), encoding="utf-8")
    write_workbook(last_year / "c.xlsx", self_department(9, 2023))  # a unit with no file this year
    assert main(["batch", str(this_year), "--last", str(last_year), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    pairs = {(Path(p["last_file"]).name, Path(p["file"]).name) for p in data["last_year"]}
    assert pairs == {("a.json", "0.json"), ("b.json", "1.json")}
    assert data["without_last_year"] == [str(this_year / "2.json")]
    first = next(p for p in data["last_year"] if p["file"].endswith("0.json"))
    assert first["notes"] == []  # the same credit code: the same unit, renamed
    assert main(["batch", str(this_year), "--last", str(last_year)]) == 0
    assert "与上年对比：2个单位找到上年文件，1个没有；" in capsys.readouterr().out

"""Live PE_ cells in LibreOffice Calc, end to end (issue 23): headless LibreOffice with a throwaway profile.

``pe-eval calc install`` puts the extension and the Basic module into the profile; one LibreOffice runs for the
whole module (driven by ``xladdin.calc.office`` under LibreOffice's Python, which has ``uno``). The samples
recalculate to the core's values (and the values cached in the files), edits recalculate the dependent cells
to what the core computes for the edited workbook, the saved .xlsx keeps plain ``PE_`` names, and every
blank template recalculates without an error cell.

Needs LibreOffice Calc, python3-uno and libreoffice-script-provider-python (``.ci/system-packages.sh``).
Run as root, the profile belongs to ``nobody``: unopkg refuses per-user installs as root, and
``pe-eval calc`` then works as the profile's owner.
"""
from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from scoring import cells, shipped_rulesets
from xladdin.calc import MISSING_CORE, basic, extension, install, profile, programs
from xladdin.calc import command
from xladdin.workbook import assess_workbook, expected_cells, open_workbook, workbook_findings
from xladdin.workbook import survey as survey_sheet
from xladdin.workbook.build_templates import outputs, save, template_name

NOBODY = 65534
OFFICE = programs.located()
pytestmark = pytest.mark.skipif(
    OFFICE is None or OFFICE.python is None or OFFICE.unopkg is None,
    reason="needs LibreOffice Calc with python3-uno and libreoffice-script-provider-python (.ci/system-packages.sh)")
SAMPLES = {  # workbook → (input cell, new value, cells that must change)
    "xundian-2024-sample.xlsx": ("基本信息!B9", 35, ("汇总!D19",)),
    "self-2020-sample.xlsx": ("自评表!E18", "66场", ("自评表!I18", "自评表!L18", "自评表!I57", "自评表!C59")),
}


def _scratch(name: str) -> Path:
    """A folder LibreOffice can use when it runs as the profile's owner (nobody, when the tests run as root)."""
    folder = Path(tempfile.mkdtemp(prefix=f"pe-calc-{name}-"))
    folder.chmod(0o777)
    return folder


def _new_profile(folder: Path) -> Path:
    path = folder / "profile"
    path.mkdir()
    if os.geteuid() == 0:
        os.chown(path, NOBODY, NOBODY)
    return path


def _require_bundle() -> None:
    assert OFFICE is not None
    target = install.target_of(OFFICE)
    if target.python != extension.this_python() and not target.has_pydantic2:
        pytest.skip(f"LibreOffice's Python is {target.python}, this one {extension.this_python()}: the extension "
                    "can carry pydantic 2 only from a Python of the same minor version (see xladdin.calc.extension)")


@pytest.fixture(scope="module")
def work() -> Iterator[Path]:
    folder = _scratch("test")
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def installed(work: Path) -> Path:
    """A throwaway profile with pe-eval installed by the same code as ``pe-eval calc install``."""
    _require_bundle()
    path = _new_profile(work)
    said: list[str] = []
    install.install(path, say=said.append)
    assert any("扩展" in line for line in said) and any("Basic 模块" in line for line in said)
    return path


@pytest.fixture(scope="module")
def calc(installed: Path) -> Iterator[programs.OfficeSession]:
    assert OFFICE is not None
    with programs.session(OFFICE, installed) as running:
        yield running


@pytest.fixture(scope="module")
def built(work: Path) -> Path:
    """Every template and sample as the project writes it now (formulas with the core's values cached);
    the same files as workbook_templates/, without depending on those being rebuilt."""
    folder = work / "built"
    folder.mkdir()
    for name, (rs, evaluation) in outputs().items():
        save(rs, evaluation, folder / name)
    return folder


def _copy(work: Path, name: str, built: Path) -> Path:
    target = work / name
    shutil.copyfile(built / name, target)
    target.chmod(0o666)
    return target


def _same(got: object, want: object) -> bool:
    if want is None or want == "":
        return got in ("", None)
    if isinstance(want, (int, float)) and not isinstance(want, bool):
        return isinstance(got, float) and abs(got - want) < 1e-9
    return got == want


def _cached(path: Path) -> dict[str, object]:
    """{sheet!cell: value} of every PE_ formula cell as saved in the file."""
    formulas, values = load_workbook(path), load_workbook(path, data_only=True)
    return {f"{ws.title}!{cell.coordinate}": values[ws.title][cell.coordinate].value
            for ws in formulas.worksheets for row in ws.iter_rows() for cell in row
            if isinstance(cell.value, str) and cell.value.startswith("=") and "PE_" in cell.value}


def _core_values(path: Path) -> dict[str, object]:
    """{sheet!cell: value} the core computes for every formula cell of the workbook file."""
    return {item.place: item.value for item in expected_cells(assess_workbook(path)) if item.value is not None}


def test_status_reports_everything_installed(installed: Path, calc: programs.OfficeSession,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """``pe-eval calc status --profile DIR``: every line ✓, the test formula computed, exit status 0 — while
    LibreOffice runs with that profile (``calc``), which unopkg would wait for forever."""
    parser = argparse.ArgumentParser(prog="pe-eval")
    command.add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["calc", "status", "--profile", str(installed)])
    assert args.func(args) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines and all(line.startswith("✓") for line in lines), lines
    assert any("测试公式" in line and "优" in line and "计分核心可用" in line for line in lines)
    assert command.status_lines(installed, run_probe=False) == lines[:-1]


@pytest.mark.parametrize("name", SAMPLES)
def test_sample_recalculates_to_the_core_values(calc: programs.OfficeSession, work: Path, built: Path, name: str) -> None:
    path = _copy(work, name, built)
    cached, core = _cached(path), _core_values(path)
    doc = calc("open", path=str(path))
    try:
        calc("calculate", doc=doc)
        shown = calc("formulas", doc=doc, contains="PE_")
        errors = calc("errors", doc=doc)
    finally:
        calc("close", doc=doc)
    assert set(shown) == set(cached) and len(shown) > 50
    wrong = {ref: (got, cached[ref], core.get(ref)) for ref, (_, got) in shown.items()
             if not _same(got, cached[ref]) or (ref in core and not _same(got, core[ref]))}
    assert not wrong, wrong
    assert not errors


@pytest.mark.parametrize("name", SAMPLES)
def test_edit_recalculates_and_saves_plain_names(calc: programs.OfficeSession, work: Path, built: Path, name: str) -> None:
    edit, value, dependent = SAMPLES[name]
    path = _copy(work, name, built)
    before = _core_values(path)
    saved = work / f"edited-{name}"
    doc = calc("open", path=str(path))
    try:
        calc("set", doc=doc, cell=edit, value=value)  # automatic recalculation, as when a user types
        shown = calc("formulas", doc=doc, contains="")
        calc("save", doc=doc, path=str(saved), filter="Calc MS Excel 2007 XML")
    finally:
        calc("close", doc=doc)
    after = _core_values(saved)  # the core on the workbook as LibreOffice saved it
    assert all(not _same(after[ref], before[ref]) for ref in dependent), {ref: (before[ref], after[ref]) for ref in dependent}
    pe_cells = {ref for ref, (formula, _) in shown.items() if "PE_" in formula}
    wrong = {ref: (shown[ref][1], after[ref]) for ref in pe_cells | set(dependent)
             if ref in after and not _same(shown[ref][1], after[ref])}
    assert not wrong, wrong
    book = open_workbook(saved)
    findings = [f for f in workbook_findings(book, assess_workbook(saved)) if f.severity == "error"]
    assert not findings, findings  # the values LibreOffice saved are the core's (WB-CACHED), formulas unchanged
    original, reopened = load_workbook(path), load_workbook(saved)
    for ref in pe_cells:
        sheet, cell = ref.split("!")
        formula = reopened[sheet][cell].value
        assert isinstance(formula, str) and "ORG." not in formula.upper() and "_XLUDF" not in formula.upper()
        assert formula.replace(" ", "") == str(original[sheet][cell].value).replace(" ", ""), ref


def test_a_scale_typed_in_calc_scores_as_the_core(calc: programs.OfficeSession, work: Path, built: Path) -> None:
    """The sample with its 标准分值 blank; typing 10/5/0 into 分值方案 recalculates 计分分值 (PE_SURVEY_POINT),
    本题得分 and 问卷综合得分 to what the core computes for the saved workbook: the seed's 98.67."""
    path = work / "scale.xlsx"
    wb = load_workbook(built / "xundian-2024-sample.xlsx")
    for row in range(survey_sheet.FIRST_ROW, survey_sheet.LAST_ROW + 1):
        wb[survey_sheet.NAME][f"E{row}"] = None
    wb.save(path)
    path.chmod(0o666)
    saved = work / "scale-saved.xlsx"
    doc = calc("open", path=str(path))
    try:
        calc("set", doc=doc, cell=f"{survey_sheet.NAME}!{survey_sheet.SCALE}", value="10/5/0")
        shown = calc("formulas", doc=doc, contains="")
        calc("save", doc=doc, path=str(saved), filter="Calc MS Excel 2007 XML")
    finally:
        calc("close", doc=doc)
    core = _core_values(saved)
    average = f"{survey_sheet.NAME}!{survey_sheet.cell('average')}"
    assert core[average] == shown[average][1] == 98.67 and shown[f"{survey_sheet.NAME}!J7"][1] == 5
    wrong = {ref: (value, core[ref]) for ref, (_, value) in shown.items()
             if ref.startswith(f"{survey_sheet.NAME}!") and ref in core and not _same(value, core[ref])}
    assert not wrong, wrong


@pytest.mark.parametrize("ruleset", shipped_rulesets())
def test_blank_template_has_no_error_cells(calc: programs.OfficeSession, work: Path, built: Path, ruleset: str) -> None:
    path = _copy(work, template_name(ruleset), built)
    doc = calc("open", path=str(path))
    try:
        calc("calculate", doc=doc)
        assert calc("errors", doc=doc) == []
        shown = calc("formulas", doc=doc, contains="PE_")
    finally:
        calc("close", doc=doc)
    assert shown and not [ref for ref, (_, value) in shown.items() if str(value).startswith("#ERR")]


def test_bad_arguments_give_the_cores_message(calc: programs.OfficeSession) -> None:
    doc = calc("new")
    try:
        formulas = {
            "Sheet1!A1": ('=PE_SCORE("xundian-2024";"NOPE";1;;;)', cells.score("xundian-2024", "NOPE", 1.0, None, None, None)),
            "Sheet1!A2": ('=PE_GRADE(95;"no-such-ruleset")', cells.grade(95.0, "no-such-ruleset")),
            "Sheet1!A3": ('=PE_CHECK("ACC-27";10;1;2;3;4;0;0;0;0)', cells.check("ACC-27", 10.0, 1.0, 2.0, 3.0, 4.0, 0.0, 0.0, 0.0, 0.0)),
            "Sheet1!A4": ('=PE_SURVEY_TOTAL({1;2};{3;4;5})', cells.survey_total(((1.0,), (2.0,)), ((3.0,), (4.0,), (5.0,)))),
        }
        for ref, (formula, _) in formulas.items():
            calc("set", doc=doc, cell=ref, value=formula, formula=True)
        calc("set", doc=doc, cell="Sheet1!B1", value="=PE_SCORE(1)", formula=True)  # too few arguments
        shown = calc("cells", doc=doc, cells=[*formulas, "Sheet1!B1"])
    finally:
        calc("close", doc=doc)
    assert {ref: shown[ref] for ref in formulas} == {ref: want for ref, (_, want) in formulas.items()}
    assert str(shown["Sheet1!B1"]).startswith("PE_SCORE 参数有误")


def test_without_the_extension_the_cell_says_so(work: Path) -> None:
    """The Basic module alone (an extension that was removed or never installed): one clear message."""
    assert OFFICE is not None
    path = _new_profile(_scratch("basic-only"))
    install.ensure_profile(OFFICE, path)
    profile.install_module(path, basic.module_text("0"))
    with programs.session(OFFICE, path) as running:
        doc = running("new")
        running("set", doc=doc, cell="Sheet1!A1", value='=PE_GRADE(95;"xundian-2024")', formula=True)
        assert running("cells", doc=doc, cells=["Sheet1!A1"]) == {"Sheet1!A1": MISSING_CORE}
    shutil.rmtree(path.parent, ignore_errors=True)


def test_uninstall_removes_both_and_keeps_other_macros() -> None:
    assert OFFICE is not None
    _require_bundle()
    folder = _scratch("uninstall")
    path = _new_profile(folder)
    install.install(path, say=lambda text: None)
    standard = profile.standard_dir(path)
    mine = standard / "Mine.xba"
    mine.write_text(profile.xba_text("Mine", "Sub Hello\nEnd Sub\n"), encoding="utf-8")
    (standard / "script.xlb").write_text(profile.with_module((standard / "script.xlb").read_text(encoding="utf-8"), "Mine"),
                                          encoding="utf-8")
    said: list[str] = []
    install.uninstall(path, say=said.append)
    assert install.installed_extension(OFFICE, path, shared=False).version is None
    assert profile.module_version(path) is None
    assert "Mine" in profile.library_modules((standard / "script.xlb").read_text(encoding="utf-8")) and mine.is_file()
    install.uninstall(path, say=said.append)  # again: nothing left to remove, not an error
    assert any("未安装" in line for line in said)
    shutil.rmtree(folder, ignore_errors=True)


def test_a_hanging_libreoffice_is_ended() -> None:
    """A command that does not answer in time ends LibreOffice too: nothing is left running on the profile."""
    assert OFFICE is not None
    folder = _scratch("timeout")
    with pytest.raises(profile.CalcError, match="没有响应"):
        programs.OfficeSession(OFFICE, folder / "profile", timeout=0.05)  # not even started by then
    deadline = time.monotonic() + 10
    while _running_on(folder) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _running_on(folder)
    shutil.rmtree(folder, ignore_errors=True)


def _running_on(folder: Path) -> bool:
    for entry in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if str(folder).encode() in entry.read_bytes():
                return True
        except OSError:
            continue
    return False

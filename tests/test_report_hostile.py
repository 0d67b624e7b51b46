"""Hostile text and hostile disks: the report is written (or a Chinese error given), never a traceback."""
import errno
import os
import re
import shutil
import zipfile

import pytest
from docx import Document

from scoring import assess
from xladdin.files import pdf_convert
from xladdin.files import safe_io
from xladdin.cli import main
from xladdin.report import build_report, charts, default_report_path
from xladdin.report.writer import plain_text
from xladdin.files.safe_io import WriteError, write_new

CONTROL = "\x01\x0b\x1f"
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def document_xml(path) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read("word/document.xml").decode()


def test_plain_text_drops_what_xml_forbids_and_decodes_excel_escapes():
    assert plain_text(f"a{CONTROL}b\x00c\r") == "abc"
    assert plain_text("列1\t列2\n下一行") == "列1\t列2\n下一行"
    assert plain_text("寻甸_x000B_县_x4E2D_") == "寻甸县中"
    assert plain_text("\ud800半个代理对\ufffe") == "半个代理对"


def test_control_characters_escapes_and_dollars_in_every_text(seed, xundian, tmp_path):
    seed.info.unit_name = f"寻甸{CONTROL}融媒体_x000B_中心"
    seed.narrative["org"] = "单位\x01职能\x1f说明_x001F_。\n（一）机构设置\x0b情况"  # \x0b: a line break
    seed.indicators[0].note = f"评价{CONTROL}说明"
    seed.info.execution_progress[0].label = "$x^2$"
    seed.info.execution_progress[1].label = r"$\frac$"  # not even valid mathtext
    out = build_report(assess(seed, xundian), tmp_path / "报告.docx", show_reasons=True).docx_path
    xml = document_xml(out)
    assert not NOT_XML.search(xml) and "_x00" not in xml
    assert "寻甸融媒体中心" in xml and "单位职能说明。" in xml and "评价说明：评价说明" in xml
    assert Document(out).core_properties.title.startswith("寻甸融媒体中心")
    if charts.available():  # both charts drawn: the labels are plain text, not mathtext
        assert xml.count("<pic:pic") == 2


def test_long_or_odd_unit_name_gives_a_usable_file_name_and_title(seed, xundian, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    seed.info.unit_name = "融媒体/中心:" + "很长的单位名称" * 40  # over 237 characters: too long for a docx title
    result = build_report(assess(seed, xundian))
    (written,) = tmp_path.iterdir()  # in the current folder: "/" did not make a subfolder
    assert written == result.docx_path and written.name.startswith("融媒体_中心_很长的单位名称")
    assert written.name.endswith(f"2024年度_绩效评价报告_{written.name[-13:-5]}.docx")
    assert len(written.name.encode()) <= 200
    doc = Document(written)
    assert len(doc.core_properties.title) == 255
    assert doc.paragraphs[0].text == f"{seed.info.unit_name}2024年度部门整体支出绩效评价报告"


def test_default_path_of_a_long_source_name_stays_short(tmp_path):
    path = default_report_path(tmp_path / ("评价工作簿" * 60 + ".xlsx"))
    assert path.parent == tmp_path and len(path.name.encode()) <= 200
    assert default_report_path(tmp_path / "...xlsx").name.startswith("评价_绩效评价报告_")


def leftovers(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("error, reason", [
    (PermissionError(errno.EACCES, "Permission denied"), "权限不足"),
    (OSError(errno.EROFS, "Read-only file system"), "只读"),
    (OSError(errno.ENOSPC, "No space left on device"), "磁盘已满"),
], ids=["denied", "read-only", "full"])
def test_write_failures_are_chinese_errors_naming_the_file(tmp_path, monkeypatch, error, reason):
    def refuse(*args):
        raise error

    monkeypatch.setattr(safe_io.os, "replace", refuse)
    target = tmp_path / "报告.docx"
    with pytest.raises(WriteError, match=f"^无法写入「{re.escape(str(target))}」：.*{reason}") as info:
        write_new(target, lambda temp: temp.write_bytes(b"docx"), overwrite=True)
    assert isinstance(info.value, OSError)  # callers handling failed writes as OSError still do
    assert leftovers(tmp_path) == []


def test_full_disk_while_writing_leaves_no_temp_file(tmp_path):
    def half_then_full(temp):
        temp.write_bytes(b"half")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(WriteError, match="磁盘已满"):
        write_new(tmp_path / "a.csv", half_then_full)
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("error, reason", [
    (PermissionError(errno.EACCES, "Permission denied"), "权限不足"),  # a read-only folder
    (OSError(errno.ENOSPC, "No space left on device"), "磁盘已满"),
], ids=["read-only-folder", "full"])
def test_report_command_on_a_refusing_disk_exits_2(seed, tmp_path, monkeypatch, capsys, error, reason):
    source = tmp_path / "评价.json"
    source.write_text(seed.model_dump_json(), encoding="utf-8")
    out = tmp_path / "out" / "报告.docx"

    def refuse(*args, **kwargs):
        raise error

    monkeypatch.setattr(safe_io.tempfile, "mkstemp", refuse)
    assert main(["report", str(source), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"错误：无法写入「{out}」：") and reason in err and "Traceback" not in err
    assert leftovers(tmp_path / "out") == []


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="POSIX permissions; root may write anywhere")
def test_read_only_folder(seed, tmp_path, capsys):
    source = tmp_path / "评价.json"
    source.write_text(seed.model_dump_json(), encoding="utf-8")
    folder = tmp_path / "只读"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        assert main(["report", str(source), "-o", str(folder / "报告.docx")]) == 2
    finally:
        folder.chmod(0o755)
    assert "权限不足" in capsys.readouterr().err and leftovers(folder) == []


def test_pdf_on_a_full_disk_is_a_chinese_error(tmp_path, monkeypatch):
    produced = tmp_path / "produced.pdf"
    produced.write_bytes(b"%PDF")

    def full(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(shutil, "copyfile", full)
    with pytest.raises(WriteError, match="磁盘已满"):
        pdf_convert._install(produced, tmp_path / "报告.pdf", overwrite=False)
    assert leftovers(tmp_path) == ["produced.pdf"]

"""Writing never destroys an existing file."""
import os
import stat

import pytest

from xladdin.files.safe_io import available_path, write_new, write_text_new


def test_available_path_numbers_duplicates(tmp_path):
    target = tmp_path / "报告.docx"
    assert available_path(target) == target
    target.write_text("x")
    (tmp_path / "报告(2).docx").write_text("x")
    assert available_path(target) == tmp_path / "报告(3).docx"


def test_existing_file_is_kept_and_no_temp_left(tmp_path):
    target = tmp_path / "a.json"
    target.write_text("mine")
    with pytest.raises(FileExistsError, match="未覆盖"):
        write_text_new(target, "new")
    assert target.read_text() == "mine"
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]
    write_text_new(target, "new", overwrite=True)
    assert target.read_text() == "new"


def test_failed_writer_leaves_nothing(tmp_path):
    def boom(path):
        path.write_text("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_new(tmp_path / "b.docx", boom)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_written_file_has_the_usual_mode(tmp_path):
    path = write_text_new(tmp_path / "c.txt", "x")
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask

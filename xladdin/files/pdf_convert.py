"""docx -> PDF conversion: LibreOffice headless first, Word via COM on Windows."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .safe_io import write_new

FONTS_CONF = Path(__file__).resolve().with_name("fonts.conf")
TEMP_PREFIX = "pe-pdf-"  # the private folder (profile and output) of one conversion, under the temp folder
_WORD_PDF_FORMAT = 17  # wdFormatPDF
_GROUP_EXIT_WAIT = 5.0  # seconds to let a killed LibreOffice release its profile folder


class ConverterMissing(Exception):
    """No program able to produce the PDF is installed."""

    def __init__(
        self,
        message: str = "未找到可用的PDF转换程序：请安装 LibreOffice（或在 Windows 上安装 Microsoft Word）后重试。",
    ) -> None:
        super().__init__(message)
        self.message = message


def find_converter() -> str | None:
    """Path of soffice; env var PE_SOFFICE, when set, is the only candidate."""
    override = os.environ.get("PE_SOFFICE")
    if override:
        return shutil.which(override) or (override if Path(override).is_file() else None)
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    if os.name == "nt":
        for root in (os.environ.get("ProgramFiles"), os.environ.get("ProgramFiles(x86)")):
            if root:
                exe = Path(root, "LibreOffice", "program", "soffice.exe")
                if exe.is_file():
                    return str(exe)
    return None


def docx_to_pdf(
    docx_path: Path,
    pdf_path: Path | None = None,
    timeout: float = 180,
    *,
    overwrite: bool = False,
) -> Path:
    """Convert docx_path to PDF (default: same name, .pdf) and return the PDF path.

    Raises FileExistsError if the target exists and overwrite is false,
    ConverterMissing if neither LibreOffice nor (on Windows) Word is available,
    RuntimeError if the conversion fails.
    """
    docx_path = Path(docx_path).resolve(strict=True)
    pdf_path = Path(pdf_path).resolve() if pdf_path else docx_path.with_suffix(".pdf")
    if pdf_path.exists() and not overwrite:
        raise FileExistsError(f"目标文件已存在，未覆盖：{pdf_path}")
    soffice = find_converter()
    with tempfile.TemporaryDirectory(prefix=TEMP_PREFIX, ignore_cleanup_errors=True) as tmp_name:
        tmp = Path(tmp_name)
        if soffice:
            produced = _convert_soffice(soffice, docx_path, tmp, timeout)
        elif os.name == "nt":
            produced = _convert_word(docx_path, tmp / (docx_path.stem + ".pdf"))
        else:
            raise ConverterMissing()
        return _install(produced, pdf_path, overwrite)


def _convert_soffice(soffice: str, docx_path: Path, tmp: Path, timeout: float) -> Path:
    """Run LibreOffice headless with a private profile; return the produced PDF."""
    outdir = tmp / "out"
    cmd = [
        soffice,
        f"-env:UserInstallation={(tmp / 'profile').as_uri()}",
        "--headless", "--norestore", "--nolockcheck",
        "--convert-to", "pdf", "--outdir", str(outdir), str(docx_path),
    ]
    scratch = tmp / "tmp"  # LibreOffice's own temp folder (lu*.tmp), inside ours: removed even when it is killed
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch), "TMP": str(scratch), "TEMP": str(scratch)}
    if sys.platform.startswith("linux"):
        env["FONTCONFIG_FILE"] = str(FONTS_CONF)  # must be absolute
    # Its own session (process group on Windows): Ctrl-C reaches only us, and the group can be killed whole.
    with subprocess.Popen(
        cmd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        start_new_session=os.name == "posix", creationflags=getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0),
    ) as proc:
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise RuntimeError(f"PDF转换超时（{timeout:g} 秒）：{docx_path.name}") from None
        finally:  # on every path, Ctrl-C and SIGTERM included
            _kill_tree(proc)
    produced = outdir / (docx_path.stem + ".pdf")
    if proc.returncode != 0 or not produced.is_file():
        # soffice may exit 0 without output; its messages are mostly on stderr.
        tail = (out + err).decode(errors="replace").strip()[-800:]
        raise RuntimeError(
            f"LibreOffice 转换PDF失败（返回码 {proc.returncode}）：{docx_path.name}\n{tail}"
        )
    return produced


def _kill_tree(proc: subprocess.Popen) -> None:
    """Kill ``proc`` and all it started (soffice is a wrapper around soffice.bin), then reap it.

    On POSIX, wait (a bounded time) until the whole group is gone, so its profile folder can be removed.
    """
    if os.name == "posix":
        with contextlib.suppress(ProcessLookupError):  # the group is already empty
            os.killpg(proc.pid, signal.SIGKILL)
    elif proc.poll() is None:  # taskkill /T follows the parent links, so only while soffice still runs
        subprocess.run(["taskkill", "/F", "/T", "/PID", str(proc.pid)], capture_output=True, check=False)
    proc.kill()  # Windows without taskkill; nothing once it has exited
    proc.wait()
    if os.name == "posix":
        _await_empty_group(proc.pid)


def _await_empty_group(group: int) -> None:
    """Return once process group ``group`` has no process left, or after _GROUP_EXIT_WAIT seconds."""
    deadline = time.monotonic() + _GROUP_EXIT_WAIT
    with contextlib.suppress(ProcessLookupError):  # raised once no process of the group is left
        while time.monotonic() < deadline:
            os.killpg(group, 0)
            time.sleep(0.05)


def _convert_word(docx_path: Path, target: Path) -> Path:
    """Convert with a private Microsoft Word instance via COM (Windows only)."""
    try:
        import pythoncom  # type: ignore[import-untyped,unused-ignore]  # pywin32, Windows only
        import win32com.client  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        raise ConverterMissing() from None
    try:
        pythoncom.CoInitialize()
        com_owned = True
    except pythoncom.com_error:  # thread already initialised in another apartment
        com_owned = False
    word = doc = None
    try:
        # DispatchEx: own instance, so Quit() never closes the user's Word.
        word = win32com.client.DispatchEx("Word.Application")
        word.Visible = False
        word.DisplayAlerts = 0
        doc = word.Documents.Open(str(docx_path), ReadOnly=True, AddToRecentFiles=False)
        doc.SaveAs2(str(target), FileFormat=_WORD_PDF_FORMAT)
    except pythoncom.com_error as exc:
        raise RuntimeError(f"Word 转换PDF失败：{docx_path.name}\n{exc}") from exc
    finally:
        if doc is not None:
            doc.Close(False)
        if word is not None:
            word.Quit()
        if com_owned:
            pythoncom.CoUninitialize()
    if not target.is_file():
        raise RuntimeError(f"Word 未生成PDF：{docx_path.name}")
    return target


def _install(src: Path, dst: Path, overwrite: bool) -> Path:
    """Copy src to dst atomically (safe_io: clean errors, no temp file left behind)."""
    return write_new(dst, lambda temp: shutil.copyfile(src, temp), overwrite)


def pdf_first_page_png(pdf_path: Path, png_path: Path, dpi: int = 80) -> Path:
    """Render page 1 of pdf_path to png_path with pdftoppm; return png_path."""
    pdftoppm = shutil.which("pdftoppm")
    if not pdftoppm:
        raise ConverterMissing("未找到 pdftoppm：请安装 poppler-utils（Poppler）后重试。")
    png_path = Path(png_path)
    with tempfile.TemporaryDirectory(prefix="pe-png-") as tmp:
        prefix = Path(tmp, "page")
        proc = subprocess.run(
            [pdftoppm, "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile",
             str(pdf_path), str(prefix)],
            capture_output=True, timeout=120,
        )
        produced = prefix.with_suffix(".png")
        if proc.returncode != 0 or not produced.is_file():
            tail = proc.stderr.decode(errors="replace").strip()[-800:]
            raise RuntimeError(f"PDF 转 PNG 失败（返回码 {proc.returncode}）：{pdf_path}\n{tail}")
        return _install(produced, png_path, overwrite=True)

"""Entry points for the workbook's buttons, run by xlwings RunPython (a new Python process per click).

VBA: ``RunPython "import xladdin.macros; xladdin.macros.export_report()"``

On Windows the Excel environment is kept free of matplotlib (xlwings would import it into
the UDF server); the installer's second environment ``venv-report`` renders the report
with charts, so the macro hands the work to that interpreter when it is there.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from scoring import UserError, fmt2

ALERT_TITLE = "部门整体支出绩效评价"
MAX_LISTED = 5
REPORT_ENV = "venv-report"
REPORT_TIMEOUT = 600


class MacroError(UserError):
    """A Chinese message for the user."""


def export_report(pdf: bool = True) -> None:
    """Build the calling workbook's report next to it and tell the user where it went.

    Reads a copy taken with SaveCopyAs, so the open workbook (and its unsaved
    state) is untouched. Any failure becomes a Chinese message box, never a traceback.
    """
    import xlwings as xw

    book = xw.Book.caller()
    try:
        message = _export(book, pdf)
    except Exception as exc:  # noqa: BLE001 - whatever happens, the user gets a message box
        book.app.alert(failure_message(exc), title=ALERT_TITLE, mode="critical")
    else:
        book.app.alert(message, title=ALERT_TITLE, mode="info")


def export_static_copy() -> None:
    """Write a static copy of the calling workbook next to it (formulas replaced by values) and say where."""
    import xlwings as xw

    book = xw.Book.caller()
    try:
        message = _static_copy(book)
    except Exception as exc:  # noqa: BLE001 - whatever happens, the user gets a message box
        book.app.alert(failure_message(exc).replace("报告", "静态副本"), title=ALERT_TITLE, mode="critical")
    else:
        book.app.alert(message, title=ALERT_TITLE, mode="info")


def _static_copy(book) -> str:  # an xlwings Book
    from .static_copy import default_copy_path, write_static_copy

    source = saved_path(book.fullname)
    with tempfile.TemporaryDirectory(prefix="pe-values-") as tmp:
        copy = Path(tmp) / source.name  # same name, so the copy's note names the user's workbook
        book.api.SaveCopyAs(str(copy))
        target, assessment = write_static_copy(copy, default_copy_path(source))
    card = assessment.scorecard
    result = f"总得分{fmt2(card.total)}分，等级{card.grade}" if card.complete else "结果未完成（有指标未能计分）"
    return f"静态副本已生成（公式已替换为计算结果，可在 WPS 中查看）：\n{target}\n{result}"


def _export(book, pdf: bool) -> str:
    from .report import build_report, default_report_path

    source = saved_path(book.fullname)
    with tempfile.TemporaryDirectory(prefix="pe-report-") as tmp:
        copy = Path(tmp) / source.name  # same name, so findings name the user's workbook
        book.api.SaveCopyAs(str(copy))
        target = default_report_path(source, pdf=pdf)
        python = report_python()
        if python is not None:
            result = _report_in(python, copy, target, pdf)
        else:
            from .workbook import assess_workbook

            result = build_report(assess_workbook(copy), target, pdf=pdf)
    kind = "报告（征求意见稿）" if result.draft else "报告"
    lines = [f"{kind}已生成：\n{result.docx_path}"]
    if result.draft:
        lines.append("尚有错误未处理或有指标未能计分，报告首页列出待处理事项；处理后请重新导出。")
    if result.pdf_path:
        lines.append(f"PDF：\n{result.pdf_path}")
    errors = [f for f in result.findings if f.severity == "error"]
    warnings = [f for f in result.findings if f.severity == "warning"]
    if errors or warnings:
        lines.append(f"检查发现{len(errors)}个错误、{len(warnings)}个警告，请核对：")
        lines += [f"· {f.message}" for f in (errors + warnings)[:MAX_LISTED]]
        if len(errors) + len(warnings) > MAX_LISTED:
            lines.append(f"……其余{len(errors) + len(warnings) - MAX_LISTED}条请用「检查」功能查看")
    return "\n".join(lines)


def report_python() -> Path | None:
    """The report environment's interpreter beside this one (``…\\venv-report\\Scripts\\python.exe``), if installed."""
    here = Path(sys.executable)
    candidate = here.parents[2] / REPORT_ENV / here.parent.name / ("python.exe" if os.name == "nt" else "python")
    return candidate if candidate.exists() and here.parents[1].name != REPORT_ENV else None


def _report_in(python: Path, copy: Path, target: Path, pdf: bool):
    """Run ``pe-eval report`` in the report environment and read back its JSON."""
    from scoring import Finding

    from .report import ReportResult

    command = [str(python), "-m", "xladdin.cli", "report", str(copy), "-o", str(target), "--json"]
    done = subprocess.run(
        command + (["--pdf"] if pdf else []), capture_output=True, timeout=REPORT_TIMEOUT,
        env={**os.environ, "PYTHONUTF8": "1"}, creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
    )
    out, err = done.stdout.decode("utf-8", "replace"), done.stderr.decode("utf-8", "replace")
    if done.returncode not in (0, 1):
        raise MacroError(err.strip().removeprefix("错误：") or f"报告程序退出码{done.returncode}")
    data = json.loads(out)
    return ReportResult(Path(data["docx"]), Path(data["pdf"]) if data["pdf"] else None,
                        [Finding.model_validate(f) for f in data["findings"]], bool(data.get("draft")))


def saved_path(fullname: str) -> Path:
    """The workbook's file path; a never-saved or cloud-only workbook has none."""
    if "://" in fullname or not Path(fullname).is_absolute():
        raise MacroError("工作簿尚未保存到本机文件夹（或只保存在 OneDrive/SharePoint 网络位置）。请先将工作簿另存到本机文件夹，再导出报告。")
    return Path(fullname)


def failure_message(exc: Exception) -> str:
    """What the message box says when the export fails."""
    if isinstance(exc, (ValueError, FileExistsError)):  # UserError (Chinese) and the core's validation messages
        return f"未能生成报告：{exc}"
    if isinstance(exc, PermissionError):
        return f"未能生成报告：没有权限写入文件（{exc.filename or exc}）。请确认文件夹可写、同名文件未在 Word 中打开。"
    if isinstance(exc, OSError):
        return f"未能生成报告：读写文件失败（{exc.strerror or exc}）。"
    return f"未能生成报告：程序内部错误（{type(exc).__name__}：{exc}）。请将此信息告知维护人员。"

"""Entry points for the workbook's buttons, run by xlwings RunPython (a new Python process per click).

VBA: ``RunPython "import xladdin.excel.macros; xladdin.excel.macros.export_report()"``

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
from decimal import Decimal
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
        book.app.alert(failure_message(exc, "生成静态副本"), title=ALERT_TITLE, mode="critical")
    else:
        book.app.alert(message, title=ALERT_TITLE, mode="info")


def _static_copy(book) -> str:  # an xlwings Book
    from ..files.static_copy import default_copy_path, write_static_copy

    source = saved_path(book.fullname)
    with tempfile.TemporaryDirectory(prefix="pe-values-") as tmp:
        copy = Path(tmp) / source.name  # same name, so the copy's note names the user's workbook
        book.api.SaveCopyAs(str(copy))
        target, assessment = write_static_copy(copy, default_copy_path(source))
    card = assessment.scorecard
    result = f"总得分{fmt2(card.total)}分，等级{card.grade}" if card.complete else "结果未完成（有指标未能计分）"
    return f"静态副本已生成（公式已替换为计算结果，可在 WPS 中查看）：\n{target}\n{result}"


def _export(book, pdf: bool) -> str:
    from ..report import build_report, default_report_path

    source = saved_path(book.fullname)
    with tempfile.TemporaryDirectory(prefix="pe-report-") as tmp:
        copy = Path(tmp) / source.name  # same name, so findings name the user's workbook
        book.api.SaveCopyAs(str(copy))
        target = default_report_path(source, pdf=pdf, kind=_report_kind(copy))
        python = report_python()
        if python is not None:
            result = _report_in(python, copy, target, pdf)
        else:
            from ..workbook import assess_workbook

            result = build_report(assess_workbook(copy), target, pdf=pdf)
    kind = "报告（征求意见稿）" if result.draft else "报告"
    lines = [f"{kind}已生成：\n{result.docx_path}"]
    if result.draft:
        lines.append("尚有错误未处理或有指标未能计分，报告首页列出待处理事项；处理后请重新导出。")
    if result.pdf_path:
        lines.append(f"PDF：\n{result.pdf_path}")
    if result.form_path:
        lines.append(f"自评表（数值版，供上传）：\n{result.form_path}")
    errors = [f for f in result.findings if f.severity == "error"]
    warnings = [f for f in result.findings if f.severity == "warning"]
    if errors or warnings:
        lines.append(f"检查发现{len(errors)}个错误、{len(warnings)}个警告，请核对：")
        lines += [f"· {f.message}" for f in (errors + warnings)[:MAX_LISTED]]
        if len(errors) + len(warnings) > MAX_LISTED:
            lines.append(f"……其余{len(errors) + len(warnings) - MAX_LISTED}条请用「检查」功能查看")
    return "\n".join(lines)


IMPORT_KINDS = {  # kind → (file dialog filter, dialog title, what the message calls it)
    "survey": ("问卷星导出的答卷数据 (*.xlsx;*.xls;*.csv),*.xlsx;*.xls;*.csv", "选择问卷星导出的答卷数据", "问卷星数据"),
    "accounts": ("部门决算导出表 (*.xlsx;*.xls;*.csv),*.xlsx;*.xls;*.csv", "选择部门决算导出的收入支出决算总表", "决算数据"),
}


def import_survey_export() -> None:
    """导入问卷星数据…: tally a 问卷星 export into the open workbook's 问卷 sheet (as ``pe-eval import survey``)."""
    _import_button("survey")


def import_accounts_export() -> None:
    """导入决算数据…: a 部门决算 export into the open workbook's 决算 and 基本信息 (as ``pe-eval import accounts``)."""
    _import_button("accounts")


def _import_button(kind: str) -> None:
    import xlwings as xw

    book = xw.Book.caller()
    try:
        message = _import(book, kind)
    except Exception as exc:  # noqa: BLE001 - whatever happens, the user gets a message box
        book.app.alert(failure_message(exc, f"导入{IMPORT_KINDS[kind][2]}"), title=ALERT_TITLE, mode="critical")
    else:
        if message:
            book.app.alert(message, title=ALERT_TITLE, mode="info")


def _import(book, kind: str) -> str | None:  # an xlwings Book
    """Ask for the export, compute the new input cells with the command's code, confirm overwriting, write them."""
    file_filter, title, what = IMPORT_KINDS[kind]
    picked = book.app.api.GetOpenFilename(file_filter, 1, title)
    if not isinstance(picked, str) or not picked:
        return None  # the dialog was cancelled (Excel returns False)
    current, cells, notes, summary = _planned(book, kind, Path(picked))
    taken = [place for place, value in cells.items() if current.get(place) not in (None, "") and not _same(current[place], value)]
    if taken:
        shown = "、".join(taken[:3]) + ("等" if len(taken) > 3 else "")
        answer = book.app.alert(f"将替换{len(taken)}个已填写的单元格（{shown}）。是否继续导入？", title=ALERT_TITLE,
                                buttons="yes_no", mode="info")
        if answer != "yes":
            return f"已取消导入{what}，工作簿未改动。"
    for place, value in cells.items():
        sheet, ref = place.split("!")
        book.sheets[sheet].range(ref).value = _as_typed(value)
    lines = [summary, *(f"· {n.message}" for n in notes[:MAX_LISTED])]
    if len(notes) > MAX_LISTED:
        lines.append(f"……其余{len(notes) - MAX_LISTED}条请用命令 pe-eval import 查看")
    return "\n".join(lines)


def _as_typed(value: object) -> object:
    """What xlwings writes for a value from a file: numbers as numbers; text always as text.

    Excel takes a leading apostrophe as "this is text" (it is not part of the value), so a 问卷星 title such as
    ``=HYPERLINK("http://…"&A1,"点我")`` never becomes a live formula, nor ``1/2`` a date, nor a credit code a number.
    """
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str) and value:
        return "'" + value
    return value


def _same(typed: object, new: object) -> bool:
    """A cell already holding ``new`` (a saved float such as 4228106.35 equals the imported Decimal)."""
    from scoring import EvidenceError, parse_number

    if isinstance(new, (int, Decimal)) and not isinstance(new, bool):
        try:
            return parse_number(typed) == new
        except EvidenceError:
            return False
    return typed == new


def _planned(book, kind: str, export: Path) -> tuple[dict[str, object], dict[str, object], list, str]:
    """The cells as they are, the cells to write, the import's notes and a one-line summary."""
    from ..files.imports import apply_accounts, apply_survey
    from ..workbook import accounts as accounts_sheet
    from ..workbook import info as info_sheet
    from ..workbook import open_workbook, read_evaluation
    from ..workbook import survey as survey_sheet

    name = Path(book.fullname).name if Path(book.fullname).suffix else "workbook.xlsx"
    with tempfile.TemporaryDirectory(prefix="pe-import-") as tmp:
        copy = Path(tmp) / name
        book.api.SaveCopyAs(str(copy))  # the open workbook as it is now, unsaved edits included
        opened = open_workbook(copy)
        evaluation, _ = read_evaluation(opened)
        form = survey_sheet.import_form(opened)  # as `pe-eval import survey`: blank counts are what it fills
    if kind == "survey":
        updated, survey, notes = apply_survey(export, evaluation, form)
        values = {f"{survey_sheet.NAME}!{ref}": v for ref, v in survey_sheet.input_values(updated.survey).items()}
        summary = f"已导入问卷星数据「{export.name}」：收回{survey.returned}份，有效{survey.valid}份，不计{len(survey.excluded)}份。"
    else:
        updated, accounts, notes = apply_accounts(export, evaluation)
        values = {f"{accounts_sheet.NAME}!{ref}": v for ref, v in accounts_sheet.input_values(updated.accounts).items()}
        values.update({f"{info_sheet.NAME}!{info_sheet.cell(field.name)}": getattr(updated.info, field.name)
                       for field in info_sheet.FIELDS
                       if getattr(updated.info, field.name) != getattr(evaluation.info, field.name)})
        summary = f"已导入部门决算数据「{export.name}」：{len(accounts.accounts.rows)}个行次（单位：元）。"
    current = {}
    for place in values:
        sheet, ref = place.split("!")
        current[place] = opened.sheets[sheet].value(ref) if sheet in opened.sheets else None
    return current, values, notes, summary


def _report_kind(copy: Path) -> str:
    """What the report is called: 绩效自评报告 for a self-evaluation form (a file that cannot be read is
    reported by the report's own run)."""
    from ..workbook import open_workbook

    try:
        return "绩效自评报告" if open_workbook(copy).ruleset.form == "self" else "绩效评价报告"
    except UserError:
        return "绩效评价报告"


def report_python() -> Path | None:
    """The report environment's interpreter beside this one (``…\\venv-report\\Scripts\\python.exe``), if installed."""
    here = Path(sys.executable)
    candidate = here.parents[2] / REPORT_ENV / here.parent.name / ("python.exe" if os.name == "nt" else "python")
    return candidate if candidate.exists() and here.parents[1].name != REPORT_ENV else None


def _report_in(python: Path, copy: Path, target: Path, pdf: bool):
    """Run ``pe-eval report`` in the report environment and read back its JSON."""
    from scoring import Finding

    from ..report import ReportResult

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
                        [Finding.model_validate(f) for f in data["findings"]], bool(data.get("draft")),
                        Path(data["form"]) if data.get("form") else None)


def saved_path(fullname: str) -> Path:
    """The workbook's file path; a never-saved or cloud-only workbook has none."""
    if "://" in fullname or not Path(fullname).is_absolute():
        raise MacroError("工作簿尚未保存到本机文件夹（或只保存在 OneDrive/SharePoint 网络位置）。请先将工作簿另存到本机文件夹，再导出报告。")
    return Path(fullname)


def failure_message(exc: Exception, action: str = "生成报告") -> str:
    """What the message box says when ``action`` fails."""
    if isinstance(exc, (ValueError, FileExistsError)):  # UserError (Chinese) and the core's validation messages
        return f"未能{action}：{exc}"
    if isinstance(exc, PermissionError):
        return f"未能{action}：没有权限写入文件（{exc.filename or exc}）。请确认文件夹可写、同名文件未在 Word 中打开。"
    if isinstance(exc, OSError):
        return f"未能{action}：读写文件失败（{exc.strerror or exc}）。"
    return f"未能{action}：程序内部错误（{type(exc).__name__}：{exc}）。请将此信息告知维护人员。"

"""`pe-eval import survey|accounts`: read a 问卷星 or 部门决算 export; print it, or write it into a new workbook.

With ``--into`` the workbook is read, the imported part replaced, and the whole written as a **new** file
(``<name>_导入_<YYYYMMDD>.xlsx`` beside it unless ``-o``); the input is never written.
"""
from __future__ import annotations

import argparse
import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING

from scoring import (
    SEVERITY_NAMES,
    AccountsImport,
    Assessment,
    Evaluation,
    Finding,
    SurveyImport,
    fmt2,
    fmt_money,
    import_accounts,
    import_survey,
)

from ..files.export_tables import read_table_file
from ..files.imports import Kept, apply_accounts, apply_survey, kept_cells, survey_export, workbook_with
from ..files.load import regular_file
from ..files.safe_io import available_path, write_new
from .common import EXIT_FINDINGS, CliError, render_findings, result_lines, to_json

if TYPE_CHECKING:
    from ..workbook import WorkbookFile

_IMPORTED = re.compile(r"(?:_导入_\d{8}(?:\(\d+\))?)+$")  # an import output's suffix: the next import numbers the original name


def add_import_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``pe-eval import survey …`` and ``pe-eval import accounts …``."""
    parser = sub.add_parser("import", help="导入问卷星答卷数据或部门决算导出表（写入新的工作簿，不改动原文件）",
                            description="导入问卷星答卷数据或部门决算导出表")
    kinds = parser.add_subparsers(dest="kind", required=True, metavar="类型")
    survey = kinds.add_parser("survey", help="问卷星（按序号/按文本/按分数）导出的答卷数据 .xlsx/.xls/.csv",
                              description="统计问卷星答卷数据，填入问卷表的各选项人数和收回、有效份数")
    survey.add_argument("export", metavar="EXPORT", help="问卷星导出的答卷数据")
    _common(survey, force="允许覆盖 -o 指定的已有文件；问卷标题所指单位与工作簿的单位不同时仍导入（注明）")
    survey.add_argument("--min-seconds", type=_seconds, metavar="N", help="用时少于 N 秒的答卷不计为有效（需「所用时间」列）")
    survey.add_argument("--dedupe-ip", action="store_true", help="来自同一 IP 的答卷只保留第一份（需「来自IP」列）")
    survey.set_defaults(func=cmd_import_survey)
    accounts = kinds.add_parser("accounts", help="部门决算软件导出的财决01表或公开的收入支出决算总表 .xlsx/.xls/.csv",
                                description="读取收入支出决算总表（及资产负债简表），填入决算表和基本信息")
    accounts.add_argument("export", metavar="EXPORT", help="部门决算导出文件")
    _common(accounts, force="允许覆盖 -o 指定的已有文件；编制单位与工作簿的单位不同时仍导入（注明）")
    accounts.set_defaults(func=cmd_import_accounts)


def _common(parser: argparse.ArgumentParser, force: str = "允许覆盖 -o 指定的已有文件") -> None:
    parser.add_argument("--into", metavar="WORKBOOK", help="写入此评价工作簿的副本（不指定时只显示读到的内容）")
    parser.add_argument("-o", "--out", metavar="OUT.xlsx", help="新工作簿（默认：<工作簿名>_导入_<日期>.xlsx，放在工作簿旁）")
    parser.add_argument("--force", action="store_true", help=force)
    parser.add_argument("--json", action="store_true", help="输出 JSON（供程序读取）")


def _seconds(value: str) -> int:
    if not value.isdigit():
        raise argparse.ArgumentTypeError(f"「{value}」应为非负整数秒数，如 60")
    return int(value)


# ── survey ────────────────────────────────────────────────
def cmd_import_survey(args: argparse.Namespace) -> int:
    source = _source(args)
    if not args.into:
        result = import_survey(survey_export(source), min_seconds=args.min_seconds, dedupe_ip=args.dedupe_ip)
        print(to_json(result.json()) if args.json else "\n".join(_survey_lines(result)))
        return 0
    from ..workbook.survey import import_form

    evaluation, book, kept = _open(args, survey=True)
    updated, result, notes = apply_survey(source, evaluation, import_form(book), min_seconds=args.min_seconds,
                                          dedupe_ip=args.dedupe_ip, force=args.force)
    target, assessment = _write(args, book, updated, kept)
    return _report(args, result.json(), notes, target, assessment, _survey_summary(result))


def _survey_summary(result: SurveyImport) -> list[str]:
    lines = [f"问卷星导出「{result.name}」（{result.mode_name}）：收回{result.returned}份，有效{result.valid}份"
             + (f"，不计{len(result.excluded)}份：" if result.excluded else "")]
    lines += [f"  第{e.row}行：{e.reason}" for e in result.excluded]
    return lines


def _survey_lines(result: SurveyImport) -> list[str]:
    lines = _survey_summary(result)
    for question in result.questions:
        skipped = f"（未作答{question.skipped}人）" if question.skipped else ""
        lines.append(f"第{question.number}题 {question.title}{skipped}")
        lines += [f"  {option}：{count}人" for option, count in zip(question.options, question.counts)]
    return lines + _notes(result.notes)


# ── accounts ──────────────────────────────────────────────
def cmd_import_accounts(args: argparse.Namespace) -> int:
    source = _source(args)
    if not args.into:
        result = import_accounts(read_table_file(source), source.name)
        checked = result.checked()
        print(to_json(result.json()) if args.json else "\n".join([*_accounts_lines(result), render_findings(checked)]))
        return EXIT_FINDINGS if any(f.severity == "error" for f in checked) else 0
    evaluation, book, kept = _open(args)
    updated, result, notes = apply_accounts(source, evaluation, force=args.force)
    target, assessment = _write(args, book, updated, kept)
    return _report(args, result.json(), notes, target, assessment, _accounts_summary(result))


def _accounts_summary(result: AccountsImport) -> list[str]:
    kind = "公开的收入支出决算总表" if result.published else "财决01表"
    year = f"，{result.year}年度" if result.year else ""
    return [f"部门决算导出「{result.name}」工作表「{result.sheet}」（{kind}）：编制单位 {result.unit_name or '未注明'}{year}，"
            f"读到{len(result.accounts.rows)}行（金额单位：元）"]


def _accounts_lines(result: AccountsImport) -> list[str]:
    lines = [*_accounts_summary(result), "行次  年初预算数  全年预算数  决算数"]
    for number, values in sorted(result.accounts.rows.items()):
        shown = "  ".join("—" if v is None else fmt_money(v) for v in values)
        lines.append(f"{number:>4}  {shown}")
    if result.assets:
        lines.append(f"资产负债简表：{result.assets_text()}")
    return lines


# ── shared: the workbook, the new file, the report ────────
def _source(args: argparse.Namespace) -> Path:
    """The export file, once the options are known to make sense together."""
    path = regular_file(Path(args.export), "导出文件")
    if args.out and not args.into:
        raise CliError("-o 只能与 --into 一起使用：不写入工作簿时只显示读到的内容")
    if args.out and Path(args.out).suffix.lower() != ".xlsx":
        raise CliError(f"输出文件「{Path(args.out).name}」应以 .xlsx 结尾")
    if args.out and Path(args.out).resolve() in (path.resolve(), Path(args.into).resolve()):
        raise CliError(f"输出文件「{args.out}」是输入文件：导入从不改动输入，请另选文件名")
    return path


def _open(args: argparse.Namespace, survey: bool = False) -> tuple[Evaluation, WorkbookFile, Kept]:
    """The workbook read; refused when a cell cannot be read and the rewrite would lose it (the 问卷 counts a survey
    import fills, a questionnaire or a progress label waiting for its figures are kept)."""
    from ..workbook import open_workbook, read_evaluation

    path = Path(args.into)
    if path.suffix.lower() not in (".xlsx", ".xlsm") or not path.is_file():
        raise CliError(f"「{path}」不是已有的评价工作簿（.xlsx/.xlsm）")
    book = open_workbook(path)
    if book.ruleset.form == "self":  # a 自评表 has neither sheet; its 资金情况 is typed from the 决算 by hand
        what, sheet = ("问卷星数据", "问卷表") if survey else ("部门决算数据", "决算表")
        raise CliError(f"「{path.name}」是自评表，没有{sheet}：{what}只能导入第三方评价工作簿（如 pe-eval new --ruleset xundian-2024 "
                       "生成的）" + ("" if survey else "；自评表的资金情况请按决算在自评表中填写"))
    evaluation, _ = read_evaluation(book)
    kept = kept_cells(book, evaluation, replacing_survey=survey)
    if kept.problems:
        listed = "\n".join(f"- {p.where}：{p.message}" for p in kept.problems)
        raise CliError(f"「{path.name}」有无法读取的单元格，导入后这些内容会丢失：请先改正后再导入\n{listed}")
    return evaluation, book, kept


def _write(args: argparse.Namespace, book: WorkbookFile, evaluation: Evaluation, kept: Kept) -> tuple[Path, Assessment]:
    from ..workbook import assess_workbook

    data = workbook_with(book.ruleset, evaluation, book.ruleset_ref or None, kept)
    if args.out:
        target = write_new(Path(args.out), lambda p: p.write_bytes(data), overwrite=args.force)
    else:
        name = f"{_IMPORTED.sub('', book.path.stem)}_导入_{dt.date.today():%Y%m%d}.xlsx"
        target = write_new(available_path(book.path.with_name(name)), lambda p: p.write_bytes(data))
    return target, assess_workbook(target, book.ruleset)


def _report(args: argparse.Namespace, read: dict[str, object], notes: list[Finding], target: Path,
            assessment: Assessment, summary: list[str]) -> int:
    card = assessment.scorecard
    findings = list(assessment.findings)
    if args.json:
        print(to_json({**read, "output": str(target), "total": card.total, "grade": card.grade, "complete": card.complete,
                     "doubts": [f.model_dump() for f in assessment.doubts],
                     "notes": [n.model_dump() for n in notes], "findings": [f.model_dump() for f in findings]}))
    else:
        lines = [f"已写入：{target}", *summary, *_notes(notes), *result_lines(assessment)]
        survey = card.survey
        if survey and survey.average is not None:
            lines.append(f"问卷得分：{fmt2(survey.average)}分（问卷总分{survey.total.normalize():f} ÷ 有效问卷{survey.valid}份）")
        print("\n".join([*lines, render_findings(findings)]))
    return EXIT_FINDINGS if any(f.severity == "error" for f in [*notes, *findings]) else 0


def _notes(notes: tuple[Finding, ...] | list[Finding]) -> list[str]:
    """What the import itself noticed, written as ``check`` writes its findings."""
    return [f"[{SEVERITY_NAMES[n.severity]}] {n.code} {n.where}：{n.message}" for n in notes]

"""`pe-eval`: score, check, schema, demo — the headless path for CI, WPS/LibreOffice users and batches."""
from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scoring import (
    SEVERITY_NAMES,
    Assessment,
    Evaluation,
    UserError,
    fmt2,
    fmt_points,
    load_ruleset,
    sample_evaluation,
    shipped_rulesets,
)

from ..calc.command import add_parser as add_calc_parser
from ..files import load
from ..files.safe_io import available_path, reason, write_new, write_text_new
from .compare import cmd_compare
from .common import (
    EXIT_INTERRUPTED,
    EXIT_PIPE_CLOSED,
    EXIT_FINDINGS,
    EXIT_USAGE,
    CliError,
    EscapingStream,
    exit_code,
    output_path,
    pad,
    render_findings,
    result_lines,
    shown,
    to_json,
)
from .imports import add_import_parser
from .parser import ChineseParser

FONT_ROLES = {
    "body": "正文字体（默认 仿宋_GB2312）", "title": "标题字体（默认 方正小标宋简体）",
    "heading1": "一级标题字体（默认 黑体）", "heading2": "二级标题字体（默认 楷体_GB2312）",
    "page_number": "页码字体（默认 宋体）",
}


def _assessment(args: argparse.Namespace) -> Assessment:
    return load.load_assessment(Path(args.file), load_ruleset(args.ruleset) if args.ruleset else None)


def render_scorecard(assessment: Assessment) -> str:
    info, rs, card = assessment.evaluation.info, assessment.ruleset, assessment.scorecard
    kind = "自评" if rs.form == "self" else "评价"
    lines = [f"{info.unit_text} {info.year_text}年度部门整体支出绩效{kind}（规则集：{rs.name}）", *result_lines(assessment), "",
             "一级、二级指标小计："]
    for group in rs.level1:
        lines.append(f"  {group.code} {pad(group.name, 16)} 分值{fmt_points(group.weight):>5}  得分{fmt2(card.subtotals[group.code]):>6}")
        for sub in rs.subgroups(group.code):
            lines.append(f"    {sub.code} {pad(sub.name, 14)} 分值{fmt_points(sub.weight):>5}  得分{fmt2(card.subtotals[sub.code]):>6}")
    lines += ["", "三级指标："]
    for r in card.indicators:
        score = fmt2(r.score) if r.score is not None else "—"
        mark = "（人工）" if r.override is not None else ""
        lines.append(f"  {r.code:<5} {pad(r.name, 34)} {fmt_points(r.weight):>3} {score:>6}{mark}  {r.explanation}")
    if card.survey:
        average = fmt2(card.survey.average) if card.survey.average is not None else "—"
        lines += ["", f"问卷：总分{card.survey.total.normalize():f}，有效问卷{card.survey.valid}份，问卷得分{average}分"]
    return "\n".join(lines)


def cmd_score(args: argparse.Namespace) -> int:
    assessment = _assessment(args)
    if args.json:
        data = assessment.scorecard.model_dump(exclude={"indicators": {"__all__": {"rule_explanation"}}})
        data["doubts"] = [f.model_dump() for f in assessment.doubts]  # while any, the result is 待核实
        print(to_json(data))
    else:
        print(render_scorecard(assessment))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    assessment = _assessment(args)
    if args.json:
        print(to_json({"findings": [f.model_dump() for f in assessment.findings]}))
    else:
        print(render_findings(list(assessment.findings)))
    return exit_code(assessment.findings)


def cmd_schema(args: argparse.Namespace) -> int:
    print(json.dumps(Evaluation.model_json_schema(), ensure_ascii=False, indent=2))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from ..workbook.build_templates import SAMPLES
    from ..files.pdf_convert import find_converter

    out = Path(args.out)
    pdf = find_converter() is not None
    for name in SAMPLES:
        _write_sample(name, out, pdf)
    if not pdf:
        print("未生成 PDF：未找到 LibreOffice（Linux 上可运行 sudo bash .ci/system-packages.sh 安装）")
    return 0


def _write_sample(name: str, out: Path, pdf: bool) -> None:
    """One embedded sample: its JSON, its workbook, and the report built from the workbook."""
    from ..workbook.build_templates import sample_name
    from ..report import build_report
    from ..workbook import assess_workbook, workbook_bytes

    evaluation = sample_evaluation(name)
    target = available_path(out / f"{name}-sample.json")
    write_text_new(target, evaluation.model_dump_json(indent=1, exclude_defaults=False))
    print(f"已写入示例评价数据：{target}")
    workbook = available_path(out / sample_name(name))
    ruleset = load_ruleset(evaluation.ruleset)
    data = workbook_bytes(ruleset, evaluation)
    write_new(workbook, lambda path: path.write_bytes(data))
    print(f"已写入示例工作簿：{workbook}")
    assessment = assess_workbook(workbook, ruleset)
    result = build_report(assessment, pdf=pdf)
    print(f"已写入示例报告：{result.docx_path}")
    for extra, what in ((result.pdf_path, "示例报告 PDF"), (result.form_path, "示例自评表（数值版）")):
        if extra:
            print(f"已写入{what}：{extra}")
    for finding in result.findings:
        if finding.code.startswith(("RPT-CHART", "RPT-PDF")):  # what this machine left out of the report
            print(f"{SEVERITY_NAMES[finding.severity]}：{finding.message}")
    card = assessment.scorecard
    grade = card.grade or "未完成"
    print(f"示例（{evaluation.info.unit_name}{evaluation.info.year}年度，{ruleset.name}）总得分{fmt2(card.total)}分，等级{grade}")


def cmd_report(args: argparse.Namespace) -> int:
    from ..report import ReportFonts, build_report

    assessment = _assessment(args)
    fonts = ReportFonts(**{role: getattr(args, f"font_{role}") for role in FONT_ROLES if getattr(args, f"font_{role}")})
    result = build_report(assessment, output_path(args.out) if args.out else None, pdf=args.pdf, fonts=fonts,
                          overwrite=args.force, show_reasons=args.override_reasons)
    if args.json:
        print(to_json({"docx": str(result.docx_path), "pdf": str(result.pdf_path) if result.pdf_path else None,
                     "form": str(result.form_path) if result.form_path else None,
                     "draft": result.draft, "findings": [f.model_dump() for f in result.findings]}))
    else:
        kind = "报告（征求意见稿：尚有待处理事项——错误、未完成的结果、待核实的数据或未写完的文字，列在首页）" if result.draft else "报告"
        print(f"已生成{kind}：{result.docx_path}")
        if result.pdf_path:
            print(f"已生成 PDF：{result.pdf_path}")
        if result.form_path:
            print(f"已生成自评表（数值版，供上传）：{result.form_path}")
        if result.findings:
            print(render_findings(result.findings))
    return EXIT_FINDINGS if result.draft and not args.force else 0


def cmd_batch(args: argparse.Namespace) -> int:
    """Score and check many evaluations in parallel; one row each, a roll-up workbook or CSV (see cli.batch)."""
    from .batch import run_batch

    return run_batch(args)


def cmd_new(args: argparse.Namespace) -> int:
    from ..workbook import workbook_bytes

    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        raise CliError(f"输出文件「{out.name}」应以 .xlsx 结尾")
    if args.ruleset is None and args.last is None:
        raise CliError("请用 --ruleset 指定规则集（如 xundian-2024），或用 --from 指定上年的工作簿")
    rs = load_ruleset(args.ruleset) if args.ruleset else None
    reference = None if rs is None else str(Path(args.ruleset).resolve()) if args.ruleset.lower().endswith(".toml") else rs.id
    if args.last is not None:
        from ..files.next_year import next_year

        last = load.regular_file(Path(args.last), "上年工作簿")
        if last.suffix.lower() not in load.WORKBOOK_SUFFIXES:
            raise CliError(f"「{last.name}」不是评价工作簿（.xlsx/.xlsm）")
        started = next_year(last, rs, reference)
        write_new(out, lambda path: path.write_bytes(started.data))
        print(f"已写入{started.year or ''}年度评价工作簿（由上年工作簿「{last.name}」开始）：{out}\n沿用的内容：")
        print("\n".join(f"  {line}" for line in started.carried) or "  （无）")
        print("其余输入均为空白，请按本年情况填写。")
        return 0
    assert rs is not None
    data = workbook_bytes(rs, ruleset_ref=reference)
    write_new(out, lambda path: path.write_bytes(data))
    print(f"已写入空白评价工作簿（规则集：{rs.name}）：{out}")
    return 0


def cmd_values(args: argparse.Namespace) -> int:
    from ..files.static_copy import write_static_copy

    source = Path(args.file)
    if source.suffix.lower() not in load.WORKBOOK_SUFFIXES:
        raise CliError(f"「{source.name}」不是评价工作簿（.xlsx/.xlsm）")
    if args.out and Path(args.out).suffix.lower() != ".xlsx":
        raise CliError(f"输出文件「{Path(args.out).name}」应以 .xlsx 结尾")
    target, assessment = write_static_copy(source, output_path(args.out) if args.out else None)
    print(f"已写入静态副本：{target}")
    print(*result_lines(assessment), sep="\n")
    return 0


def cmd_ruleset(args: argparse.Namespace) -> int:
    if args.name is None:
        print(render_rulesets())
        return 0
    rs = load_ruleset(args.name)
    print(f"规则集「{rs.id}」{rs.name}：{len(rs.level1)}个一级、{len(rs.level2)}个二级、{len(rs.indicators)}个三级指标，满分{fmt_points(rs.total_weight)}分，校验通过。")
    warning = rs.grade_warning()
    if warning:
        print(f"警告：{warning}")
    return 0


def render_rulesets() -> str:
    """The shipped rulesets, one line each: id, kind, name, size."""
    lines = ["内置规则集（pe-eval new --ruleset 编号；pe-eval ruleset 编号 校验）："]
    for name in shipped_rulesets():
        rs = load_ruleset(name)
        kind = "自评表" if rs.form == "self" else "评价"
        size = "三级指标由各单位填写" if rs.form == "self" else f"{len(rs.indicators)}个三级指标"
        lines.append(f"  {pad(rs.id, 14)} {pad(kind, 6)} {rs.name}（{size}，满分{fmt_points(rs.total_weight)}分）")
    return "\n".join(lines)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pe-eval")
    except PackageNotFoundError:
        return "（未安装，源代码运行）"


def cmd_doctor(args: argparse.Namespace) -> int:
    from ..excel import doctor

    return doctor.run_doctor(doctor.local_system(), Path(args.out) if args.out else None, excel=args.excel, calc=args.calc)


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseParser(prog="pe-eval", description="部门整体支出绩效评价：计分、检查、报告")
    parser.add_argument("--version", action="version", version=f"pe-eval {_version()}", help="显示版本号并退出")
    sub = parser.add_subparsers(dest="command", required=True, metavar="命令")
    for name, func, text in (("score", cmd_score, "计算得分与等级"), ("check", cmd_check, "检查勾稽关系、问卷和人工得分（有错误时退出码为1）")):
        p = sub.add_parser(name, help=text, description=text)
        p.add_argument("file", metavar="FILE", help="评价数据 .json 或评价工作簿 .xlsx/.xlsm")
        p.add_argument("--json", action="store_true", help="输出 JSON（供程序读取）")
        p.add_argument("--ruleset", metavar="规则集", help="改用指定规则集（编号或 .toml 文件）")
        p.set_defaults(func=func)
    p = sub.add_parser("schema", help="输出评价数据的 JSON Schema")
    p.set_defaults(func=cmd_schema)
    p = sub.add_parser("demo", help="写出内置示例（寻甸县融媒体中心2024年度评价报告；青山县文化和旅游局2024年度自评表）")
    p.add_argument("--out", required=True, metavar="DIR", help="输出目录")
    p.set_defaults(func=cmd_demo)
    p = sub.add_parser("new", help="写出空白评价工作簿，或由上年工作簿开始本年的工作簿（不覆盖已有文件）")
    p.add_argument("--ruleset", metavar="NAME", help="规则集编号（如 xundian-2024）或 .toml 文件（有 --from 时默认用上年的）")
    p.add_argument("--from", dest="last", metavar="LAST_YEAR.xlsx",
                   help="上年的工作簿：沿用单位信息、问卷题目和分值、进度时点、自评表的指标行和上年数据，本年数据留空")
    p.add_argument("out", metavar="OUT", help="输出文件 .xlsx")
    p.set_defaults(func=cmd_new)
    p = sub.add_parser("report", help="生成公文格式评价报告（Word，可另存 PDF；不覆盖已有文件）")
    p.add_argument("file", metavar="FILE", help="评价工作簿 .xlsx/.xlsm 或评价数据 .json")
    p.add_argument("-o", "--out", metavar="OUT.docx", help="输出文件（默认：<文件名>_绩效评价报告_<日期>.docx，放在 FILE 旁）")
    p.add_argument("--pdf", action="store_true", help="同时生成 PDF（需要 LibreOffice 或 Word）")
    p.add_argument("--force", action="store_true",
                   help="允许覆盖 -o 指定的已有文件；报告为征求意见稿时也以退出码0结束")
    p.add_argument("--override-reasons", action="store_true",
                   help="在工作底稿中写出人工评定的理由（默认只写评定得分，理由供内部复核）")
    p.add_argument("--json", action="store_true", help="输出 JSON（供程序读取）")
    p.add_argument("--ruleset", metavar="规则集", help="改用指定规则集（编号或 .toml 文件）")
    for role, text in FONT_ROLES.items():
        p.add_argument(f"--font-{role.replace('_', '-')}", dest=f"font_{role}", metavar="字体", help=text)
    p.set_defaults(func=cmd_report)
    p = sub.add_parser("batch", help="成批计分和检查（文件或文件夹，多进程并行），输出汇总工作簿或 CSV")
    p.add_argument("paths", nargs="+", metavar="PATH", help="评价文件或包含评价文件的文件夹")
    p.add_argument("--out", metavar="汇总.xlsx",
                   help="写出汇总工作簿 .xlsx（排名、指标得分、图表、无法读取的文件等）或汇总表 .csv（不覆盖已有文件）")
    p.add_argument("--expected", metavar="名单.xlsx|名单.txt", help="应报送的单位名单（一列单位名称）：列出没有文件的单位和重复的单位")
    p.add_argument("--last", action="append", metavar="DIR", help="上年的评价文件或文件夹（可写多次）：按统一社会信用代码（没有时按单位名称）与本年对比")
    p.add_argument("--json", action="store_true", help="输出 JSON（供程序读取）")
    p.add_argument("--ruleset", metavar="规则集", help="改用指定规则集（编号或 .toml 文件）")
    p.set_defaults(func=cmd_batch)
    p = sub.add_parser("compare", help="与上年对比：各指标、关键数据的两年数值和变化，标出大幅变化和计分规则改变的指标")
    p.add_argument("last", metavar="LAST", help="上年的评价工作簿或评价数据 .json")
    p.add_argument("this", metavar="THIS", help="本年的评价工作簿或评价数据 .json")
    p.add_argument("--json", action="store_true", help="输出 JSON（供程序读取）")
    p.set_defaults(func=cmd_compare)
    p = sub.add_parser("ruleset", help="校验规则集（编号或 .toml 文件）；不写时列出内置规则集")
    p.add_argument("name", metavar="NAME|FILE", nargs="?", help="规则集编号（如 xundian-2024）或 .toml 文件")
    p.set_defaults(func=cmd_ruleset)
    p = sub.add_parser("values", help="写出静态副本：公式替换为计算结果（供 WPS、审阅和归档；不改动原工作簿）")
    p.add_argument("file", metavar="WORKBOOK", help="评价工作簿 .xlsx/.xlsm")
    p.add_argument("-o", "--out", metavar="OUT.xlsx", help="输出文件（默认：<文件名>_静态副本.xlsx，放在工作簿旁；不覆盖已有文件）")
    p.set_defaults(func=cmd_values)
    p = sub.add_parser("doctor", help="逐项诊断安装和运行环境，写出可发给技术支持的诊断文件（有未通过项时退出码为1）")
    p.add_argument("--out", metavar="诊断.txt", help="诊断文件（默认：当前目录下的 pe-eval诊断.txt；不覆盖已有文件）")
    p.add_argument("--excel", action="store_true", help="（仅 Windows）另在隐藏的 Excel 中实际计算示例工作簿")
    p.add_argument("--calc", action="store_true", help="另在后台的 LibreOffice 中计算一个测试公式（几秒钟）")
    p.set_defaults(func=cmd_doctor)
    add_import_parser(sub)
    add_calc_parser(sub)
    return parser


_interrupted = threading.Event()  # set by every interrupt, even one raised where Python drops it (a finalizer)


def _interrupt(signum: int, frame: object) -> None:
    _interrupted.set()
    raise KeyboardInterrupt


def _unraisable(hook: Callable[[Any], object]) -> Callable[[Any], object]:
    """``sys.unraisablehook`` quiet about an interrupt (main sees it through ``_interrupted``); others go to ``hook``."""
    def quiet(unraisable: Any) -> object:
        if isinstance(unraisable.exc_value, KeyboardInterrupt):
            return None
        return hook(unraisable)
    return quiet


# Signals that end a command like Ctrl-C, so that children and temp files go: SIGTERM (kill, a service stopping),
# SIGHUP (the terminal window closed).
ENDING_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


class OutputError(UserError):
    """Standard output refused the result (a full disk, a closed device)."""


class _Output(EscapingStream):
    """Standard output with workbook text escaped; a refused write becomes an ``OutputError``."""

    def write(self, text: str) -> int:
        try:
            return super().write(text)
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise OutputError(f"无法写出结果：{reason(exc)}") from exc

    def flush(self) -> None:
        try:
            self.stream.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise OutputError(f"无法写出结果：{reason(exc)}") from exc


def main(argv: list[str] | None = None) -> int:
    """Run one command; every outcome is an exit code and, on failure, one Chinese line on stderr."""
    real = sys.stdout
    if hasattr(real, "reconfigure"):
        real.reconfigure(errors="replace")
    sys.stdout = _Output(real)
    hook, sys.unraisablehook = sys.unraisablehook, _unraisable(sys.unraisablehook)
    _interrupted.clear()
    in_main_thread = threading.current_thread() is threading.main_thread()  # signal handlers can only be set there
    ending = [*ENDING_SIGNALS, *([signal.SIGINT] if signal.getsignal(signal.SIGINT) is signal.default_int_handler else [])]
    previous = {signum: signal.signal(signum, _interrupt) for signum in ending} if in_main_thread else {}
    try:
        return _run(argv)
    finally:
        sys.stdout, sys.unraisablehook = real, hook
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _run(argv: list[str] | None) -> int:
    try:
        args = build_parser().parse_args(argv)
        code: int = args.func(args)
        if _interrupted.is_set():  # dropped where it was raised (inside a finalizer): the run was still interrupted
            raise KeyboardInterrupt
        sys.stdout.flush()  # a full disk shows here, not as an "Exception ignored" at exit
        return code
    except OutputError as exc:
        _drop_output()
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_USAGE
    except (UserError, FileExistsError) as exc:
        print(f"错误：{shown(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # the reader of a pipe stopped early (`pe-eval check x | head`): not an error of ours
        _drop_output()
        return EXIT_PIPE_CLOSED
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # noqa: BLE001 - a defect of ours: a message to pass on, not a traceback to read
        if os.environ.get("PE_EVAL_DEBUG"):
            raise
        print(f"错误：程序内部错误（{type(exc).__name__}：{shown(str(exc)[:200])}）。请将此信息和所用文件告知维护人员；"
              "设置环境变量 PE_EVAL_DEBUG=1 可显示详细信息", file=sys.stderr)
        return EXIT_USAGE


def _drop_output() -> None:
    """Point standard output at the null device, so that the flush at exit does not fail a second time."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), getattr(sys.stdout, "stream", sys.stdout).fileno())
    except (OSError, ValueError):  # a stream without a file descriptor (as under a test's capture)
        pass


if __name__ == "__main__":
    sys.exit(main())

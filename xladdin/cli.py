"""`pe-eval`: score, check, schema, demo — the headless path for CI, WPS/LibreOffice users and batches."""
from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from decimal import Decimal
from pathlib import Path

from scoring.evaluate import Scorecard, check_evaluation, score_evaluation
from scoring.findings import SEVERITY_NAMES, Finding
from scoring.model import Evaluation, EvaluationError, read_evaluation, sample_evaluation
from scoring.numbers import fmt2, fmt_points
from scoring.ruleset import RulesetError, load_ruleset

from .safe_io import available_path, write_new, write_text_new

EXIT_FINDINGS = 1
EXIT_USAGE = 2


class CliError(Exception):
    """A Chinese message for stderr, exit status 2."""


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def _json(data: object) -> str:
    def encode(value: object) -> object:
        if isinstance(value, Decimal):  # 2-decimal figures survive float's shortest repr exactly
            return float(value)
        raise TypeError(type(value).__name__)

    return json.dumps(data, ensure_ascii=False, indent=2, default=encode)


WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


def load_input(path: Path) -> Evaluation:
    """An evaluation from a .json file or an evaluation workbook (.xlsx/.xlsm, read without Excel)."""
    if not path.exists():
        raise CliError(f"找不到文件：{path}")
    if path.suffix.lower() == ".json":
        return read_evaluation(path)
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        from .workbook_reader import WorkbookError, read_workbook

        try:
            return read_workbook(path)
        except WorkbookError as exc:
            raise CliError(str(exc)) from None
    raise CliError(f"不支持的文件类型「{path.suffix}」：请提供评价数据 .json 文件或评价工作簿 .xlsx/.xlsm")


def _evaluation_and_ruleset(args: argparse.Namespace):
    evaluation = load_input(Path(args.file))
    return evaluation, load_ruleset(args.ruleset or evaluation.ruleset)


def render_scorecard(evaluation: Evaluation, card: Scorecard) -> str:
    info = evaluation.info
    rs = load_ruleset(card.ruleset)
    lines = [
        f"{info.unit_name} {info.year}年度部门整体支出绩效评价（规则集：{rs.name}）",
        f"总得分：{fmt2(card.total)}分    等级：{card.grade}",
        "",
        "一级、二级指标小计：",
    ]
    for group in rs.level1:
        lines.append(f"  {group.code} {_pad(group.name, 16)} 分值{fmt_points(group.weight):>5}  得分{fmt2(card.subtotals[group.code]):>6}")
        for sub in rs.children(group.code):
            lines.append(f"    {sub.code} {_pad(sub.name, 14)} 分值{fmt_points(sub.weight):>5}  得分{fmt2(card.subtotals[sub.code]):>6}")
    lines += ["", "三级指标："]
    for r in card.indicators:
        score = fmt2(r.score) if r.score is not None else "—"
        mark = "（人工）" if r.override is not None else ""
        lines.append(f"  {r.code:<5} {_pad(r.name, 34)} {fmt_points(r.weight):>3} {score:>6}{mark}  {r.explanation}")
    if card.survey:
        average = fmt2(card.survey.average) if card.survey.average is not None else "—"
        lines += ["", f"问卷：总分{card.survey.total.normalize():f}，有效问卷{card.survey.valid}份，问卷得分{average}分"]
    if card.incomplete:
        lines += ["", f"未能计分的指标：{'、'.join(card.incomplete)}（合计按已计分指标计算）"]
    return "\n".join(lines)


def render_findings(findings: list[Finding]) -> str:
    counts = {s: sum(f.severity == s for f in findings) for s in SEVERITY_NAMES}
    head = f"检查完成：{counts['error']}个错误，{counts['warning']}个警告，{counts['info']}个提示"
    body = [f"[{SEVERITY_NAMES[f.severity]}] {f.code} {f.where}：{f.message}" for f in findings]
    return "\n".join([head, *body]) if body else head + "。所有勾稽关系和数据检查均通过。"


def cmd_score(args: argparse.Namespace) -> int:
    evaluation, rs = _evaluation_and_ruleset(args)
    card = score_evaluation(evaluation, rs)
    if args.json:
        data = card.model_dump(exclude={"indicators": {"__all__": {"rule_explanation"}}})
        print(_json(data))
    else:
        print(render_scorecard(evaluation, card))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    evaluation, rs = _evaluation_and_ruleset(args)
    findings = check_evaluation(evaluation, rs)
    if Path(args.file).suffix.lower() in WORKBOOK_SUFFIXES:
        from .workbook_check import workbook_findings

        order = list(SEVERITY_NAMES)
        findings = sorted(findings + workbook_findings(Path(args.file), evaluation), key=lambda f: order.index(f.severity))
    if args.json:
        print(_json({"findings": [f.model_dump() for f in findings]}))
    else:
        print(render_findings(findings))
    return EXIT_FINDINGS if any(f.severity == "error" for f in findings) else 0


def cmd_schema(args: argparse.Namespace) -> int:
    print(json.dumps(Evaluation.model_json_schema(), ensure_ascii=False, indent=2))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from .build_templates import sample_name
    from .workbook_build import build_workbook

    out = Path(args.out)
    evaluation = sample_evaluation()
    target = available_path(out / "xundian-2024-sample.json")
    write_text_new(target, evaluation.model_dump_json(indent=1, exclude_defaults=False))
    card = score_evaluation(evaluation)
    print(f"已写入示例评价数据：{target}")
    workbook = available_path(out / sample_name())
    write_new(workbook, build_workbook(load_ruleset(evaluation.ruleset), evaluation).save)
    print(f"已写入示例工作簿：{workbook}")
    print(f"示例（{evaluation.info.unit_name}{evaluation.info.year}年度）总得分{fmt2(card.total)}分，等级{card.grade}")
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    from .workbook_build import build_workbook

    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        raise CliError(f"输出文件「{out.name}」应以 .xlsx 结尾")
    rs = load_ruleset(args.ruleset)
    reference = str(Path(args.ruleset).resolve()) if args.ruleset.lower().endswith(".toml") else rs.id
    write_new(out, build_workbook(rs, ruleset_ref=reference).save)
    print(f"已写入空白评价工作簿（规则集：{rs.name}）：{out}")
    return 0


def cmd_ruleset(args: argparse.Namespace) -> int:
    rs = load_ruleset(args.name)
    print(f"规则集「{rs.id}」{rs.name}：{len(rs.level1)}个一级、{len(rs.level2)}个二级、{len(rs.indicators)}个三级指标，满分{fmt_points(rs.total_weight)}分，校验通过。")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pe-eval", description="部门整体支出绩效评价：计分、检查、报告")
    sub = parser.add_subparsers(dest="command", required=True, metavar="命令")
    for name, func, text in (("score", cmd_score, "计算得分与等级"), ("check", cmd_check, "检查勾稽关系、问卷和人工得分（有错误时退出码为1）")):
        p = sub.add_parser(name, help=text, description=text)
        p.add_argument("file", metavar="FILE", help="评价数据 .json 或评价工作簿 .xlsx/.xlsm")
        p.add_argument("--json", action="store_true", help="输出 JSON（供程序读取）")
        p.add_argument("--ruleset", help="改用指定规则集（编号或 .toml 文件）")
        p.set_defaults(func=func)
    p = sub.add_parser("schema", help="输出评价数据的 JSON Schema")
    p.set_defaults(func=cmd_schema)
    p = sub.add_parser("demo", help="写出内置示例（寻甸县融媒体中心2024年度）")
    p.add_argument("--out", required=True, metavar="DIR", help="输出目录")
    p.set_defaults(func=cmd_demo)
    p = sub.add_parser("new", help="写出空白评价工作簿（不覆盖已有文件）")
    p.add_argument("--ruleset", required=True, metavar="NAME", help="规则集编号（如 xundian-2024）或 .toml 文件")
    p.add_argument("out", metavar="OUT", help="输出文件 .xlsx")
    p.set_defaults(func=cmd_new)
    p = sub.add_parser("ruleset", help="校验规则集（编号或 .toml 文件）")
    p.add_argument("name", metavar="NAME|FILE")
    p.set_defaults(func=cmd_ruleset)
    return parser


def main(argv: list[str] | None = None) -> int:
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="replace")
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (CliError, EvaluationError, RulesetError, FileExistsError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())

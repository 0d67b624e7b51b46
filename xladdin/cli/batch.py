"""`pe-eval batch`: many files assessed in parallel, one row each, the roll-up workbook or CSV, the roster and last year."""
from __future__ import annotations

import argparse
from pathlib import Path

from scoring import INCOMPLETE, describe_change, fmt2, load_ruleset

from ..batch.roster import RosterCheck, YearOverYear, check_roster, read_expected, year_over_year
from ..batch.runner import FileResult, assess_files
from ..files.load import evaluation_files, regular_file
from ..files.safe_io import write_new
from .common import BATCH_COLUMNS, EXIT_FINDINGS, EXIT_USAGE, UNREADABLE, CliError, csv_text, output_path, to_json

OUTPUTS = (".xlsx", ".csv")


def run_batch(args: argparse.Namespace) -> int:
    """Exit 2 when a file could not be read, 1 when a file has errors, else 0 (the roster does not change it)."""
    if args.ruleset:
        load_ruleset(args.ruleset)  # a wrong --ruleset is refused once, here, not in every file
    out = output_path(args.out) if args.out else None
    if out is not None and out.suffix.lower() not in OUTPUTS:
        raise CliError(f"汇总表「{out.name}」应以 .xlsx（汇总工作簿）或 .csv 结尾")
    if out is not None and out.exists():
        raise CliError(f"文件已存在，未覆盖：{out}")
    expected = read_expected(regular_file(Path(args.expected), "单位名单")) if args.expected else None
    paths, last_paths = evaluation_files(args.paths), evaluation_files(args.last or [])
    if not paths:
        raise CliError("没有找到评价文件（.json/.xlsx/.xlsm）")
    if args.last and not last_paths:
        raise CliError("--last 中没有找到上年的评价文件（.json/.xlsx/.xlsm）")
    found = assess_files([*paths, *last_paths], args.ruleset)
    results = found[:len(paths)]
    roster = check_roster(results, expected)
    years = year_over_year(found[len(paths):], results) if args.last else None
    rows = [_row(result) for result in results]
    target = _write(out, rows, results, roster, years) if out is not None else None
    if args.json:
        print(to_json({"rows": rows, **_extras(roster, years)}))
    else:
        _print(rows, roster, years)
        if target is not None:
            print(f"汇总表：{target}")
    if any(r.snapshot is None for r in found):
        return EXIT_USAGE
    return EXIT_FINDINGS if any(r.errors for r in found) else 0


def _row(result: FileResult) -> dict[str, object]:
    """The row of ``BATCH_COLUMNS`` (CSV, JSON and the terminal) of one file."""
    row: dict[str, object] = dict.fromkeys(BATCH_COLUMNS, "")
    row["文件"] = result.path
    snap = result.snapshot
    if snap is None:
        row["说明"] = f"{UNREADABLE}{result.failure}"
        return row
    row.update({
        "单位名称": snap.unit_name, "年度": snap.year or "", "规则集": snap.ruleset, "总得分": fmt2(snap.total),
        "等级": snap.grade or INCOMPLETE, "错误": result.errors, "警告": result.warnings,
        "未计分指标": "、".join(result.unscored), "说明": result.first_error,
    })
    return row


def _write(out: Path, rows: list[dict[str, object]], results: list[FileResult], roster: RosterCheck,
           years: YearOverYear | None) -> Path:
    if out.suffix.lower() == ".xlsx":
        from ..batch.rollup import rollup_bytes

        data = rollup_bytes(results, roster, years)
        return write_new(out, lambda p: p.write_bytes(data))
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=BATCH_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({key: csv_text(value) for key, value in row.items()} for row in rows)
    return write_new(out, lambda p: p.write_text(buffer.getvalue(), encoding="utf-8-sig"))


def _extras(roster: RosterCheck, years: YearOverYear | None) -> dict[str, object]:
    extras: dict[str, object] = {"duplicates": [{"unit": unit, "files": files} for unit, files in roster.duplicates]}
    if roster.checked:
        extras["missing"] = roster.missing
        extras["unexpected"] = [{"unit": unit, "file": file} for unit, file in roster.unexpected]
    if years is not None:
        extras["last_year"] = [
            {"unit": c.this.unit_name, "file": this.path, "last_file": last.path, "last_total": c.total.last,
             "total": c.total.this, "change": c.total.change, "swings": [s.name for s in c.swings],
             "revised": [r.name for r in c.revised], "notes": c.notes}
            for last, this, c in years.compared]
        extras["without_last_year"] = [r.path for r in years.without_last]
    return extras


def _print(rows: list[dict[str, object]], roster: RosterCheck, years: YearOverYear | None) -> None:
    """One line per file, the count, then the files that could not be read, the roster and last year's comparison."""
    failed = [r for r in rows if str(r["说明"]).startswith(UNREADABLE)]
    for row in rows:
        if row in failed:
            print(f"{'—':>6}  —  {row['文件']}  无法读取（原因见下）")
        else:
            unit = row["单位名称"] or "（单位名称未填写）"
            print(f"{row['总得分']:>6}  {row['等级']}  {unit}（{Path(str(row['文件'])).name}）  {row['说明'] or '通过'}")
    print(f"共{len(rows)}个文件：{sum(1 for r in rows if r['错误'])}个有错误，{len(failed)}个无法读取。")
    lost = [*((r["文件"], str(r["说明"]).removeprefix(UNREADABLE)) for r in failed),
            *((r.path, r.failure) for r in (years.unreadable if years else []))]
    if lost:
        print(f"无法读取的文件（{len(lost)}个）：", *(f"  {path}：{reason}" for path, reason in lost), sep="\n")
    if roster.checked:
        print(f"名单中没有文件的单位（{len(roster.missing)}个）：{'、'.join(roster.missing) or '无'}")
        if roster.unexpected:
            print(f"不在名单中的单位（{len(roster.unexpected)}个）：" + "、".join(f"{u}（{Path(f).name}）" for u, f in roster.unexpected))
    if roster.duplicates:
        print(f"同一单位有多个文件（{len(roster.duplicates)}个单位）：",
              *(f"  {unit}：{'、'.join(files)}" for unit, files in roster.duplicates), sep="\n")
    if years is not None:
        swung = [c for _, _, c in years.compared if c.total.swing]
        print(f"与上年对比：{len(years.compared)}个单位找到上年文件，{len(years.without_last)}个没有；"
              f"总得分大幅变化或等级改变的{len(swung)}个" + ("：" if swung else "。"))
        for c in swung:
            print(f"  {c.this.unit_name}：{describe_change(c.total)}" + (f"，{c.total.note}" if c.total.note else ""))

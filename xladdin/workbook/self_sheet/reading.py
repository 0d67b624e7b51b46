"""Reading a filled 自评表: the header into ``info``, the fund block, goal, rows, reported scores and texts into
``self_form`` and ``narrative``, and where each came from (``provenance``)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from scoring import (
    NATURE_LINES,
    FormStructure,
    FundBlock,
    Ruleset,
    RulesetError,
    SelfForm,
    TargetRow,
    fmt_points,
    parse_number,
    structure_of,
)

from ..file import WorkbookError, WorkbookFile
from ..sheet import Reading, read_amounts, read_money_unit
from .form_layout import (
    FUND_COLS,
    FUND_LABELS,
    FUND_ROWS,
    FUND_TITLES,
    MONEY_UNIT,
    NAME,
    NAME_ISSUES,
    NAME_REPORTED_TOTAL,
    NATURE_COLS,
    NATURE_ROWS,
    SUPERVISOR,
    UNIT_NAME,
    YEAR,
    Layout,
    basic_rows,
    col,
    editable_level1,
    fixed,
    layout,
)


def _value(value: object) -> str | int | Decimal | None:
    """A typed cell as a row keeps it: floats become exact decimals, dates ISO text."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return parse_number(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.date().isoformat() if isinstance(value, dt.datetime) else value.isoformat()
    return value if isinstance(value, (str, int, Decimal)) else str(value)


def _named_ref(book: WorkbookFile, name: str) -> str:
    target = book.names.get(name, "")
    return target.split("!")[-1].replace("$", "")


def read(book: WorkbookFile, reading: Reading) -> None:
    """The header into ``info``; the fund block, goal, rows, reported scores and texts into ``self_form``."""
    rs = book.ruleset
    reading.fields["info"] = _read_header(book, reading)
    lay = layout(rs, _find_total(book) - layout(rs, 0).first_row)
    rows = [(row, _read_row(book, rs, row)) for row in range(lay.first_row, lay.total_row)]
    reported_total, issues = _named_ref(book, NAME_REPORTED_TOTAL), _named_ref(book, NAME_ISSUES)
    form = SelfForm(
        structure=_read_structure(book, rs, lay, reading),
        fund=_read_fund(book, reading),
        goal_expected=book.text(NAME, f"B{lay.goal_row + 1}"),
        goal_actual=book.text(NAME, f"G{lay.goal_row + 1}"),
        rows=[item for _, item in rows],
        reported={ind.code: value for ind in fixed(rs)
                  if (value := _value(book.raw(NAME, f"E{lay.fixed_rows[ind.code]}"))) is not None},
        reported_total=_value(book.raw(NAME, reported_total)),
        issues=book.text(NAME, issues),
    )
    reading.fields["self_form"] = form
    basic = basic_rows(rs, lay)
    reading.fields["narrative"] = {key: text for key, row in basic.items() if (text := book.text(NAME, f"C{row}"))}
    reading.provenance.update({f"narrative.{key}": f"{NAME}!C{row}" for key, row in basic.items()})
    reading.provenance["self_form.reported_total"] = f"{NAME}!{reported_total}"
    for ind in fixed(rs):
        reading.provenance[f"indicators.{ind.code}.reported"] = f"{NAME}!E{lay.fixed_rows[ind.code]}"
    _row_provenance(rs, form, rows, reading)


def _read_structure(book: WorkbookFile, rs: Ruleset, lay: Layout, reading: Reading) -> FormStructure | None:
    """The 表样设置 rows' 分值 as the form's structure; None when they are the ruleset's own (or cannot be used)."""
    typed: dict[str, Decimal] = {}
    first = ""
    for offset, group in enumerate(rs.level1, start=1):
        ref = f"C{lay.level1_header + offset}"
        if group.code not in editable_level1(rs):
            continue
        weight = book.parse(NAME, ref, f"一级指标「{group.name}」的分值", parse_number, ("分",), "55")
        if weight is None or weight <= 0:
            if weight is not None or book.blank(NAME, ref):
                book.problem(NAME, ref, f"一级指标「{group.name}」的分值应为大于0的数，如 55")
            continue
        if weight != group.weight:
            typed[group.code] = weight
            first = first or ref
    if not typed:
        return None
    total = sum((typed.get(g.code, g.weight) for g in rs.level1), Decimal(0))
    if total != rs.total_weight:
        book.problem(NAME, first, f"表样设置的一级指标分值合计{fmt_points(total)}分，应等于总分{fmt_points(rs.total_weight)}分")
        return None
    try:
        structure = structure_of(rs)
    except RulesetError as exc:
        book.problem(NAME, first, f"本表的一级指标分值不能在表中修改（{'；'.join(exc.problems)}），请修改规则集")
        return None
    names = {g.name: typed[g.code] for g in rs.level1 if g.code in typed}
    top = structure.top
    if top is not None and top.name in names:
        top = top.model_copy(update={"weight": names[top.name]})
    groups = [g.model_copy(update={"weight": names.get(g.name, g.weight)}) for g in structure.groups]
    reading.provenance["self_form.structure"] = f"{NAME}!{first}"
    return structure.model_copy(update={"top": top, "groups": groups})


def _read_header(book: WorkbookFile, reading: Reading) -> dict[str, object]:
    info: dict[str, object] = {"unit_name": book.text(NAME, UNIT_NAME), "supervisor": book.text(NAME, SUPERVISOR)}
    year = book.parse(NAME, YEAR, "年度", parse_number, (), "2024")
    if year is not None:
        if year != year.to_integral_value() or not 2000 <= year <= 2100:
            book.problem(NAME, YEAR, f"年度「{year}」应为2000至2100之间的整数，如 2024")
        else:
            info["year"] = int(year)
    for key, ref in (("unit_name", UNIT_NAME), ("year", YEAR), ("supervisor", SUPERVISOR)):
        reading.provenance[f"info.{key}"] = f"{NAME}!{ref}"
    return info


def _read_fund(book: WorkbookFile, reading: Reading) -> FundBlock:
    fund: dict[str, object] = {"unit": read_money_unit(book, NAME, MONEY_UNIT)}
    for line, row in FUND_ROWS.items():
        fund[line] = read_amounts(book, reading, NAME, row, FUND_COLS, f"fund.{line}",
                                  FUND_LABELS[line].removeprefix("其中："), FUND_TITLES)
    for line, row in NATURE_ROWS.items():
        split = read_amounts(book, reading, NAME, row, NATURE_COLS, f"fund.{line}", NATURE_LINES[line], FUND_TITLES)
        if any(value is not None for value in split.values()):
            fund[line] = split
    return FundBlock.model_validate(fund)


_ROW_KEYS = ("level2", "name", "target", "adjusted", "actual", "weight", "method", "entered", "reported", "core", "reason",
             "unit", "nature")


def _read_row(book: WorkbookFile, rs: Ruleset, row: int) -> TargetRow:
    c = col(rs)
    values: dict[str, object] = {key: _value(book.raw(NAME, f"{c[key]}{row}")) for key in _ROW_KEYS if key in c}
    names = {g.name: g.code for g in rs.open_groups}
    group = str(values.get("level2") or "").strip()
    text = {key: str(values.get(key) or "").strip() for key in ("name", "method", "reason", "unit", "nature")}
    return TargetRow.model_validate({
        "group": names.get(group, group), "name": text["name"], "method": text["method"], "reason": text["reason"],
        "unit": text["unit"], "nature": text["nature"],
        "target": values.get("target"), "adjusted_target": values.get("adjusted"), "actual": values.get("actual"),
        "weight": values.get("weight"), "entered": values.get("entered"), "reported": values.get("reported"),
        "core": str(values.get("core") or "").strip() == "是",
    })


def _row_provenance(rs: Ruleset, form: SelfForm, rows: list[tuple[int, TargetRow]], reading: Reading) -> None:
    """Each coded row's cells, so that a finding names the cell to fix."""
    c = col(rs)
    codes = iter(code for code, _ in form.coded_rows())
    for row, item in rows:
        if item.blank:
            continue
        code = next(codes)
        target = "adjusted" if item.adjusted_target not in (None, "") else "target"
        for field, key in (("name", "name"), ("group", "level2"), ("weight", "weight"), ("method", "method"),
                           ("input1", target), ("input2", "actual"), ("input3", "entered"), ("reported", "reported")):
            reading.provenance[f"indicators.{code}.{field}"] = f"{NAME}!{c[key]}{row}"
        reading.provenance[f"indicators.{code}"] = f"{NAME}!{c['name']}{row}"


def _find_total(book: WorkbookFile) -> int:
    first = layout(book.ruleset, 0).first_row
    sheet = book.sheets[NAME]
    for row in range(first, first + 2_000):
        if sheet.value(f"A{row}") == "合计":
            return row
    raise WorkbookError(f"「{book.path.name}」的{NAME}中找不到指标表的「合计」行（A列）：请勿删除该行")

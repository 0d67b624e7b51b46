"""Changing one figure breaks exactly the identities that use it, reported to the cent."""
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import COLUMN_NAMES, COLUMNS, IDENTITIES, ROWS, Accounts, cells, sample_evaluation
from scoring.model.accounts import check_accounts

D = Decimal


def _broken(accounts):
    return sorted((f.code, f.where) for f in check_accounts(accounts))


def test_one_cent_on_row_1_breaks_only_income_total(seed):
    seed.accounts.set(1, "final", D("5220840.39"))
    findings = check_accounts(seed.accounts)
    assert [(f.code, f.difference) for f in findings] == [("ACC-27", D("-0.01"))]
    assert findings[0].where == "决算表第27行决算数（栏次3）"
    assert findings[0].expected == D("5324401.59") and findings[0].actual == D("5324401.58")


def test_budget_of_total_expenditure_breaks_three_identities(seed):
    seed.accounts.set(84, "budget", D("5350865.53"))  # +100.00
    findings = check_accounts(seed.accounts)
    assert sorted(f.code for f in findings) == ["ACC-84F", "ACC-84N", "ACC-88"]
    by_code = {f.code: f for f in findings}
    assert by_code["ACC-84F"].difference == D("100.00")
    assert by_code["ACC-84N"].difference == D("100.00")
    assert by_code["ACC-88"].difference == D("-100.00")  # 88 stays, its terms grew
    assert all("栏次5" in f.where for f in findings)


def test_final_of_total_expenditure_also_breaks_final_only_identities(seed):
    seed.accounts.set(84, "final", D("5350765.00"))  # −0.53
    codes = sorted(f.code for f in check_accounts(seed.accounts))
    assert codes == ["ACC-68-84", "ACC-84F", "ACC-84N", "ACC-86", "ACC-88"]
    diffs = {f.code: f.difference for f in check_accounts(seed.accounts)}
    assert diffs["ACC-68-84"] == D("0.53") and diffs["ACC-86"] == D("-0.53")


def test_project_expenditure_must_cover_capital_projects(seed):
    seed.accounts.set(62, "final", D("1069931.87"))
    findings = check_accounts(seed.accounts)
    assert [(f.code, f.difference) for f in findings] == [("ACC-61", D("-0.01"))]
    assert "不小于" in findings[0].message


def test_negative_amount_is_an_error(seed):
    seed.accounts.set(28, "final", D("-5"))
    codes = [f.code for f in check_accounts(seed.accounts)]
    assert "ACC-NEG" in codes and "ACC-31" in codes


def test_blank_columns_are_not_checked(seed):
    # Rows 68–78 have — in the budget columns; no finding must come from those columns.
    assert seed.accounts.get(68, "initial") is None
    assert check_accounts(seed.accounts) == []


def test_layout_column_numbers():
    assert ROWS[1].column_number("final") == 3
    assert ROWS[38].column_number("budget") == 5
    assert ROWS[84].column_number("initial") == 4
    assert ROWS[58].column_number("final") == 9
    assert len([r for r in ROWS.values() if r.section == "function"]) == 26 + 4


@pytest.mark.parametrize("identity", IDENTITIES, ids=lambda i: i.code)
def test_identity_rows_exist(identity):
    assert identity.lhs in ROWS and all(row in ROWS for _, row in identity.terms)


def test_accounts_reject_unknown_rows_and_bad_values():
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="没有第30行"):
        Accounts(rows={"30": [None, None, None]})
    with pytest.raises(ValidationError, match="不是有效的第1行金额"):
        Accounts(rows={"1": ["abc", None, None]})
    assert Accounts(rows={"1": ["４，２２８，１０６．３５", "—", ""]}).get(1, "initial") == D("4228106.35")


# ── blank is not zero ─────────────────────────────────────
def _by_code(findings):
    return {f.code: f for f in findings}


def test_no_figures_at_all_say_plainly_that_nothing_was_checked():
    for accounts in (Accounts(), Accounts(rows={"27": [None, None, None]})):
        (finding,) = check_accounts(accounts)
        assert (finding.severity, finding.code) == ("info", "ACC-EMPTY")
        assert finding.message == "未录入决算表数据，未检查任何勾稽关系"


def test_fund_totals_alone_give_notes_not_errors():
    totals = {row: [None, value, value] for row, value in ((27, "5324401.58"), (84, "5350765.53"), (58, "4280833.67"), (61, "1069931.86"))}
    findings = check_accounts(Accounts(rows=totals))
    assert {f.severity for f in findings} == {"info"} and all(f.code == "ACC-SKIPPED" for f in findings)
    messages = [f.message for f in findings]
    assert "未录入第1至8行（全年预算数、决算数），ACC-27 未检查" in messages
    assert "未录入第59、60行（全年预算数、决算数），ACC-58 未检查" in messages
    assert "未录入第68行（决算数），ACC-68-84 未检查" in messages
    assert len(messages) == len({m.split("，")[-1] for m in messages}) == 7  # one note per identity
    # 84 = 58 + 61 + 63 + 64 + 65 was checked: its total and parts are entered, the blank 63–65 count as 0


def test_an_entered_zero_is_checked():
    rows = {"27": [None, None, "100"], **{str(n): [None, None, "0"] for n in range(1, 9)}}
    (finding,) = [f for f in check_accounts(Accounts(rows=rows)) if f.severity == "error"]
    assert (finding.code, finding.difference) == ("ACC-27", D("100.00"))
    assert "按0计" not in finding.message


def test_blank_parts_beside_entered_ones_count_as_zero_and_say_so(seed):
    seed.accounts.set(1, "final", D("5220840.39"))
    (finding,) = check_accounts(seed.accounts)
    assert finding.message.endswith("差额-0.01元（未录入的第2、3行按0计）")


def test_a_blank_total_or_blank_breakdown_is_noted_once_per_identity(seed):
    for row in (58, 61):
        seed.accounts.set(row, "final", None)
    seed.accounts.set(27, "initial", None)
    seed.accounts.set(28, "initial", None)
    seed.accounts.set(29, "initial", None)
    for row in range(1, 9):
        seed.accounts.set(row, "final", None)
    findings = check_accounts(seed.accounts)
    assert all(f.severity == "info" for f in findings)
    assert sorted(f.message for f in findings) == sorted([
        "未录入第27行（年初预算数）、第1至8行（决算数），ACC-27 未检查",
        "未录入第27至29行（年初预算数），ACC-31 未检查",
        "未录入第58行（决算数），ACC-58 未检查",
        "未录入第58、61、63至65行（决算数），ACC-84N 未检查",
    ])  # 61 ≥ 62 with both blank: nothing to check


def test_worksheet_check_names_what_is_missing():
    assert cells.check("ACC-58", None, 4027785.16, 253048.51) == "未录入第58行"
    assert cells.check("ACC-58", 4280833.67, None, None) == "未录入第59、60行"
    assert cells.check("ACC-58", 4280833.67, 4280833.67, None) == "✓"  # blank part beside an entered one = 0
    assert cells.check("ACC-58", 4280833.67, 0, 0) == "差额 4,280,833.67"
    assert cells.check("ACC-61", 1069931.86, None) == "✓"  # a bound with no part entered holds
    assert cells.check("ACC-61", None, 5) == "未录入第61行"
    assert cells.check("ACC-58", None, None, "—") == ""


# ── property: any blanked subset of the seed ──────────────
_SEED = sample_evaluation().accounts
_ENTERED = sorted((row, column) for row, values in _SEED.rows.items() for column, v in zip(COLUMNS, values) if v is not None)


def _checkable(identity, accounts, column):
    """Independent statement of the rule: the total entered, and a part entered unless it is a bound."""
    parts = [row for _, row in identity.terms if column not in ROWS[row].na]
    return accounts.get(identity.lhs, column) is not None and (
        identity.relation == ">=" or any(accounts.get(row, column) is not None for row in parts)
    )


def _where(row, column):
    return f"决算表第{row}行{COLUMN_NAMES[column]}（栏次{ROWS[row].column_number(column)}）"


@settings(max_examples=300, deadline=None)
@given(st.sets(st.sampled_from(_ENTERED)))
def test_blanking_any_seed_cells_never_gives_an_error_on_unentered_figures(blanked):
    accounts = _SEED.model_copy(deep=True)
    for row, column in blanked:
        accounts.set(row, column, None)
    findings = check_accounts(accounts)
    checkable = {
        (identity.code, _where(identity.lhs, column))
        for identity in IDENTITIES
        for column in identity.columns
        if column not in ROWS[identity.lhs].na and _checkable(identity, accounts, column)
    }
    errors = {(f.code, f.where) for f in findings if f.severity == "error"}
    assert errors <= checkable
    if all(_SEED.get(row, column) == 0 for row, column in blanked):
        assert errors == set()  # blank counts as 0 beside entered parts: blanking zeros changes nothing
    skipped = [f.message.rsplit("，", 1)[1] for f in findings if f.code == "ACC-SKIPPED"]
    assert len(skipped) == len(set(skipped))
    for identity in IDENTITIES:  # the worksheet function agrees with the table check, column 决算数
        values = [accounts.get(row, "final") for row in (identity.lhs, *(r for _, r in identity.terms))]
        cell = cells.check(identity.code, *values)
        if (identity.code, _where(identity.lhs, "final")) in errors:
            assert cell.startswith("差额")
        elif cell.startswith("未录入"):
            assert f"{identity.code} 未检查" in skipped
        else:
            assert cell in ("✓", "")

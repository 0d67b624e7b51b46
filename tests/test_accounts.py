"""Changing one figure breaks exactly the identities that use it, reported to the cent."""
from decimal import Decimal

import pytest

from scoring import IDENTITIES, ROWS, Accounts
from scoring.accounts import check_accounts

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

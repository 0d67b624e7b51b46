"""部门决算 exports read by the core (scoring.exports.accounts_import): 财决01表 by 行次 and label, 万元, Z12, the published table."""
from decimal import Decimal

import pytest
from export_files import FORM_SHEET, UNIT, assets_table, form_table

from scoring import BasicInfo, ExportError, import_accounts
from scoring.model.accounts import check_accounts

Z12 = "Z12 资产负债简表"


def _codes(findings):
    return sorted((f.severity, f.code, f.where) for f in findings)


def test_the_seed_accounts_come_back_exactly_with_unit_year_and_assets(seed):
    result = import_accounts({"封面": [["2024年度部门决算报表"]], FORM_SHEET: form_table(seed.accounts), Z12: assets_table()},
                             "部门决算.xlsx")
    assert (result.sheet, result.unit_name, result.year, result.published, result.findings) == (FORM_SHEET, UNIT, 2024, False, ())
    assert result.accounts.rows == seed.accounts.rows
    assert result.accounts.get(1, "initial") == Decimal("4228106.35") and result.accounts.get(68, "initial") is None
    assert result.assets == {"current_assets": Decimal("44.83"), "fixed_assets_net": Decimal("1787.51"),
                             "total_assets": Decimal("1853.22"), "liabilities": Decimal("996.16")}
    assert _codes(result.checked()) == _codes(check_accounts(seed.accounts))
    data = result.json()
    assert (data["unit_name"], data["year"], data["unit"]) == (UNIT, 2024, "元")
    assert data["rows"]["1"] == [Decimal("4228106.35"), Decimal("5220840.38"), Decimal("5220840.38")]
    assert data["rows"]["86"] == [None, Decimal("3561.20"), Decimal("3561.20")] and "62" not in data["rows"]


def test_wan_yuan_is_converted_exactly(seed):
    result = import_accounts({FORM_SHEET: form_table(seed.accounts, wan=True)}, "x.xls")
    assert result.accounts.rows == seed.accounts.rows
    assert result.accounts.get(59, "budget") == Decimal("4027785.16")


def test_rows_are_found_by_row_number_wherever_they_stand(seed):
    table = form_table(seed.accounts)
    first = next(i for i, row in enumerate(table) if 33 in row)
    table[first], table[first + 1] = table[first + 1], table[first]  # lines 2 and 3 (行次 33/34, 2/3, 59/60) swapped
    table = [["", "", ""]] * 3 + [["说明", *row] for row in table]  # three more rows above, one more column left
    result = import_accounts({FORM_SHEET: table}, "x.xlsx")
    assert result.accounts.rows == seed.accounts.rows and result.findings == ()


def test_a_label_that_disagrees_with_its_row_number_is_an_error_naming_both(seed):
    table = form_table(seed.accounts)
    row = next(r for r in table if 61 in r)
    row[row.index(61) - 1] = "二、项目支出（含基本建设）"
    result = import_accounts({FORM_SHEET: table}, "x.xlsx")
    [finding] = result.findings
    assert (finding.severity, finding.code, finding.where) == ("error", "IMP-LABEL", f"{FORM_SHEET}!L10")
    assert "行次61的项目为「二、项目支出（含基本建设）」，财决01表第61行应为「二、项目支出」" in finding.message
    assert 61 not in result.accounts.rows and result.accounts.rows[60] == seed.accounts.rows[60]


def test_bad_amounts_unknown_rows_and_amounts_in_dash_columns_are_reported_with_their_cell(seed):
    table = form_table(seed.accounts)
    income = next(r for r in table if 8 in r[1:3])
    income[3] = "十三万"  # 行次8 年初预算数
    spare = next(r for r in table if 66 in r)
    spare[spare.index(66) + 3] = 100.0  # 行次66 决算数: no such row on the form
    economic = next(r for r in table if 69 in r)
    economic[economic.index(69) + 1] = 5.0  # 行次69 年初预算数 is —
    result = import_accounts({FORM_SHEET: table}, "x.xlsx")
    assert _codes(result.findings) == [("error", "IMP-AMOUNT", f"{FORM_SHEET}!D14"),
                                       ("warning", "IMP-NA", f"{FORM_SHEET}!N18"),
                                       ("warning", "IMP-ROW", f"{FORM_SHEET}!L15")]
    amount = next(f for f in result.findings if f.code == "IMP-AMOUNT")
    assert "「十三万」不是有效的第8行年初预算数，应填写数字，如 4,228,106.35" in amount.message
    assert result.accounts.rows[8] == [None, Decimal("103561.2"), Decimal("103561.2")]
    assert result.accounts.rows[69] == seed.accounts.rows[69]


def test_published_table_gives_what_it_has_and_lists_what_it_lacks():
    table = [["收入支出决算总表"], ["公开01表"], ["部门：寻甸回族彝族自治县融媒体中心", "", "", "金额单位：万元"],
             ["收入", "", "支出", ""], ["项目", "决算数", "项目", "决算数"],
             ["一、一般公共预算财政拨款收入", 522.08, "一、一般公共服务支出", ""],
             ["八、其他收入", 10.36, "七、文化旅游体育与传媒支出", 441.45],
             ["本年收入合计", 532.44, "本年支出合计", 535.08],
             ["年初结转和结余", 2.99, "年末结转和结余", 0.36],
             ["总计", 535.43, "总计", 535.43]]
    result = import_accounts({"Sheet1": table}, "2024年部门决算公开.xlsx")
    assert result.published
    assert {n: v[2] for n, v in result.accounts.rows.items()} == {
        1: Decimal("5220800"), 8: Decimal("103600"), 27: Decimal("5324400"), 29: Decimal("29900"), 31: Decimal("5354300"),
        38: Decimal("4414500"), 84: Decimal("5350800"), 86: Decimal("3600"), 88: Decimal("5354300")}
    [lacks] = result.findings
    assert lacks.code == "IMP-LACKS" and "第2至7、28、32至37、39至65、68至78、85行" in lacks.message
    assert "年初预算数、全年预算数栏" in lacks.message
    del table[2]
    with pytest.raises(ExportError, match="没有注明金额单位"):
        import_accounts({"Sheet1": table}, "x.xlsx")


def test_unit_and_year_are_compared_with_basic_info(seed):
    result = import_accounts({FORM_SHEET: form_table(seed.accounts), Z12: assets_table()}, "x.xlsx")
    info, notes = result.into(BasicInfo())
    assert (info.unit_name, info.year, info.total_assets, info.liabilities) == (UNIT, 2024, Decimal("1853.22"), Decimal("996.16"))
    assert [n.code for n in notes] == ["IMP-ASSETS"] and "资产总额1,853.22万元" in notes[0].message
    _, notes = result.into(BasicInfo(unit_name=UNIT, year=2023))
    assert [(n.severity, n.code) for n in notes] == [("warning", "IMP-YEAR"), ("info", "IMP-ASSETS")]
    with pytest.raises(ExportError, match="编制单位为「寻甸回族彝族自治县融媒体中心」，与工作簿基本信息的单位名称「寻甸县民政局」不同"):
        result.into(BasicInfo(unit_name="寻甸县民政局"))


def test_a_file_without_the_table_is_refused():
    with pytest.raises(ExportError, match="没有找到收入支出决算总表"):
        import_accounts({"Sheet1": [["项目", "说明"], ["a", "b"]]}, "x.xlsx")


def test_z12_in_wan_yuan_and_a_row_number_given_twice(seed):
    z12 = [["资产负债简表", "", "", "单位：万元"], ["项目", "行次", "年初数", "年末数"],
           ["固定资产原值", 5, 2100.5, 2205.75], ["  资产总计", 9, 1800, 1853.22]]
    table = form_table(seed.accounts)
    table.append(next(r for r in table if 1 in r[1:3])[:6])  # the income side of line 1 once more, at the end
    result = import_accounts({FORM_SHEET: table, Z12: z12}, "x.xlsx")
    assert result.assets == {"fixed_assets_total": Decimal("2205.75"), "total_assets": Decimal("1853.22")}
    [dup] = result.findings
    assert (dup.code, dup.where) == ("IMP-DUP", f"{FORM_SHEET}!B38")
    assert f"已出现在{FORM_SHEET}!B7" in dup.message and result.accounts.rows[1] == seed.accounts.rows[1]

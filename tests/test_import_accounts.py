"""部门决算 exports read by the core (scoring.exports.accounts_import): 财决01表 by 行次 and label, the amount unit in
every form the exports write it (or a refusal), Z12, the published table, and whose accounts they are."""
from decimal import Decimal

import pytest
from export_files import FORM_SHEET, UNIT, assets_table, form_table, write_xlsx

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
    assert result.unit == "万元" and lacks.code == "IMP-LACKS" and "第2至7、28、32至37、39至65、68至78、85行" in lacks.message
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
    with pytest.raises(ExportError, match="编制单位为「寻甸回族彝族自治县融媒体中心」，与工作簿基本信息的单位「寻甸县民政局」名称不同"):
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
    assert (dup.severity, dup.code, dup.where) == ("warning", "IMP-DUP", f"{FORM_SHEET}!B38")
    assert f"第1行在{FORM_SHEET}!B7、{FORM_SHEET}!B38重复出现，金额相同" in dup.message
    assert result.accounts.rows[1] == seed.accounts.rows[1]



# ── the amount unit, wherever the export writes it ─────────────
UNIT_CELL = (2, 15)  # form_table's 「单位：元」 (row 3, column P)
HEADER = 4  # form_table's 项目/行次/年初预算数… row


def _in_unit(seed, divisor: int, unit_cell: str = "", **cells):
    """The seed's 财决01表 with its amounts divided by ``divisor``, 「单位：元」 replaced by ``unit_cell`` and
    other cells set: ``cells`` maps 'r,c' to a value (rows may be appended: r == len(table))."""
    table = form_table(seed.accounts)
    table = [[float(Decimal(repr(v)) / divisor) if isinstance(v, float) else v for v in row] for row in table]
    table[UNIT_CELL[0]][UNIT_CELL[1]] = unit_cell
    for key, value in cells.items():
        r, c = (int(x) for x in key.split("_")[1:])
        while r >= len(table):
            table.append([""])
        row = table[r]
        row.extend([""] * (c + 1 - len(row)))
        row[c] = value
    return table


def _footnote(text):
    return {"at_40_1": text}


@pytest.mark.parametrize("divisor, unit_cell, cells", [
    (1, "单位：元", {}),
    (1, "金额单位：元", {}),
    (1, "单位:元", {}),
    (1, "单位：人民币元", {}),
    (10000, "单位：万元", {}),
    (10000, "金额单位：万元", {}),
    (10000, "单位为万元", {}),
    (10000, "（万元）", {}),
    (10000, "", {"at_0_1": "2024年度收入支出决算总表（单位：万元）"}),
    (10000, "", {"at_0_1": "2024年度收入支出决算总表(万元)"}),
    (10000, "", {"at_4_3": "年初预算数（万元）", "at_4_4": "全年预算数（万元）", "at_4_5": "决算数（万元）"}),
    (10000, "", _footnote("注：本表金额单位为万元。")),
    (10000, "", _footnote("说明：本表以万元为单位列示")),
    (1000, "单位：千元", {}),
    (1000, "", _footnote("注：单位：千元")),
], ids=["元", "金额单位元", "半角冒号", "人民币元", "万元", "金额单位万元", "单位为万元", "（万元）", "标题中单位", "标题中括号",
        "列标题", "表注", "以万元为单位", "千元", "表注千元"])
def test_every_way_of_writing_the_unit_gives_the_seed_in_yuan(seed, divisor, unit_cell, cells):
    result = import_accounts({FORM_SHEET: _in_unit(seed, divisor, unit_cell, **cells)}, "x.xlsx")
    assert result.accounts.rows == seed.accounts.rows
    assert result.accounts.get(84, "final") == Decimal("5350765.53")
    assert result.unit == {1: "元", 1000: "千元", 10000: "万元"}[divisor]
    assert result.findings == ()
    assert result.unit_name == UNIT


def test_a_unit_name_beginning_with_yuan_is_no_amount_unit(seed):
    table = _in_unit(seed, 10000, "单位：万元", at_2_1="编制单位：元谋县文化馆")
    result = import_accounts({FORM_SHEET: table}, "x.xlsx")
    assert (result.unit, result.unit_name, result.accounts.get(1, "initial")) == ("万元", "元谋县文化馆", Decimal("4228106.35"))


def test_without_a_unit_the_import_is_refused_with_the_question_never_read_as_yuan(seed):
    with pytest.raises(ExportError, match="没有注明金额单位.*金额是元、千元还是万元？无法确定时不导入"):
        import_accounts({FORM_SHEET: _in_unit(seed, 10000, "")}, "x.xlsx")


def test_two_different_units_are_refused_naming_the_cells(seed):
    table = _in_unit(seed, 10000, "单位：元", at_4_5="决算数（万元）")
    with pytest.raises(ExportError) as refused:
        import_accounts({FORM_SHEET: table}, "x.xlsx")
    assert f"{FORM_SHEET}!P3写「元」；{FORM_SHEET}!F5写「万元」）：金额是元还是万元？" in str(refused.value)


def test_z12_without_a_unit_keeps_its_assets_out_with_a_warning_and_in_qian_yuan_converts(seed):
    z12 = assets_table()
    z12[1][7] = ""
    result = import_accounts({FORM_SHEET: form_table(seed.accounts), "Z12 资产负债简表": z12}, "x.xlsx")
    assert result.assets == {} and result.accounts.rows == seed.accounts.rows
    [warning] = result.findings
    assert (warning.severity, warning.code) == ("warning", "IMP-ASSETS-UNIT") and "资产未导入，其余照常导入" in warning.message
    z12 = [[float(Decimal(repr(v)) / 1000) if isinstance(v, float) else v for v in row] for row in assets_table()]
    z12[1][7] = "单位：千元"
    result = import_accounts({FORM_SHEET: form_table(seed.accounts), "Z12 资产负债简表": z12}, "x.xlsx")
    assert result.assets["total_assets"] == Decimal("1853.22") and result.assets["liabilities"] == Decimal("996.16")


# ── silent losses, false refusals ──────────────────────────────
def test_a_blank_compiler_is_no_unit_name_and_the_unit_cell_is_not_taken_for_one(seed):
    for cells in ({"at_2_1": "编制单位："}, {"at_2_1": "编制单位：", "at_2_2": "单位：元"}, {"at_2_1": "编制单位：    单位：元"}):
        table = _in_unit(seed, 1, "" if len(cells) > 1 or "单位：元" in cells["at_2_1"] else "单位：元", **cells)
        result = import_accounts({FORM_SHEET: table}, "x.xlsx")
        assert (result.unit_name, result.unit) == ("", "元"), cells
        info, notes = result.into(BasicInfo(unit_name=UNIT, year=2024))
        assert info.unit_name == UNIT and [(n.severity, n.code) for n in notes] == [("info", "IMP-UNIT-NAME")]


def test_a_row_number_given_twice_with_different_amounts_keeps_neither_and_names_both(seed):
    table = form_table(seed.accounts)
    genuine = next(i for i, r in enumerate(table) if 1 in r[1:3])
    wrong = list(table[genuine][:6])
    wrong[5] = 1.0  # 决算数 1 元
    table.insert(genuine, wrong)  # the wrong copy first: it would win if the first one were kept
    result = import_accounts({FORM_SHEET: table}, "x.xlsx")
    [dup] = result.findings
    assert (dup.severity, dup.code, dup.where) == ("error", "IMP-DUP", f"{FORM_SHEET}!B7")
    assert (f"第1行（一、一般公共预算财政拨款收入）出现2次且金额不同（{FORM_SHEET}!B7为4,228,106.35/5,220,840.38/1.00元；"
            f"{FORM_SHEET}!B8为4,228,106.35/5,220,840.38/5,220,840.38元）") in dup.message
    assert 1 not in result.accounts.rows and result.accounts.rows[2] == seed.accounts.rows[2]


def test_an_income_block_without_its_initial_budget_column_is_flagged(seed):
    table = [row[:3] + row[4:] for row in form_table(seed.accounts)]  # column D (收入 年初预算数) gone
    result = import_accounts({FORM_SHEET: table}, "x.xlsx")
    [missing] = result.findings
    assert (missing.severity, missing.code, missing.where) == ("warning", "IMP-COLUMN", f"{FORM_SHEET}!B5")
    assert "收入部分没有「年初预算数」列：该列未导入" in missing.message
    assert result.accounts.rows[1] == [None, Decimal("5220840.38"), Decimal("5220840.38")]
    assert result.accounts.rows[59] == seed.accounts.rows[59]


# ── whose accounts: short names, credit codes, --force ─────────
SHORT = "寻甸县融媒体中心"


@pytest.mark.parametrize("export_name, workbook_name", [(SHORT, UNIT), (UNIT, SHORT), ("寻甸自治县融媒体中心", UNIT)])
def test_the_short_name_of_the_county_is_the_same_unit_with_a_note(seed, export_name, workbook_name):
    result = import_accounts({FORM_SHEET: form_table(seed.accounts, unit=export_name)}, "x.xlsx")
    info, notes = result.into(BasicInfo(unit_name=workbook_name, year=2024))
    assert info.unit_name == workbook_name
    [note] = notes
    assert (note.severity, note.code) == ("info", "IMP-UNIT-NAME")
    assert f"编制单位「{export_name}」与工作簿基本信息的单位「{workbook_name}」写法不同，一方是另一方的简称" in note.message


@pytest.mark.parametrize("other", ["寻甸县民政局", "禄劝彝族苗族自治县融媒体中心", "寻甸县融媒体中心办公室"])
def test_another_unit_is_refused_and_force_imports_it_with_a_warning(seed, other):
    result = import_accounts({FORM_SHEET: form_table(seed.accounts, unit=other)}, "x.xlsx")
    with pytest.raises(ExportError, match=f"编制单位为「{other}」，与工作簿基本信息的单位「{UNIT}」名称不同.*或在命令行加 --force 导入"):
        result.into(BasicInfo(unit_name=UNIT))
    info, notes = result.into(BasicInfo(unit_name=UNIT), force=True)
    assert info.unit_name == UNIT and [(n.severity, n.code) for n in notes] == [("warning", "IMP-UNIT-FORCED")]
    assert "按 --force 导入：请确认是同一单位" in notes[0].message


CODE = "12530129MB1A4K7X1P"


def test_credit_codes_decide_when_both_sides_have_one(seed):
    table = form_table(seed.accounts, unit="寻甸县广播电视台")
    table[1] = ["", f"统一社会信用代码：{CODE}"]
    result = import_accounts({FORM_SHEET: table}, "x.xlsx")
    assert result.credit_code == CODE
    _, notes = result.into(BasicInfo(unit_name=UNIT, credit_code=CODE))  # renamed unit, same code
    assert [n.code for n in notes] == ["IMP-UNIT-NAME"] and "统一社会信用代码相同" in notes[0].message
    table = form_table(seed.accounts)
    table[1] = ["", f"统一社会信用代码：{CODE[:-1]}Q"]
    with pytest.raises(ExportError, match="统一社会信用代码不同"):
        import_accounts({FORM_SHEET: table}, "x.xlsx").into(BasicInfo(unit_name=UNIT, credit_code=CODE))
    info, _ = result.into(BasicInfo(unit_name="寻甸县广播电视台"))
    assert info.credit_code == CODE  # a blank code is filled from the export


def test_import_accounts_command_short_name_other_unit_and_force(tmp_path, seed, capsys):
    from xladdin.cli import commands as cli
    from xladdin.workbook import build_templates

    sample = build_templates.TEMPLATES_DIR / build_templates.sample_name()
    short = write_xlsx(tmp_path / "短名.xlsx", {FORM_SHEET: form_table(seed.accounts, unit=SHORT)})
    assert cli.main(["import", "accounts", str(short), "--into", str(sample), "-o", str(tmp_path / "a.xlsx")]) == 0
    out = capsys.readouterr().out
    assert f"IMP-UNIT-NAME 短名.xlsx：导出文件的编制单位「{SHORT}」与工作簿基本信息的单位「{UNIT}」写法不同" in out
    assert "总得分：93.56分    等级：优" in out
    other = write_xlsx(tmp_path / "他单位.xlsx", {FORM_SHEET: form_table(seed.accounts, unit="寻甸县民政局")})
    assert cli.main(["import", "accounts", str(other), "--into", str(sample), "-o", str(tmp_path / "b.xlsx")]) == 2
    assert "或在命令行加 --force 导入" in capsys.readouterr().err and not (tmp_path / "b.xlsx").exists()
    assert cli.main(["import", "accounts", str(other), "--into", str(sample), "-o", str(tmp_path / "b.xlsx"), "--force"]) == 0
    assert "[警告] IMP-UNIT-FORCED 他单位.xlsx：" in capsys.readouterr().out and (tmp_path / "b.xlsx").exists()

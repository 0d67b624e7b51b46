"""Text of the 说明 sheet: what the workbook is, how to fill it, colours, input conventions."""
from __future__ import annotations

from scoring import ALIASES, PLACEHOLDERS, Ruleset

from .. import UDF_MODULE
from .file import LAYOUT_VERSION

Section = tuple[str, list[str]]
PLACEHOLDER_HEADING = "八、报告占位符（供填写报告时查阅，不打印）"  # the last section; the printed 说明 ends before it

COLOURS = (  # (style key, meaning) — the builder paints column A of each line with the style
    ("input", "浅黄色：输入格，由评价人员填写；其他单元格已锁定（工作表保护无密码，可在「审阅→撤消工作表保护」解除）。"),
    ("computed", "浅蓝色：公式计算格，随输入实时更新，请勿改写。"),
    ("na", "灰色「—」：该栏不适用（与财决01表一致）。"),
    ("fail", "红色：勾稽不符、输入有误或无法计分，需要核对。"),
    ("amber", "琥珀色：采用了人工得分（须填写理由），与规则计算值可能不同。"),
)


def guide_sections(rs: Ruleset) -> list[Section]:
    if rs.form == "self":
        return self_sections(rs)
    sections: list[Section] = [
        ("一、用途", [
            f"本工作簿用于部门整体支出绩效评价，按规则集「{rs.name}」（编号 {rs.id}）计分。",
            "三级指标得分、计分说明、决算表勾稽检查、问卷汇总、总分与等级都是实时公式：改动任何输入，结果立即更新。",
            f"工作簿版式第{LAYOUT_VERSION}版。请勿增删行列或改动公式；规则集编号不可更改（换规则集请用 pe-eval new 另建工作簿）。",
        ]),
        ("二、填写步骤", [
            "1. 基本信息：单位名称、评价年度、编制与在职人数、三公经费、固定资产、重点项目、预算执行进度等（金额单位万元）。",
            "2. 决算：照部门决算软件导出的财决01表逐格录入（单位元），合计、总计也按报表数录入，不用公式计算——右侧勾稽检查据此核对报表本身。",
            "3. 问卷：发放、收回、有效份数，每题的问题、选项、标准分值和选择人数；每题人数合计应等于有效问卷数。",
            "4. 指标体系：逐个三级指标填写黄色输入格；取自决算、基本信息或问卷的输入已用公式引用，改源数据即可。",
            "5. 如需人工评定得分，在「人工得分」填写得分并在「人工评定理由」写明理由；得分格变为琥珀色。",
            "6. 汇总：查看一级、二级小计、总分、等级和检查结果，逐项处理红色项目。",
            "7. 报告：按栏目填写报告正文，供生成评价报告使用。",
        ]),
        ("三、颜色", [text for _, text in COLOURS]),
        ("四、输入约定", [
            "空白、—、-、/、无数据 均视为空。全角数字和标点自动转换；千分位须规范，如 4,228,106.35。",
            "比率：带 % 的是百分数（95%）；不带 % 的按小数理解（0.95 即 95%），大于 10 的数不猜测，会提示改写。",
            "逐项计分：填写符合的细则，如 ①②④ 或 1,2,4；部分符合写作 ③=0.7 或 ③(0.7)；全部符合填「全部」，均不符合填「无」。",
            "分档评定：从下拉列表选择档次（①、②…）。一票否决：否决情形填「是」或「否」。",
            "酌情评分填写 0 至分值之间的得分；逐项扣分填写项数（如 0、2）。",
            "金额、比率、得分一律四舍五入保留两位小数（2.675 → 2.68），与手工计算一致。",
        ]),
        ("五、在 Excel 中实时计算", [
            "公式中的 PE_ 函数由 Python 计算（xlwings 加载项）。首次使用：按 README 安装 pe-eval 及其 Excel 组件（xlwings），运行 xlwings addin install；",
            f"在 xlwings 选项卡的 UDF Modules 填写 {UDF_MODULE}，点击 Import Functions，然后另存为 .xlsm 并按 Ctrl+Alt+F9 全部重算。",
            "未导入函数时得分格显示 #NAME?，这不影响数据；WPS、LibreOffice 不支持 xlwings，请用下面的命令行。",
        ]),
        ("六、不用 Excel 计算（命令行）", [
            "pe-eval score 本工作簿.xlsx：直接读取输入格计分，输出各指标得分、小计、总分和等级（无需 Excel 先计算）。",
            "pe-eval check 本工作簿.xlsx：检查勾稽关系、问卷、输入错误与人工得分；如工作簿由 Excel 保存过，还核对单元格里的计算结果与核心计算是否一致。",
        ]),
        ("七、工作表函数（类别：绩效评价）", [
            "PE_SCORE(规则集,代码,输入1,输入2,人工得分,理由)：三级指标得分；无法计分时显示原因。",
            "PE_EXPLAIN(同上)：计分说明，列出计算所用的每个数字。",
            "PE_GRADE(总分,规则集)：等级（默认按总分的比例：优≥90%、良≥80%、中≥60%）；有指标未能计分时汇总表显示「未完成」。",
            "PE_SURVEY_TOTAL(分值区域,人数区域)：问卷总分；PE_SURVEY_AVG(分值区域,人数区域,有效问卷数)：问卷综合得分。",
            "PE_SURVEY_POINT(分值方案,选项区域,行号)：问卷表「计分分值」列，选项的标准分值，未填写时取分值方案中的分值。",
            "PE_CHECK(勾稽代码,左边,右边各项…)：决算勾稽检查，相符显示 ✓，不符显示差额（左边−右边），缺数时显示「未录入第N行」（未检查）。",
        ]),
    ]
    if PLACEHOLDERS:
        lines = ["报告工作表的文字中可写入以下占位符，生成报告时替换为工作簿中的数据："]
        lines += [f"{{{name}}}{_aliases_text(name)}：{text}" for name, text in PLACEHOLDERS.items()]
        sections.append((PLACEHOLDER_HEADING, lines))
    return sections


def _aliases_text(name: str) -> str:
    """“（也可写{总分}）” for a placeholder with aliases, else empty."""
    aliases = "、".join(f"{{{alias}}}" for alias, target in ALIASES.items() if target == name)
    return f"（也可写{aliases}）" if aliases else ""


def self_sections(rs: Ruleset) -> list[Section]:
    """说明 of a self-evaluation form (自评表): the department's own rows, scored as 预算绩效管理 systems do."""
    groups = "、".join(g.name for g in rs.open_groups)
    return [
        ("一、用途", [
            f"本工作簿用于部门整体支出绩效自评，按「{rs.name}」（编号 {rs.id}）计分；也可用于财政部门、评价机构审核报送的自评表。",
            "三级指标是部门自己的（来自绩效目标申报表），在「自评表」中逐行填写，不需要编写规则集文件。",
            f"工作簿版式第{LAYOUT_VERSION}版。预留的指标行不够时：审阅→撤消工作表保护（无密码），在合计行以上插入行，"
            "复制上一行到新行（公式随之复制），再保护工作表；pe-eval check 会指出缺少公式的行。",
        ]),
        ("二、填写步骤", [
            "1. 表头：部门（单位）名称、年度、主管部门；金额单位默认万元。",
            "2. 资金情况：年度资金总额、其中财政拨款、其他资金的年初预算数、全年预算数、全年执行数（总额应等于两者之和）。",
            "3. 年度总体目标：预期目标和实际完成情况。",
            f"4. 指标行：二级指标从下拉列表选择（{groups}），一级指标自动显示；填写三级指标、年度指标值、实际完成值、分值。",
            ("5. 计分方式一般留空，按得分系数计分：填写得分系数，或留空按实际完成值÷指标值（调整指标值优先）计算；也可从下拉列表指定其他方式。"
             if rs.rows.default_method == "系数" else
             "5. 计分方式一般留空，按年度指标值判断：≥或不带符号的数值为正向，≤为反向，=为等于，日期或天数为时限，文字为定性；也可从下拉列表指定。"),
            "6. 定性指标：实际完成值填写「达成年度指标」「部分达成并具有一定效果」或「未达成且效果较差」，并在评定得分填写该档范围内的得分（80%–100%、60%–80%、0–60%的分值）。",
            "7. 自评得分：填写报送的得分（审核时填写），与规则得分不一致的逐项列出；自评总分同理。",
            "8. 未满分的指标填写偏差原因分析及改进措施；表下填写存在的问题及改进措施，表末填写自评报告“一、基本情况”的"
            "主要职能、机构设置和人员情况、年度预算安排情况（空白时报告按资金情况生成）。",
        ]),
        ("三、颜色", [text for _, text in COLOURS if not text.startswith("灰色")]),
        ("四、计分方式", [
            "正向：实际值≥指标值得满分，否则 分值×实际值÷指标值。",
            "反向：实际值≤指标值得满分；超过但不到2倍时 分值×(1−(实际值−指标值)÷指标值)；达到2倍及以上得0分。",
            "等于：指标值为0时实际值≤0得满分，否则0分；指标值大于0时按正向计分。",
            "时限：按时完成（不晚于指标日期或天数）得满分，否则按规则集扣分（默认不得分）。",
            "系数：得分=分值×得分系数；得分系数空白时按实际值÷指标值计算（不超过100%）。",
            "单位须一致：万元与元、亿元自动换算；个与人等不同单位会提示。得分四舍五入保留两位小数。",
        ]),
        ("五、在 Excel 中实时计算", [
            "得分、计分说明、总分和等级由 PE_ 函数计算（xlwings 加载项）。首次使用：按 README 安装后，在 xlwings 选项卡的 UDF Modules 填写 "
            f"{UDF_MODULE}，点击 Import Functions，另存为 .xlsm 并按 Ctrl+Alt+F9 全部重算。",
            "未导入函数时得分格显示 #NAME?；WPS、LibreOffice 用户请用命令行：pe-eval score 本工作簿.xlsx、pe-eval check 本工作簿.xlsx、pe-eval report 本工作簿.xlsx。",
        ]),
        ("六、工作表函数（类别：绩效评价）", [
            "PE_ROW_SCORE(规则集,二级指标,三级指标,年度指标值,实际完成值,分值,计分方式,评定得分或得分系数,调整指标值)：一行指标的得分；无法计分时显示原因。",
            "PE_ROW_EXPLAIN(同上)：计分说明。PE_SCORE/PE_EXPLAIN：规则集固定指标（如预算执行率）的得分和说明。PE_GRADE(总分,规则集)：等级。",
        ]),
    ]

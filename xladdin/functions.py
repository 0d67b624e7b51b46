"""The one list of worksheet functions (``PE_…``): names, arguments and Chinese help.

Every adapter derives from it: the xlwings UDFs (``xladdin.excel.udfs``) and so the generated VBA
wrappers and Excel's function wizard, and the LibreOffice Basic module and UNO component
(``xladdin.calc``). Each function calls ``scoring.cells.<core>`` with its arguments in order.
Imports nothing: it is on every cell path.
"""
from __future__ import annotations

from dataclasses import dataclass

CATEGORY = "绩效评价"


@dataclass(frozen=True)
class Argument:
    """One parameter: an ASCII name (xlwings copies it into VBA) and its Chinese help ``名称：说明``."""

    name: str
    doc: str
    range: bool = False  # a 2-D range (list of rows) rather than one cell


@dataclass(frozen=True)
class WorksheetFunction:
    """A ``PE_`` function; ``varargs``: the last argument repeats (PE_CHECK's terms)."""

    name: str
    doc: str
    arguments: tuple[Argument, ...]
    core: str  # the function of scoring.cells that computes it
    varargs: bool = False


RULESET = Argument("ruleset", "规则集：规则集编号，通常引用定义名称「规则集」")
INDICATOR_ARGS = (
    RULESET,
    Argument("code", "代码：三级指标代码，如 B12"),
    Argument("input1", "输入1：该指标的第一个输入单元格（如符合的细则、决算数）"),
    Argument("input2", "输入2：第二个输入单元格，规则只有一个输入时引用空白格"),
    Argument("override", "人工得分：不采用规则得分时填写的得分，空白表示按规则计分"),
    Argument("reason", "理由：人工评定的理由，填写人工得分时必填"),
)
POINTS = Argument("points", "分值区域：各选项的标准分值（一列）", range=True)
COUNTS = Argument("counts", "人数区域：各选项的选择人数，与分值区域等大", range=True)
ROW_ARGS = (
    RULESET,
    Argument("level2", "二级指标：该行的二级指标名称"),
    Argument("name", "三级指标：该行的三级指标名称"),
    Argument("target", "年度指标值：如 ≥50个、≤90万元、100%、9月底前、达成预期指标"),
    Argument("actual", "实际完成值：如 52个、96%、9月20日"),
    Argument("weight", "分值：该指标的分值"),
    Argument("method", "计分方式：正向、反向、等于、定性、时限、系数；空白按年度指标值判断"),
    Argument("entered", "评定得分或得分系数：定性指标填评定得分，系数计分填得分系数"),
    Argument("adjusted", "调整指标值：填写时按它计分，没有则引用空白格"),
)

FUNCTIONS = (
    WorksheetFunction("PE_SCORE", "按规则集计算一个三级指标的得分（有人工得分时取人工得分）；无法计分时显示原因。",
                      INDICATOR_ARGS, "score"),
    WorksheetFunction("PE_EXPLAIN", "说明一个三级指标的得分是怎样算出的（参数与 PE_SCORE 相同），可逐项手工复核。",
                      INDICATOR_ARGS, "explain"),
    WorksheetFunction("PE_GRADE", "按规则集的等级区间（默认按总分的比例：优≥90%、良80%-90%、中60%-80%、差<60%）给出总分对应的等级。",
                      (Argument("total", "总分：评价总得分"), RULESET), "grade"),
    WorksheetFunction("PE_SURVEY_TOTAL", "问卷总分：各选项标准分值×人数之和，空行跳过。", (POINTS, COUNTS), "survey_total"),
    WorksheetFunction("PE_SURVEY_AVG", "问卷综合得分：问卷总分÷有效问卷数，四舍五入保留两位小数。",
                      (POINTS, COUNTS, Argument("valid", "有效问卷数：有效问卷份数")), "survey_avg"),
    WorksheetFunction(
        "PE_SURVEY_POINT",
        "计分分值：选项填写的标准分值；未填写时按分值方案中与本题选项个数相同的方案取该选项的分值（与 pe-eval 计分相同），"
        "没有相应方案时为空白。",
        (Argument("scale", "分值方案：问卷的分值方案单元格，如 10/5/0 或 100/80/60/0；100/60/0"),
         Argument("options", "选项区域：本题各选项的选项、选项内容、标准分值、人数四列，全空的行不算选项", range=True),
         Argument("position", "行号：本选项是选项区域中的第几行，如 1")),
        "survey_point"),
    WorksheetFunction(
        "PE_CHECK",
        "检查决算表的一条勾稽关系：相符显示✓，不符显示「差额」（左边−右边），缺数时显示「未录入第N行」，相关单元格全空时显示空白。",
        (Argument("code", "勾稽代码：如 ACC-27（本年收入合计=第1至8行之和）"),
         Argument("lhs", "左边：等式左边的单元格，如第27行决算数"),
         Argument("terms", "右边各项：按勾稽关系的顺序引用各行的单元格或区域，符号由勾稽关系决定", range=True)),
        "check", varargs=True),
    WorksheetFunction("PE_ROW_SCORE", "自评表一行三级指标的得分（正向、反向、等于、定性、时限、得分系数）；无法计分时显示原因。",
                      ROW_ARGS, "row_score"),
    WorksheetFunction("PE_ROW_EXPLAIN", "说明自评表一行三级指标的得分是怎样算出的（参数与 PE_ROW_SCORE 相同）。",
                      ROW_ARGS, "row_explain"),
)
BY_NAME = {function.name: function for function in FUNCTIONS}

"""Excel worksheet functions (classic xlwings UDFs), category 绩效评价.

Each function is decorators plus one call into ``scoring.cells``; bad input gives a
Chinese message in the cell, never an exception. Parameter names stay ASCII because
xlwings copies them into the workbook's VBA; the Chinese names are in the argument docs.
Keep this import path light: no openpyxl, docx, matplotlib, numpy or pandas.
"""
from __future__ import annotations

import xlwings as xw

from scoring import cells

CATEGORY = "绩效评价"
# Cell errors (#DIV/0!, #N/A…) arrive as their text, so the message can name them.
READ = {"err_to_str": True}
RANGE = {"ndim": 2, "err_to_str": True}
RULESET_DOC = "规则集：规则集编号，通常引用定义名称「规则集」"
CODE_DOC = "代码：三级指标代码，如 B12"
INPUT1_DOC = "输入1：该指标的第一个输入单元格（如符合的细则、决算数）"
INPUT2_DOC = "输入2：第二个输入单元格，规则只有一个输入时引用空白格"
OVERRIDE_DOC = "人工得分：不采用规则得分时填写的得分，空白表示按规则计分"
REASON_DOC = "理由：人工评定的理由，填写人工得分时必填"


INDICATOR_ARGS = (
    ("ruleset", RULESET_DOC), ("code", CODE_DOC), ("input1", INPUT1_DOC),
    ("input2", INPUT2_DOC), ("override", OVERRIDE_DOC), ("reason", REASON_DOC),
)


def indicator_function(func):
    """``@xw.func`` with the six shared indicator arguments (PE_SCORE and PE_EXPLAIN)."""
    for name, doc in INDICATOR_ARGS:
        func = xw.arg(name, doc=doc, **READ)(func)
    return xw.func(category=CATEGORY)(func)


@indicator_function
def PE_SCORE(ruleset, code, input1, input2, override, reason):
    """按规则集计算一个三级指标的得分（有人工得分时取人工得分）；无法计分时显示原因。"""
    return cells.score(ruleset, code, input1, input2, override, reason)


@indicator_function
def PE_EXPLAIN(ruleset, code, input1, input2, override, reason):
    """说明一个三级指标的得分是怎样算出的（参数与 PE_SCORE 相同），可逐项手工复核。"""
    return cells.explain(ruleset, code, input1, input2, override, reason)


@xw.func(category=CATEGORY)
@xw.arg("total", doc="总分：评价总得分", **READ)
@xw.arg("ruleset", doc=RULESET_DOC, **READ)
def PE_GRADE(total, ruleset):
    """按规则集的等级区间（默认按总分的比例：优≥90%、良80%-90%、中60%-80%、差<60%）给出总分对应的等级。"""
    return cells.grade(total, ruleset)


@xw.func(category=CATEGORY)
@xw.arg("points", doc="分值区域：各选项的标准分值（一列）", **RANGE)
@xw.arg("counts", doc="人数区域：各选项的选择人数，与分值区域等大", **RANGE)
def PE_SURVEY_TOTAL(points, counts):
    """问卷总分：各选项标准分值×人数之和，空行跳过。"""
    return cells.survey_total(points, counts)


@xw.func(category=CATEGORY)
@xw.arg("points", doc="分值区域：各选项的标准分值（一列）", **RANGE)
@xw.arg("counts", doc="人数区域：各选项的选择人数，与分值区域等大", **RANGE)
@xw.arg("valid", doc="有效问卷数：有效问卷份数", **READ)
def PE_SURVEY_AVG(points, counts, valid):
    """问卷综合得分：问卷总分÷有效问卷数，四舍五入保留两位小数。"""
    return cells.survey_avg(points, counts, valid)


@xw.func(category=CATEGORY)
@xw.arg("code", doc="勾稽代码：如 ACC-27（本年收入合计=第1至8行之和）", **READ)
@xw.arg("lhs", doc="左边：等式左边的单元格，如第27行决算数", **READ)
@xw.arg("terms", doc="右边各项：按勾稽关系的顺序引用各行的单元格或区域，符号由勾稽关系决定", **RANGE)
def PE_CHECK(code, lhs, *terms):
    """检查决算表的一条勾稽关系：相符显示✓，不符显示「差额」（左边−右边），缺数时显示「未录入第N行」，相关单元格全空时显示空白。"""
    return cells.check(code, lhs, *terms)


ROW_ARGS = (
    ("ruleset", RULESET_DOC), ("level2", "二级指标：该行的二级指标名称"), ("name", "三级指标：该行的三级指标名称"),
    ("target", "年度指标值：如 ≥50个、≤90万元、100%、9月底前、达成预期指标"), ("actual", "实际完成值：如 52个、96%、9月20日"),
    ("weight", "分值：该指标的分值"), ("method", "计分方式：正向、反向、等于、定性、时限、系数；空白按年度指标值判断"),
    ("entered", "评定得分或得分系数：定性指标填评定得分，系数计分填得分系数"), ("adjusted", "调整指标值：填写时按它计分，没有则引用空白格"),
)


def row_function(func):
    """``@xw.func`` with the nine shared 自评表 row arguments (PE_ROW_SCORE and PE_ROW_EXPLAIN)."""
    for name, doc in ROW_ARGS:
        func = xw.arg(name, doc=doc, **READ)(func)
    return xw.func(category=CATEGORY)(func)


@row_function
def PE_ROW_SCORE(ruleset, level2, name, target, actual, weight, method, entered, adjusted):
    """自评表一行三级指标的得分（正向、反向、等于、定性、时限、得分系数）；无法计分时显示原因。"""
    return cells.row_score(ruleset, level2, name, target, actual, weight, method, entered, adjusted)


@row_function
def PE_ROW_EXPLAIN(ruleset, level2, name, target, actual, weight, method, entered, adjusted):
    """说明自评表一行三级指标的得分是怎样算出的（参数与 PE_ROW_SCORE 相同）。"""
    return cells.row_explain(ruleset, level2, name, target, actual, weight, method, entered, adjusted)

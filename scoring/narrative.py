"""Report narrative: the sections a user writes (报告 sheet / ``Evaluation.narrative``)."""
from __future__ import annotations

# (key, title) in report order. Keys are stable identifiers shared by the workbook's
# 报告 sheet, the evaluation JSON and the report renderer.
NARRATIVE_SECTIONS: tuple[tuple[str, str], ...] = (
    ("org", "（一）部门机构设置、编制"),
    ("functions", "（二）部门职能"),
    ("work", "（三）部门工作完成情况"),
    ("management", "（四）部门管理制度"),
    ("funds", "（五）部门资金来源及使用情况"),
    ("procurement", "（六）政府采购情况"),
    ("assets", "（七）固定资产情况"),
    ("goals", "二、绩效目标"),
    ("approach", "三、评价思路和过程"),
    ("conclusion", "四、评价结论和绩效分析"),
    ("experience", "五、主要经验做法"),
    ("problems", "六、存在的问题"),
    ("suggestions", "七、改进措施及建议"),
    ("annex1", "附件1 成本效益分析报告"),
    ("annex2", "附件2 部门职能分解及工作完成情况"),
)

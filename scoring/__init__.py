"""The pure domain core of 部门整体支出绩效评价: rulesets, evidence, scores, accounts, questionnaire, grades.

No Excel, openpyxl or docx here; every adapter calls into this package.
"""

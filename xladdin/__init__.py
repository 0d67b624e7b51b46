"""Adapters around the scoring core, each in its own package; a package imports only those listed before it
(``tests/test_imports.py`` holds the order):

    functions.py  the one list of PE_ worksheet functions (imports nothing)
    workbook/     the evaluation workbook: one module per sheet (write, read, check), templates
    files/        safe writes, export tables, imports, loading evaluation files, static copy, PDF conversion
    report/       the Word/PDF report
    batch/        the finance bureau's batch and roll-up
    calc/         LibreOffice Calc: Basic module and UNO component for live PE_ cells
    excel/        Excel: xlwings UDFs, buttons, VBA, the Windows installer, doctor
    cli/          the pe-eval command line

Facts shared by several adapters (and by the installer, which must not import the rest):
"""

UDF_MODULE = "xladdin.excel.udfs"  # what xlwings.conf's "UDF Modules" and the generated VBA name
# The workbook's buttons (on 汇总, or 自评表): (VBA Sub, entry point in xladdin.excel.macros, caption); build_vba writes
# the Subs, the Windows installer adds the buttons at xladdin.workbook.BUTTON_PLACES.
BUTTONS = (
    ("PE_ExportReport", "export_report", "导出评价报告"),
    ("PE_ExportStaticCopy", "export_static_copy", "导出静态副本"),
)
# Buttons on a data sheet, where the workbook has it: (VBA Sub, entry point, caption, sheet); the cells are
# xladdin.workbook.SHEET_BUTTON_CELLS.
IMPORT_BUTTONS = (
    ("PE_ImportSurvey", "import_survey_export", "导入问卷星数据…", "问卷"),
    ("PE_ImportAccounts", "import_accounts_export", "导入决算数据…", "决算"),
)

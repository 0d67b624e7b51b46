"""Adapters around the scoring core: Excel UDFs and macros, workbook I/O, report, CLI.

Facts shared by several adapters (and by the installer, which must not import the rest):
"""

UDF_MODULE = "xladdin.udfs"  # what xlwings.conf's "UDF Modules" and the generated VBA name
BUTTON_SUB = "PE_ExportReport"  # the VBA Sub behind the 导出评价报告 button

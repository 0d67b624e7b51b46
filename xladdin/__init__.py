"""Adapters around the scoring core: Excel UDFs and macros, workbook I/O, report, CLI."""

"""The formatted report: Word in GB/T 9704 layout, optionally PDF.

May import ``scoring``'s public names, ``xladdin.workbook`` and ``xladdin.files``.
"""
from .build import ReportResult, build_report, default_report_path
from .layout import ReportFonts

__all__ = ["ReportFonts", "ReportResult", "build_report", "default_report_path"]

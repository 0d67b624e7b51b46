"""The Excel adapter (Windows): xlwings worksheet functions, the workbook's buttons (macros), the generated VBA,
the installer (``windows_setup``, run by install.bat) and ``pe-eval doctor``.

May import ``scoring``'s public names and every ``xladdin`` package except ``cli``; ``udfs`` imports only
``scoring.cells`` and ``xladdin.functions`` (the light cell path).
"""

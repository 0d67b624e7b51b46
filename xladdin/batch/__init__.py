"""The finance bureau's batch: many files assessed in worker processes, the roster check, year over year, and
the roll-up workbook.

May import ``scoring``'s public names, ``xladdin.workbook`` and ``xladdin.files``.
"""

"""The core's foundation: Decimal numbers and rounding, findings, grades, the error base, Chinese validation
messages, and reading cell text (evidence: counts, rates, criteria; targets and actual values).

May import nothing else of ``scoring``.
"""

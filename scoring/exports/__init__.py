"""Parsers of third-party export tables (问卷星 answer sheets, 部门决算 Z01/Z12 tables) into evaluation data.

Rows of cell values in, evaluation data and findings out; reading the files is the adapters' job.
May import ``scoring.common`` and ``scoring.model``.
"""

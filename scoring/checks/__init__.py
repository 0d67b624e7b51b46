"""Findings on an evaluation: its own inputs (identities, questionnaire, indicator inputs, basic facts) and the
cross-checks between figures that should agree, and figures that cannot be right for what their cell means
(plausibility).

May import ``scoring.common``, ``scoring.model`` and ``scoring.rules``.
"""

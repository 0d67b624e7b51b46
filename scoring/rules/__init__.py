"""Rules and rulesets: the rule types (a discriminated union; each owns its contract), the TOML rulesets in
``rulesets/``, scoring one indicator or one self-form row, and the scorecard of a whole evaluation.

May import ``scoring.common`` and ``scoring.model``.
"""

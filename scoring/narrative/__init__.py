"""Report text: the narrative sections and their placeholders, the lint that checks prose against the data,
and the policy documents the prose may cite.

May import ``scoring.common``, ``scoring.model`` and ``scoring.rules``.
"""

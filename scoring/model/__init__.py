"""The evaluation data: basic facts, the 财决01表 and its identities, the questionnaire tally, the self-evaluation
form's fund block and rows, and the data references that bind a rule input to them.

May import ``scoring.common``.
"""

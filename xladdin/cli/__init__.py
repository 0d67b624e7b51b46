"""The command line ``pe-eval`` (score, check, report, batch, compare, import, new, values, demo, doctor, calc).

``commands`` builds the parser and runs a command; each larger subcommand has its own module
(``batch``, ``imports``, ``compare``); what they share is in ``common``, never imported back from
``commands``. The top of the adapters: may import every other ``xladdin`` package and ``scoring``'s public names.
"""
from .commands import main

__all__ = ["main"]

"""The command line ``pe-eval`` (score, check, report, batch, compare, import, new, values, demo, doctor, calc).

``commands`` builds the parser (a ``parser.ChineseParser``) and runs a command; each larger subcommand has its own
module (``batch``, ``imports``, ``compare``); what they share is in ``common``, never imported back from
``commands``. The top of the adapters: may import every other ``xladdin`` package and ``scoring``'s public names.
"""
import sys


def main(argv: list[str] | None = None) -> int:
    """Run ``pe-eval``; a Ctrl-C while the program is still loading ends it as quietly as one during a command."""
    try:
        from .commands import main as run
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130  # common.EXIT_INTERRUPTED, not imported: loading it is what was interrupted
    return run(argv)


__all__ = ["main"]

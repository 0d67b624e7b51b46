"""The hostile-file sweep: every generated hostile input (tests/hostile_inputs.py: far cells in every XML spelling,
named pipes, zero-filled JSON/TOML/名单/exports, 2.5-million-character cells, whole-sheet merges and hyperlinks,
120,000 cell formats, lone surrogates, extreme numbers, time-formatted inputs, over-long names) × the commands
that take it: no crash, no internal error, no traceback, no hang.

The bounds here are generous (the machine is shared); benchmarks/hostile_sweep.py prints each run's time and
peak memory against the targets (< 10 s, < 300 MB). By default each input meets the commands most likely to break
on it; PE_EVAL_FULL_SWEEP=1 runs every command on every input.
"""
import os
from concurrent.futures import ThreadPoolExecutor

import pytest
from hostile_inputs import commands, inputs, prepare, run

TIMEOUT_S = 60
MEMORY_LIMIT_MB = 600
FULL = bool(os.environ.get("PE_EVAL_FULL_SWEEP"))
# by default, per kind of input, the commands whose readers differ: the evaluation reader, the static copy's full
# load, the ruleset, the 名单 and the export readers
ESSENTIAL = {"workbook": ("score", "values"), "json": ("score",), "toml": ("check", "ruleset"), "roster": ("batch",),
             "export": ("import",)}


PARALLEL = 2  # runs at once: each is mostly a fresh interpreter starting


def selected(kind: str, runs: list[list[str]]) -> list[list[str]]:
    if FULL:
        return runs
    return [argv for n, argv in enumerate(runs)
            if argv[0] in ESSENTIAL[kind] and not any(argv[0] == other[0] for other in runs[:n])]


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    """What every selected command did with every input, by input name."""
    made = prepare(tmp_path_factory.mktemp("hostile"))
    jobs = [(item.name, argv, item.path.parent) for item in made
            for argv in selected(item.kind, commands(item.kind, item.path, item.path.parent))]
    with ThreadPoolExecutor(PARALLEL) as pool:
        done = list(pool.map(lambda job: (job[0], job[1], run(job[1], TIMEOUT_S, job[2])), jobs))
    found: dict[str, list] = {}
    for name, argv, outcome in done:
        found.setdefault(name, []).append((argv, outcome))
    return found


@pytest.mark.skipif(not hasattr(os, "mkfifo") or not hasattr(os, "killpg"), reason="POSIX: named pipes and sessions")
@pytest.mark.parametrize("name", [item.name for item in inputs()])
def test_every_command_ends_cleanly_on_a_hostile_input(outcomes, name):
    assert outcomes[name], "no command ran"
    bad = [(argv[0], outcome.kind, round(outcome.seconds, 1), round(outcome.peak_mb), outcome.stderr[-300:])
           for argv, outcome in outcomes[name]
           if outcome.kind not in ("ok", "clean error") or outcome.peak_mb > MEMORY_LIMIT_MB]
    assert bad == []

"""One assessment pass: score once, check once, and keep the result immutable for every consumer."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from .evaluate import Scorecard, check_evaluation, score_evaluation
from .findings import Finding, most_severe_first
from .model import Evaluation
from .ruleset import Ruleset


@dataclass(frozen=True)
class Assessment:
    """An evaluation with its ruleset, scores and findings (most severe first).

    ``provenance`` maps an input (``info.year``, ``accounts.61.final``, ``indicators.B12.input1``)
    to the place it was read from (``基本信息!B4``); empty for JSON input.
    """

    evaluation: Evaluation
    ruleset: Ruleset
    scorecard: Scorecard
    findings: tuple[Finding, ...]
    source: str = ""
    provenance: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "error")

    def with_findings(self, extra: Iterable[Finding]) -> "Assessment":
        """The same assessment with more findings (e.g. the workbook's own), re-sorted.

        Within a severity the extra findings come first: they are about the file itself (a cell that
        could not be read), which is usually the cause of what the core found.
        """
        return replace(self, findings=tuple(most_severe_first([*extra, *self.findings])))


def assess(
    evaluation: Evaluation, ruleset: Ruleset, *, source: str = "", provenance: Mapping[str, str] | None = None
) -> Assessment:
    """Score and check ``evaluation`` under ``ruleset`` — the one pass every command consumes."""
    card = score_evaluation(evaluation, ruleset)
    where = MappingProxyType(dict(provenance or {}))
    return Assessment(
        evaluation=evaluation,
        ruleset=ruleset,
        scorecard=card,
        findings=tuple(check_evaluation(evaluation, ruleset, card, where)),
        source=source,
        provenance=where,
    )

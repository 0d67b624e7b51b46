"""One assessment pass: score once, check once, and keep the result immutable for every consumer."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from .checks.crosschecks import cross_checks
from .checks.inputs import input_findings
from .checks.plausibility import DOUBT_PREFIX, plausibility_findings
from .common.findings import Finding, most_severe_first
from .model.evaluation import Evaluation
from .narrative.lint import lint_narrative
from .rules.ruleset import Ruleset
from .rules.scorecard import Scorecard, Unscored, score_evaluation
from .rules.self_eval import materialize
from .rules.self_form_checks import basic_findings, fund_findings, review_findings


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

    @property
    def doubts(self) -> tuple[Finding, ...]:
        """Figures that cannot be right for what their cells mean (scoring.checks.plausibility): while any
        stands, the result is 待核实, never shown as final."""
        return tuple(f for f in self.findings if f.code.startswith(DOUBT_PREFIX) and f.severity != "info")

    def with_findings(self, extra: Iterable[Finding]) -> "Assessment":
        """The same assessment with more findings (e.g. the workbook's own), re-sorted.

        Within a severity the extra findings come first: they are about the file itself (a cell that
        could not be read), which is usually the cause of what the core found.
        """
        return replace(self, findings=tuple(most_severe_first([*extra, *self.findings])))


def assess(
    evaluation: Evaluation, ruleset: Ruleset, *, source: str = "", provenance: Mapping[str, str] | None = None
) -> Assessment:
    """Score and check ``evaluation`` under ``ruleset`` — the one pass every command consumes.

    For a self-evaluation ruleset the assessment's ruleset is the evaluation's own: the ruleset's
    fixed indicators plus the department's rows (see ``scoring.rules.self_eval``).
    """
    where = MappingProxyType(dict(provenance or {}))
    if ruleset.form != "self":
        card = score_evaluation(evaluation, ruleset)
        findings = [*check_evaluation(evaluation, ruleset, card, where), *_review(evaluation, card, where)]
        return Assessment(evaluation, ruleset, card, tuple(most_severe_first(findings)), source, where)
    own = materialize(ruleset, evaluation, where)
    card = score_evaluation(evaluation, own.ruleset)
    if own.blockers:
        blocked = [Unscored(code=b.code, name=b.name, reason=b.reason) for b in own.blockers]
        card = card.model_copy(update={"complete": False, "grade": None, "incomplete": [*blocked, *card.incomplete]})
    findings = [*own.findings, *check_evaluation(evaluation, own.ruleset, card, where)]
    if evaluation.self_form is not None:
        findings += fund_findings(evaluation.self_form.fund, where, ruleset.budget_adjustment_limit_pct)
        if evaluation.self_form.basic is not None:
            findings += basic_findings(evaluation.self_form.basic, where)
    findings += _review(evaluation, card, where)
    return Assessment(evaluation, own.ruleset, card, tuple(most_severe_first(findings)), source, where)


def check_evaluation(
    evaluation: Evaluation, rs: Ruleset, card: Scorecard, provenance: Mapping[str, str] | None = None
) -> list[Finding]:
    """Everything a reviewer should look at, most severe first; ``card`` is the evaluation's scorecard.

    ``provenance`` (input → ``sheet!cell``) lets a finding name the cell to fix.
    """
    where = provenance or {}
    return most_severe_first([
        *input_findings(evaluation, rs, card, where),
        *cross_checks(evaluation, rs, card, where),
        *plausibility_findings(evaluation, rs, card, where),
        *lint_narrative(evaluation, card, where),
    ])


def _review(evaluation: Evaluation, card: Scorecard, where: Mapping[str, str]) -> list[Finding]:
    return review_findings(evaluation, {r.code: r.score for r in card.indicators}, card.total, card.complete, where)

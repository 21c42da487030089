"""The validations app's own refusals (variants of :class:`core.errors.DomainError`)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from core.errors import DomainError

from .models import SiteValidation


class OutcomeContradictsFindings(DomainError):
    """A site validation's outcome that its findings on *must* requirements do not support,
    with no written justification (HTTP 409). ``field`` names the input it concerns, so that
    a page shows it beside the outcome."""

    code = "outcome_contradicts_findings"
    field = "outcome"

    def __init__(self, *, outcome: str, state: str, conflicts: Sequence[dict[str, str]]) -> None:
        label = str(SiteValidation.Outcome(outcome).label)
        codes = ", ".join(c["code"] for c in conflicts)
        if outcome == SiteValidation.Outcome.MEETS_WITH_ACTION_PLAN:
            message = _(
                "Cannot complete this site validation as “%(outcome)s”: the action plan has no "
                "measure for the must requirement(s) found short (%(codes)s). Add a measure for "
                "each, choose another outcome, or justify the outcome in writing."
            )
        else:
            message = _(
                "Cannot complete this site validation as “%(outcome)s”: must requirement(s) "
                "%(codes)s are not met. Choose “meets with an action plan” with a measure for "
                "each, “does not meet”, or justify the outcome in writing."
            )
        super().__init__(
            message % {"outcome": label, "codes": codes},
            details={
                "state": state,
                "action": "complete",
                "outcome": outcome,
                "findings": list(conflicts),
            },
        )
        self.conflicts = list(conflicts)


class CertificationContradictsEvidence(DomainError):
    """Certifying an application that the evidence speaks against (no completed site
    validation, a latest one that does not meet the requirements, an open action plan past
    its deadline) with no written reason from the manager (HTTP 409). ``field`` names the
    input a page shows it beside: the manager's reason to certify all the same."""

    code = "certification_contradicts_evidence"
    field = "override_reason"

    def __init__(self, *, state: str, contradictions: Sequence[dict[str, str]]) -> None:
        message = _(
            "Cannot certify this application as it stands: %(evidence)s Deny it, or give your "
            "reason to certify all the same."
        ) % {"evidence": " ".join(c["message"] for c in contradictions)}
        super().__init__(
            message,
            details={
                "state": state,
                "action": "certify",
                "contradictions": [c["code"] for c in contradictions],
            },
        )
        self.contradictions = list(contradictions)

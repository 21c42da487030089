"""A manager's certification weighed against the evidence: driven from here, the side that
knows both the application and its site validations and action plans (validations may
call traders, never the reverse)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from core.transitions import state_label
from traders import services as trader_services
from traders.models import Application

from ..errors import CertificationContradictsEvidence
from ..selectors import certification_contradictions

if TYPE_CHECKING:
    from core.models import User


def application_certify(
    *, application: Application, actor: User, note: str = "", override_reason: str = ""
) -> Application:
    """Certify (the traders service: lock, permission, state, memberships, audit), unless the
    evidence speaks against it: no completed site validation of the application, a latest
    one that found the company does not meet the requirements, or an action plan of the
    company still open past its deadline. ``override_reason``, the manager's written reason
    to certify all the same, lets the decision stand: it is kept in the audit events of the
    application and of each membership, with what it stands against."""
    override_reason = (override_reason or "").strip()
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        contradictions = certification_contradictions(application=locked)

        def check(app: Application) -> None:
            if contradictions and not override_reason:
                raise CertificationContradictsEvidence(
                    state=state_label(app), contradictions=contradictions
                )

        return trader_services.application_certify(
            application=locked,
            actor=actor,
            note=_certify_note(
                note=note, contradictions=contradictions, override_reason=override_reason
            ),
            check=check,
        )


def _certify_note(*, note: str, contradictions: list[dict[str, str]], override_reason: str) -> str:
    """The audit note: the manager's note, and the reason to certify against the evidence
    with what it stands against."""
    parts = [(note or "").strip()]
    if override_reason and contradictions:
        parts.append(
            _("Certified against the evidence (%(evidence)s). Manager's reason: %(reason)s")
            % {
                "evidence": " ".join(c["message"] for c in contradictions),
                "reason": override_reason,
            }
        )
    elif override_reason:
        parts.append(_("Manager's reason: %(reason)s") % {"reason": override_reason})
    return "\n".join(p for p in parts if p)

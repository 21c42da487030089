"""Memberships' lifecycle after certification: suspension, reinstatement, cancellation and
appeal, lapse and renewal (driven by the revalidation app)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from core.dates import agency_today, membership_renewal_expiry
from core.errors import DomainError
from core.inputs import require_text
from core.roles import MANAGERS, OFFICERS, SYSTEM, TRADER_ONLY
from core.transitions import transition_run

from .. import notices
from ..models import Membership
from ._common import _certificate_enqueue

if TYPE_CHECKING:
    from core.models import User


def membership_suspend(*, membership: Membership, actor: User, reason: str) -> Membership:
    reason = require_text(reason, "reason", _("Give the reason for the suspension."))
    return transition_run(
        obj=membership,
        action="suspend",
        actor=actor,
        roles=MANAGERS,
        note=reason,
        after=lambda m: notices.member_notify(
            obj=m, kind=notices.Kind.MEMBERSHIP_SUSPENDED, action="suspend", reasons=reason
        ),
    )


def membership_reinstate(*, membership: Membership, actor: User, reason: str) -> Membership:
    reason = require_text(reason, "reason", _("Give the reason for the reinstatement."))
    return transition_run(
        obj=membership,
        action="reinstate",
        actor=actor,
        roles=MANAGERS,
        note=reason,
        after=lambda m: notices.member_notify(
            obj=m, kind=notices.Kind.MEMBERSHIP_REINSTATED, action="reinstate", reasons=reason
        ),
    )


def membership_cancel(*, membership: Membership, actor: User, reason: str) -> Membership:
    reason = require_text(reason, "reason", _("Give the reason for the cancellation."))
    return transition_run(
        obj=membership,
        action="cancel",
        actor=actor,
        roles=MANAGERS,
        note=reason,
        kwargs={"on": agency_today()},
        fields=["cancelled_on"],
        after=lambda m: notices.member_notify(
            obj=m, kind=notices.Kind.MEMBERSHIP_CANCELLED, action="cancel", reasons=reason
        ),
    )


def membership_lapse(
    *, membership: Membership, actor: User | None = None, note: str = ""
) -> Membership:
    """A membership whose revalidation was not completed by its expiry lapses (the sweep
    acts as the system, with actor=None)."""

    def check(m: Membership) -> None:
        if m.expires_on >= agency_today():
            raise DomainError(
                _("This membership is valid until %(date)s; it cannot lapse before then.")
                % {"date": m.expires_on.isoformat()},
                code="not_expired",
            )

    return transition_run(
        obj=membership,
        action="lapse",
        actor=actor,
        roles=MANAGERS | {SYSTEM},
        note=note,
        check=check,
    )


def membership_appeal(*, membership: Membership, actor: User, grounds: str) -> Membership:
    grounds = require_text(grounds, "grounds", _("Give the grounds of the appeal."))
    return transition_run(
        obj=membership, action="appeal", actor=actor, roles=TRADER_ONLY, note=grounds
    )


def membership_allow_appeal(*, membership: Membership, actor: User, reason: str) -> Membership:
    reason = require_text(reason, "reason", _("Give the reason for the decision."))
    return transition_run(
        obj=membership,
        action="allow_appeal",
        actor=actor,
        roles=MANAGERS,
        note=reason,
        fields=["cancelled_on"],
        after=lambda m: notices.member_notify(
            obj=m,
            kind=notices.Kind.APPEAL_DECIDED,
            action="allow_appeal",
            reasons=reason,
            details={"outcome": "allowed"},
        ),
    )


def membership_uphold_cancellation(
    *, membership: Membership, actor: User, reason: str
) -> Membership:
    reason = require_text(reason, "reason", _("Give the reason for the decision."))
    return transition_run(
        obj=membership,
        action="uphold_cancellation",
        actor=actor,
        roles=MANAGERS,
        note=reason,
        after=lambda m: notices.member_notify(
            obj=m,
            kind=notices.Kind.APPEAL_DECIDED,
            action="uphold_cancellation",
            reasons=reason,
            details={"outcome": "upheld"},
        ),
    )


def membership_renew(
    *, membership: Membership, actor: User, validated_on: dt.date, note: str = ""
) -> Membership:
    """Renewal after a completed revalidation whose site validation was completed on
    ``validated_on`` (an agency date): four years from today's decision, at most four years
    from that validation. Called by the revalidation app."""
    renewed_on = agency_today()
    new_expiry = membership_renewal_expiry(renewed_on=renewed_on, validated_on=validated_on)

    def check(m: Membership) -> None:
        if new_expiry < renewed_on:
            raise DomainError(
                _(
                    "The site validation of %(date)s is more than four years old: the "
                    "membership cannot be renewed on it."
                )
                % {"date": validated_on.isoformat()},
                code="validation_too_old",
            )

    def after(m: Membership) -> None:
        _certificate_enqueue(membership_id=m.pk, reason="renewal")
        notices.member_notify(
            obj=m,
            kind=notices.Kind.MEMBERSHIP_RENEWED,
            action="renew",
            due_on=m.expires_on,
        )

    return transition_run(
        obj=membership,
        action="renew",
        actor=actor,
        roles=OFFICERS,
        note=note or _("Renewed until %(date)s.") % {"date": new_expiry.isoformat()},
        kwargs={"on": renewed_on, "new_expiry": new_expiry},
        fields=["expires_on", "last_renewed_on"],
        check=check,
        after=after,
    )

"""Writes for the four-year revalidation cycle.

Each transition has one service here and runs through :func:`core.transitions.transition_run`
(lock, permission, state check, save, audit). The membership itself is renewed or lapsed
through the traders services, and the site validation is scheduled through the validations
services, each in the same transaction as the cycle's own change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.dates import agency_date, agency_today
from core.errors import DomainError
from core.models import Role
from core.roles import MANAGERS, OFFICERS, SYSTEM, TRADER_ONLY, permission_check, role_of
from core.transitions import state_label, transition_run
from traders.models import Application, ChangeNotice, Membership, SecurityProfile, Site
from traders.selectors import catalogue_current
from traders.services import (
    change_notice_open_follow_up,
    membership_lapse,
    membership_renew,
    profile_catalogue_refresh,
    profile_copy,
    profile_submit,
)
from validations.models import SiteValidation
from validations.services import site_validation_schedule

from .models import RevalidationCycle
from .selectors import revalidation_window_opens

if TYPE_CHECKING:
    from core.models import User

PASSING_OUTCOMES = (
    SiteValidation.Outcome.MEETS,
    SiteValidation.Outcome.MEETS_WITH_ACTION_PLAN,
)


def _profile_to_start_from(*, membership: Membership) -> SecurityProfile:
    """The company's latest submitted profile that was accepted: the profile of its last
    completed revalidation, or of its certified application."""
    profile = (
        SecurityProfile.objects.filter(company_id=membership.company_id, submitted_at__isnull=False)
        .filter(
            models.Q(revalidation_cycle__state=RevalidationCycle.State.COMPLETED)
            | models.Q(application__state=Application.State.CERTIFIED)
        )
        .order_by("-submitted_at", "-pk")
        .first()
    )
    if profile is None:
        raise DomainError(
            _("This company has no accepted security profile to start the revalidation from."),
            code="no_profile",
        )
    return profile


def revalidation_open(
    *,
    membership: Membership,
    actor: User | None = None,
    change_notice: ChangeNotice | None = None,
) -> RevalidationCycle:
    """Open the revalidation of an active membership, with a new security profile
    pre-filled from the last accepted answers. The scheduler opens it (actor=None) at the
    first reminder, or the member's trader or an officer opens it; only an officer opens it
    early after a change notice, which then records the revalidation as its follow-up."""
    early = change_notice is not None
    permission_check(
        actor=actor,
        # Only an officer opens a cycle early; the scheduler, an officer or the member's own
        # trader opens the regular ones.
        roles=OFFICERS if early else OFFICERS | {SYSTEM} | TRADER_ONLY,
        action="open_revalidation",
        company_id=membership.company_id,
    )
    if change_notice is not None and change_notice.company_id != membership.company_id:
        raise ValidationError(
            {"change_notice": _("Choose a change notice reported by this member's company.")}
        )
    with transaction.atomic():
        # The membership's row lock serialises two attempts to open a cycle for it.
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        if locked.state != Membership.State.ACTIVE:
            raise DomainError(
                _("Only an active membership can be revalidated; this one is %(state)s.")
                % {"state": state_label(locked)},
                code="membership_not_active",
            )
        opens = revalidation_window_opens(membership=locked)
        if role_of(actor) == Role.TRADER and agency_today() < opens:
            raise DomainError(
                _("You can start the revalidation from %(date)s, %(days)s days before the expiry.")
                % {"date": opens.isoformat(), "days": (locked.expires_on - opens).days},
                code="revalidation_not_yet",
            )
        current = locked.revalidation_cycles.filter(state__in=RevalidationCycle.IN_PROGRESS).first()
        if current is not None:
            raise DomainError(
                _("A revalidation of this membership is already in progress (opened on %(date)s).")
                % {"date": current.opened_on.isoformat()},
                code="revalidation_in_progress",
            )
        profile = profile_copy(
            source=_profile_to_start_from(membership=locked), catalogue=catalogue_current()
        )
        cycle = RevalidationCycle.objects.create(
            company_id=locked.company_id,
            membership=locked,
            profile=profile,
            change_notice=change_notice,
            opened_on=agency_today(),
            due_on=locked.expires_on,
            opened_by=actor,
            early=early,
        )
        note = ""
        if change_notice is not None:
            note = _("Opened early after the change reported on %(date)s.") % {
                "date": change_notice.effective_on.isoformat()
            }
        audit_record(
            actor=actor,
            obj=cycle,
            action="open",
            to_state=RevalidationCycle.State.OPEN,
            note=note,
        )
        if change_notice is not None and actor is not None:  # an officer: checked above
            change_notice_open_follow_up(
                notice=change_notice, actor=actor, follow_up="revalidation", note=note
            )
    return cycle


def revalidation_submit_profile(*, cycle: RevalidationCycle, actor: User) -> RevalidationCycle:
    """The trader submits the updated profile; it is refused, listing what is missing,
    until every mandatory item is answered and every required document attached."""

    permission_check(
        actor=actor, roles=TRADER_ONLY, action="submit_profile", company_id=cycle.company_id
    )
    # As for applications, the profile is assessed against the catalogue in force when it
    # is submitted (answers carried over by requirement code); the move stands even when
    # the submit is then refused for what is missing.
    profile_catalogue_refresh(profile=cycle.profile)

    def check(c: RevalidationCycle) -> None:
        profile_submit(profile=c.profile, actor=actor)  # raises Incomplete

    return transition_run(
        obj=cycle,
        action="submit_profile",
        actor=actor,
        roles=TRADER_ONLY,
        kwargs={"when": timezone.now()},
        fields=["submitted_at"],
        check=check,
    )


def revalidation_schedule_validation(
    *,
    cycle: RevalidationCycle,
    actor: User,
    scheduled_for: dt.date,
    sites: Sequence[Site] = (),
    officers: Sequence[User] = (),
    joint_with_cbp: bool = False,
    note: str = "",
) -> RevalidationCycle:
    """Schedule the revalidation's site validation (again, if the last one was cancelled)
    against the catalogue of the updated profile, and link it to the cycle."""

    def after(c: RevalidationCycle) -> None:
        c.site_validation = site_validation_schedule(
            company=c.company,
            actor=actor,
            kind=SiteValidation.Kind.REVALIDATION,
            scheduled_for=scheduled_for,
            sites=sites,
            officers=officers,
            joint_with_cbp=joint_with_cbp,
            membership=c.membership,
            catalogue=c.profile.catalogue,
        )
        c.save(update_fields=["site_validation", "updated_at"])

    return transition_run(
        obj=cycle,
        action="schedule_validation",
        actor=actor,
        roles=OFFICERS,
        note=note,
        after=after,
    )


def revalidation_complete(
    *, cycle: RevalidationCycle, actor: User, note: str = ""
) -> RevalidationCycle:
    """Complete the revalidation after a passing site validation; the membership is
    renewed for four years from today, at most four years from the day the site
    validation was completed."""

    def check(c: RevalidationCycle) -> None:
        validation = c.site_validation
        if validation is None:
            raise DomainError(
                _("No site validation is linked to this revalidation."), code="no_validation"
            )
        if validation.state != SiteValidation.State.COMPLETED:
            raise DomainError(
                _(
                    "The site validation is %(state)s: record its findings and complete it "
                    "before completing the revalidation."
                )
                % {"state": state_label(validation)},
                code="validation_not_completed",
            )
        if validation.outcome not in PASSING_OUTCOMES:
            raise DomainError(
                _(
                    "The site validation's outcome is “%(outcome)s”: the membership cannot be "
                    "renewed on it."
                )
                % {"outcome": validation.get_outcome_display() or "-"},
                code="validation_not_passed",
            )

    def after(c: RevalidationCycle) -> None:
        validation = c.site_validation
        assert validation is not None and validation.completed_at is not None  # by check
        membership_renew(
            membership=c.membership,
            actor=actor,
            validated_on=agency_date(validation.completed_at),
            note=note,
        )

    return transition_run(
        obj=cycle,
        action="complete",
        actor=actor,
        roles=OFFICERS,
        note=note,
        kwargs={"on": agency_today()},
        fields=["completed_on"],
        check=check,
        after=after,
    )


def revalidation_lapse(
    *, cycle: RevalidationCycle, actor: User | None = None, note: str = ""
) -> RevalidationCycle:
    """A revalidation not completed by its due date lapses, and the membership with it
    (the sweep acts as the system, with actor=None)."""

    def check(c: RevalidationCycle) -> None:
        if c.due_on >= agency_today():
            raise DomainError(
                _("This revalidation is due on %(date)s; it cannot lapse before then.")
                % {"date": c.due_on.isoformat()},
                code="not_due",
            )

    def after(c: RevalidationCycle) -> None:
        membership = c.membership
        # A suspended membership lapses too; one already cancelled (or lapsed) keeps its
        # state, and only the cycle is closed.
        if membership.state in (Membership.State.ACTIVE, Membership.State.SUSPENDED):
            membership_lapse(membership=membership, actor=actor, note=note)

    return transition_run(
        obj=cycle,
        action="lapse",
        actor=actor,
        roles=MANAGERS | {SYSTEM},
        note=note,
        check=check,
        after=after,
    )

"""Revalidation cycles in a given state, built through the services (the state field is
protected: a factory never writes it)."""

from __future__ import annotations

import datetime as dt

from core.dates import agency_today
from core.models import Role, User
from revalidation import services
from revalidation.models import RevalidationCycle
from tests.factories import UserFactory, make_membership, trader_of
from traders.models import Membership, Requirement
from validations import services as validation_services
from validations.models import Finding, SiteValidation


def site_validation_pass(
    *,
    validation: SiteValidation,
    officer: User,
    outcome: str = SiteValidation.Outcome.MEETS,
) -> SiteValidation:
    """Visit, record a finding on every requirement of the catalogue, and close the report."""
    validation = validation_services.site_validation_start(validation=validation, actor=officer)
    failing = outcome == SiteValidation.Outcome.DOES_NOT_MEET
    for requirement in Requirement.objects.filter(area__catalogue_id=validation.catalogue_id):
        validation_services.finding_record(
            validation=validation,
            requirement=requirement,
            result=Finding.Result.DOES_NOT_MEET if failing else Finding.Result.MEETS,
            note="Seals are not logged." if failing else "",
            actor=officer,
        )
    # "Meets with an action plan" comes with its plan (every finding met: one measure).
    items = (
        [{"measure": "Log the seals.", "deadline": agency_today() + dt.timedelta(days=30)}]
        if outcome == SiteValidation.Outcome.MEETS_WITH_ACTION_PLAN
        else []
    )
    return validation_services.site_validation_complete(
        validation=validation, actor=officer, outcome=outcome, action_plan_items=items
    )


def make_cycle(
    *,
    state: str = RevalidationCycle.State.OPEN,
    membership: Membership | None = None,
    officer: User | None = None,
    validation_outcome: str | None = None,
) -> RevalidationCycle:
    """A cycle opened by the scheduler and driven through the services to ``state``. With
    ``validation_outcome``, a ``validation_scheduled`` cycle's site validation is completed
    with that outcome (ready for the officer to complete the revalidation)."""
    S = RevalidationCycle.State
    if state == S.LAPSED:
        raise ValueError("a lapse needs the clock past the due date: use time_machine")
    membership = membership or make_membership()
    officer = officer or UserFactory(role=Role.OFFICER, is_staff=True)
    cycle = services.revalidation_open(membership=membership)
    if state == S.OPEN:
        return cycle
    cycle = services.revalidation_submit_profile(cycle=cycle, actor=trader_of(membership.company))
    if state == S.PROFILE_SUBMITTED:
        return cycle
    cycle = services.revalidation_schedule_validation(
        cycle=cycle, actor=officer, scheduled_for=agency_today() + dt.timedelta(days=14)
    )
    if state == S.VALIDATION_SCHEDULED and validation_outcome is None:
        return cycle
    assert cycle.site_validation is not None
    site_validation_pass(
        validation=cycle.site_validation,
        officer=officer,
        outcome=validation_outcome or SiteValidation.Outcome.MEETS,
    )
    if state == S.VALIDATION_SCHEDULED:
        return cycle
    if state == S.COMPLETED:
        return services.revalidation_complete(cycle=cycle, actor=officer)
    raise ValueError(state)

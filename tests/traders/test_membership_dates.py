"""A certification date or an expiry changes only through certification or renewal: the
C-TPAT Portal 2.0 "incorrectly altered certification or security profile dates" (GAO-17-84)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from core.dates import agency_today, membership_expiry
from core.errors import DomainError
from tests.factories import make_membership
from tests.traders.factories import ACTOR_NAMES, after_expiry, small_catalogue_load
from traders import services
from traders.models import Membership, ProtectedDates

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_catalogue(db):
    small_catalogue_load()


def _dates(pk: int) -> tuple[dt.date, dt.date]:
    fresh = Membership.objects.get(pk=pk)
    return fresh.certified_on, fresh.expires_on


@pytest.mark.parametrize("field", ["certified_on", "expires_on"])
@pytest.mark.parametrize(
    "update_fields", [None, ["certified_on", "expires_on"]], ids=["all", "named"]
)
def test_saving_a_changed_date_is_refused(field, update_fields, company, manager):
    membership = make_membership(company=company, manager=manager)
    before = _dates(membership.pk)
    setattr(membership, field, getattr(membership, field) + dt.timedelta(days=365))

    with pytest.raises(ProtectedDates):
        membership.save(update_fields=update_fields)

    assert _dates(membership.pk) == before


def test_a_partial_refresh_does_not_launder_a_changed_date(company, manager):
    membership = make_membership(company=company, manager=manager)
    before = _dates(membership.pk)
    membership.expires_on = membership.expires_on + dt.timedelta(days=365)
    membership.refresh_from_db(fields=["state"])  # e.g. to see whether it was just suspended

    with pytest.raises(ProtectedDates):
        membership.save()

    assert _dates(membership.pk) == before


def test_memberships_load_with_deferred_columns(company, manager):
    """A list that loads only the columns it shows (member number, state) must work, and
    the dates stay protected once they are loaded."""
    created = [make_membership(company=company, manager=manager) for _ in range(2)]

    rows = list(Membership.objects.only("member_number", "state").order_by("pk"))

    assert [m.member_number for m in rows] == [m.member_number for m in created]
    rows[0].expires_on = rows[0].expires_on + dt.timedelta(days=1)
    with pytest.raises(ProtectedDates):
        rows[0].save()


def test_renewals_do_not_stack_terms(company, manager, officer):
    """Two renewals on the same day leave the membership valid four years from that day,
    not eight."""
    membership = make_membership(company=company, manager=manager)
    certified_on, _expires_on = _dates(membership.pk)
    today = agency_today()

    services.membership_renew(membership=membership, actor=officer, validated_on=today)
    services.membership_renew(membership=membership, actor=officer, validated_on=today)

    assert _dates(membership.pk) == (certified_on, membership_expiry(today))


# --- Property: whatever happens to a membership, its dates move only by renewal -----------

ACTIONS = (
    "suspend",
    "reinstate",
    "cancel",
    "appeal",
    "allow_appeal",
    "uphold",
    "lapse",
    "assign_officer",
    "renew",
    "change_expiry",
    "change_certification",
    "wait",
)
STEPS = st.lists(
    st.tuples(
        st.sampled_from(ACTIONS),
        st.sampled_from(ACTOR_NAMES),
        st.integers(min_value=0, max_value=45),
    ),
    min_size=1,
    max_size=12,
)


def _take(action: str, membership: Membership, actor, days: int, clock, officer) -> None:
    if action == "suspend":
        services.membership_suspend(membership=membership, actor=actor, reason="Audit.")
    elif action == "reinstate":
        services.membership_reinstate(membership=membership, actor=actor, reason="Cleared.")
    elif action == "cancel":
        services.membership_cancel(membership=membership, actor=actor, reason="Breach.")
    elif action == "appeal":
        services.membership_appeal(membership=membership, actor=actor, grounds="Unfair.")
    elif action == "allow_appeal":
        services.membership_allow_appeal(membership=membership, actor=actor, reason="Fair.")
    elif action == "uphold":
        services.membership_uphold_cancellation(membership=membership, actor=actor, reason="No.")
    elif action == "lapse":
        clock.move_to(after_expiry(membership))
        services.membership_lapse(membership=membership, actor=actor)
    elif action == "assign_officer":
        services.membership_assign_officer(membership=membership, officer=officer, actor=actor)
    elif action == "wait":
        clock.shift(dt.timedelta(days=days))
    elif action in ("change_expiry", "change_certification"):
        field = "expires_on" if action == "change_expiry" else "certified_on"
        setattr(membership, field, getattr(membership, field) + dt.timedelta(days=days + 1))
        with pytest.raises(ProtectedDates):
            membership.save()
    else:
        raise AssertionError(action)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=STEPS)
def test_dates_move_only_by_renewal(steps, actors, company):
    membership = make_membership(company=company, manager=actors["manager"])
    certified_on, expires_on = membership.certified_on, membership.expires_on

    with time_machine.travel(timezone.now(), tick=False) as clock:
        for action, actor_name, days in steps:
            current = Membership.objects.get(pk=membership.pk)
            note(f"{action} by {actor_name} ({days} days), state {current.state}")
            actor = actors[actor_name]
            if action == "renew":
                try:
                    services.membership_renew(
                        membership=current, actor=actor, validated_on=agency_today()
                    )
                except (DomainError, ValidationError):
                    pass
                else:
                    expires_on = membership_expiry(agency_today())
            else:
                try:
                    _take(action, current, actor, days, clock, actors["officer"])
                except (DomainError, ValidationError):
                    pass
            assert _dates(membership.pk) == (certified_on, expires_on)


def test_renewal_on_a_validation_more_than_four_years_old_is_refused(company, manager, officer):
    membership = make_membership(company=company, manager=manager)
    before = _dates(membership.pk)
    old_visit = agency_today() - dt.timedelta(days=4 * 366)

    with pytest.raises(DomainError) as refused:
        services.membership_renew(membership=membership, actor=officer, validated_on=old_visit)

    assert refused.value.code == "validation_too_old"
    assert "more than four years old" in str(refused.value)
    assert _dates(membership.pk) == before
    assert Membership.objects.get(pk=membership.pk).last_renewed_on is None

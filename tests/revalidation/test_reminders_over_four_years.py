"""A certified membership walked through its four years, one sweep a day: the revalidation
reminders fire once each and in order, the cycle opens at the first one, and without a
completed revalidation the membership lapses the day after its expiry, and the managers are
told."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail

from core.models import AuditEvent, Role
from notifications.models import Reminder, ReminderKind
from revalidation import sweeps
from revalidation.models import RevalidationCycle
from tests.factories import UserFactory, make_membership, trader_of
from tests.revalidation.helpers import at, at_noon, mails_by_reminder, reminders_of
from traders.models import Membership

pytestmark = pytest.mark.django_db

START = dt.date(2026, 1, 15)


@pytest.fixture
def member():
    with time_machine.travel(at_noon(START), tick=False):
        manager = UserFactory(role=Role.MANAGER, is_staff=True)
        membership = make_membership(manager=manager)
    assert membership.certified_on == START and membership.expires_on == dt.date(2030, 1, 15)
    return membership, manager


def sweep_on(day: dt.date, captured, hour: int = 2) -> dict[str, int]:
    with time_machine.travel(at(day, hour), tick=False), captured(execute=True):
        return sweeps.daily_sweep()


def test_four_years_of_daily_sweeps(member, django_capture_on_commit_callbacks):
    """A sweep every day of the last 200 days before expiry (every week before that, to
    keep the test quick), and two the day of each reminder."""
    membership, manager = member
    trader = trader_of(membership.company)
    officer = membership.assigned_officer
    assert officer is not None
    expiry = membership.expires_on
    milestones = [180, 90, 60, 30, 7]
    seen: list[tuple[dt.date, int]] = []
    opened_on = None

    day = START
    while day <= expiry + dt.timedelta(days=2):
        before = Reminder.objects.filter(kind=ReminderKind.REVALIDATION_DUE).count()
        sweep_on(day, django_capture_on_commit_callbacks)
        new = reminders_of(ReminderKind.REVALIDATION_DUE)[before:]
        seen.extend((day, r.days_before) for r in new)
        if new:  # run again the same day (later): nothing more
            count = len(mail.outbox)
            sweep_on(day, django_capture_on_commit_callbacks, hour=14)
            assert len(mail.outbox) == count
        if opened_on is None and RevalidationCycle.objects.filter(membership=membership).exists():
            opened_on = day
        membership.refresh_from_db()
        if day <= expiry:
            assert membership.state == Membership.State.ACTIVE, day
        day += dt.timedelta(days=1 if day >= expiry - dt.timedelta(days=200) else 7)

    assert seen == [(expiry - dt.timedelta(days=m), m) for m in milestones]
    assert opened_on == expiry - dt.timedelta(days=180)
    cycle = RevalidationCycle.objects.get(membership=membership)
    assert cycle.opened_by is None and cycle.due_on == expiry
    assert cycle.state == RevalidationCycle.State.LAPSED

    # Each reminder went once to the company's user and once to the assigned officer.
    counts = mails_by_reminder()
    for reminder in reminders_of(ReminderKind.REVALIDATION_DUE):
        assert reminder.status == Reminder.Status.SENT
        assert counts[(reminder.pk, trader.email)] == 1
        assert counts[(reminder.pk, officer.email)] == 1
    assert max(counts.values()) == 1

    # It lapsed the day after its expiry, as the system, audited; the manager was told.
    assert membership.state == Membership.State.LAPSED
    lapse = AuditEvent.objects.for_object(membership).get(action="lapse")
    assert lapse.actor is None and lapse.actor_role == "system"
    assert lapse.occurred_at.date() == expiry + dt.timedelta(days=1)
    (notice,) = reminders_of(ReminderKind.MEMBERSHIP_LAPSED)
    assert notice.created_at.date() == expiry + dt.timedelta(days=1)
    assert counts[(notice.pk, manager.email)] == 1
    # The yearly profile confirmation: reminded at 11 months, flagged once after 12.
    (due,) = reminders_of(ReminderKind.PROFILE_CONFIRMATION_DUE)
    (overdue,) = reminders_of(ReminderKind.PROFILE_CONFIRMATION_OVERDUE)
    assert due.due_on == overdue.due_on == dt.date(2027, 1, 15)
    assert dt.date(2026, 12, 15) <= due.created_at.date() < dt.date(2026, 12, 22)
    assert dt.date(2027, 1, 16) <= overdue.created_at.date() < dt.date(2027, 1, 23)
    assert "has lapsed" in next(m.subject for m in mail.outbox if m.to == [manager.email])


def test_a_missed_milestone_is_sent_late_but_never_a_passed_one(
    member, django_capture_on_commit_callbacks
):
    membership, _ = member
    expiry = membership.expires_on
    sweep_on(expiry - dt.timedelta(days=170), django_capture_on_commit_callbacks)
    assert [r.days_before for r in reminders_of(ReminderKind.REVALIDATION_DUE)] == [180]
    # No sweep from 170 days before until 55 days before: the 90-day reminder is skipped,
    # the 60-day one (the nearest due) is sent.
    sweep_on(expiry - dt.timedelta(days=55), django_capture_on_commit_callbacks)
    sweep_on(expiry - dt.timedelta(days=54), django_capture_on_commit_callbacks)
    assert [r.days_before for r in reminders_of(ReminderKind.REVALIDATION_DUE)] == [180, 60]


def test_a_renewed_membership_is_reminded_again_for_its_new_expiry(
    member, django_capture_on_commit_callbacks
):
    from tests.revalidation.factories import make_cycle

    membership, _ = member
    expiry = membership.expires_on
    with time_machine.travel(at_noon(expiry - dt.timedelta(days=180)), tick=False):
        make_cycle(state=RevalidationCycle.State.COMPLETED, membership=membership)
    membership.refresh_from_db()
    new_expiry = membership.expires_on
    # Renewed on 19 July 2029, the day of the visit: four years from then, not from 2030.
    assert new_expiry == dt.date(2033, 7, 19)
    sweep_on(expiry - dt.timedelta(days=1), django_capture_on_commit_callbacks)
    sweep_on(expiry + dt.timedelta(days=1), django_capture_on_commit_callbacks)
    membership.refresh_from_db()
    assert membership.state == Membership.State.ACTIVE
    sweep_on(new_expiry - dt.timedelta(days=180), django_capture_on_commit_callbacks)
    assert [r.milestone for r in reminders_of(ReminderKind.REVALIDATION_DUE)] == ["2033-07-19/180"]

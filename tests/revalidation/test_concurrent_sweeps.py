"""Two sweeps at once on PostgreSQL: each reminder is recorded once and e-mailed once."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import time_machine
from django.core import mail
from django.db import connection

from notifications.models import Reminder, ReminderKind
from revalidation import sweeps
from revalidation.models import RevalidationCycle
from tests.factories import CompanyUserFactory, make_membership, trader_of
from tests.revalidation.helpers import at, at_noon, mails_by_reminder
from tests.validations.factories import make_action_plan

START = dt.date(2026, 1, 15)


@pytest.mark.postgres("two sweeps in concurrent transactions meet at row locks and keys")
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data_back_afterwards", "reference_data")
def test_two_sweeps_at_once_send_one_email_each():
    with time_machine.travel(at_noon(START), tick=False):
        memberships = [make_membership() for _ in range(3)]
    expiry = memberships[0].expires_on
    day = expiry - dt.timedelta(days=90)
    with time_machine.travel(at_noon(day - dt.timedelta(days=5)), tick=False):
        plan = make_action_plan(
            company=CompanyUserFactory().company
        )  # due in 60 days; 14 days before it: reminded
    plan_day = plan.deadline - dt.timedelta(days=14)

    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def sweep(when: dt.date) -> None:
        try:
            barrier.wait(timeout=10)
            sweeps.daily_sweep(today=when)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    for when in (day, plan_day):
        with time_machine.travel(at(when, 2), tick=False):
            threads = [threading.Thread(target=sweep, args=(when,)) for _ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
    assert not errors, errors

    # The 90-day reminders the first day; the 60-day ones the second (49 days before).
    reminders = Reminder.objects.filter(kind=ReminderKind.REVALIDATION_DUE, days_before=90)
    assert reminders.count() == 3
    assert Reminder.objects.filter(kind=ReminderKind.REVALIDATION_DUE, days_before=60).count() == 3
    assert RevalidationCycle.objects.count() == 3  # each opened once
    counts = mails_by_reminder()
    for membership in memberships:
        reminder = reminders.get(object_id=membership.pk)
        assert reminder.days_before == 90 and reminder.status == Reminder.Status.SENT
        assert counts[(reminder.pk, trader_of(membership.company).email)] == 1
        assert counts[(reminder.pk, membership.assigned_officer.email)] == 1
    plan_reminder = Reminder.objects.get(kind=ReminderKind.ACTION_PLAN_DUE)
    assert plan_reminder.days_before == 14
    assert counts[(plan_reminder.pk, trader_of(plan.company).email)] == 1
    assert max(counts.values()) == 1
    assert len(mail.outbox) == sum(counts.values())

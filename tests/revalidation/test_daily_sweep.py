"""Action plans, information requests and the yearly profile confirmation through the
daily sweep; the run_sweep command."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.dates import agency_tz
from core.models import AuditEvent, Role
from notifications.models import EVENT_KINDS, Reminder, ReminderKind
from revalidation import sweeps
from tests.factories import CompanyUserFactory, UserFactory, make_application, make_membership
from tests.revalidation.helpers import at, at_noon, mails_by_reminder, reminders_of
from tests.validations.factories import make_action_plan, plan_items
from traders import services as trader_services
from traders.models import Application, InformationRequest, SecurityProfile
from validations import services as validation_services
from validations.models import ActionPlan, ActionPlanItem

pytestmark = pytest.mark.django_db

START = dt.date(2026, 3, 2)


def sweep_on(day, captured, **kwargs):
    with time_machine.travel(at(day, 2), tick=False), captured(execute=True):
        return sweeps.daily_sweep(**kwargs)


def days_of(kind):
    return [r.days_before for r in reminders_of(kind)]


@pytest.mark.parametrize("nearest", [True, False])
def test_nearest_milestone(nearest):
    assert sweeps.nearest_milestone(100, [180, 90, 60]) == 180
    assert sweeps.nearest_milestone(90, [180, 90, 60]) == 90
    assert sweeps.nearest_milestone(0, [14, 7, 1]) == 1
    assert sweeps.nearest_milestone(200, [180, 90]) is None
    assert sweeps.nearest_milestone(-1, [14, 7, 1]) is None


def test_action_plan_reminders_overdue_and_escalation(django_capture_on_commit_callbacks, settings):
    settings.ACTION_PLAN_ESCALATION_GRACE_DAYS = 10
    with time_machine.travel(at_noon(START), tick=False):
        trader = CompanyUserFactory().user
        manager = UserFactory(role=Role.MANAGER, is_staff=True)
        plan = make_action_plan(company=trader.company_links.get().company)
    officer = plan.issued_by
    deadline = plan.deadline
    last_item = plan.items.order_by("deadline").last()
    for days in (20, 14, 13, 7, 3, 1, 0):
        sweep_on(
            deadline - dt.timedelta(days=days),
            django_capture_on_commit_callbacks,
            only=["action_plans"],
        )
    # The first measure fell due before these sweeps; the last one is reminded 14, 7, 1 days.
    assert days_of(ReminderKind.ACTION_PLAN_DUE) == [14, 7, 1]
    assert {r.object_id for r in reminders_of(ReminderKind.ACTION_PLAN_DUE)} == {last_item.pk}
    plan.refresh_from_db()
    assert plan.state == ActionPlan.State.ISSUED

    sweep_on(
        deadline + dt.timedelta(days=1), django_capture_on_commit_callbacks, only=["action_plans"]
    )
    plan.refresh_from_db()
    assert plan.state == ActionPlan.State.OVERDUE
    event = AuditEvent.objects.for_object(plan).get(action="mark_overdue")
    assert event.actor is None
    (overdue,) = reminders_of(ReminderKind.ACTION_PLAN_OVERDUE)
    counts = mails_by_reminder()
    assert counts[(overdue.pk, officer.email)] == counts[(overdue.pk, manager.email)] == 1

    sweep_on(
        deadline + dt.timedelta(days=10), django_capture_on_commit_callbacks, only=["action_plans"]
    )
    plan.refresh_from_db()
    assert plan.state == ActionPlan.State.OVERDUE  # still within the grace period
    sweep_on(
        deadline + dt.timedelta(days=11), django_capture_on_commit_callbacks, only=["action_plans"]
    )
    sweep_on(
        deadline + dt.timedelta(days=12), django_capture_on_commit_callbacks, only=["action_plans"]
    )
    plan.refresh_from_db()
    assert plan.state == ActionPlan.State.ESCALATED
    (escalated,) = reminders_of(ReminderKind.ACTION_PLAN_ESCALATED)
    assert mails_by_reminder()[(escalated.pk, manager.email)] == 1
    assert max(mails_by_reminder().values()) == 1
    # The member got the notice of the plan's issue and the countdown reminders, nothing else.
    assert {r for (r, to) in mails_by_reminder() if to == trader.email} == {
        r.pk
        for kind in (ReminderKind.ACTION_PLAN_ISSUED, ReminderKind.ACTION_PLAN_DUE)
        for r in reminders_of(kind)
    }


def test_each_item_of_a_plan_is_reminded_of_its_own_deadline(django_capture_on_commit_callbacks):
    with time_machine.travel(at_noon(START), tick=False):
        trader = CompanyUserFactory().user
        officer = UserFactory(role=Role.OFFICER, is_staff=True)
        plan = validation_services.action_plan_issue(
            company=trader.company_links.get().company,
            actor=officer,
            items=plan_items(days=(20, 45)),
        )
    first, second = plan.items.order_by("deadline")
    item_type = ContentType.objects.get_for_model(ActionPlanItem)

    day = START
    while day <= second.deadline:  # every day, and twice on some
        sweep_on(day, django_capture_on_commit_callbacks, only=["action_plans"])
        if day.day % 5 == 0:
            sweep_on(day, django_capture_on_commit_callbacks, only=["action_plans"])
        day += dt.timedelta(days=1)

    reminders = reminders_of(ReminderKind.ACTION_PLAN_DUE)
    assert [
        (r.object_id, r.days_before, r.created_at.astimezone(agency_tz()).date()) for r in reminders
    ] == [
        (item.pk, days, item.deadline - dt.timedelta(days=days))
        for item in (first, second)
        for days in (14, 7, 1)
    ]
    assert {r.content_type_id for r in reminders} == {item_type.pk}
    assert reminders[0].milestone == f"{first.deadline.isoformat()}/14"
    # One e-mail to the member for each, naming the measure; nothing twice.
    counts = mails_by_reminder()
    assert [counts[(r.pk, trader.email)] for r in reminders] == [1] * 6
    assert max(counts.values()) == 1
    subject, body = next(
        (m.subject, m.body)
        for m in mail.outbox
        if m.extra_headers["X-Reminder"] == str(reminders[0].pk)
    )
    assert subject == "Action plan measure due in 14 days"
    assert first.measure in body
    plan.refresh_from_db()
    assert plan.state == ActionPlan.State.ISSUED  # the plan is overdue only after its deadline


def test_an_extension_re_arms_the_item_reminders(django_capture_on_commit_callbacks):
    with time_machine.travel(at_noon(START), tick=False):
        plan = make_action_plan()
    officer = plan.issued_by
    first, second = plan.items.order_by("deadline")
    for days in (14, 7, 1):
        sweep_on(
            first.deadline - dt.timedelta(days=days),
            django_capture_on_commit_callbacks,
            only=["action_plans"],
        )
    new_deadline = plan.deadline + dt.timedelta(days=30)
    with time_machine.travel(at_noon(first.deadline), tick=False):
        validation_services.action_plan_extend(
            plan=plan, actor=officer, deadline=new_deadline, reason="Parts on order."
        )
    for days in (14, 7, 1):
        sweep_on(
            new_deadline - dt.timedelta(days=days),
            django_capture_on_commit_callbacks,
            only=["action_plans"],
        )
    keys = [(r.object_id, r.milestone) for r in reminders_of(ReminderKind.ACTION_PLAN_DUE)]
    assert keys[:3] == [(first.pk, f"{first.deadline.isoformat()}/{d}") for d in (14, 7, 1)]
    # Both measures are now due on the new deadline: each is reminded of it once, in order.
    assert [milestone for _pk, milestone in keys[3:]] == [
        f"{new_deadline.isoformat()}/{d}" for d in (14, 7, 1) for _item in (first, second)
    ]
    assert sorted(keys[3:]) == sorted(
        (item.pk, f"{new_deadline.isoformat()}/{d}") for d in (14, 7, 1) for item in (first, second)
    )


def test_a_responded_plan_is_not_reminded(django_capture_on_commit_callbacks):
    with time_machine.travel(at_noon(START), tick=False):
        plan = make_action_plan(state=ActionPlan.State.RESPONDED)
    for item in plan.items.all():
        sweep_on(
            item.deadline - dt.timedelta(days=7),
            django_capture_on_commit_callbacks,
            only=["action_plans"],
        )
    assert not reminders_of(ReminderKind.ACTION_PLAN_DUE)


def test_only_the_measures_still_owed_are_reminded(django_capture_on_commit_callbacks):
    """A measure answered and awaiting review is not reminded while another is still owed;
    a returned measure is reminded again."""
    with time_machine.travel(at_noon(START), tick=False):
        trader = CompanyUserFactory().user
        officer = UserFactory(role=Role.OFFICER, is_staff=True)
        plan = validation_services.action_plan_issue(
            company=trader.company_links.get().company,
            actor=officer,
            items=plan_items(days=(20, 21, 25)),
        )
        answered, returned, owed = plan.items.order_by("id")
        for item in (answered, returned):
            validation_services.action_plan_item_respond(item=item, actor=trader, response="Done.")
    # The plan stays issued (a measure is still owed): the two answers wait for the review.
    assert ActionPlan.objects.get(pk=plan.pk).state == ActionPlan.State.ISSUED
    # 7 days before the first deadline, 8 before the second, 12 before the third.
    sweep_on(START + dt.timedelta(days=13), django_capture_on_commit_callbacks)
    due = [(r.object_id, r.days_before) for r in reminders_of(ReminderKind.ACTION_PLAN_DUE)]
    assert due == [(owed.pk, 14)]

    # Every measure answered, then one returned: it is owed again, and reminded.
    with time_machine.travel(at(START + dt.timedelta(days=14), 1), tick=False):
        validation_services.action_plan_item_respond(item=owed, actor=trader, response="Done.")
        validation_services.action_plan_item_accept(item=answered, actor=officer)
        validation_services.action_plan_item_accept(item=owed, actor=officer)
        validation_services.action_plan_item_return(
            item=returned, actor=officer, note="A picture, please."
        )
    assert ActionPlan.objects.get(pk=plan.pk).state == ActionPlan.State.RETURNED
    sweep_on(START + dt.timedelta(days=14), django_capture_on_commit_callbacks)
    due = [(r.object_id, r.days_before) for r in reminders_of(ReminderKind.ACTION_PLAN_DUE)]
    assert due == [(owed.pk, 14), (returned.pk, 7)]


@pytest.mark.postgres("reads PostgreSQL's query plan")
def test_the_item_reminder_window_can_use_its_partial_index():
    """The window's filter implies the partial index's condition (measures not accepted):
    with sequential scans off, PostgreSQL reads it through ``actionplanitem_open_deadline``."""
    with CaptureQueriesContext(connection) as queries:
        sweeps.action_plan_item_deadline_rows(start=START, end=START + dt.timedelta(days=14))
    [query] = queries.captured_queries
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + query["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "actionplanitem_open_deadline" in plan, plan


def test_information_request_reminders_and_overdue_flag(django_capture_on_commit_callbacks):
    with time_machine.travel(at_noon(START), tick=False):
        application = make_application(state=Application.State.INFO_REQUESTED)
    request = InformationRequest.objects.get(application=application)
    trader = application.company.user_links.get().user
    for days in (10, 7, 6, 1, 0):
        sweep_on(request.deadline - dt.timedelta(days=days), django_capture_on_commit_callbacks)
    assert days_of(ReminderKind.INFORMATION_REQUEST_DUE) == [7, 1]
    sweep_on(request.deadline + dt.timedelta(days=1), django_capture_on_commit_callbacks)
    sweep_on(request.deadline + dt.timedelta(days=2), django_capture_on_commit_callbacks)
    (flag,) = reminders_of(ReminderKind.INFORMATION_REQUEST_OVERDUE)
    counts = mails_by_reminder()
    assert counts[(flag.pk, trader.email)] == counts[(flag.pk, request.requested_by.email)] == 1
    assert "overdue" in next(
        m.subject for m in mail.outbox if m.extra_headers["X-Reminder"] == str(flag.pk)
    )


def test_an_answered_request_is_not_reminded(django_capture_on_commit_callbacks):
    with time_machine.travel(at_noon(START), tick=False):
        application = make_application(state=Application.State.INFO_REQUESTED)
        trader_services.application_answer_info(
            application=application,
            actor=application.company.user_links.get().user,
            response="Here is the fleet list.",
        )
    request = InformationRequest.objects.get(application=application)
    sweep_on(request.deadline - dt.timedelta(days=1), django_capture_on_commit_callbacks)
    sweep_on(request.deadline + dt.timedelta(days=1), django_capture_on_commit_callbacks)
    assert not Reminder.objects.filter(
        kind__in=[ReminderKind.INFORMATION_REQUEST_DUE, ReminderKind.INFORMATION_REQUEST_OVERDUE]
    ).exists()


def test_profile_confirmation_counts_from_the_last_confirmation(django_capture_on_commit_callbacks):
    with time_machine.travel(at_noon(START), tick=False):
        membership = make_membership()
    profile = SecurityProfile.objects.filter(company=membership.company).first()
    confirmed = START + dt.timedelta(days=200)
    SecurityProfile.objects.filter(pk=profile.pk).update(confirmed_on=confirmed)
    # 11 months after certification: nothing, the profile was confirmed since.
    sweep_on(
        START + dt.timedelta(days=340),
        django_capture_on_commit_callbacks,
        only=["profile_confirmation"],
    )
    assert not Reminder.objects.exclude(kind__in=EVENT_KINDS).exists()  # no reminder due
    # 11 months after the confirmation: reminded; after 12: flagged overdue, once.
    for days in (337, 340, 366, 367, 400):
        sweep_on(
            confirmed + dt.timedelta(days=days),
            django_capture_on_commit_callbacks,
            only=["profile_confirmation"],
        )
    assert [r.kind for r in Reminder.objects.exclude(kind__in=EVENT_KINDS).order_by("id")] == [
        ReminderKind.PROFILE_CONFIRMATION_DUE,
        ReminderKind.PROFILE_CONFIRMATION_OVERDUE,
    ]
    assert Reminder.objects.first().due_on == dt.date(2027, 9, 18)


def reminder_mails(reminder: Reminder) -> list:
    return [m for m in mail.outbox if m.extra_headers["X-Reminder"] == str(reminder.pk)]


def test_run_sweep_command_sync_and_async(django_capture_on_commit_callbacks):
    with time_machine.travel(at_noon(START), tick=False):
        membership = make_membership()
    day = membership.expires_on - dt.timedelta(days=30)
    with (
        time_machine.travel(at(day, 9), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        out = StringIO()
        call_command("run_sweep", "--sync", "--only", "revalidation", stdout=out)
    assert "revalidation_reminders: 1" in out.getvalue()
    assert "profile_confirmation" not in out.getvalue()
    (reminder,) = reminders_of(ReminderKind.REVALIDATION_DUE)
    assert reminder.status == Reminder.Status.SENT and len(reminder_mails(reminder)) == 2
    sent = len(mail.outbox)
    with (
        time_machine.travel(at(day, 10), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        out = StringIO()
        call_command("run_sweep", stdout=out)  # eager in tests: runs at once
    assert "Sweep enqueued" in out.getvalue()
    assert len(mail.outbox) == sent  # the same day again: nothing more


def test_a_stale_pending_reminder_is_enqueued_again(django_capture_on_commit_callbacks, settings):
    with time_machine.travel(at_noon(START), tick=False):
        membership = make_membership()
    from notifications.services import ReminderDraft, reminders_record_and_enqueue
    from traders.models import Membership

    # Recorded, but the process died before its task was enqueued.
    with time_machine.travel(at_noon(START), tick=False):
        (reminder_id,) = reminders_record_and_enqueue(
            drafts=[
                ReminderDraft(
                    model=Membership,
                    object_id=membership.pk,
                    kind=ReminderKind.REVALIDATION_DUE,
                    due_on=membership.expires_on,
                    days_before=180,
                    recipient_ids=(membership.assigned_officer_id,),
                )
            ]
        )
    assert Reminder.objects.get(pk=reminder_id).status == Reminder.Status.PENDING
    sweep_on(
        START + dt.timedelta(days=1), django_capture_on_commit_callbacks, only=["revalidation"]
    )
    assert Reminder.objects.get(pk=reminder_id).status == Reminder.Status.SENT
    assert mails_by_reminder()[(reminder_id, membership.assigned_officer.email)] == 1

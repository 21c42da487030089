"""Reminders: recorded once, delivered once, in each recipient's language, retried on SMTP
failure and marked failed when the retries are spent; the in-app list of notifications."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from core.models import Role
from notifications import services
from notifications.models import Notification, Reminder, ReminderKind
from tests.factories import CompanyFactory, CompanyUserFactory, UserFactory
from tests.notifications import backends

pytestmark = pytest.mark.django_db


def record(obj, recipients, *, kind=ReminderKind.PROFILE_CONFIRMATION_DUE, days=None):
    return services.reminder_record_and_enqueue(
        obj=obj,
        kind=kind,
        due_on=dt.date(2027, 3, 1),
        days_before=days,
        recipient_ids=[u.pk for u in recipients],
    )


@pytest.fixture
def people(company):
    english = CompanyUserFactory(company=company, user__preferred_language="en").user
    french = CompanyUserFactory(company=company, user__preferred_language="fr").user
    return english, french


def test_a_reminder_is_recorded_once_and_sent_once(
    company, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = record(company, people)
        again = record(company, people)
    assert first is not None and again is None
    assert Reminder.objects.count() == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in people)
    first.refresh_from_db()
    assert first.status == Reminder.Status.SENT and first.sent_at is not None
    assert first.attempts == 1

    services.reminder_deliver(reminder_id=first.pk)  # delivered again: nothing more
    assert len(mail.outbox) == 2


def test_each_recipient_reads_it_in_their_language(
    company, people, django_capture_on_commit_callbacks
):
    english, french = people
    with django_capture_on_commit_callbacks(execute=True):
        record(company, people)
    by_to = {m.to[0]: m for m in mail.outbox}
    assert by_to[english.email].subject.startswith("Confirm the security profile")
    assert by_to[french.email].subject.startswith("Confirmez le profil de sécurité")
    assert "Bonjour" in by_to[french.email].body
    assert "/fr/notifications/" in by_to[french.email].body
    html = by_to[french.email].alternatives[0]
    assert html.mimetype == "text/html" and 'lang="fr"' in html.content
    assert Notification.objects.get(user=french).subject.startswith("Confirmez")
    assert Notification.objects.get(user=english).link == "/en/notifications/"


@override_settings(EMAIL_BACKEND="tests.notifications.backends.RefusingBackend")
def test_smtp_failure_is_retried_then_marked_failed(
    company, people, django_capture_on_commit_callbacks, settings
):
    backends.calls.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reminder = record(company, people)
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.FAILED
    assert reminder.attempts == settings.REMINDER_MAX_RETRIES + 1
    assert len(backends.calls) == settings.REMINDER_MAX_RETRIES + 1
    assert "SMTPServerDisconnected" in reminder.last_error
    assert mail.outbox == []
    # The in-app notifications are there even though the mail server is down.
    assert Notification.objects.filter(reminder=reminder).count() == 2

    out = StringIO()
    call_command("reminders_report", "--failed", stdout=out)
    assert f"#{reminder.pk}" in out.getvalue() and "failed" in out.getvalue()

    # An operator sends it again once the server is back.
    operator = UserFactory(role=Role.ADMINISTRATOR, is_staff=True)
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        with django_capture_on_commit_callbacks(execute=True):
            services.reminder_retry(reminder=reminder, actor=operator)
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.SENT
    assert len(mail.outbox) == 2


@override_settings(EMAIL_BACKEND="tests.notifications.backends.FlakyBackend")
def test_a_retry_does_not_email_again_who_already_got_it(
    company, people, django_capture_on_commit_callbacks
):
    backends.FlakyBackend.sent_to = []
    backends.FlakyBackend.failed_once = False
    with django_capture_on_commit_callbacks(execute=True):
        reminder = record(company, people)
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.SENT
    assert reminder.attempts == 2
    assert sorted(backends.FlakyBackend.sent_to) == sorted(u.email for u in people)


def test_the_task_marks_any_other_error_failed(
    company, people, monkeypatch, django_capture_on_commit_callbacks
):
    reminder = Reminder.objects.create(
        content_type=ContentType.objects.get_for_model(company),
        object_id=company.pk,
        kind="no_such_kind",
        milestone="x",
        due_on=dt.date(2027, 1, 1),
        recipient_ids=[people[0].pk],
    )
    from notifications.tasks import deliver_reminder

    deliver_reminder.apply(args=[reminder.pk])
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.FAILED
    assert "TemplateDoesNotExist" in reminder.last_error


def test_the_report_lists_what_was_sent(company, people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        record(company, people)
    out = StringIO()
    call_command("reminders_report", "--since", "2000-01-01", stdout=out)
    assert "profile_confirmation_due" in out.getvalue() and "sent" in out.getvalue()
    out = StringIO()
    call_command("reminders_report", "--failed", stdout=out)
    assert "No reminders." in out.getvalue()


# --- The in-app list -------------------------------------------------------------------------


def test_a_user_sees_only_their_own_notifications_and_marks_them_read(
    client, company, people, django_capture_on_commit_callbacks
):
    english, french = people
    with django_capture_on_commit_callbacks(execute=True):
        record(company, people)
    url = reverse("notifications:list")
    assert client.get(url).status_code == 302  # sign in first

    client.force_login(english)
    page = client.get(url)
    assert page.status_code == 200
    assert "Confirm the security profile" in page.content.decode()
    assert "Confirmez" not in page.content.decode()

    theirs = Notification.objects.get(user=french)
    client.post(reverse("notifications:read", args=[theirs.pk]))
    theirs.refresh_from_db()
    assert theirs.read_at is None  # another user's: left alone

    mine = Notification.objects.get(user=english)
    assert client.get(reverse("notifications:read", args=[mine.pk])).status_code == 405
    client.post(reverse("notifications:read", args=[mine.pk]))
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_mark_all_read(client, company, people, django_capture_on_commit_callbacks):
    english, _ = people
    with django_capture_on_commit_callbacks(execute=True):
        record(company, people)
        record(CompanyFactory(), [english])
    client.force_login(english)
    client.post(reverse("notifications:read_all"))
    assert not Notification.objects.filter(user=english, read_at__isnull=True).exists()
    assert Notification.objects.filter(read_at__isnull=True).count() == 1  # the French user's


def test_the_list_takes_a_constant_number_of_queries(
    client, company, people, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    english, _ = people
    with django_capture_on_commit_callbacks(execute=True):
        for _n in range(5):
            record(CompanyFactory(), [english])
    client.force_login(english)
    with django_assert_max_num_queries(6):
        client.get(reverse("notifications:list"))


def test_a_batch_fans_out_into_one_delivery_each(company, people):
    from notifications.tasks import enqueue_reminders

    with_ids = [
        services.reminders_record_and_enqueue(
            drafts=[
                services.ReminderDraft(
                    model=type(company),
                    object_id=company.pk,
                    kind=ReminderKind.PROFILE_CONFIRMATION_DUE,
                    due_on=dt.date(2027, 3, day),
                    days_before=None,
                    recipient_ids=(people[0].pk,),
                )
                for day in (1, 2, 3)
            ]
        )
    ][0]
    assert len(with_ids) == 3
    enqueue_reminders.apply(args=[with_ids])
    assert Reminder.objects.filter(status=Reminder.Status.SENT).count() == 3
    assert len(mail.outbox) == 3

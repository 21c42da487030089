"""The staff page of reminders sent and failed: who may open it, its filters and pages,
and sending a failed reminder again."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from core.dates import agency_tz
from notifications.models import Reminder, ReminderKind
from notifications.views import REMINDERS_PER_PAGE

pytestmark = pytest.mark.django_db

LIST = reverse("notifications:reminders")
_milestones = itertools.count()


def ledger(
    company,
    *,
    n,
    status=Reminder.Status.SENT,
    kind=ReminderKind.PROFILE_CONFIRMATION_DUE,
    when=None,
    recipients=(),
    delivered=(),
):
    """``n`` reminders about ``company`` recorded at ``when`` (each a day earlier)."""
    when = when or timezone.now()
    content_type = ContentType.objects.get_for_model(company)
    return [
        Reminder.objects.create(
            content_type=content_type,
            object_id=company.pk,
            kind=kind,
            milestone=f"test/{next(_milestones)}",
            due_on=dt.date(2027, 3, 1),
            recipient_ids=[u.pk for u in recipients],
            delivered_to=[u.pk for u in delivered],
            status=status,
            attempts=4 if status == Reminder.Status.FAILED else 1,
            last_error="SMTPServerDisconnected: gone" if status == Reminder.Status.FAILED else "",
            created_at=when - dt.timedelta(days=i),
        )
        for i in range(n)
    ]


def listed(response):
    return [r.pk for r in response.context["page"].object_list]


@pytest.mark.parametrize(
    ("who", "status"),
    [("trader", 404), ("partner", 404), ("officer", 200), ("manager", 200), ("administrator", 200)],
)
def test_only_staff_open_the_page(client, actors, who, status):
    client.force_login(actors[who])
    assert client.get(LIST).status_code == status


def test_anonymous_visitors_sign_in_first(client):
    response = client.get(LIST)
    assert response.status_code == 302 and "next=" in response.url


def test_lists_sent_and_failed_newest_first_and_filters(client, officer, company):
    sent = ledger(company, n=2)
    failed = ledger(company, n=1, status=Reminder.Status.FAILED, kind=ReminderKind.ACTION_PLAN_DUE)
    pending = ledger(company, n=1, status=Reminder.Status.PENDING)
    client.force_login(officer)

    response = client.get(LIST)
    assert listed(response) == [failed[0].pk, sent[0].pk, sent[1].pk]  # not the pending one
    page = response.content.decode()
    assert "SMTPServerDisconnected: gone" in page
    assert page.count("/retry/") == 1  # a button for the failed one only

    assert listed(client.get(LIST, {"status": "failed"})) == [failed[0].pk]
    assert listed(client.get(LIST, {"status": "pending"})) == [pending[0].pk]
    assert listed(client.get(LIST, {"kind": ReminderKind.ACTION_PLAN_DUE})) == [failed[0].pk]
    yesterday = (timezone.now().astimezone(agency_tz()) - dt.timedelta(days=1)).date()
    assert listed(client.get(LIST, {"recorded_to": yesterday.isoformat()})) == [sent[1].pk]
    assert len(listed(client.get(LIST, {"recorded_from": yesterday.isoformat()}))) == 3
    # A filter that does not parse is ignored, not an error.
    response = client.get(LIST, {"status": "bogus", "recorded_from": "soon"})
    assert response.status_code == 200 and len(listed(response)) == 3


def test_pages_keep_the_filters(client, manager, company):
    ledger(company, n=REMINDERS_PER_PAGE + 5)
    client.force_login(manager)
    first = client.get(LIST, {"status": "sent"})
    assert len(listed(first)) == REMINDERS_PER_PAGE
    assert "?status=sent&amp;page=2" in first.content.decode()
    assert len(listed(client.get(LIST, {"status": "sent", "page": 2}))) == 5


def test_a_failed_reminder_is_sent_again_to_whoever_was_not_e_mailed(
    client, officer, company, trader, other_trader, django_capture_on_commit_callbacks
):
    (reminder,) = ledger(
        company,
        n=1,
        status=Reminder.Status.FAILED,
        recipients=[trader, other_trader],
        delivered=[other_trader],
    )
    client.force_login(officer)
    back = f"{LIST}?status=failed"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("notifications:reminder_retry", args=[reminder.pk]), {"next": back}
        )
    assert response.status_code == 302 and response.url == back
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.SENT and reminder.last_error == ""
    assert [m.to for m in mail.outbox] == [[trader.email]]
    assert "is being sent again" in client.get(back).content.decode()

    # Sent now: sending it again is refused, and nothing more goes out.
    response = client.post(
        reverse("notifications:reminder_retry", args=[reminder.pk]),
        {"next": "https://evil.example/"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == LIST
    assert "Only a failed reminder can be sent again." in response.content.decode()
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("who", ["trader", "partner"])
def test_only_staff_send_a_reminder_again(client, actors, company, who):
    (reminder,) = ledger(company, n=1, status=Reminder.Status.FAILED)
    client.force_login(actors[who])
    response = client.post(reverse("notifications:reminder_retry", args=[reminder.pk]))
    assert response.status_code == 404
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.FAILED


def test_retry_is_post_only(client, officer, company):
    (reminder,) = ledger(company, n=1, status=Reminder.Status.FAILED)
    client.force_login(officer)
    assert (
        client.get(reverse("notifications:reminder_retry", args=[reminder.pk])).status_code == 405
    )

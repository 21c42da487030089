"""The reminders' ledger through the API: agency staff see what the scheduler sent and what
failed, filter it like the staff page, and send a failed reminder again."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from config.celery_app import app
from notifications.models import Reminder, ReminderKind
from tests.notifications.test_staff_reminders import ledger

URL = "/api/v1/reminders/"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def celery_eager():
    """A reminder sent again is delivered in the test's process (the broker is tested with
    a real worker in tests/revalidation/test_sweep_on_a_real_worker.py)."""
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def _ids(response) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


@pytest.mark.parametrize(
    ("who", "expected"),
    [("officer", 200), ("manager", 200), ("administrator", 200), ("trader", 403), ("partner", 403)],
)
def test_only_agency_staff_read_the_ledger(api, actors, company, who, expected):
    ledger(company, n=1)
    assert api(actors[who]).get(URL).status_code == expected


def test_anonymous_callers_must_sign_in(api, company):
    ledger(company, n=1)
    response = api(None).get(URL)
    assert response.status_code == 401
    assert set(response.json()) == {"code", "message", "details"}


def test_sent_and_failed_newest_first_and_filters(api, officer, company):
    now = timezone.now()
    sent = ledger(company, n=2, when=now)
    (failed,) = ledger(
        company,
        n=1,
        status=Reminder.Status.FAILED,
        kind=ReminderKind.ACTION_PLAN_DUE,
        when=now - dt.timedelta(days=5),
    )
    ledger(company, n=1, status=Reminder.Status.PENDING, when=now)  # on its way: not listed
    client = api(officer)

    everything = client.get(URL)
    assert _ids(everything) == [sent[0].pk, sent[1].pk, failed.pk]
    row = everything.json()["results"][2]
    assert row["status"] == "failed" and row["about"] == "company"
    assert row["last_error"] == "SMTPServerDisconnected: gone"

    assert _ids(client.get(URL, {"status": "failed"})) == [failed.pk]
    assert _ids(client.get(URL, {"kind": ReminderKind.ACTION_PLAN_DUE})) == [failed.pk]
    today = timezone.localdate(now)
    recent = client.get(URL, {"recorded_from": (today - dt.timedelta(days=1)).isoformat()})
    assert _ids(recent) == [sent[0].pk, sent[1].pk]


def test_bad_filters_are_named(api, officer):
    response = api(officer).get(
        URL, {"status": "lost", "recorded_from": "2026-05-02", "recorded_to": "2026-05-01"}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "status" in response.json()["details"]
    swapped = api(officer).get(URL, {"recorded_from": "2026-05-02", "recorded_to": "2026-05-01"})
    assert swapped.status_code == 400
    assert "recorded_to" in swapped.json()["details"]


def test_a_failed_reminder_is_sent_again(
    api, officer, company, trader, django_capture_on_commit_callbacks
):
    (reminder,) = ledger(company, n=1, status=Reminder.Status.FAILED, recipients=[trader])
    with django_capture_on_commit_callbacks(execute=True):
        response = api(officer).post(f"{URL}{reminder.pk}/retry/")
    assert response.status_code == 200, response.content
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.SENT
    assert [m.to for m in mail.outbox] == [[trader.email]]


def test_only_a_failed_reminder_is_sent_again(api, officer, company):
    (reminder,) = ledger(company, n=1, status=Reminder.Status.SENT)
    response = api(officer).post(f"{URL}{reminder.pk}/retry/")
    assert response.status_code == 409
    assert response.json()["message"] == "Only a failed reminder can be sent again."
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.SENT


def test_a_trader_cannot_send_one_again(api, trader, company):
    (reminder,) = ledger(company, n=1, status=Reminder.Status.FAILED)
    assert api(trader).post(f"{URL}{reminder.pk}/retry/").status_code == 403
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.FAILED


def test_an_unknown_reminder_is_not_found(api, officer):
    assert api(officer).post(f"{URL}999999/retry/").status_code == 404

"""A delivery that meets a busy database (SQLite's "database is locked", when another process
holds the write lock past the busy timeout) is tried again within seconds and then sent: it is
neither marked failed nor left for the sweep's requeue hours later."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
import time

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import connection

from notifications.models import Reminder, ReminderKind
from notifications.tasks import database_retry_delay, deliver_reminder
from tests.factories import CompanyFactory, CompanyUserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_retries_come_within_seconds(settings):
    delays = [database_retry_delay(n) for n in range(settings.REMINDER_MAX_RETRIES + 1)]
    assert delays[0] == 1 and delays == sorted(delays)
    assert max(delays) <= settings.DATABASE_RETRY_MAX_SECONDS <= 60


@pytest.fixture
def short_busy_timeout():
    """This connection waits 0.2 s for the write lock instead of 20 s, so that the test meets
    "database is locked" quickly; the next test gets the usual connection back."""
    options = connection.settings_dict.setdefault("OPTIONS", {})
    before = options.get("timeout")
    connection.close()
    options["timeout"] = 0.2
    yield
    connection.close()
    options["timeout"] = before


def test_a_delivery_waits_out_another_process_holding_the_lock(short_busy_timeout):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's database-wide write lock (PostgreSQL locks rows: test_concurrency)")
    company = CompanyFactory()
    people = [CompanyUserFactory(company=company).user for _ in range(2)]
    reminder = Reminder.objects.create(
        content_type=ContentType.objects.get_for_model(company),
        object_id=company.pk,
        kind=ReminderKind.PROFILE_CONFIRMATION_DUE,
        milestone="2027-03-01",
        due_on=dt.date(2027, 3, 1),
        recipient_ids=[u.pk for u in people],
    )

    # Another process (a sweep, the web server) holds the write lock for 0.5 s.
    other = sqlite3.connect(
        connection.settings_dict["NAME"], isolation_level=None, check_same_thread=False
    )
    other.execute("BEGIN IMMEDIATE")
    released = threading.Event()

    def release_later() -> None:
        time.sleep(0.5)
        other.execute("COMMIT")
        released.set()

    holder = threading.Thread(target=release_later)
    holder.start()
    try:
        result = deliver_reminder.apply(args=[reminder.pk])  # retries run at once, eagerly
    finally:
        holder.join(timeout=10)
        other.close()
    assert released.is_set()

    reminder.refresh_from_db()
    assert result.state == "SUCCESS", result.result
    assert reminder.status == Reminder.Status.SENT
    assert reminder.attempts == 1  # the attempts the lock refused wrote nothing
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in people)

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.core import mail

from core.dates import agency_tz
from notifications.models import Reminder


def at_noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=agency_tz())


def at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=agency_tz())


def mails_by_reminder() -> Counter[tuple[int, str]]:
    """(reminder id, address) of every e-mail sent so far, counted."""
    return Counter((int(m.extra_headers["X-Reminder"]), m.to[0]) for m in mail.outbox)


def reminders_of(kind: str) -> list[Reminder]:
    return list(Reminder.objects.filter(kind=kind).order_by("created_at", "id"))

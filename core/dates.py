"""Dates of the lifecycle are dates in the agency's time zone, computed here and only here."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

MEMBERSHIP_YEARS = 4
APPEAL_WINDOW_DAYS = 30


def agency_tz() -> ZoneInfo:
    return ZoneInfo(settings.AGENCY_TIME_ZONE)


def agency_today() -> dt.date:
    """Today's date in Ottawa, whatever the server's clock zone."""
    return timezone.now().astimezone(agency_tz()).date()


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def membership_expiry(start: dt.date) -> dt.date:
    return add_years(start, MEMBERSHIP_YEARS)

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


def agency_date(moment: dt.datetime) -> dt.date:
    """The date of ``moment`` in Ottawa (an aware datetime, as stored)."""
    return moment.astimezone(agency_tz()).date()


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def membership_expiry(start: dt.date) -> dt.date:
    return add_years(start, MEMBERSHIP_YEARS)


def membership_renewal_expiry(*, renewed_on: dt.date, validated_on: dt.date) -> dt.date:
    """A renewed membership runs four years from the renewal decision, and never more than
    four years after the site validation it rests on: terms do not stack (revalidation is
    at least once every four years)."""
    return add_years(min(renewed_on, validated_on), MEMBERSHIP_YEARS)

"""The renewal term, over any dates: four years from the renewal decision, never more than
four years after the site validation behind it, 29 February kept only in a leap year."""

from __future__ import annotations

import calendar
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from core.dates import agency_date, membership_renewal_expiry

DAYS = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2196, 12, 31))
LEAP_DAYS = (
    st.integers(min_value=2000, max_value=2196)
    .filter(calendar.isleap)
    .map(lambda year: dt.date(year, 2, 29))
)
ANY_DAY = st.one_of(DAYS, LEAP_DAYS)


@given(renewed_on=ANY_DAY, validated_on=ANY_DAY)
@example(renewed_on=dt.date(2096, 2, 29), validated_on=dt.date(2096, 3, 1))
@example(renewed_on=dt.date(2026, 5, 1), validated_on=dt.date(2026, 4, 10))
def test_the_term_runs_four_years_from_the_earlier_of_renewal_and_validation(
    renewed_on, validated_on
):
    start = min(renewed_on, validated_on)
    expiry = membership_renewal_expiry(renewed_on=renewed_on, validated_on=validated_on)

    assert expiry.year == start.year + 4
    if (start.month, start.day) == (2, 29) and not calendar.isleap(start.year + 4):
        assert (expiry.month, expiry.day) == (2, 28)
    else:
        assert (expiry.month, expiry.day) == (start.month, start.day)
    # Never more than four years (1461 days) after the validation, nor after the decision.
    assert (expiry - validated_on).days <= 1461
    assert (expiry - renewed_on).days <= 1461


@pytest.mark.parametrize(
    ("start", "expiry"),
    [
        (dt.date(2028, 2, 29), dt.date(2032, 2, 29)),
        (dt.date(2096, 2, 29), dt.date(2100, 2, 28)),  # 2100 is not a leap year
        (dt.date(2026, 12, 8), dt.date(2030, 12, 8)),
    ],
)
def test_leap_days(start, expiry):
    assert membership_renewal_expiry(renewed_on=start, validated_on=start) == expiry


def test_a_renewal_does_not_stack_on_the_old_term():
    """Revalidated in 2026 on a membership that expires in 2030: valid until 2030, not 2034."""
    assert membership_renewal_expiry(
        renewed_on=dt.date(2026, 6, 15), validated_on=dt.date(2026, 6, 1)
    ) == dt.date(2030, 6, 1)


@pytest.mark.parametrize(
    ("moment", "day"),
    [
        # 02:30 UTC on 1 March is still 28 February in Ottawa (EST, UTC-5).
        (dt.datetime(2027, 3, 1, 2, 30, tzinfo=dt.UTC), dt.date(2027, 2, 28)),
        (dt.datetime(2027, 3, 1, 5, 0, tzinfo=dt.UTC), dt.date(2027, 3, 1)),
        # Summer time: UTC-4.
        (dt.datetime(2027, 7, 1, 3, 59, tzinfo=dt.UTC), dt.date(2027, 6, 30)),
        (dt.datetime(2027, 7, 1, 0, 30, tzinfo=ZoneInfo("America/Toronto")), dt.date(2027, 7, 1)),
    ],
)
def test_agency_date(moment, day):
    assert agency_date(moment) == day

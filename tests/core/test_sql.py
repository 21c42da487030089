"""core.sql: the SQL that differs between PostgreSQL and SQLite gives the same answer on
both (CI runs this file on each)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import models

from core.models import User
from core.sql import Median
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC)


def _users_joined(days: list[int]) -> None:
    for d in days:
        UserFactory(date_joined=T0 + dt.timedelta(days=d, microseconds=d * 1000))


def _median(**filters: object) -> dt.datetime | None:
    return User.objects.filter(**filters).aggregate(
        m=Median("date_joined", output_field=models.DateTimeField())
    )["m"]


def test_median_of_an_odd_count_is_the_middle_value():
    _users_joined([40, 3, 10])
    assert _median() == T0 + dt.timedelta(days=10, microseconds=10_000)


def test_median_of_an_even_count_is_the_lower_middle_value():
    _users_joined([1, 40, 3, 10])
    assert _median() == T0 + dt.timedelta(days=3, microseconds=3000)


def test_median_of_nothing_is_none_and_nulls_are_left_out():
    assert _median() is None
    _users_joined([5, 7])
    User.objects.filter(date_joined=T0 + dt.timedelta(days=7, microseconds=7000)).update(
        last_login=T0
    )
    assert (
        User.objects.aggregate(m=Median("last_login", output_field=models.DateTimeField()))["m"]
        == T0
    )


def test_median_per_group():
    _users_joined([1, 2, 3])
    User.objects.filter(date_joined__gte=T0 + dt.timedelta(days=2)).update(is_staff=True)
    rows = {
        row["is_staff"]: row["m"]
        for row in User.objects.order_by()
        .values("is_staff")
        .annotate(m=Median("date_joined", output_field=models.DateTimeField()))
    }
    assert rows[False] == T0 + dt.timedelta(days=1, microseconds=1000)
    assert rows[True] == T0 + dt.timedelta(days=2, microseconds=2000)

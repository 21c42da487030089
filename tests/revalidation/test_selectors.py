"""Who sees which cycle, and the lists of what needs attention."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from core.dates import agency_today
from revalidation import selectors, services
from revalidation.models import RevalidationCycle
from tests.factories import make_membership
from tests.revalidation.factories import make_cycle

pytestmark = pytest.mark.django_db

S = RevalidationCycle.State


def at(day: dt.date) -> time_machine.travel:
    noon = dt.datetime.combine(day, dt.time(12), tzinfo=ZoneInfo("America/Toronto"))
    return time_machine.travel(noon, tick=False)


@pytest.fixture
def cycle(company, trader):
    return make_cycle(membership=make_membership(company=company))


@pytest.mark.parametrize(
    ("actor_name", "sees"),
    [
        ("trader", True),
        ("other_trader", False),
        ("officer", True),
        ("manager", True),
        ("administrator", True),
        ("partner", False),
    ],
)
def test_list_for_is_scoped_to_the_user(actors, cycle, actor_name, sees):
    visible = list(selectors.revalidation_list_for(user=actors[actor_name]))
    assert visible == ([cycle] if sees else [])


def test_list_for_anonymous_is_empty(cycle):
    assert not selectors.revalidation_list_for(user=AnonymousUser()).exists()
    assert not selectors.revalidation_list_for(user=None).exists()


def test_other_trader_cannot_reach_the_cycle_by_id(cycle, other_trader):
    assert not selectors.revalidation_list_for(user=other_trader).filter(pk=cycle.pk).exists()


def test_due_list_window(company, trader, other_company, other_trader, officer):
    soon = make_cycle(membership=make_membership(company=company))
    done = make_cycle(
        membership=make_membership(company=other_company), state=S.COMPLETED, officer=officer
    )
    due_on = soon.due_on
    assert done.due_on == due_on  # both certified today: same expiry

    with at(due_on - dt.timedelta(days=100)):
        assert list(selectors.revalidation_due_list(within_days=180)) == [soon]
        assert list(selectors.revalidation_due_list(within_days=99)) == []
    with at(due_on + dt.timedelta(days=1)):
        # Overdue and not yet lapsed: still needs attention (the lapse sweep).
        assert list(selectors.revalidation_due_list(within_days=0)) == [soon]
        services.revalidation_lapse(cycle=soon)
        assert list(selectors.revalidation_due_list(within_days=0)) == []


def test_unopened_list_is_the_scheduler_worklist(company, trader):
    membership = make_membership(company=company)
    with at(agency_today() + dt.timedelta(days=365)):
        make_membership()  # expires a year later: outside every window below
    with at(membership.expires_on - dt.timedelta(days=180)):
        assert list(selectors.revalidation_unopened_list(within_days=180)) == [membership]
        assert list(selectors.revalidation_unopened_list(within_days=179)) == []
        cycle = services.revalidation_open(membership=membership)
        assert list(selectors.revalidation_unopened_list(within_days=180)) == []
    with at(membership.expires_on + dt.timedelta(days=1)):
        assert list(selectors.revalidation_unopened_list(within_days=0)) == []
        services.revalidation_lapse(cycle=cycle)
        assert list(selectors.revalidation_unopened_list(within_days=0)) == []


def test_lists_take_one_query(django_assert_num_queries, company, trader):
    for _ in range(3):
        make_cycle(membership=make_membership())
    horizon = 5 * 366
    with django_assert_num_queries(1):
        rows = [
            (c.membership.member_number, str(c.company), c.due_on)
            for c in selectors.revalidation_due_list(within_days=horizon)
        ]
    assert len(rows) == 3
    with django_assert_num_queries(1):
        rows = [
            (m.member_number, str(m.company))
            for m in selectors.revalidation_unopened_list(within_days=horizon)
        ]
    assert rows == []


def test_negative_window_is_refused():
    with pytest.raises(ValidationError):
        selectors.revalidation_due_list(within_days=-1)

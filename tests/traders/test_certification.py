"""Certification: one membership per programme, member numbers, certification and expiry
dates (in Ottawa's calendar)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from core.dates import agency_today, membership_expiry
from tests.factories import make_application
from tests.traders.factories import audit_events_for, small_catalogue_load
from traders import services
from traders.models import Application, Membership

pytestmark = pytest.mark.django_db

BOTH = Application.ProgrammeChoice.BOTH


@pytest.fixture(autouse=True)
def _small_catalogue(db):
    small_catalogue_load()


def _validated(company, manager, programme=Application.ProgrammeChoice.PIP) -> Application:
    return make_application(
        state=Application.State.VALIDATED, company=company, manager=manager, programme=programme
    )


def test_pip_and_csa_application_gives_two_memberships(company, manager):
    app = _validated(company, manager, BOTH)

    services.application_certify(application=app, actor=manager, note="Welcome.")

    memberships = {m.programme: m for m in Membership.objects.filter(application=app)}
    assert set(memberships) == {"PIP", "CSA"}
    today = agency_today()
    for programme, membership in memberships.items():
        assert re.fullmatch(rf"{programme}\d{{7}}", membership.member_number)
        assert membership.company == company
        assert membership.state == Membership.State.ACTIVE
        assert membership.certified_on == today
        assert membership.expires_on == membership_expiry(today)  # exact dates: see below
        assert membership.assigned_officer == app.assigned_officer
        (event,) = audit_events_for(membership)
        assert (event.action, event.to_state, event.actor, event.note) == (
            "certify",
            "active",
            manager,
            "Welcome.",
        )


def test_member_numbers_are_unique_and_consecutive_per_programme(company, manager):
    numbers = []
    for programme in ("PIP", BOTH, "PIP", "CSA"):
        app = _validated(company, manager, programme)
        services.application_certify(application=app, actor=manager)
        numbers += [
            m.member_number
            for m in Membership.objects.filter(application=app).order_by("programme")
        ]

    assert len(numbers) == len(set(numbers)) == 5
    assert all(re.fullmatch(r"(PIP|CSA)\d{7}", n) for n in numbers)
    for programme in ("PIP", "CSA"):
        mine = [int(n[3:]) for n in numbers if n.startswith(programme)]
        assert len(mine) == {"PIP": 3, "CSA": 2}[programme]
        assert mine == list(range(mine[0], mine[0] + len(mine))), "no gaps, no repeats"


@pytest.mark.parametrize(
    ("moment", "certified_on", "expires_on"),
    [
        (
            dt.datetime(2028, 2, 29, 17, 0, tzinfo=dt.UTC),
            dt.date(2028, 2, 29),
            dt.date(2032, 2, 29),
        ),
        # 03:00 UTC on 1 March is still 29 February in Ottawa.
        (dt.datetime(2028, 3, 1, 3, 0, tzinfo=dt.UTC), dt.date(2028, 2, 29), dt.date(2032, 2, 29)),
        # 2100 is not a leap year: the fourth anniversary of 29 February 2096 is 28 February.
        (
            dt.datetime(2096, 2, 29, 17, 0, tzinfo=dt.UTC),
            dt.date(2096, 2, 29),
            dt.date(2100, 2, 28),
        ),
        (
            dt.datetime(2027, 1, 1, 2, 0, tzinfo=dt.UTC),
            dt.date(2026, 12, 31),
            dt.date(2030, 12, 31),
        ),
    ],
    ids=["leap-day", "leap-day-evening-in-ottawa", "leap-day-to-2100", "new-years-eve-in-ottawa"],
)
def test_certification_and_expiry_dates(
    moment, certified_on, expires_on, company, manager, time_machine
):
    app = _validated(company, manager, BOTH)
    time_machine.move_to(moment, tick=False)

    services.application_certify(application=app, actor=manager)

    for membership in Membership.objects.filter(application=app):
        assert (membership.certified_on, membership.expires_on) == (certified_on, expires_on)


def test_application_references_follow_ottawas_year(company, time_machine):
    """Reference numbers carry the year of the agency's calendar and never repeat."""
    time_machine.move_to(
        dt.datetime(2027, 1, 1, 2, 0, tzinfo=dt.UTC), tick=False
    )  # 31 Dec in Ottawa
    late = [make_application(company=company).reference for _ in range(2)]
    time_machine.move_to(dt.datetime(2027, 1, 1, 6, 0, tzinfo=dt.UTC), tick=False)
    early = make_application(company=company).reference

    assert all(re.fullmatch(r"APP-2026-\d{6}", ref) for ref in late)
    assert re.fullmatch(r"APP-2027-\d{6}", early)
    assert int(late[1][-6:]) == int(late[0][-6:]) + 1
    assert len({*late, early}) == 3

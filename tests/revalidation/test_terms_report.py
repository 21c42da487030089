"""``manage.py membership_terms_report``: the memberships whose expiry runs more than four
years past the decision that set it (terms stacked by renewals made before the rule), listed
for a manager, with what the expiry should be at most. It changes nothing."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection

from core.models import AuditEvent
from revalidation import services
from revalidation.models import RevalidationCycle
from tests.factories import CompanyFactory, make_membership
from tests.revalidation.factories import make_cycle, site_validation_pass
from traders.models import Membership

pytestmark = pytest.mark.django_db

OTTAWA = ZoneInfo("America/Toronto")


def at(day: dt.date) -> time_machine.travel:
    return time_machine.travel(dt.datetime.combine(day, dt.time(12), tzinfo=OTTAWA), tick=False)


def _legacy_expiry(membership: Membership, expires_on: dt.date) -> None:
    """What the renewal that stacked terms wrote, before this rule (the model refuses the
    change; the old code's rows are in the database all the same)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Membership._meta.db_table} SET expires_on = %s WHERE id = %s",  # noqa: S608  # table name from the model
            [expires_on, membership.pk],
        )


def _report() -> tuple[str, str | None]:
    out = StringIO()
    try:
        call_command("membership_terms_report", stdout=out)
    except CommandError as error:
        return out.getvalue(), str(error)
    return out.getvalue(), None


@pytest.fixture
def renewed(officer):
    """Certified on 8 December 2026, visited on 10 March 2030, renewed on 12 April 2030:
    valid until 10 March 2034."""
    with at(dt.date(2026, 12, 8)):
        membership = make_membership(company=CompanyFactory(legal_name="Stacked Freight"))
    with at(dt.date(2030, 3, 1)):
        cycle = make_cycle(
            membership=membership, state=RevalidationCycle.State.VALIDATION_SCHEDULED
        )
    with at(dt.date(2030, 3, 10)):
        site_validation_pass(validation=cycle.site_validation, officer=officer)
    with at(dt.date(2030, 4, 12)):
        services.revalidation_complete(cycle=cycle, actor=officer)
    membership.refresh_from_db()
    assert membership.expires_on == dt.date(2034, 3, 10)
    return membership


def test_nothing_to_report_on_terms_set_by_the_rule(renewed):
    make_membership()  # certified today, four years

    out, error = _report()

    assert error is None
    assert "No membership runs more than four years past its last decision." in out


def test_stacked_terms_are_listed_with_what_they_should_be_and_left_alone(renewed, company):
    # The old renewal: four years from the previous expiry (2030-12-08 + 4).
    _legacy_expiry(renewed, dt.date(2034, 12, 8))
    # A certification whose expiry was typed by hand: five years.
    with at(dt.date(2026, 12, 1)):
        typed = make_membership(company=company)
    _legacy_expiry(typed, dt.date(2031, 12, 1))
    fine = make_membership()
    events = AuditEvent.objects.count()

    out, error = _report()

    assert error == "2 memberships expire later than the four-year rule allows."
    header, *rows = out.strip().splitlines()
    assert header.split("\t") == [
        "id",
        "member number",
        "company",
        "state",
        "expires on",
        "at most",
    ]
    assert [row.split("\t") for row in rows] == [
        [
            str(typed.pk),
            typed.member_number,
            company.legal_name,
            "active",
            "2031-12-01",
            "2030-12-01",
        ],
        # Four years from the visit of 10 March 2030, not from the renewal a month later.
        [
            str(renewed.pk),
            renewed.member_number,
            "Stacked Freight",
            "active",
            "2034-12-08",
            "2034-03-10",
        ],
    ]
    assert fine.member_number not in out
    # Legal dates are not rewritten, and nothing is recorded as done to them.
    assert Membership.objects.get(pk=renewed.pk).expires_on == dt.date(2034, 12, 8)
    assert Membership.objects.get(pk=typed.pk).expires_on == dt.date(2031, 12, 1)
    assert AuditEvent.objects.count() == events


def test_one_membership_reported_in_the_singular(renewed):
    _legacy_expiry(renewed, dt.date(2034, 12, 8))

    _out, error = _report()

    assert error == "1 membership expires later than the four-year rule allows."

"""The lists' filters: memberships by expiry, state and programme; applications by state and
assigned officer, and their pages."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from core.dates import agency_today
from tests.factories import make_application, make_membership
from tests.validations.factories import at_noon
from traders.models import Application, Membership

V1 = "/api/v1"


@pytest.fixture
def memberships_by_expiry(company):
    """Three memberships certified on different days; the test then runs on a day when they
    expire in 10 days, in 100 days, and (suspended) in 5 days."""
    base = agency_today()

    def certified_on(day: dt.date, **kwargs) -> Membership:
        with time_machine.travel(at_noon(day), tick=False):
            return make_membership(company=company, **kwargs)

    memberships = {
        "soon": certified_on(base + dt.timedelta(days=100)),
        "later": certified_on(base + dt.timedelta(days=190), programme="CSA"),
        "suspended": certified_on(base + dt.timedelta(days=95), state=Membership.State.SUSPENDED),
    }
    query_day = memberships["soon"].expires_on - dt.timedelta(days=10)
    with time_machine.travel(at_noon(query_day), tick=False):
        yield memberships


def test_memberships_filters(api, officer, memberships_by_expiry):
    m = memberships_by_expiry
    client = api(officer)

    def ids(**params) -> set[int]:
        response = client.get(f"{V1}/memberships/", params)
        assert response.status_code == 200, response.json()
        assert {"count", "next", "previous", "results"} <= set(response.json())
        return {row["id"] for row in response.json()["results"]}

    assert m["soon"].expires_on == agency_today() + dt.timedelta(days=10)
    assert ids(expiring_within_days=30) == {m["soon"].pk}
    assert ids(expiring_within_days=100) == {m["soon"].pk, m["later"].pk}
    assert ids(expiring_within_days=9) == set()
    assert ids(state="suspended") == {m["suspended"].pk}
    assert ids(programme="CSA") == {m["later"].pk}
    bad = client.get(f"{V1}/memberships/", {"expiring_within_days": "-1"})
    assert bad.status_code == 400 and "expiring_within_days" in bad.json()["details"]


def test_applications_filters_and_pagination(api, officer, manager, company, settings):
    draft = make_application(state=Application.State.DRAFT, company=company)
    reviewed = make_application(
        state=Application.State.UNDER_REVIEW, company=company, officer=officer
    )
    client = api(manager)

    def ids(**params) -> set[int]:
        response = client.get(f"{V1}/applications/", params)
        assert response.status_code == 200, response.json()
        return {row["id"] for row in response.json()["results"]}

    assert ids(state="draft") == {draft.pk}
    assert ids(assigned_officer=officer.pk) == {reviewed.pk}
    assert ids(state="under_review", assigned_officer=manager.pk) == set()
    page = client.get(f"{V1}/applications/", {"page": 99})
    assert page.status_code == 404 and page.json()["code"] == "not_found"

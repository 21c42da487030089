"""The company's incidents on the portal: listed on the home page for the company the trader
acts for and on each membership's page with the plan issued after them, in a constant
number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.dates import agency_today
from tests.factories import make_membership, trader_of
from tests.validations.factories import make_incident
from validations.models import Incident
from validations.services import action_plan_issue

pytestmark = pytest.mark.django_db


def _html(response) -> str:
    return response.content.decode()


def test_reported_incidents_are_listed_for_the_acting_company(
    client, company, other_company, officer
):
    membership = make_membership(company=company)
    client.force_login(trader_of(company))
    client.post(
        "/en/portal/incidents/new/",
        {
            "occurred_on": (agency_today() - dt.timedelta(days=1)).isoformat(),
            "description": "A seal on trailer 42 was found broken at the Halifax gate.",
        },
    )
    incident = Incident.objects.get(company=company)
    make_incident(company=other_company, officer=officer)  # not theirs
    home = _html(client.get("/en/portal/"))
    assert "A seal on trailer 42 was found broken" in home
    assert "A trailer seal was found broken at the yard." not in home
    assert "Reported" in home
    # Company-wide, it also shows on each membership's page, with the plan issued after it.
    plan = action_plan_issue(
        company=company,
        actor=officer,
        source_incident=incident,
        items=[{"measure": "Rekey the gate.", "deadline": agency_today() + dt.timedelta(days=30)}],
    )
    page = _html(client.get(f"/en/portal/memberships/{membership.pk}/"))
    row = page.split("A seal on trailer 42", 1)[1].split("</tr>", 1)[0]
    assert f'href="/en/portal/action-plans/{plan.pk}/"' in row


def test_the_incident_list_costs_the_same_queries_however_many(client, company, officer):
    make_membership(company=company)
    client.force_login(trader_of(company))

    def add_incident_with_plan() -> None:
        incident = make_incident(company=company, officer=officer)
        action_plan_issue(
            company=company,
            actor=officer,
            source_incident=incident,
            items=[{"measure": "Fix it.", "deadline": agency_today() + dt.timedelta(days=30)}],
        )

    add_incident_with_plan()
    client.get("/en/portal/")  # warm the session and the content types
    with CaptureQueriesContext(connection) as one:
        client.get("/en/portal/")
    for _ in range(3):
        add_incident_with_plan()
    with CaptureQueriesContext(connection) as four:
        html = _html(client.get("/en/portal/"))
    assert html.count("A trailer seal was found broken at the yard.") == 4
    assert len(four) == len(one)

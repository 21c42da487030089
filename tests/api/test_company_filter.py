"""``?company=<id>`` on the lists: a trader's token sees all of the trader's companies at
once, and a client narrows a list to one of them. Another company's id gives nothing of
theirs; a non-integer is a 400 in the one error shape."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.dates import agency_today
from tests.factories import CompanyFactory, CompanyUserFactory, make_membership
from tests.revalidation.factories import make_cycle
from tests.validations.factories import make_action_plan, make_incident, make_site_validation
from traders import services as trader_services
from traders.models import ChangeNotice

V1 = "/api/v1"
LISTS = (
    "applications",
    "memberships",
    "site-validations",
    "action-plans",
    "revalidations",
    "change-notices",
    "incidents",
)


def _fill(company, *, officer, manager, trader) -> None:
    """One object (at least) of every list, for ``company``."""
    membership = make_membership(company=company, manager=manager)
    make_cycle(membership=make_membership(company=company, manager=manager), officer=officer)
    make_site_validation(company=company, officer=officer)
    make_action_plan(company=company, officer=officer)
    make_incident(company=company, officer=officer)
    trader_services.change_notice_submit(
        company=company,
        actor=trader,
        kind=ChangeNotice.Kind.CONTACTS,
        description="New security manager.",
        effective_on=agency_today(),
        membership=membership,
    )


@pytest.fixture
def world(trader, company, other_company, other_trader, officer, manager):
    """The trader acts for ``company`` and ``second``; ``other_company`` is someone else's."""
    second = CompanyFactory()
    CompanyUserFactory(company=second, user=trader)
    for each, actor in ((company, trader), (second, trader), (other_company, other_trader)):
        _fill(each, officer=officer, manager=manager, trader=actor)
    return {"first": company, "second": second, "other": other_company}


def _companies(response) -> set[int]:
    assert response.status_code == 200, response.json()
    return {row["company"] for row in response.json()["results"]}


@pytest.mark.parametrize("resource", LISTS)
def test_a_trader_narrows_a_list_to_one_of_their_companies(api, trader, world, resource):
    client = api(trader)
    first, second, other = world["first"].pk, world["second"].pk, world["other"].pk
    assert _companies(client.get(f"{V1}/{resource}/")) == {first, second}
    assert _companies(client.get(f"{V1}/{resource}/", {"company": first})) == {first}
    assert _companies(client.get(f"{V1}/{resource}/", {"company": second})) == {second}
    # The other company's rows exist, but not for this caller: an empty list.
    theirs = client.get(f"{V1}/{resource}/", {"company": other})
    assert theirs.status_code == 200 and theirs.json()["count"] == 0
    assert client.get(f"{V1}/{resource}/", {"company": 987654321}).json()["count"] == 0


@pytest.mark.parametrize("resource", LISTS)
def test_a_company_that_is_not_a_number_is_400(api, trader, resource):
    response = api(trader).get(f"{V1}/{resource}/", {"company": "acme"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and set(body["details"]) == {"company"}


def test_staff_narrow_too(api, officer, world):
    other = world["other"].pk
    assert _companies(api(officer).get(f"{V1}/memberships/", {"company": other})) == {other}


def test_the_filter_combines_with_the_others(api, trader, world):
    first = world["first"].pk
    client = api(trader)
    active = client.get(f"{V1}/memberships/", {"company": first, "state": "active"})
    assert _companies(active) == {first}
    assert {row["state"] for row in active.json()["results"]} == {"active"}
    none = client.get(f"{V1}/memberships/", {"company": first, "state": "cancelled"})
    assert none.json()["count"] == 0


def test_a_narrowed_list_costs_the_same_queries_however_many_rows(
    api, trader, company, officer, manager
):
    client = api(trader)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"{V1}/memberships/", {"company": company.pk})
        assert response.status_code == 200
        return len(captured)

    make_membership(company=company, manager=manager)
    one = queries()
    for _ in range(3):
        make_membership(company=company, manager=manager)
    assert client.get(f"{V1}/memberships/", {"company": company.pk}).json()["count"] == 4
    assert queries() == one

"""A trader who is a user of several companies acts for one at a time, and switches."""

from __future__ import annotations

import pytest

from tests.factories import CompanyFactory, CompanyUserFactory, make_application
from traders.models import Application

pytestmark = pytest.mark.django_db


def _html(response) -> str:
    return response.content.decode()


@pytest.fixture
def two_companies(db):
    """A trader of companies A and B, each with an application of its own."""
    company_a = CompanyFactory(legal_name="Alpha Freight Inc.", operating_name="")
    company_b = CompanyFactory(legal_name="Beta Logistics Ltd.", operating_name="")
    trader = CompanyUserFactory(company=company_a).user
    CompanyUserFactory(company=company_b, user=trader, company_role="contributor")
    app_a = make_application(company=company_a)
    app_b = make_application(company=company_b)
    return trader, company_a, company_b, app_a, app_b


def test_a_trader_of_two_companies_sees_a_then_switches_to_b(client, two_companies):
    trader, company_a, company_b, app_a, app_b = two_companies
    client.force_login(trader)
    home = _html(client.get("/en/portal/"))
    assert 'action="/en/portal/company/switch/"' in home
    assert "Alpha Freight Inc." in home and app_a.reference in home
    assert app_b.reference not in home
    assert "Alpha Freight Inc." in _html(client.get("/en/portal/company/"))

    response = client.post("/en/portal/company/switch/", {"company": company_b.pk})
    assert response["Location"] == "/en/portal/"
    home = _html(client.get("/en/portal/"))
    assert "You are now acting for Beta Logistics Ltd." in home
    assert app_b.reference in home and app_a.reference not in home
    company_page = _html(client.get("/en/portal/company/"))
    assert "Beta Logistics Ltd." in company_page and "Alpha Freight Inc." not in company_page
    # What they create is for the company they act for.
    start = client.get("/en/portal/applications/new/")
    token = start.context["form"].initial["form_token"]
    client.post(
        "/en/portal/applications/new/",
        {"form_token": token, "programme": "PIP", "sites": []},
    )
    newest = Application.objects.order_by("-pk").first()
    assert newest.company == company_b and newest.created_by == trader


def test_opening_the_other_companys_page_switches_to_it(client, two_companies):
    """A link to B's application (from a notification, another tab) works while acting for
    A: the trader now acts for B, and is told so."""
    trader, company_a, company_b, app_a, app_b = two_companies
    client.force_login(trader)
    page = client.get(f"/en/portal/applications/{app_b.pk}/", follow=True)
    assert page.status_code == 200
    assert "You are now acting for Beta Logistics Ltd." in _html(page)
    home = _html(client.get("/en/portal/"))
    assert app_b.reference in home and app_a.reference not in home
    # Opening A's page again: back to A, once.
    html = _html(client.get(f"/en/portal/applications/{app_a.pk}/"))
    assert "You are now acting for Alpha Freight Inc." in html
    html = _html(client.get(f"/en/portal/applications/{app_a.pk}/"))
    assert "You are now acting for" not in html


def test_a_trader_of_one_company_cannot_switch_to_another(client, company, trader):
    other = CompanyFactory(legal_name="Gamma Shipping Co.")
    other_app = make_application(company=other)
    own_app = make_application(company=company)
    client.force_login(trader)
    assert "/en/portal/company/switch/" not in _html(client.get("/en/portal/"))
    response = client.post("/en/portal/company/switch/", {"company": other.pk})
    assert response.status_code == 400
    html = _html(response)
    assert 'id="id_company_error"' in html
    assert "Choose one of the companies you are a user of." in html
    assert "Gamma Shipping Co." not in html
    home = _html(client.get("/en/portal/"))
    assert own_app.reference in home and other_app.reference not in home
    assert client.get(f"/en/portal/applications/{other_app.pk}/").status_code == 404
    assert "portal.acting_company_id" not in client.session


def test_a_choice_made_stale_by_leaving_the_company_falls_back(client, two_companies):
    """The choice kept in the session is checked on every request: once the trader is no
    longer a user of B, pages are A's again."""
    trader, company_a, company_b, app_a, app_b = two_companies
    client.force_login(trader)
    client.post("/en/portal/company/switch/", {"company": company_b.pk})
    company_b.user_links.filter(user=trader).delete()
    home = _html(client.get("/en/portal/"))
    assert app_a.reference in home and app_b.reference not in home
    assert client.get(f"/en/portal/applications/{app_b.pk}/").status_code == 404


def test_switch_page_in_french_and_staff_get_404(client, two_companies, officer):
    trader, *_ = two_companies
    client.force_login(trader)
    page = client.get("/fr/portal/company/switch/")
    assert page.status_code == 200 and '<html lang="fr">' in _html(page)
    client.force_login(officer)
    assert client.get("/en/portal/company/switch/").status_code == 404
    assert client.post("/en/portal/company/switch/", {"company": 1}).status_code == 404


def test_home_with_the_switcher_costs_the_same_however_many_companies(client, two_companies):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    trader, company_a, *_ = two_companies
    client.force_login(trader)
    client.get("/en/portal/")  # the session and its user are loaded once
    with CaptureQueriesContext(connection) as two:
        client.get("/en/portal/")
    for n in range(3):
        third = CompanyFactory(legal_name=f"Delta {n} Inc.")
        CompanyUserFactory(company=third, user=trader, company_role="contributor")
        make_application(company=company_a)
    with CaptureQueriesContext(connection) as five:
        html = _html(client.get("/en/portal/"))
    assert "Delta 2 Inc." in html  # offered in the switcher
    assert len(five.captured_queries) == len(two.captured_queries)

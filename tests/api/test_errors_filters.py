"""Errors in the one shape (400 with field details, 404 outside scope, 409 naming the state,
429 when throttled), token authentication, partner verification and the list filters."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from rest_framework.throttling import SimpleRateThrottle

from core.dates import agency_today
from tests.factories import make_application, make_membership
from tests.validations.factories import at_noon
from traders.models import Application, Membership

V1 = "/api/v1"


def test_token_from_email_and_password(api, trader):
    client = api(None)
    good = client.post(
        f"{V1}/auth/token/", {"username": trader.email, "password": "pass-word-123"}, format="json"
    )
    assert good.status_code == 200 and good.json()["token"]
    bad = client.post(
        f"{V1}/auth/token/", {"username": trader.email, "password": "nope"}, format="json"
    )
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid" and "non_field_errors" in bad.json()["details"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {good.json()['token']}")
    assert client.get(f"{V1}/companies/").status_code == 200


def test_anonymous_is_told_to_authenticate(api):
    response = api(None).get(f"{V1}/memberships/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Token")


def test_invalid_input_is_400_with_field_details(api, officer, company):
    app = make_application(state=Application.State.UNDER_REVIEW, company=company, officer=officer)
    client = api(officer)
    parsed = client.post(f"{V1}/applications/{app.pk}/request-info/", {"message": "x"}, "json")
    assert parsed.status_code == 400
    assert set(parsed.json()["details"]) == {"deadline"}
    ruled = client.post(f"{V1}/applications/{app.pk}/mark-ineligible/", {"reasons": " "}, "json")
    assert ruled.status_code == 400
    assert ruled.json()["code"] == "invalid" and "reasons" in ruled.json()["details"]
    past = client.post(
        f"{V1}/applications/{app.pk}/request-info/",
        {"message": "Fleet list?", "deadline": str(agency_today())},
        "json",
    )
    assert past.status_code == 400 and "deadline" in past.json()["details"]


def test_wrong_state_is_409_naming_the_state(api, manager, trader, company):
    app = make_application(state=Application.State.DRAFT, company=company)
    response = api(manager).post(f"{V1}/applications/{app.pk}/certify/", {}, "json")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "transition_not_allowed"
    assert "Draft" in body["message"]
    assert body["details"] == {"state": "Draft", "action": "certify"}
    incomplete = api(trader).post(f"{V1}/applications/{app.pk}/submit/", {}, "json")
    assert incomplete.status_code == 409 and incomplete.json()["code"] == "incomplete"
    assert incomplete.json()["details"]["missing"]


def test_other_companys_objects_are_404(api, other_trader, company):
    membership = make_membership(company=company)
    app = membership.application
    client = api(other_trader)
    for url in (
        f"{V1}/applications/{app.pk}/",
        f"{V1}/applications/{app.pk}/security-profile/",
        f"{V1}/applications/{app.pk}/audit-events/",
        f"{V1}/memberships/{membership.pk}/",
        f"{V1}/companies/{company.pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json() == {"code": "not_found", "message": "Not found.", "details": {}}
    appeal = client.post(f"{V1}/memberships/{membership.pk}/appeal/", {"grounds": "x"}, "json")
    assert appeal.status_code == 404
    assert client.get(f"{V1}/memberships/").json()["count"] == 0


def test_mra_verify_only_members_who_consented(api, partner, company, other_company):
    company.mra_sharing_consent = True
    company.save(update_fields=["mra_sharing_consent"])
    shared = make_membership(company=company)
    private = make_membership(company=other_company)
    client = api(partner)
    response = client.get(f"{V1}/mra/verify/", {"member_number": shared.member_number.lower()})
    assert response.status_code == 200
    assert response.json() == {
        "member_number": shared.member_number,
        "company_name": company.legal_name,
        "programme": "PIP",
        "status": "active",
        "certified_on": str(shared.certified_on),
        "expires_on": str(shared.expires_on),
    }
    not_shared = client.get(f"{V1}/mra/verify/", {"member_number": private.member_number})
    unknown = client.get(f"{V1}/mra/verify/", {"member_number": "PIP9999999"})
    assert not_shared.status_code == unknown.status_code == 404
    assert not_shared.json() == unknown.json()
    assert client.get(f"{V1}/mra/verify/").status_code == 400
    assert client.get(f"{V1}/memberships/").status_code == 403


def test_partner_verification_is_throttled(api, partner, monkeypatch):
    rates = {**SimpleRateThrottle.THROTTLE_RATES, "partner": "2/min"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    client = api(partner)
    statuses = [
        client.get(f"{V1}/mra/verify/", {"member_number": "PIP0000001"}).status_code
        for _ in range(3)
    ]
    assert statuses == [404, 404, 429]
    throttled = client.get(f"{V1}/mra/verify/", {"member_number": "PIP0000001"})
    assert throttled.status_code == 429
    assert throttled.json()["code"] == "throttled"
    assert set(throttled.json()) == {"code", "message", "details"}


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


def test_a_nul_character_in_a_code_is_a_400_not_a_500(api, trader):
    response = api(trader).post(
        f"{V1}/companies/",
        {"legal_name": "Nul Ltd", "business_number": "123456789", "business_types": ["imp\x00"]},
        format="json",
    )
    assert response.status_code == 400
    assert "business_types" in response.json()["details"]

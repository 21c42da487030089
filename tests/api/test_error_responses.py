"""Errors in the one shape, through the endpoints: 400 with field details, 404 outside the
caller's scope, 409 naming the state; a NUL character in a code is a 400, not a 500."""

from __future__ import annotations

from core.dates import agency_today
from tests.factories import make_application, make_membership
from traders.models import Application

V1 = "/api/v1"


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
    incomplete = api(trader).post(
        f"{V1}/applications/{app.pk}/submit/", {"declaration": True}, "json"
    )
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


def test_a_nul_character_in_a_code_is_a_400_not_a_500(api, trader):
    response = api(trader).post(
        f"{V1}/companies/",
        {"legal_name": "Nul Ltd", "business_number": "123456789", "business_types": ["imp\x00"]},
        format="json",
    )
    assert response.status_code == 400
    assert "business_types" in response.json()["details"]

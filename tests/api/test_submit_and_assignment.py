"""The API keeps the pages' rules (issue 14): only a signing authority submits, with the
declaration; taking a case another officer has needs a confirmation, and that officer is
told."""

from __future__ import annotations

import pytest

from core.models import Role
from notifications.models import Notification
from tests.factories import CompanyUserFactory, UserFactory, complete_profile, make_application
from traders.models import Application, CompanyUser

pytestmark = pytest.mark.django_db
V1 = "/api/v1"


def _draft(company, trader) -> Application:
    app = make_application(company=company)
    complete_profile(app, trader)
    return app


def test_a_contributor_gets_the_pages_error_code(api, trader, company):
    contributor = CompanyUserFactory(
        company=company, company_role=CompanyUser.CompanyRole.CONTRIBUTOR
    ).user
    app = _draft(company, trader)
    response = api(contributor).post(
        f"{V1}/applications/{app.pk}/submit/", {"declaration": True}, "json"
    )
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "signing_authority_required"
    assert body["details"]["signing_authorities"] == [str(trader)]
    app.refresh_from_db()
    assert app.state == Application.State.DRAFT


def test_submit_without_the_declaration_is_400_on_the_declaration(api, trader, company):
    app = _draft(company, trader)
    response = api(trader).post(f"{V1}/applications/{app.pk}/submit/", {}, "json")
    assert response.status_code == 400
    assert response.json()["details"]["declaration"] == [
        "Tick the declaration to submit the application."
    ]
    ok = api(trader).post(f"{V1}/applications/{app.pk}/submit/", {"declaration": True}, "json")
    assert ok.status_code == 200
    body = ok.json()
    assert body["state"] == "submitted" and body["declared_by"] == trader.pk
    assert body["declaration_version"] == "2026-1" and body["declared_at"] == body["submitted_at"]


def test_taking_a_colleagues_case_through_the_api_needs_confirm(api, officer):
    colleague = UserFactory(role=Role.OFFICER, is_staff=True)
    app = make_application(state=Application.State.UNDER_REVIEW, officer=colleague)
    url = f"{V1}/applications/{app.pk}/assign-officer/"
    refused = api(officer).post(url, {"officer": officer.pk}, "json")
    assert refused.status_code == 409
    assert refused.json()["code"] == "already_assigned"
    assert refused.json()["details"]["officer"] == colleague.pk
    app.refresh_from_db()
    assert app.assigned_officer == colleague and not Notification.objects.exists()
    taken = api(officer).post(url, {"officer": officer.pk, "confirm": True}, "json")
    assert taken.status_code == 200 and taken.json()["assigned_officer"] == officer.pk
    assert Notification.objects.get().user == colleague

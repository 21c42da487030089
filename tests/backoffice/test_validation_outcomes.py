"""The officer's page and the API refuse the same outcome that contradicts the findings,
with the same error code; the page says so beside the outcome, in the officer's language,
and saves nothing. The manager sees the officer's justification of an override."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.dates import agency_today
from tests.validations.factories import VS, audit_events, make_site_validation, record_findings
from traders.models import Application, Requirement
from validations.models import ActionPlan, Finding, SiteValidation

pytestmark = pytest.mark.django_db

CODE = "outcome_contradicts_findings"
MUST_SHORT = {"PS-02": Finding.Result.DOES_NOT_MEET, "PS-04": Finding.Result.PARTIALLY_MEETS}


@pytest.fixture
def visit(company, officer) -> SiteValidation:
    validation = make_site_validation(state=VS.IN_PROGRESS, company=company, officer=officer)
    record_findings(validation, officer, results=MUST_SHORT)
    return validation


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def _page(v: SiteValidation, language: str = "en") -> str:
    return reverse("backoffice:validation", args=[v.pk]).replace("/en/", f"/{language}/")


def _requirement(v: SiteValidation, code: str) -> Requirement:
    return Requirement.objects.get(area__catalogue_id=v.catalogue_id, code=code)


def _plan_rows(v: SiteValidation, *codes: str) -> dict[str, str]:
    rows = {"plan-TOTAL_FORMS": str(len(codes)), "plan-INITIAL_FORMS": "0"}
    deadline = (agency_today() + dt.timedelta(days=45)).isoformat()
    for n, code in enumerate(codes):
        rows[f"plan-{n}-requirement"] = str(_requirement(v, code).pk)
        rows[f"plan-{n}-measure"] = f"Correct {code}."
        rows[f"plan-{n}-deadline"] = deadline
    return rows


def _assert_nothing_saved(v: SiteValidation) -> None:
    v.refresh_from_db()
    assert (v.state, v.outcome, v.outcome_override_reason) == (VS.IN_PROGRESS, "", "")
    assert not ActionPlan.objects.filter(source_validation=v).exists()
    assert "complete" not in [e.action for e in audit_events(v)]


@pytest.mark.parametrize(
    "language,words",
    [("en", "must requirement(s) PS-02, PS-04 are not met"), ("fr", "PS-02, PS-04")],
)
def test_the_page_refuses_meets_beside_the_outcome(client: Client, officer, visit, language, words):
    client.force_login(officer)

    response = client.post(
        _page(visit, language), {"action": "complete", "complete-outcome": "meets"}
    )

    assert response.status_code == 409
    (error,) = response.context["complete_form"].errors.as_data()["outcome"]
    assert error.code == CODE
    html = response.content.decode()
    beside = html.split('id="id_complete-outcome_error"', 1)[1].split("</p>", 1)[0]
    assert words in beside
    if language == "fr":
        assert "Impossible de terminer cette validation de site" in beside
    _assert_nothing_saved(visit)


def test_the_api_refuses_the_same_outcome_with_the_same_code(officer, visit):
    response = token_client(officer).post(
        f"/api/v1/site-validations/{visit.pk}/complete/", {"outcome": "meets"}, format="json"
    )

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == CODE
    assert [f["code"] for f in body["details"]["findings"]] == ["PS-02", "PS-04"]
    assert body["details"]["action"] == "complete"
    _assert_nothing_saved(visit)


def test_the_page_and_the_api_refuse_a_plan_short_of_a_finding_alike(
    client: Client, officer, visit
):
    client.force_login(officer)
    page = client.post(
        _page(visit),
        {
            "action": "complete",
            "complete-outcome": "meets_with_action_plan",
            **_plan_rows(visit, "PS-02"),
        },
    )
    api = token_client(officer).post(
        f"/api/v1/site-validations/{visit.pk}/complete/",
        {
            "outcome": "meets_with_action_plan",
            "action_plan_items": [
                {
                    "measure": "Correct PS-02.",
                    "deadline": str(agency_today() + dt.timedelta(days=45)),
                    "requirement": _requirement(visit, "PS-02").pk,
                }
            ],
        },
        format="json",
    )

    (error,) = page.context["complete_form"].errors.as_data()["outcome"]
    assert (page.status_code, error.code) == (409, CODE)
    assert (api.status_code, api.json()["code"]) == (409, CODE)
    assert api.json()["message"] == error.message
    _assert_nothing_saved(visit)


def test_the_page_offers_a_row_per_finding_short_and_issues_the_plan(
    client: Client, officer, visit
):
    client.force_login(officer)
    form = client.get(_page(visit)).context["plan_formset"]
    assert [row.initial.get("requirement") for row in form] == [
        _requirement(visit, "PS-02").pk,
        _requirement(visit, "PS-04").pk,
        None,
    ]

    response = client.post(
        _page(visit),
        {
            "action": "complete",
            "complete-outcome": "meets_with_action_plan",
            **_plan_rows(visit, "PS-02", "PS-04"),
        },
        follow=True,
    )

    html = response.content.decode()
    assert "The site validation is completed." in html
    assert "The action plan is issued to the member." in html
    visit.refresh_from_db()
    assert (visit.state, visit.outcome) == (VS.COMPLETED, "meets_with_action_plan")
    plan = visit.action_plans.get()
    assert [i.requirement.code for i in plan.items.all()] == ["PS-02", "PS-04"]
    assert visit.application.state == Application.State.VALIDATED


def test_an_override_is_shown_to_the_manager(client: Client, officer, manager, visit):
    reason = "The missing lock was fitted while we were on site; photo in PS-02."
    client.force_login(officer)
    response = client.post(
        _page(visit),
        {"action": "complete", "complete-outcome": "meets", "complete-override_reason": reason},
        follow=True,
    )
    assert "The site validation is completed." in response.content.decode()
    assert reason in response.content.decode()  # on the validation's own page

    client.force_login(manager)
    page = client.get(reverse("backoffice:dashboard_application", args=[visit.application_id]))

    html = page.content.decode()
    assert "Meets requirements" in html
    assert "Officer&#x27;s justification of the outcome" in html or (
        "Officer's justification of the outcome" in html
    )
    assert reason in html
    assert "PS-02, PS-04" in html

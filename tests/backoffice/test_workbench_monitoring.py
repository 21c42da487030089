"""Monitoring and revalidation on the workbench: the revalidation cycle's page (schedule its
site validation, complete it once the validation passed), a spot check scheduled from the
member's file, action plans from a spot check and from an incident (also with the
conclusion), and the findings of each validation in the member's file."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from core.dates import agency_today, membership_expiry
from revalidation.models import RevalidationCycle
from tests.factories import make_membership
from tests.revalidation.factories import make_cycle
from tests.validations.factories import IS, VS, make_incident, make_site_validation
from traders.models import Membership
from validations.models import ActionPlan, Finding, SiteValidation

pytestmark = pytest.mark.django_db
RS = RevalidationCycle.State


def _cycle(cycle: RevalidationCycle) -> str:
    return reverse("backoffice:revalidation", args=[cycle.pk])


def _day(days: int) -> str:
    return (agency_today() + dt.timedelta(days=days)).isoformat()


# --- Revalidation -----------------------------------------------------------------------


def test_the_queue_links_a_revalidation_to_its_page(client: Client, officer) -> None:
    cycle = make_cycle()
    client.force_login(officer)
    html = client.get("/en/staff/?kind=revalidation").content.decode()
    assert _cycle(cycle) in html


def test_the_cycle_page_shows_its_state_due_date_and_profile(client: Client, officer) -> None:
    cycle = make_cycle(state=RS.PROFILE_SUBMITTED)
    client.force_login(officer)
    html = client.get(_cycle(cycle)).content.decode()
    assert "Security profile submitted" in html
    assert cycle.due_on.isoformat() in html
    assert cycle.membership.member_number in html
    assert "We meet CS-01 with a written procedure." in html
    assert "Schedule the site validation" in html
    assert "Complete the revalidation" not in html


def test_schedule_the_revalidations_site_validation(client: Client, officer) -> None:
    cycle = make_cycle(state=RS.PROFILE_SUBMITTED)
    client.force_login(officer)
    response = client.post(
        _cycle(cycle), {"action": "schedule", "schedule-scheduled_for": _day(-1)}
    )
    assert response.status_code == 422
    assert "The visit cannot be scheduled in the past." in response.content.decode()
    response = client.post(
        _cycle(cycle),
        {"action": "schedule", "schedule-scheduled_for": _day(10)},
        follow=True,
    )
    cycle.refresh_from_db()
    assert cycle.state == RS.VALIDATION_SCHEDULED
    validation = cycle.site_validation
    assert validation.kind == SiteValidation.Kind.REVALIDATION
    assert response.redirect_chain[-1][0] == reverse("backoffice:validation", args=[validation.pk])
    html = client.get(_cycle(cycle)).content.decode()
    assert reverse("backoffice:validation", args=[validation.pk]) in html


def test_scheduling_before_the_profile_is_submitted_says_why(client: Client, officer) -> None:
    cycle = make_cycle()
    client.force_login(officer)
    assert "Schedule the site validation" not in client.get(_cycle(cycle)).content.decode()
    response = client.post(
        _cycle(cycle), {"action": "schedule", "schedule-scheduled_for": _day(10)}
    )
    assert response.status_code == 409
    assert "Cannot" in response.content.decode()
    cycle.refresh_from_db()
    assert cycle.state == RS.OPEN


def test_complete_the_revalidation_once_the_validation_passed(client: Client, officer) -> None:
    cycle = make_cycle(state=RS.VALIDATION_SCHEDULED, officer=officer)
    client.force_login(officer)
    response = client.post(_cycle(cycle), {"action": "complete", "complete-note": ""})
    assert response.status_code == 409
    assert "record its findings and complete it before completing" in response.content.decode()
    cycle.refresh_from_db()
    assert cycle.state == RS.VALIDATION_SCHEDULED

    passed = make_cycle(
        state=RS.VALIDATION_SCHEDULED,
        officer=officer,
        validation_outcome=SiteValidation.Outcome.MEETS,
    )
    response = client.post(
        _cycle(passed), {"action": "complete", "complete-note": "All good."}, follow=True
    )
    assert "The revalidation is completed" in response.content.decode()
    passed.refresh_from_db()
    assert passed.state == RS.COMPLETED
    renewed = Membership.objects.get(pk=passed.membership_id)
    assert renewed.last_renewed_on == agency_today()
    assert renewed.expires_on == membership_expiry(agency_today())


def test_a_failed_validation_cannot_complete_the_revalidation(client: Client, officer) -> None:
    cycle = make_cycle(
        state=RS.VALIDATION_SCHEDULED,
        officer=officer,
        validation_outcome=SiteValidation.Outcome.DOES_NOT_MEET,
    )
    client.force_login(officer)
    response = client.post(_cycle(cycle), {"action": "complete", "complete-note": ""})
    assert response.status_code == 409
    assert "the membership cannot be renewed on it" in response.content.decode()


def test_the_cycle_page_for_each_role(client: Client, actors) -> None:
    cycle = make_cycle()
    for role in ("officer", "manager"):
        client.force_login(actors[role])
        assert client.get(_cycle(cycle)).status_code == 200
    for role in ("trader", "administrator", "partner"):
        client.force_login(actors[role])
        assert client.get(_cycle(cycle)).status_code == 404
        assert client.post(_cycle(cycle), {"action": "complete"}).status_code == 404
    client.logout()
    assert client.get(_cycle(cycle)).status_code == 302
    client.force_login(actors["officer"])
    assert client.post(_cycle(cycle), {"action": "unknown"}).status_code == 404


# --- A spot check from the member's file --------------------------------------------------


def test_schedule_a_spot_check_from_the_members_file(client: Client, officer) -> None:
    membership = make_membership()
    company = membership.company
    url = reverse("backoffice:company_spot_check", args=[company.pk])
    client.force_login(officer)
    assert url in client.get(reverse("backoffice:company", args=[company.pk])).content.decode()
    response = client.post(url, {"membership": membership.pk, "kind": "spot_check"})
    assert response.status_code == 422
    assert 'id="id_scheduled_for_error"' in response.content.decode()
    response = client.post(
        url, {"membership": membership.pk, "kind": "spot_check", "scheduled_for": _day(-1)}
    )
    assert response.status_code == 422
    assert "The visit cannot be scheduled in the past." in response.content.decode()
    response = client.post(
        url,
        {"membership": membership.pk, "kind": "spot_check", "scheduled_for": _day(7)},
        follow=True,
    )
    spot = SiteValidation.objects.get(company=company, kind=SiteValidation.Kind.SPOT_CHECK)
    assert response.redirect_chain[-1][0] == reverse("backoffice:validation", args=[spot.pk])
    assert "The spot check is scheduled for" in response.content.decode()
    assert spot.membership == membership and spot.change_notice is None
    assert spot.lead_officer == officer


def test_a_company_without_a_membership_has_nothing_to_spot_check(client: Client, officer) -> None:
    validation = make_site_validation()  # an applicant, not yet a member
    url = reverse("backoffice:company_spot_check", args=[validation.company_id])
    client.force_login(officer)
    assert "there is nothing to spot check" in client.get(url).content.decode()
    response = client.post(url, {"kind": "spot_check", "scheduled_for": _day(7)})
    assert response.status_code == 422
    assert not SiteValidation.objects.filter(kind=SiteValidation.Kind.SPOT_CHECK).exists()


def test_the_spot_check_page_for_each_role(client: Client, actors) -> None:
    membership = make_membership()
    url = reverse("backoffice:company_spot_check", args=[membership.company_id])
    for role in ("trader", "administrator", "partner"):
        client.force_login(actors[role])
        assert client.get(url).status_code == 404
        assert (
            client.post(
                url, {"membership": membership.pk, "kind": "spot_check", "scheduled_for": _day(7)}
            ).status_code
            == 404
        )
    client.logout()
    assert client.get(url).status_code == 302
    client.force_login(actors["manager"])
    assert client.get(url).status_code == 200
    assert not SiteValidation.objects.filter(kind=SiteValidation.Kind.SPOT_CHECK).exists()


def test_an_action_plan_from_a_completed_spot_check(client: Client, officer) -> None:
    spot = make_site_validation(
        state=VS.COMPLETED, kind=SiteValidation.Kind.SPOT_CHECK, officer=officer
    )
    url = reverse("backoffice:action_plan_issue", args=[spot.pk])
    client.force_login(officer)
    assert url in client.get(reverse("backoffice:validation", args=[spot.pk])).content.decode()
    client.post(
        url,
        {
            "items-TOTAL_FORMS": "1",
            "items-INITIAL_FORMS": "0",
            "items-0-measure": "Log every seal.",
            "items-0-deadline": _day(30),
        },
    )
    plan = ActionPlan.objects.get(source_validation=spot)
    assert plan.membership_id == spot.membership_id


# --- Action plans from an incident --------------------------------------------------------


def _conclusion(**items: str) -> dict[str, str]:
    return {
        "action": "conclude",
        "conclude-cause": "Gate open.",
        "conclude-prevention_strategy": "Checks at each shift.",
        "items-TOTAL_FORMS": "2",
        "items-INITIAL_FORMS": "0",
        "items-1-measure": "",
        "items-1-deadline": "",
        **items,
    }


def test_conclude_an_incident_with_an_action_plan(client: Client, officer) -> None:
    incident = make_incident(state=IS.UNDER_ANALYSIS, officer=officer)
    url = reverse("backoffice:incident", args=[incident.pk])
    client.force_login(officer)
    assert 'name="items-TOTAL_FORMS"' in client.get(url).content.decode()
    response = client.post(
        url, _conclusion(**{"items-0-measure": "Lock the gate.", "items-0-deadline": _day(0)})
    )
    assert response.status_code == 422
    assert "Item 1: the deadline must be a date after today." in response.content.decode()
    incident.refresh_from_db()
    assert incident.state == IS.UNDER_ANALYSIS  # both, or neither
    assert not ActionPlan.objects.exists()
    response = client.post(
        url,
        _conclusion(**{"items-0-measure": "Lock the gate.", "items-0-deadline": _day(20)}),
        follow=True,
    )
    assert "an action plan is issued" in response.content.decode()
    incident.refresh_from_db()
    assert incident.state == IS.CONCLUDED
    plan = ActionPlan.objects.get(source_incident=incident)
    assert plan.items.get().measure == "Lock the gate."
    assert reverse("backoffice:action_plan", args=[plan.pk]) in response.content.decode()


def test_conclude_without_items_issues_no_plan(client: Client, officer) -> None:
    incident = make_incident(state=IS.UNDER_ANALYSIS, officer=officer)
    client.force_login(officer)
    client.post(reverse("backoffice:incident", args=[incident.pk]), _conclusion())
    incident.refresh_from_db()
    assert incident.state == IS.CONCLUDED and not ActionPlan.objects.exists()


def test_issue_an_action_plan_from_an_incident(client: Client, officer, actors) -> None:
    incident = make_incident(state=IS.CONCLUDED, officer=officer)
    url = reverse("backoffice:incident_action_plan_issue", args=[incident.pk])
    client.force_login(officer)
    assert url in client.get(reverse("backoffice:incident", args=[incident.pk])).content.decode()
    assert "From the incident of" in client.get(url).content.decode()
    empty = {"items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "0", "items-0-measure": ""}
    response = client.post(url, empty)
    assert response.status_code == 422
    assert "List at least one corrective measure." in response.content.decode()
    response = client.post(
        url, {**empty, "items-0-measure": "Train the guards.", "items-0-deadline": _day(40)}
    )
    plan = ActionPlan.objects.get(source_incident=incident)
    assert response["Location"] == reverse("backoffice:action_plan", args=[plan.pk])
    for role in ("trader", "administrator", "partner"):
        client.force_login(actors[role])
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


# --- Findings in the member's file ---------------------------------------------------------


def test_the_members_file_shows_each_validations_findings(client: Client, officer) -> None:
    validation = make_site_validation(state=VS.COMPLETED, officer=officer)
    finding = validation.findings.select_related("requirement").first()
    client.force_login(officer)
    html = client.get(reverse("backoffice:company", args=[validation.company_id])).content.decode()
    assert "Findings, per requirement" in html
    assert f"<strong>{finding.requirement.code}</strong>: {Finding.Result.MEETS.label}" in html
    # In time order: the completion (with its findings) comes before the visit's start.
    assert html.index("Findings, per requirement") < html.rindex(">Started<")

"""Every workbench page for each role: officers and managers see and use them, traders and
the other roles get a 404 (the page's existence is not revealed), anonymous visitors are sent
to sign in."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import make_application, trader_of
from tests.revalidation.factories import make_cycle
from tests.validations.factories import (
    VS,
    make_action_plan,
    make_incident,
    make_site_validation,
)
from traders import services as trader_services
from traders.models import Application, ChangeNotice, EvidenceFile

pytestmark = pytest.mark.django_db

ROLES = ["officer", "manager", "trader", "administrator", "partner"]
ALLOWED = {"officer", "manager"}


@pytest.fixture
def pages(db):
    """One of each object, and the address of every workbench page."""
    application = make_application(state=Application.State.UNDER_REVIEW)
    evidence = EvidenceFile.objects.filter(answer__profile=application.profile).first()
    validation = make_site_validation(state=VS.COMPLETED)
    plan = make_action_plan()
    incident = make_incident()
    cycle = make_cycle()
    company = application.company
    notice = trader_services.change_notice_submit(
        company=company,
        actor=trader_of(company),
        kind=ChangeNotice.Kind.LOCATIONS,
        description="New warehouse in Laval.",
        effective_on=validation.scheduled_for,
    )
    return {
        "queue": reverse("backoffice:workbench"),
        "application": reverse("backoffice:application", args=[application.pk]),
        "schedule": reverse("backoffice:validation_schedule", args=[application.pk]),
        "evidence": reverse("backoffice:evidence", args=[evidence.pk]),
        "validation": reverse("backoffice:validation", args=[validation.pk]),
        "report": reverse("backoffice:validation_report", args=[validation.pk]),
        "issue_plan": reverse("backoffice:action_plan_issue", args=[validation.pk]),
        "action_plans": reverse("backoffice:action_plans"),
        "action_plan": reverse("backoffice:action_plan", args=[plan.pk]),
        "change_notices": reverse("backoffice:change_notices"),
        "change_notice": reverse("backoffice:change_notice", args=[notice.pk]),
        "incidents": reverse("backoffice:incidents"),
        "incident": reverse("backoffice:incident", args=[incident.pk]),
        "company": reverse("backoffice:company", args=[company.pk]),
        "spot_check": reverse("backoffice:company_spot_check", args=[cycle.company_id]),
        "revalidation": reverse("backoffice:revalidation", args=[cycle.pk]),
        "incident_plan": reverse("backoffice:incident_action_plan_issue", args=[incident.pk]),
    }


PAGE_NAMES = [
    "queue",
    "application",
    "schedule",
    "evidence",
    "validation",
    "report",
    "issue_plan",
    "action_plans",
    "action_plan",
    "change_notices",
    "change_notice",
    "incidents",
    "incident",
    "company",
    "spot_check",
    "revalidation",
    "incident_plan",
]


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_each_role_sees_only_what_it_may(client: Client, actors, pages, name) -> None:
    """Officers and managers: 200. Traders, administrators, partners: 404. Anonymous: sign in."""
    for role in ROLES:
        client.force_login(actors[role])
        expected = 200 if role in ALLOWED else 404
        assert client.get(pages[name]).status_code == expected, (role, name)
    client.logout()
    response = client.get(pages[name])
    assert response.status_code == 302
    assert response["Location"] == f"/en/sign-in/?next={pages[name]}"


def test_the_applicants_own_trader_cannot_post_a_decision(client: Client, pages) -> None:
    application = Application.objects.get(state=Application.State.UNDER_REVIEW)
    client.force_login(trader_of(application.company))
    response = client.post(pages["application"], {"action": "eligible"})
    assert response.status_code == 404
    application.refresh_from_db()
    assert application.state == Application.State.UNDER_REVIEW


def test_unknown_objects_are_404(client: Client, officer) -> None:
    client.force_login(officer)
    for name in (
        "application",
        "validation",
        "action_plan",
        "incident",
        "company",
        "revalidation",
        "company_spot_check",
        "incident_action_plan_issue",
    ):
        assert client.get(reverse(f"backoffice:{name}", args=[999999])).status_code == 404


def test_pages_in_french(client: Client, officer, pages) -> None:
    client.force_login(officer)
    response = client.get(pages["queue"].replace("/en/", "/fr/"))
    assert response.status_code == 200
    assert '<html lang="fr">' in response.content.decode()

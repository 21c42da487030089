"""Assigning cases: any officer takes a case (a submitted application's review starts); a
manager assigns an application to an officer from the queue or its page, and a member's
officer from the member's file. Officers may not assign others; traders get a 404."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from core.models import Role
from tests.factories import UserFactory, make_application, make_membership
from traders.models import Application

pytestmark = pytest.mark.django_db
S = Application.State
QUEUE = "/en/staff/"


@pytest.fixture
def colleague(db):
    return UserFactory(role=Role.OFFICER, is_staff=True, full_name="Camille Colleague")


def _assign(app: Application) -> str:
    return reverse("backoffice:application_assign", args=[app.pk])


def test_the_queue_offers_take_to_officers_and_assign_to_managers(
    client: Client, officer, manager, colleague
) -> None:
    app = make_application(state=S.UNDER_REVIEW, officer=colleague)
    client.force_login(officer)
    html = client.get(QUEUE).content.decode()
    assert reverse("backoffice:application_take", args=[app.pk]) in html
    assert _assign(app) not in html
    client.force_login(manager)
    html = client.get(QUEUE).content.decode()
    assert _assign(app) in html and "Camille Colleague" in html


def test_a_manager_assigns_a_case_from_the_queue(client: Client, manager, colleague) -> None:
    app = make_application(state=S.SUBMITTED)
    client.force_login(manager)
    response = client.post(
        _assign(app), {"officer": colleague.pk, "next": f"{QUEUE}?who=unassigned"}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"{QUEUE}?who=unassigned"
    assert f"{app.reference} is assigned to Camille Colleague" in response.content.decode()
    app.refresh_from_db()
    assert app.assigned_officer == colleague and app.state == S.SUBMITTED


def test_a_manager_assigns_a_case_from_its_page(client: Client, manager, colleague) -> None:
    app = make_application(state=S.ELIGIBLE)
    url = reverse("backoffice:application", args=[app.pk])
    client.force_login(manager)
    html = client.get(url).content.decode()
    assert _assign(app) in html and "Assign to this officer" in html
    response = client.post(_assign(app), {"officer": colleague.pk}, follow=True)
    assert response.redirect_chain[-1][0] == url
    app.refresh_from_db()
    assert app.assigned_officer == colleague


def test_an_outside_next_is_ignored(client: Client, manager, colleague) -> None:
    app = make_application(state=S.SUBMITTED)
    client.force_login(manager)
    response = client.post(_assign(app), {"officer": colleague.pk, "next": "https://evil.example/"})
    assert response["Location"] == reverse("backoffice:application", args=[app.pk])


def test_an_officer_may_take_but_not_assign_others(client: Client, officer, colleague) -> None:
    app = make_application(state=S.UNDER_REVIEW, officer=colleague)
    client.force_login(officer)
    assert "Assign to this officer" not in (
        client.get(reverse("backoffice:application", args=[app.pk])).content.decode()
    )
    third = UserFactory(role=Role.OFFICER, is_staff=True)
    response = client.post(_assign(app), {"officer": third.pk}, follow=True)
    assert response.status_code == 200
    assert "may not" in response.content.decode()
    app.refresh_from_db()
    assert app.assigned_officer == colleague
    client.post(reverse("backoffice:application_take", args=[app.pk]))
    app.refresh_from_db()
    assert app.assigned_officer == officer


def test_assignment_refusals_are_messages(client: Client, manager, trader) -> None:
    app = make_application(state=S.SUBMITTED)
    client.force_login(manager)
    response = client.post(_assign(app), {"officer": trader.pk}, follow=True)
    assert "Choose an active officer." in response.content.decode()
    response = client.post(_assign(app), {}, follow=True)
    assert "Choose an active officer." in response.content.decode()
    decided = make_application(state=S.CERTIFIED)
    response = client.post(_assign(decided), {"officer": manager.pk}, follow=True)
    assert "between its submission and the decision" in response.content.decode()
    app.refresh_from_db()
    assert app.assigned_officer is None


def test_assign_is_a_post_for_staff_only(client: Client, trader, manager) -> None:
    app = make_application(state=S.SUBMITTED)
    client.force_login(manager)
    assert client.get(_assign(app)).status_code == 405
    client.force_login(trader)
    assert client.post(_assign(app), {"officer": manager.pk}).status_code == 404
    client.logout()
    assert client.post(_assign(app), {"officer": manager.pk}).status_code == 302
    app.refresh_from_db()
    assert app.assigned_officer is None


def test_a_manager_assigns_the_members_officer_on_the_file(
    client: Client, manager, officer, colleague, trader
) -> None:
    membership = make_membership()
    file_url = reverse("backoffice:company", args=[membership.company_id])
    url = reverse("backoffice:membership_assign", args=[membership.pk])
    client.force_login(manager)
    html = client.get(file_url).content.decode()
    assert url in html and f"Officer for {membership.member_number}" in html
    response = client.post(url, {"officer": colleague.pk}, follow=True)
    assert response.redirect_chain[-1][0] == file_url
    assert f"Membership {membership.member_number} is assigned to" in response.content.decode()
    membership.refresh_from_db()
    assert membership.assigned_officer == colleague
    response = client.post(url, {"officer": trader.pk}, follow=True)
    assert "Choose an active officer." in response.content.decode()
    # An officer sees no form, and a post is refused with the reason.
    client.force_login(officer)
    assert url not in client.get(file_url).content.decode()
    response = client.post(url, {"officer": officer.pk}, follow=True)
    assert "may not" in response.content.decode()
    membership.refresh_from_db()
    assert membership.assigned_officer == colleague
    client.force_login(trader)
    assert client.post(url, {"officer": officer.pk}).status_code == 404
    client.logout()
    assert client.post(url, {"officer": officer.pk}).status_code == 302

"""Assigning cases: any officer takes a case (a submitted application's review starts); a
manager assigns an application to an officer from the queue or its page, and a member's
officer from the member's file. Officers may not assign others; traders get a 404."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from core.models import AuditEvent, Role
from notifications.models import Notification
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
    client.post(reverse("backoffice:application_take", args=[app.pk]), {"confirm": "1"})
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


# --- Taking a case someone has, and a manager's reassignment in bulk (issue 14) -----------


def _take(app: Application) -> str:
    return reverse("backoffice:application_take", args=[app.pk])


def test_taking_a_colleagues_case_asks_first_and_changes_nothing(
    client: Client, officer, colleague
) -> None:
    app = make_application(state=S.UNDER_REVIEW, officer=colleague)
    client.force_login(officer)
    response = client.post(_take(app))
    html = response.content.decode()
    assert response.status_code == 409
    assert f"{app.reference} is assigned to Camille Colleague. Nothing has changed yet." in html
    assert 'name="confirm" value="1"' in html
    app.refresh_from_db()
    assert app.assigned_officer == colleague
    assert not Notification.objects.exists()
    assert not AuditEvent.objects.for_object(app).filter(action="assign_officer").exists()


def test_a_confirmed_take_tells_the_previous_officer_and_names_both(
    client: Client, officer, colleague
) -> None:
    app = make_application(state=S.UNDER_REVIEW, officer=colleague)
    client.force_login(officer)
    response = client.post(_take(app), {"confirm": "1"}, follow=True)
    assert f"You took {app.reference}: it is assigned to you." in response.content.decode()
    app.refresh_from_db()
    assert app.assigned_officer == officer
    event = AuditEvent.objects.for_object(app).filter(action="assign_officer").get()
    assert event.actor == officer
    assert event.note == f"Reassigned from Camille Colleague to {officer}."
    notice = Notification.objects.get()
    assert notice.user == colleague
    assert notice.subject == f"{app.reference} is now assigned to {officer}"
    assert notice.link == reverse("backoffice:application", args=[app.pk])


def test_a_submitted_case_a_manager_gave_to_a_colleague_is_taken_over_with_its_review(
    client: Client, officer, manager, colleague
) -> None:
    from traders import services

    app = make_application(state=S.SUBMITTED)
    services.application_assign_officer(application=app, officer=colleague, actor=manager)
    client.force_login(officer)
    assert client.post(_take(app)).status_code == 409
    client.post(_take(app), {"confirm": "1"})
    app.refresh_from_db()
    assert (app.state, app.assigned_officer) == (S.UNDER_REVIEW, officer)
    assert Notification.objects.filter(user=colleague).count() == 1  # taken from them


def test_the_french_notice_is_in_the_previous_officers_language(client: Client, officer) -> None:
    french = UserFactory(role=Role.OFFICER, is_staff=True, preferred_language="fr")
    app = make_application(state=S.UNDER_REVIEW, officer=french)
    client.force_login(officer)
    client.post(_take(app), {"confirm": "1"})
    notice = Notification.objects.get(user=french)
    assert notice.subject == f"{app.reference} est maintenant assigné à {officer}"
    assert notice.link.startswith("/fr/")


REASSIGN = "/en/staff/applications/reassign/"


def test_a_manager_reassigns_the_cases_ticked_and_each_previous_officer_is_told_once(
    client: Client, manager, officer, colleague
) -> None:
    third = UserFactory(role=Role.OFFICER, is_staff=True, full_name="Dana Third")
    theirs = [make_application(state=S.UNDER_REVIEW, officer=colleague) for _ in range(2)]
    mine = make_application(state=S.INFO_REQUESTED, officer=officer)
    unassigned = make_application(state=S.SUBMITTED)
    cases = [*theirs, mine, unassigned]
    client.force_login(manager)
    html = client.get(QUEUE).content.decode()
    assert 'form="bulk-reassign"' in html and REASSIGN in html
    response = client.post(
        REASSIGN,
        {"applications": [c.pk for c in cases], "officer": third.pk, "next": QUEUE},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == QUEUE
    assert "4 cases reassigned to Dana Third." in response.content.decode()
    for case in cases:
        case.refresh_from_db()
        assert case.assigned_officer == third
        assert (
            AuditEvent.objects.for_object(case)
            .filter(action="assign_officer", actor=manager)
            .count()
            == 1
        )
    event = AuditEvent.objects.for_object(mine).get(action="assign_officer")
    assert event.note == f"Reassigned from {officer} to Dana Third."
    assert Notification.objects.filter(user=colleague).count() == 1
    notice = Notification.objects.get(user=colleague)
    assert notice.subject.startswith("2 of your cases are now assigned to Dana Third: ")
    assert theirs[0].reference in notice.body and theirs[1].reference in notice.body
    assert Notification.objects.filter(user=officer).count() == 1
    assert not Notification.objects.filter(user=third).exists()


def test_bulk_reassign_is_all_or_nothing(client: Client, manager, colleague) -> None:
    third = UserFactory(role=Role.OFFICER, is_staff=True)
    open_case = make_application(state=S.UNDER_REVIEW, officer=colleague)
    decided = make_application(state=S.CERTIFIED)
    client.force_login(manager)
    response = client.post(
        REASSIGN, {"applications": [open_case.pk, decided.pk], "officer": third.pk}, follow=True
    )
    html = response.content.decode()
    assert f"{decided.reference}: A case can be assigned between" in html
    assert "Nothing was reassigned." in html
    open_case.refresh_from_db()
    assert open_case.assigned_officer == colleague
    assert not Notification.objects.exists()


def test_bulk_reassign_refuses_officers_and_inactive_or_non_officers(
    client: Client, manager, officer, colleague, trader
) -> None:
    from traders import services

    case = make_application(state=S.UNDER_REVIEW, officer=colleague)
    client.force_login(officer)
    response = client.post(
        REASSIGN, {"applications": [case.pk], "officer": officer.pk}, follow=True
    )
    assert "may not" in response.content.decode()
    retired = UserFactory(role=Role.OFFICER, is_staff=True, is_active=False)
    for refused in (retired, trader):
        with pytest.raises(ValidationError):
            services.application_reassign_bulk(applications=[case], officer=refused, actor=manager)
    client.force_login(manager)
    response = client.post(
        REASSIGN, {"applications": [case.pk], "officer": retired.pk}, follow=True
    )
    assert "Select a valid choice" in response.content.decode()
    response = client.post(REASSIGN, {"officer": colleague.pk}, follow=True)
    assert "Tick the cases to reassign." in response.content.decode()
    case.refresh_from_db()
    assert case.assigned_officer == colleague
    client.force_login(trader)
    assert (
        client.post(REASSIGN, {"applications": [case.pk], "officer": manager.pk}).status_code == 404
    )

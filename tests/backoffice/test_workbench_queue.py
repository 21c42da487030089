"""The work queue: applications and revalidations by stage, whose they are, how long they
have been in their stage and their next deadline; filters, sorting and pages from the query
string, in a constant number of queries; taking a submitted application."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from core.dates import agency_today
from tests.factories import make_application
from tests.revalidation.factories import make_cycle
from traders import services as trader_services
from traders.models import Application

pytestmark = pytest.mark.django_db
S = Application.State
QUEUE = "/en/staff/"


def _references(html: str) -> list[str]:
    return re.findall(r'<th scope="row">\s*<a href="[^"]+">([^<]+)</a>', html)


@pytest.fixture
def cases(officer, manager):
    """A submitted (unassigned), an under-review (the officer's), an information-requested
    (the manager's) application, and a draft that is not in the queue."""
    return {
        "submitted": make_application(state=S.SUBMITTED),
        "mine": make_application(state=S.UNDER_REVIEW, officer=officer),
        "asked": make_application(state=S.INFO_REQUESTED, officer=manager),
        "draft": make_application(state=S.DRAFT),
    }


def test_the_queue_lists_the_cases_with_stage_age_officer_and_deadline(
    client: Client, officer, cases
) -> None:
    client.force_login(officer)
    html = client.get(QUEUE).content.decode()
    refs = _references(html)
    for name in ("submitted", "mine", "asked"):
        assert cases[name].reference in refs
    assert cases["draft"].reference not in refs
    assert "Information requested" in html and "Under review" in html
    deadline = cases["asked"].information_requests.get().deadline.isoformat()
    assert deadline in html  # the open information request's deadline
    assert "Me" in html and "Unassigned" in html
    assert "3 cases" in html
    assert "<time datetime=" in html  # the age in the stage


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("who=mine", {"mine"}),
        ("who=unassigned", {"submitted"}),
        ("who=all", {"submitted", "mine", "asked"}),
        ("stage=info_requested", {"asked"}),
        ("stage=submitted&who=all", {"submitted"}),
        ("kind=revalidation", set()),
        ("kind=application&stage=under_review", {"mine"}),
        ("who=bogus&stage=nonsense&sort=evil", {"submitted", "mine", "asked"}),
    ],
)
def test_filters_come_from_the_query_string(
    client: Client, officer, cases, query: str, expected: set[str]
) -> None:
    client.force_login(officer)
    response = client.get(f"{QUEUE}?{query}")
    assert response.status_code == 200
    refs = set(_references(response.content.decode()))
    assert refs == {cases[name].reference for name in expected}


def test_search_by_reference_or_company(client: Client, officer, cases) -> None:
    client.force_login(officer)
    app = cases["mine"]
    by_ref = _references(client.get(f"{QUEUE}?q={app.reference}").content.decode())
    assert by_ref == [app.reference]
    name = app.company.legal_name.split(",")[0][:8]
    by_company = _references(client.get(f"{QUEUE}?q={name}").content.decode())
    assert app.reference in by_company


def test_sorting(client: Client, officer, cases) -> None:
    client.force_login(officer)
    oldest = _references(client.get(f"{QUEUE}?sort=oldest").content.decode())
    newest = _references(client.get(f"{QUEUE}?sort=newest").content.decode())
    assert oldest == list(reversed(newest))
    by_ref = _references(client.get(f"{QUEUE}?sort=reference").content.decode())
    assert by_ref == sorted(by_ref)
    by_deadline = _references(client.get(f"{QUEUE}?sort=deadline").content.decode())
    assert by_deadline[0] == cases["asked"].reference  # the only one with a deadline


def test_revalidations_are_in_the_queue_with_their_due_date(client: Client, officer) -> None:
    cycle = make_cycle()
    client.force_login(officer)
    html = client.get(f"{QUEUE}?kind=revalidation").content.decode()
    assert _references(html) == [cycle.membership.member_number]
    assert cycle.due_on.isoformat() in html
    assert "Revalidation" in html and "Open" in html
    assert _references(client.get(f"{QUEUE}?kind=application").content.decode()) == []


def test_the_scheduled_visit_is_the_next_deadline(client: Client, officer) -> None:
    from tests.validations.factories import make_site_validation

    validation = make_site_validation()
    client.force_login(officer)
    html = client.get(f"{QUEUE}?stage=validation_scheduled").content.decode()
    assert _references(html) == [validation.application.reference]
    assert validation.scheduled_for.isoformat() in html


def test_pages_of_25(client: Client, officer, monkeypatch) -> None:
    from backoffice.views import work_queue

    monkeypatch.setattr(work_queue, "QUEUE_PAGE_SIZE", 2)
    apps = [make_application(state=S.SUBMITTED) for _ in range(3)]
    client.force_login(officer)
    first = client.get(f"{QUEUE}?sort=reference").content.decode()
    second = client.get(f"{QUEUE}?sort=reference&page=2").content.decode()
    assert len(_references(first)) == 2 and len(_references(second)) == 1
    assert "sort=reference&amp;page=2" in first
    assert set(_references(first) + _references(second)) == {a.reference for a in apps}
    assert client.get(f"{QUEUE}?page=99").status_code == 200  # the last page


def _queue_queries(client: Client, django_assert_max_num_queries, bound: int) -> str:
    with django_assert_max_num_queries(bound):
        response = client.get(f"{QUEUE}?sort=deadline")
    assert response.status_code == 200
    return response.content.decode()


QUERY_BOUND = 12  # session, user, content type, count, rows (+ savepoints): not per row


def test_a_constant_number_of_queries_with_3_and_15_rows(
    client: Client, officer, django_assert_max_num_queries
) -> None:
    officers = [officer, None]
    for n in range(3):
        make_application(state=S.INFO_REQUESTED if n % 2 else S.SUBMITTED)
    make_cycle()
    client.force_login(officer)
    html = _queue_queries(client, django_assert_max_num_queries, QUERY_BOUND)
    assert len(_references(html)) == 4
    for n in range(11):
        state = [S.SUBMITTED, S.UNDER_REVIEW, S.INFO_REQUESTED][n % 3]
        make_application(state=state, officer=officers[0] if state != S.SUBMITTED else None)
    html = _queue_queries(client, django_assert_max_num_queries, QUERY_BOUND)
    assert len(_references(html)) == 15


def test_take_a_submitted_application(client: Client, officer, cases) -> None:
    app = cases["submitted"]
    client.force_login(officer)
    response = client.post(reverse("backoffice:application_take", args=[app.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("backoffice:application", args=[app.pk])
    assert f"You took {app.reference}" in response.content.decode()
    app.refresh_from_db()
    assert app.state == S.UNDER_REVIEW
    assert app.assigned_officer == officer
    mine = _references(client.get(f"{QUEUE}?who=mine").content.decode())
    assert app.reference in mine


def test_taking_a_case_under_review_assigns_it_to_the_taker(client: Client, manager, cases) -> None:
    app = cases["mine"]
    client.force_login(manager)
    url = reverse("backoffice:application_take", args=[app.pk])
    asked = client.post(url, {"next": QUEUE})
    assert asked.status_code == 409 and "Nothing has changed yet" in asked.content.decode()
    response = client.post(url, {"next": QUEUE, "confirm": "1"}, follow=True)
    assert response.redirect_chain[-1][0] == QUEUE
    assert f"You took {app.reference}: it is assigned to you." in response.content.decode()
    app.refresh_from_db()
    assert app.state == S.UNDER_REVIEW and app.assigned_officer == manager


def test_taking_a_decided_case_is_refused_with_a_message(client: Client, officer) -> None:
    app = make_application(state=S.CERTIFIED)
    client.force_login(officer)
    response = client.post(reverse("backoffice:application_take", args=[app.pk]), follow=True)
    assert response.status_code == 200
    assert "A case can be assigned between its submission and the decision" in (
        response.content.decode()
    )
    app.refresh_from_db()
    assert app.assigned_officer != officer


def test_take_is_a_post_and_for_officers_only(client: Client, trader, cases) -> None:
    url = reverse("backoffice:application_take", args=[cases["submitted"].pk])
    client.force_login(trader)
    assert client.post(url).status_code == 404
    client.logout()
    assert client.post(url).status_code == 302
    cases["submitted"].refresh_from_db()
    assert cases["submitted"].state == S.SUBMITTED


def test_an_overdue_information_request_still_shows_its_deadline(client: Client, officer) -> None:
    app = make_application(state=S.UNDER_REVIEW, officer=officer)
    trader_services.application_request_info(
        application=app,
        actor=officer,
        message="Your seal log.",
        deadline=agency_today() + dt.timedelta(days=1),
    )
    client.force_login(officer)
    html = client.get(f"{QUEUE}?stage=info_requested").content.decode()
    assert (agency_today() + dt.timedelta(days=1)).isoformat() in html


def test_a_managers_queue_with_the_reassign_controls_in_a_constant_number_of_queries(
    client: Client, manager, officer, django_assert_max_num_queries
) -> None:
    for _n in range(3):
        make_application(state=S.UNDER_REVIEW, officer=officer)
    client.force_login(manager)
    html = _queue_queries(client, django_assert_max_num_queries, QUERY_BOUND + 1)  # officers
    assert html.count('form="bulk-reassign"') == 3
    for _n in range(12):
        make_application(state=S.SUBMITTED)
    html = _queue_queries(client, django_assert_max_num_queries, QUERY_BOUND + 1)
    assert html.count('form="bulk-reassign"') == 15

"""The trader's file shows what the agency did: announced visits and their dates, the report
and findings once a visit is completed, each decision with its letter, and on the home page
what the company must do next, with deadlines and where to act."""

from __future__ import annotations

import datetime as dt

import pytest

from core.dates import agency_today
from core.models import Role
from tests.factories import UserFactory, make_application, make_membership, trader_of
from tests.validations.factories import make_site_validation, record_findings
from traders import services
from traders.models import Application
from validations import services as validation_services
from validations.models import SiteValidation
from validations.services import action_plan_issue

pytestmark = pytest.mark.django_db


def _officer():
    return UserFactory(role=Role.OFFICER, is_staff=True)


def _html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def _schedule(*, company, kind, days, **subject):
    return validation_services.site_validation_schedule(
        company=company,
        actor=_officer(),
        kind=kind,
        scheduled_for=agency_today() + dt.timedelta(days=days),
        **subject,
    )


def test_an_announced_visit_shows_its_date_on_the_application(client, company):
    app = make_application(state=Application.State.ELIGIBLE, company=company)
    visit = _schedule(company=company, kind="initial", days=12, application=app)
    client.force_login(trader_of(company))
    html = _html(client.get(f"/en/portal/applications/{app.pk}/"))
    assert f"Initial validation on {visit.scheduled_for.isoformat()}" in html


def test_an_unannounced_spot_check_is_hidden_until_it_starts(client, company):
    membership = make_membership(company=company)
    spot = _schedule(company=company, kind="spot_check", days=3, membership=membership)
    client.force_login(trader_of(company))
    url = f"/en/portal/memberships/{membership.pk}/"
    assert spot.scheduled_for.isoformat() not in _html(client.get(url))
    assert "Spot check" not in _html(client.get(url))
    validation_services.site_validation_start(validation=spot, actor=spot.lead_officer)
    assert f"Spot check on {spot.scheduled_for.isoformat()}" in _html(client.get(url))


def test_a_completed_visit_shows_its_findings_and_its_report_downloads(
    client, company, other_company
):
    visit = make_site_validation(state="completed", company=company)
    client.force_login(trader_of(company))
    html = _html(client.get(f"/en/portal/applications/{visit.application_id}/"))
    assert f"/en/portal/reports/{visit.pk}/" in html
    assert "Findings" in html and "Meets requirements" in html
    response = client.get(f"/en/portal/reports/{visit.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")

    client.force_login(trader_of(other_company))
    assert client.get(f"/en/portal/reports/{visit.pk}/").status_code == 404


def test_a_visit_not_completed_has_no_report(client, company):
    officer = _officer()
    visit = make_site_validation(state="in_progress", company=company, officer=officer)
    record_findings(visit, officer)
    client.force_login(trader_of(company))
    assert client.get(f"/en/portal/reports/{visit.pk}/").status_code == 404


def test_each_decision_is_listed_with_its_letter(client, company, other_company):
    manager = UserFactory(role=Role.MANAGER, is_staff=True)
    membership = make_membership(company=company, manager=manager)
    cancelled = services.membership_cancel(
        membership=membership, actor=manager, reason="Seals not controlled."
    )
    client.force_login(trader_of(company))
    html = _html(client.get(f"/en/portal/memberships/{cancelled.pk}/"))
    assert "Decisions and letters" in html and "Membership cancelled" in html
    letter_id = int(html.split("/en/portal/letters/")[1].split("/")[0])
    response = client.get(f"/en/portal/letters/{letter_id}/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    app_html = _html(client.get(f"/en/portal/applications/{membership.application_id}/"))
    assert "Certified" in app_html  # the certification's letter, on the application

    client.force_login(trader_of(other_company))
    assert client.get(f"/en/portal/letters/{letter_id}/").status_code == 404


def test_what_you_must_do_next_lists_open_obligations_with_deadlines(client, company):
    manager = UserFactory(role=Role.MANAGER, is_staff=True)
    officer = _officer()
    app = make_application(state=Application.State.INFO_REQUESTED, company=company)
    request = app.information_requests.get()
    cancelled = services.membership_cancel(
        membership=make_membership(company=company, manager=manager), actor=manager, reason="X."
    )
    plan = action_plan_issue(
        company=company,
        actor=officer,
        items=[
            {"measure": "Fix the east gate.", "deadline": agency_today() + dt.timedelta(days=9)}
        ],
    )
    client.force_login(trader_of(company))
    html = _html(client.get("/en/portal/"))
    section = html.split('id="next-steps"')[1].split("</section>")[0]
    assert f"Answer the information request on application {app.reference}" in section
    assert request.deadline.isoformat() in section
    assert f"/en/portal/applications/{app.pk}/requests/{request.pk}/" in section
    assert "Fix the east gate." in section and f"/en/portal/action-plans/{plan.pk}/" in section
    appeal_by = cancelled.cancelled_on + dt.timedelta(days=30)
    assert f"appeal the cancellation of membership {cancelled.member_number}" in section
    assert appeal_by.isoformat() in section
    # soonest first: the measure (9 days) before the appeal (30 days)
    assert section.index("Fix the east gate.") < section.index("appeal the cancellation")


def test_nothing_due_says_so(client, company):
    client.force_login(trader_of(company))
    assert "Nothing is due from you at the moment." in _html(client.get("/en/portal/"))


def test_the_pages_keep_a_constant_number_of_queries(
    client, company, django_assert_max_num_queries
):
    manager = UserFactory(role=Role.MANAGER, is_staff=True)
    officer = _officer()
    membership = make_membership(company=company, manager=manager)
    client.force_login(trader_of(company))
    pages = [
        "/en/portal/",
        f"/en/portal/memberships/{membership.pk}/",
        f"/en/portal/applications/{membership.application_id}/",
    ]

    def counts() -> list[int]:
        found = []
        for url in pages:
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as ctx:
                _html(client.get(url))
            found.append(len(ctx.captured_queries))
        return found

    def add_visit_and_plan(days: int) -> None:
        visit = _schedule(company=company, kind="revalidation", days=days, membership=membership)
        validation_services.site_validation_start(validation=visit, actor=officer)
        record_findings(visit, officer)
        validation_services.site_validation_complete(
            validation=visit, actor=officer, outcome=SiteValidation.Outcome.MEETS
        )
        action_plan_issue(
            company=company,
            actor=officer,
            items=[
                {"measure": f"Fix {days}.", "deadline": agency_today() + dt.timedelta(days=days)}
            ],
        )

    add_visit_and_plan(5)
    before = counts()
    for days in (6, 7):  # more visits, reports, plans and letters: no more queries
        add_visit_and_plan(days)
    suspended = services.membership_suspend(membership=membership, actor=manager, reason="A.")
    services.membership_reinstate(membership=suspended, actor=manager, reason="B.")
    assert counts() == before
    with django_assert_max_num_queries(30):
        client.get(pages[0])


def test_a_cancelled_member_appeals_from_the_membership_page(client, company, other_company):
    manager = UserFactory(role=Role.MANAGER, is_staff=True)
    cancelled = services.membership_cancel(
        membership=make_membership(company=company, manager=manager), actor=manager, reason="X."
    )
    url = f"/en/portal/memberships/{cancelled.pk}/"
    client.force_login(trader_of(other_company))
    assert client.post(f"{url}appeal/", {"grounds": "Unfair."}).status_code == 404

    client.force_login(trader_of(company))
    deadline = (cancelled.cancelled_on + dt.timedelta(days=30)).isoformat()
    assert f"until {deadline}" in _html(client.get(url))
    refused = client.post(f"{url}appeal/", {"grounds": "  "})
    assert refused.status_code == 400
    assert "Give the grounds of the appeal." in refused.content.decode()
    response = client.post(f"{url}appeal/", {"grounds": "The seals were controlled."})
    assert response.status_code == 302
    cancelled.refresh_from_db()
    assert cancelled.state == "appealed"
    assert "Appeal the cancellation" not in _html(client.get(url))

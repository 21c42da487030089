"""Follow-up: reviewing action plans (accept, return, extend, escalate), change notices
(acknowledge, spot check, early revalidation), the post-incident analysis and a member's
file. Each action's happy path and its refusal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from core.dates import agency_today
from tests.factories import make_membership, trader_of
from tests.validations.factories import IS, PS, make_action_plan, make_incident
from traders import services as trader_services
from traders.models import ChangeNotice
from validations.models import SiteValidation

pytestmark = pytest.mark.django_db


def _plan(plan) -> str:
    return reverse("backoffice:action_plan", args=[plan.pk])


def test_accept_a_response(client: Client, officer) -> None:
    plan = make_action_plan(state=PS.RESPONDED)
    client.force_login(officer)
    html = client.get(_plan(plan)).content.decode()
    assert "Locks installed on every gate." in html
    response = client.post(_plan(plan), {"action": "accept", "accept-note": "Seen."}, follow=True)
    assert "The response is accepted" in response.content.decode()
    plan.refresh_from_db()
    assert plan.state == PS.ACCEPTED


def test_return_needs_a_note(client: Client, officer) -> None:
    plan = make_action_plan(state=PS.RESPONDED)
    client.force_login(officer)
    response = client.post(_plan(plan), {"action": "return", "return-note": ""})
    assert response.status_code == 422
    assert 'id="id_return-note_error"' in response.content.decode()
    client.post(_plan(plan), {"action": "return", "return-note": "Send pictures."})
    plan.refresh_from_db()
    assert plan.state == PS.RETURNED and plan.review_note == "Send pictures."


def test_accepting_a_plan_without_a_response_says_why(client: Client, officer) -> None:
    plan = make_action_plan(state=PS.ISSUED)
    client.force_login(officer)
    response = client.post(_plan(plan), {"action": "accept", "accept-note": ""})
    assert response.status_code == 409
    assert "Cannot accept this action plan: it is Issued." in response.content.decode()


def test_extend_the_deadline(client: Client, officer) -> None:
    plan = make_action_plan(state=PS.ISSUED)
    client.force_login(officer)
    response = client.post(
        _plan(plan),
        {"action": "extend", "extend-deadline": plan.deadline.isoformat(), "extend-reason": "x"},
    )
    assert response.status_code == 422
    assert "The new deadline must be after the current one" in response.content.decode()
    response = client.post(
        _plan(plan), {"action": "extend", "extend-deadline": "2099-01-01", "extend-reason": ""}
    )
    assert 'id="id_extend-reason_error"' in response.content.decode()
    new = plan.deadline + dt.timedelta(days=30)
    client.post(
        _plan(plan),
        {"action": "extend", "extend-deadline": new.isoformat(), "extend-reason": "Parts late."},
    )
    plan.refresh_from_db()
    assert plan.deadline == new


def test_escalate_an_overdue_plan(client: Client, officer) -> None:
    plan = make_action_plan(state=PS.OVERDUE)
    client.force_login(officer)
    assert "Escalate to a manager" in client.get(_plan(plan)).content.decode()
    client.post(_plan(plan), {"action": "escalate", "escalate-note": "No answer."})
    plan.refresh_from_db()
    assert plan.state == PS.ESCALATED
    response = client.post(_plan(plan), {"action": "escalate", "escalate-note": ""})
    assert response.status_code == 409
    assert "Cannot escalate this action plan" in response.content.decode()


def test_the_action_plan_list_filters_by_state(client: Client, officer) -> None:
    responded = make_action_plan(state=PS.RESPONDED)
    issued = make_action_plan(state=PS.ISSUED)
    client.force_login(officer)
    html = client.get(reverse("backoffice:action_plans") + "?state=responded").content.decode()
    assert _plan(responded) in html and _plan(issued) not in html


@pytest.fixture
def notice(db):
    membership = make_membership()
    return trader_services.change_notice_submit(
        company=membership.company,
        actor=trader_of(membership.company),
        kind=ChangeNotice.Kind.LOCATIONS,
        description="New warehouse in Laval.",
        effective_on=agency_today(),
        membership=membership,
    )


def _notice(notice) -> str:
    return reverse("backoffice:change_notice", args=[notice.pk])


def test_acknowledge_a_change_notice(client: Client, officer, notice) -> None:
    client.force_login(officer)
    assert "New warehouse in Laval." in client.get(_notice(notice)).content.decode()
    client.post(_notice(notice), {"action": "acknowledge", "acknowledge-note": "Noted."})
    notice.refresh_from_db()
    assert notice.state == ChangeNotice.State.ACKNOWLEDGED
    response = client.post(_notice(notice), {"action": "acknowledge", "acknowledge-note": ""})
    assert response.status_code == 409
    assert "Cannot acknowledge this change notice" in response.content.decode()


def test_follow_a_notice_up_with_a_spot_check(client: Client, officer, notice) -> None:
    client.force_login(officer)
    response = client.post(
        _notice(notice),
        {
            "action": "spot_check",
            "spot_check-membership": notice.membership_id,
            "spot_check-scheduled_for": (agency_today() - dt.timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 422
    assert "The visit cannot be scheduled in the past." in response.content.decode()
    response = client.post(
        _notice(notice),
        {
            "action": "spot_check",
            "spot_check-membership": notice.membership_id,
            "spot_check-scheduled_for": (agency_today() + dt.timedelta(days=5)).isoformat(),
        },
        follow=True,
    )
    spot = SiteValidation.objects.get(change_notice=notice)
    assert response.redirect_chain[-1][0] == reverse("backoffice:validation", args=[spot.pk])
    notice.refresh_from_db()
    assert notice.state == ChangeNotice.State.FOLLOW_UP and notice.follow_up == "spot_check"


def test_follow_a_notice_up_with_an_early_revalidation(client: Client, officer, notice) -> None:
    client.force_login(officer)
    client.post(
        _notice(notice), {"action": "revalidation", "revalidation-membership": notice.membership_id}
    )
    notice.refresh_from_db()
    assert notice.follow_up == "revalidation"
    assert notice.membership.revalidation_cycles.get().early


def test_the_post_incident_analysis(client: Client, officer) -> None:
    incident = make_incident(state=IS.REPORTED)
    url = reverse("backoffice:incident", args=[incident.pk])
    client.force_login(officer)
    client.post(url, {"action": "start"})
    incident.refresh_from_db()
    assert incident.state == IS.UNDER_ANALYSIS and incident.analyst == officer
    response = client.post(url, {"action": "start"})
    assert response.status_code == 409
    response = client.post(url, {"action": "conclude", "conclude-cause": "Gate open."})
    assert response.status_code == 422
    assert 'id="id_conclude-prevention_strategy_error"' in response.content.decode()
    client.post(
        url,
        {
            "action": "conclude",
            "conclude-cause": "Gate open.",
            "conclude-prevention_strategy": "Checks at each shift.",
        },
    )
    incident.refresh_from_db()
    assert incident.state == IS.CONCLUDED


def test_the_members_file_shows_its_history_in_time_order(client: Client, officer, notice) -> None:
    client.force_login(officer)
    client.post(_notice(notice), {"action": "acknowledge", "acknowledge-note": "Noted."})
    html = client.get(reverse("backoffice:company", args=[notice.company_id])).content.decode()
    # The actions as people read them, not their codes.
    assert ">Acknowledged<" in html and ">Certified<" in html and ">Submitted<" in html
    assert ">acknowledge<" not in html and ">certify<" not in html
    assert html.index(">Acknowledged<") < html.index(">Certified<")  # most recent first
    assert notice.membership.member_number in html

"""The eligibility review page: the application with its Security Profile and evidence;
request information, mark eligible or ineligible; each refusal is a message on the page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from core.dates import agency_today
from tests.factories import make_application
from traders.models import Application, EvidenceFile

pytestmark = pytest.mark.django_db
S = Application.State


@pytest.fixture
def application(officer):
    return make_application(state=S.UNDER_REVIEW, officer=officer)


def _url(app: Application) -> str:
    return reverse("backoffice:application", args=[app.pk])


def test_the_page_shows_the_profile_answers_and_evidence_links(
    client: Client, officer, application
) -> None:
    client.force_login(officer)
    html = client.get(_url(application)).content.decode()
    assert application.reference in html
    assert application.company.business_number in html
    assert "We meet CS-01 with a written procedure." in html
    evidence = EvidenceFile.objects.filter(answer__profile=application.profile).first()
    assert reverse("backoffice:evidence", args=[evidence.pk]) in html
    assert evidence.original_name in html
    for heading in ("Request information", "Mark eligible", "Mark ineligible"):
        assert heading in html


def test_evidence_downloads_for_staff_only(client: Client, officer, application) -> None:
    evidence = EvidenceFile.objects.filter(answer__profile=application.profile).first()
    url = reverse("backoffice:evidence", args=[evidence.pk])
    client.force_login(officer)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]
    from tests.factories import trader_of

    client.force_login(trader_of(application.company))  # even the owner: staff pages only
    assert client.get(url).status_code == 404


def test_request_information(client: Client, officer, application) -> None:
    client.force_login(officer)
    deadline = agency_today() + dt.timedelta(days=20)
    response = client.post(
        _url(application),
        {
            "action": "request_info",
            "request_info-message": "Send the list of your carriers.",
            "request_info-deadline": deadline.isoformat(),
        },
        follow=True,
    )
    html = response.content.decode()
    assert "Information requested." in html
    application.refresh_from_db()
    assert application.state == S.INFO_REQUESTED
    request = application.information_requests.get()
    assert request.deadline == deadline and request.requested_by == officer
    assert "Send the list of your carriers." in html


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"request_info-message": "", "request_info-deadline": "2099-01-01"},
            "message",
            "This field is required.",
        ),
        (
            {"request_info-message": "x", "request_info-deadline": ""},
            "deadline",
            "This field is required.",
        ),
        (
            {"request_info-message": "x", "request_info-deadline": "soon"},
            "deadline",
            "Enter a valid date.",
        ),
        (
            {"request_info-message": "   ", "request_info-deadline": "2099-01-01"},
            "message",
            "This field is required.",
        ),
    ],
)
def test_request_information_refusals_are_next_to_the_field(
    client: Client, officer, application, data, field, message
) -> None:
    client.force_login(officer)
    response = client.post(_url(application), {"action": "request_info", **data})
    html = response.content.decode()
    assert response.status_code == 422
    assert f'id="id_request_info-{field}_error"><span>{message}</span>' in html
    assert "There was a problem" in html
    application.refresh_from_db()
    assert application.state == S.UNDER_REVIEW


def test_a_deadline_in_the_past_is_refused_by_the_service_next_to_the_field(
    client: Client, officer, application
) -> None:
    client.force_login(officer)
    response = client.post(
        _url(application),
        {
            "action": "request_info",
            "request_info-message": "Send it.",
            "request_info-deadline": agency_today().isoformat(),
        },
    )
    assert response.status_code == 422
    assert (
        'id="id_request_info-deadline_error"><span>The deadline must be a date after today.'
        in response.content.decode()
    )


def test_mark_eligible(client: Client, officer, application) -> None:
    client.force_login(officer)
    response = client.post(
        _url(application), {"action": "eligible", "eligible-note": "Clean record."}, follow=True
    )
    html = response.content.decode()
    assert "The application is eligible." in html
    assert reverse("backoffice:validation_schedule", args=[application.pk]) in html
    application.refresh_from_db()
    assert application.state == S.ELIGIBLE


def test_mark_eligible_in_the_wrong_state_says_why(client: Client, officer) -> None:
    app = make_application(state=S.SUBMITTED)
    client.force_login(officer)
    response = client.post(_url(app), {"action": "eligible", "eligible-note": ""})
    assert response.status_code == 409
    html = response.content.decode()
    assert "Cannot mark as eligible this application: it is Submitted." in html
    assert 'class="gc-error-summary"' in html


def test_mark_ineligible_needs_reasons(client: Client, officer, application) -> None:
    client.force_login(officer)
    response = client.post(_url(application), {"action": "ineligible", "ineligible-reasons": ""})
    assert response.status_code == 422
    assert 'id="id_ineligible-reasons_error"' in response.content.decode()
    response = client.post(
        _url(application),
        {"action": "ineligible", "ineligible-reasons": "Not an eligible business type."},
        follow=True,
    )
    application.refresh_from_db()
    assert application.state == S.INELIGIBLE
    assert application.decision_reason == "Not an eligible business type."
    assert "Not an eligible business type." in response.content.decode()


def test_an_unknown_action_is_404(client: Client, officer, application) -> None:
    client.force_login(officer)
    assert client.post(_url(application), {"action": "certify"}).status_code == 404


def test_a_manager_may_review_too(client: Client, manager, application) -> None:
    client.force_login(manager)
    client.post(_url(application), {"action": "eligible"})
    application.refresh_from_db()
    assert application.state == S.ELIGIBLE

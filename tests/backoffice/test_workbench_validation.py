"""The site validation: schedule it, start it, record a finding per requirement (saved one
by one, with an optional file), complete it with an outcome, download the report; then an
action plan issued from it. Each refusal is a message on the page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from core.dates import agency_today
from tests.factories import make_application, pdf_upload
from tests.validations.factories import VS, make_site_validation, new_officer, record_findings
from traders.models import Application, Requirement
from validations.models import ActionPlan, Finding, SiteValidation

pytestmark = pytest.mark.django_db


def _page(v: SiteValidation) -> str:
    return reverse("backoffice:validation", args=[v.pk])


def _finding_url(v: SiteValidation, requirement: Requirement) -> str:
    return reverse("backoffice:finding_save", args=[v.pk, requirement.pk])


def _first_requirement(v: SiteValidation) -> Requirement:
    return Requirement.objects.filter(area__catalogue_id=v.catalogue_id).order_by(
        "area__order", "order"
    )[0]


def test_schedule_the_validation_of_an_eligible_application(client: Client, officer) -> None:
    app = make_application(state=Application.State.ELIGIBLE, officer=officer)
    colleague = new_officer()
    site = app.sites.get()
    day = agency_today() + dt.timedelta(days=10)
    client.force_login(officer)
    url = reverse("backoffice:validation_schedule", args=[app.pk])
    assert site.name in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "scheduled_for": day.isoformat(),
            "sites": [site.pk],
            "officers": [colleague.pk],
            "joint_with_cbp": "on",
        },
        follow=True,
    )
    validation = SiteValidation.objects.get(application=app)
    assert response.redirect_chain[-1][0] == _page(validation)
    assert f"scheduled for {day.isoformat()}" in response.content.decode()
    assert validation.joint_with_cbp and validation.lead_officer == officer
    assert set(validation.officers.all()) == {officer, colleague}
    app.refresh_from_db()
    assert app.state == Application.State.VALIDATION_SCHEDULED


def test_scheduling_refusals(client: Client, officer) -> None:
    client.force_login(officer)
    eligible = make_application(state=Application.State.ELIGIBLE)
    url = reverse("backoffice:validation_schedule", args=[eligible.pk])
    past = (agency_today() - dt.timedelta(days=1)).isoformat()
    response = client.post(url, {"scheduled_for": past})
    assert response.status_code == 422
    assert (
        'id="id_scheduled_for_error"><span>The visit cannot be scheduled in the past.'
        in response.content.decode()
    )
    response = client.post(url, {"scheduled_for": ""})
    assert response.status_code == 422
    under_review = make_application(state=Application.State.UNDER_REVIEW)
    url = reverse("backoffice:validation_schedule", args=[under_review.pk])
    assert "Only an eligible application" in client.get(url).content.decode()
    response = client.post(url, {"scheduled_for": agency_today().isoformat()})
    assert response.status_code == 409
    assert "it is Under review" in response.content.decode()
    assert not SiteValidation.objects.filter(application=under_review).exists()


def test_start_record_findings_and_complete(client: Client, officer) -> None:
    validation = make_site_validation(officer=officer)
    client.force_login(officer)
    response = client.post(_page(validation), {"action": "start"}, follow=True)
    assert "The validation has started" in response.content.decode()
    validation.refresh_from_db()
    assert validation.state == VS.IN_PROGRESS

    first = _first_requirement(validation)
    prefix = f"req{first.pk}"
    photo = SimpleUploadedFile("gate.png", b"\x89PNG\r\n\x1a\n" + b"0" * 32, "image/png")
    response = client.post(
        _finding_url(validation, first),
        {
            f"{prefix}-result": "partially_meets",
            f"{prefix}-note": "One gate has no lock.",
            f"{prefix}-file": photo,
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#req-{first.code}")
    finding = Finding.objects.get(validation=validation, requirement=first)
    assert (
        finding.result == "partially_meets" and finding.evidence.get().original_name == "gate.png"
    )
    html = client.get(_page(validation)).content.decode()
    assert "One gate has no lock." in html
    assert reverse("backoffice:finding_evidence", args=[finding.evidence.get().pk]) in html
    assert "1 of" in html

    # Correcting the same finding replaces it.
    client.post(
        _finding_url(validation, first), {f"{prefix}-result": "meets", f"{prefix}-note": ""}
    )
    finding.refresh_from_db()
    assert finding.result == "meets"

    # Completing before every requirement has a finding lists the missing ones as links.
    response = client.post(_page(validation), {"action": "complete", "complete-outcome": "meets"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "have no finding" in html
    second = Requirement.objects.filter(area__catalogue_id=validation.catalogue_id).exclude(
        pk=first.pk
    )
    assert f'href="#req-{second.order_by("area__order", "order")[0].code}"' in html

    record_findings(validation, officer, skip=[first.code])
    response = client.post(
        _page(validation),
        {
            "action": "complete",
            "complete-outcome": "meets_with_action_plan",
            "complete-recommendations": "Log every seal.",
            "plan-TOTAL_FORMS": "1",
            "plan-INITIAL_FORMS": "0",
            "plan-0-measure": "Log every seal in the register.",
            "plan-0-deadline": (agency_today() + dt.timedelta(days=30)).isoformat(),
        },
        follow=True,
    )
    assert "The site validation is completed." in response.content.decode()
    validation.refresh_from_db()
    assert validation.state == VS.COMPLETED and validation.outcome == "meets_with_action_plan"
    assert validation.action_plans.get().items.get().measure == "Log every seal in the register."
    validation.application.refresh_from_db()
    assert validation.application.state == Application.State.VALIDATED


def test_finding_refusals(client: Client, officer) -> None:
    validation = make_site_validation(state=VS.IN_PROGRESS, officer=officer)
    first = _first_requirement(validation)
    prefix = f"req{first.pk}"
    client.force_login(officer)
    # A shortfall needs a note: said next to the note.
    response = client.post(_finding_url(validation, first), {f"{prefix}-result": "does_not_meet"})
    assert response.status_code == 422
    assert (
        f'id="id_{prefix}-note_error"><span>Explain what falls short' in response.content.decode()
    )
    # No result.
    response = client.post(_finding_url(validation, first), {f"{prefix}-note": "x"})
    assert response.status_code == 422
    assert f'id="id_{prefix}-result_error"' in response.content.decode()
    # A file of the wrong kind: the finding is saved, the file refused and said so.
    bad = SimpleUploadedFile("virus.exe", b"MZ....", "application/octet-stream")
    response = client.post(
        _finding_url(validation, first), {f"{prefix}-result": "meets", f"{prefix}-file": bad}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Files of this type are not accepted." in html
    assert "is saved, but not the file" in html
    assert Finding.objects.filter(validation=validation, requirement=first).exists()
    # A requirement of another catalogue or an unknown one: 404.
    assert (
        client.post(reverse("backoffice:finding_save", args=[validation.pk, 999999])).status_code
        == 404
    )


def test_a_finding_before_the_visit_starts_is_refused_at_the_top(client: Client, officer) -> None:
    validation = make_site_validation(officer=officer)
    first = _first_requirement(validation)
    client.force_login(officer)
    response = client.post(_finding_url(validation, first), {f"req{first.pk}-result": "meets"})
    assert response.status_code == 409
    assert "Findings are recorded while the validation is in progress." in response.content.decode()
    assert not Finding.objects.filter(validation=validation).exists()


def test_start_twice_and_cancel(client: Client, officer) -> None:
    validation = make_site_validation(state=VS.IN_PROGRESS, officer=officer)
    client.force_login(officer)
    response = client.post(_page(validation), {"action": "start"})
    assert response.status_code == 409
    assert "Cannot start this site validation: it is In progress." in response.content.decode()
    response = client.post(_page(validation), {"action": "cancel", "cancel-reason": ""})
    assert response.status_code == 422
    response = client.post(
        _page(validation), {"action": "cancel", "cancel-reason": "Site closed."}, follow=True
    )
    validation.refresh_from_db()
    assert validation.state == VS.CANCELLED
    validation.application.refresh_from_db()
    assert validation.application.state == Application.State.ELIGIBLE


def test_the_report_pdf_of_a_completed_validation(client: Client, officer) -> None:
    validation = make_site_validation(state=VS.COMPLETED, officer=officer)
    client.force_login(officer)
    html = client.get(_page(validation)).content.decode()
    report = reverse("backoffice:validation_report", args=[validation.pk])
    assert report in html
    response = client.get(report)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_no_report_before_completion(client: Client, officer) -> None:
    validation = make_site_validation(state=VS.IN_PROGRESS, officer=officer)
    client.force_login(officer)
    response = client.get(
        reverse("backoffice:validation_report", args=[validation.pk]), follow=True
    )
    assert "available once the validation is completed" in response.content.decode()


def test_issue_an_action_plan_from_the_validation(client: Client, officer) -> None:
    validation = make_site_validation(state=VS.COMPLETED, officer=officer)
    requirement = _first_requirement(validation)
    url = reverse("backoffice:action_plan_issue", args=[validation.pk])
    client.force_login(officer)
    assert 'name="items-TOTAL_FORMS"' in client.get(url).content.decode()
    day = agency_today() + dt.timedelta(days=30)
    data = {
        "items-TOTAL_FORMS": "2",
        "items-INITIAL_FORMS": "0",
        "items-0-requirement": requirement.pk,
        "items-0-measure": "Lock gate 2.",
        "items-0-deadline": day.isoformat(),
        "items-1-measure": "",
        "items-1-deadline": "",
    }
    response = client.post(url, data, follow=True)
    plan = ActionPlan.objects.get(source_validation=validation)
    assert response.redirect_chain[-1][0] == reverse("backoffice:action_plan", args=[plan.pk])
    assert plan.deadline == day and plan.items.get().measure == "Lock gate 2."


def test_action_plan_refusals(client: Client, officer) -> None:
    validation = make_site_validation(state=VS.COMPLETED, officer=officer)
    url = reverse("backoffice:action_plan_issue", args=[validation.pk])
    client.force_login(officer)
    empty = {"items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "0", "items-0-measure": ""}
    response = client.post(url, empty)
    assert response.status_code == 422
    assert "List at least one corrective measure." in response.content.decode()
    late = {**empty, "items-0-measure": "Fix it.", "items-0-deadline": agency_today().isoformat()}
    response = client.post(url, late)
    assert "Item 1: the deadline must be a date after today." in response.content.decode()
    not_done = make_site_validation(state=VS.IN_PROGRESS, officer=officer)
    response = client.post(
        reverse("backoffice:action_plan_issue", args=[not_done.pk]),
        {**late, "items-0-deadline": (agency_today() + dt.timedelta(days=9)).isoformat()},
    )
    assert response.status_code == 409
    assert "An action plan follows a completed site validation" in response.content.decode()
    assert not ActionPlan.objects.exists()


def test_a_trader_cannot_record_a_finding(client: Client, trader, officer) -> None:
    validation = make_site_validation(state=VS.IN_PROGRESS, officer=officer)
    first = _first_requirement(validation)
    client.force_login(trader)
    response = client.post(_finding_url(validation, first), {f"req{first.pk}-result": "meets"})
    assert response.status_code == 404
    assert not Finding.objects.exists()
    assert pdf_upload  # the factories' helper stays importable for the browser test

"""The evidence on the manager's decision pages (issue 14): the report and its findings, the
officer's justification of an outcome, the Security Profile's answers, the action plans
(open and closed), incidents and change notices, each linked; and a certification the
evidence speaks against is refused unless the manager gives a reason, on the page and in
the API alike."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from core.audit import audit_history
from core.dates import agency_today
from tests.factories import make_application, pdf_upload, trader_of
from tests.validations.factories import (
    make_action_plan,
    make_incident,
    make_site_validation,
    plan_items,
    record_findings,
)
from traders import services as trader_services
from traders.models import Application, ChangeNotice, Membership, Requirement
from validations import services as validation_services
from validations.models import ActionPlan, Finding, SiteValidation

A = Application.State
VS = SiteValidation.State
Outcome = SiteValidation.Outcome


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


def _validated(*, outcome: str = Outcome.MEETS, shortfall: int = 0, override: str = ""):
    """An application whose initial site validation is completed with ``outcome``; with
    ``shortfall``, that many requirements (a must one first) only partially met, each with
    a file, kept by the officer's ``override``. Returns the application, the validation
    and the must requirement."""
    validation = make_site_validation(state=VS.IN_PROGRESS)
    officer = validation.lead_officer
    requirements = Requirement.objects.filter(area__catalogue_id=validation.catalogue_id)
    must = requirements.filter(level=Requirement.Level.MUST).first()
    short = [must] + [r for r in requirements.exclude(pk=must.pk)[: max(shortfall - 1, 0)]]
    short = short[:shortfall]
    record_findings(
        validation, officer, results={r.code: Finding.Result.PARTIALLY_MEETS for r in short}
    )
    for requirement in short:
        finding = Finding.objects.get(validation=validation, requirement=requirement)
        validation_services.finding_evidence_attach(
            finding=finding, upload=pdf_upload(f"photo-{requirement.code}.pdf"), actor=officer
        )
    validation = validation_services.site_validation_complete(
        validation=validation,
        actor=officer,
        outcome=outcome,
        override_reason=override or ("Kept on site." if short else ""),
    )
    return Application.objects.get(pk=validation.application_id), validation, must


def _decide(client, url: str, data: dict) -> object:
    first = client.post(url, data)
    assert b'name="confirm" value="yes"' in first.content
    return client.post(url, {**data, "confirm": "yes"})


def test_the_manager_sees_the_evidence_with_a_link_to_each_document(manager_client):
    app, validation, must = _validated(
        shortfall=1, override="The gate was repaired while we were on site."
    )
    company = app.company
    open_plan = validation_services.action_plan_issue(
        company=company, actor=validation.lead_officer, items=plan_items(days=(30,))
    )
    closed_plan = make_action_plan(state=ActionPlan.State.ACCEPTED, company=company)
    incident = make_incident(company=company)
    notice = trader_services.change_notice_submit(
        company=company,
        actor=trader_of(company),
        kind=ChangeNotice.Kind.CONTACTS,
        description="New security manager.",
        effective_on=agency_today(),
    )

    page = manager_client.get(reverse("backoffice:dashboard_application", args=[app.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    # The report and its findings.
    assert reverse("backoffice:validation_report", args=[validation.pk]) in html
    assert reverse("backoffice:validation", args=[validation.pk]) in html
    assert "Partially meets 1" in html
    assert f"{must.code} falls short." in html
    assert f"photo-{must.code}.pdf" in html
    # The officer's justification, at the top of the evidence.
    assert f'data-override="{validation.pk}"' in html
    assert "The gate was repaired while we were on site." in html
    assert html.index("data-override") < html.index('id="validations"')
    # The Security Profile's answers, with their files.
    assert f"We meet {must.code} with a written procedure." in html
    # Open and closed action plans, incidents and change notices.
    assert "Open action plans" in html and "Closed action plans" in html
    assert (
        html.index(reverse("backoffice:action_plan", args=[open_plan.pk]))
        < html.index("Closed action plans")
        < html.index(reverse("backoffice:action_plan", args=[closed_plan.pk]))
    )
    assert "Install a lock on gate 1." in html
    assert reverse("backoffice:incident", args=[incident.pk]) in html
    assert reverse("backoffice:change_notice", args=[notice.pk]) in html
    # Nothing speaks against certifying: no warning.
    assert 'id="contradictions"' not in html

    # The decision page shows the outcome, the officer's justification and the report.
    decide = manager_client.get(
        reverse("backoffice:dashboard_application_decide", args=[app.pk, "certify"])
    ).content.decode()
    assert "The gate was repaired while we were on site." in decide
    assert reverse("backoffice:validation_report", args=[validation.pk]) in decide
    assert "1 open action plan." in decide


def test_the_profile_evidence_files_are_linked(manager_client):
    app, _validation, _must = _validated()
    evidence = [e for a in app.profile.answers.all() for e in a.evidence.all()]
    assert evidence  # the factory attaches the files the catalogue requires
    html = manager_client.get(
        reverse("backoffice:dashboard_application", args=[app.pk])
    ).content.decode()
    for file in evidence:
        assert reverse("backoffice:evidence", args=[file.pk]) in html


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_constant_queries_whatever_the_number_of_findings_and_plans(
    manager_client, django_assert_max_num_queries
):
    small, _small_validation, _ = _validated(shortfall=1)
    make_action_plan(company=small.company)
    # Ten findings short (with a file each) and ten plans, some of them closed.
    big, big_validation, _ = _validated(shortfall=10)
    officer = big_validation.lead_officer
    assert Finding.objects.filter(validation=big_validation).exclude(result="meets").count() == 10
    for n in range(10):
        state = ActionPlan.State.ACCEPTED if n % 3 == 0 else ActionPlan.State.ISSUED
        make_action_plan(state=state, company=big.company, officer=officer)
    for _n in range(3):
        make_incident(company=big.company, officer=officer)
    counts = []
    for app in (small, big):
        for name in ("backoffice:dashboard_application", "backoffice:dashboard_application_decide"):
            args = [app.pk] if name.endswith("application") else [app.pk, "certify"]
            url = reverse(name, args=args)
            with django_assert_max_num_queries(24):
                counts.append(_queries(manager_client, url))
    assert counts[0] == counts[2] and counts[1] == counts[3], counts


def test_membership_pages_show_the_evidence_in_constant_queries(
    manager_client, manager, django_assert_max_num_queries
):
    counts = []
    for plans in (1, 6):
        app, validation, _ = _validated()
        validation_services.application_certify(application=app, actor=manager)
        membership = Membership.objects.get(application=app)
        for _n in range(plans):
            make_action_plan(company=app.company)
        url = reverse("backoffice:dashboard_membership", args=[membership.pk])
        with django_assert_max_num_queries(24):
            counts.append(_queries(manager_client, url))
        html = manager_client.get(url).content.decode()
        assert reverse("backoffice:validation_report", args=[validation.pk]) in html
        suspend = reverse("backoffice:dashboard_membership_decide", args=[membership.pk, "suspend"])
        summary = manager_client.get(suspend).content.decode()
        assert f"{plans} open action plan" in summary
        assert reverse("backoffice:validation_report", args=[validation.pk]) in summary
    assert counts[0] == counts[1], counts


# --- Certifying against the evidence -------------------------------------------------------


def _certify_url(app: Application) -> str:
    return reverse("backoffice:dashboard_application_decide", args=[app.pk, "certify"])


def test_certify_against_a_failed_validation_is_refused_beside_the_field(manager_client):
    app, _validation, _ = _validated(outcome=Outcome.DOES_NOT_MEET)
    url = _certify_url(app)
    page = manager_client.get(url).content.decode()
    assert 'id="contradictions"' in page
    assert 'data-code="site_validation_does_not_meet"' in page
    assert 'name="override_reason"' in page  # the reason to decide all the same

    response = _decide(manager_client, url, {"reason": "Strong record.", "override_reason": ""})
    body = response.content.decode()
    assert 'id="id_override_reason_error"' in body  # beside the field
    assert "Cannot certify this application as it stands" in body
    assert "Strong record." in body  # nothing typed is lost
    app.refresh_from_db()
    assert app.state == A.VALIDATED


def test_certify_against_the_evidence_with_a_reason_is_recorded(manager_client, manager):
    app, _validation, _ = _validated(outcome=Outcome.DOES_NOT_MEET)
    response = _decide(
        manager_client,
        _certify_url(app),
        {"reason": "", "override_reason": "The gaps were closed the week after the visit."},
    )
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.state == A.CERTIFIED
    event = audit_history(obj=app).last()
    assert event.action == "certify" and event.actor == manager
    assert "The gaps were closed the week after the visit." in event.note
    assert "does not meet the requirements" in event.note
    membership = Membership.objects.get(application=app)
    assert "The gaps were closed" in audit_history(obj=membership).last().note


def test_certify_with_an_open_plan_past_its_deadline_is_refused(manager):
    app, _validation, _ = _validated()
    plan = make_action_plan(company=app.company, past_due=True)
    assert plan.deadline < agency_today()
    with pytest.raises(Exception) as refused:
        validation_services.application_certify(application=app, actor=manager)
    assert refused.value.code == "certification_contradicts_evidence"
    assert refused.value.details["contradictions"] == ["action_plan_past_deadline"]
    assert "past its deadline" in refused.value.message


def test_certify_without_a_completed_site_validation_is_refused(manager):
    app = make_application(state=A.VALIDATED, manager=manager)  # no visit behind it
    with pytest.raises(Exception) as refused:
        validation_services.application_certify(application=app, actor=manager)
    assert refused.value.details["contradictions"] == ["no_completed_site_validation"]
    app.refresh_from_db()
    assert app.state == A.VALIDATED


def test_the_wrong_role_or_state_is_told_that_first(officer, manager):
    """The evidence is weighed after the permission and the state."""
    app = make_application(state=A.VALIDATED, manager=manager)
    with pytest.raises(Exception) as refused:
        validation_services.application_certify(application=app, actor=officer)
    assert refused.value.code == "not_permitted"
    draft = make_application(manager=manager)
    with pytest.raises(Exception) as refused:
        validation_services.application_certify(application=draft, actor=manager)
    assert refused.value.code == "transition_not_allowed"


def test_deny_without_reasons_in_french_keeps_the_note_beside_the_field(client, manager):
    app, _validation, _ = _validated(outcome=Outcome.DOES_NOT_MEET)
    client.force_login(manager)
    with translation.override("fr"):
        url = reverse("backoffice:dashboard_application_decide", args=[app.pk, "deny"])
        record = reverse("backoffice:dashboard_application", args=[app.pk])
    assert url.startswith("/fr/")
    page = client.get(record).content.decode()
    assert "La preuve" in page and "Rapport de validation sur place (PDF)" in page
    assert "La preuve s&#x27;oppose à la certification" in page or (
        "La preuve s'oppose à la certification" in page
    )
    body = client.post(url, {"reason": "  "}).content.decode()
    assert 'id="id_reason_error"' in body
    assert "Indiquez le motif de cette décision." in body
    app.refresh_from_db()
    assert app.state == A.VALIDATED


def test_traders_and_officers_get_404_on_the_evidence(client, officer, manager):
    app, _validation, _ = _validated()
    for user in (trader_of(app.company), officer):
        client.force_login(user)
        for url in (
            reverse("backoffice:dashboard_application", args=[app.pk]),
            _certify_url(app),
        ):
            assert client.get(url).status_code == 404
    # The officer keeps the workbench's own pages on the case, as before.
    client.force_login(officer)
    assert client.get(reverse("backoffice:application", args=[app.pk])).status_code == 200

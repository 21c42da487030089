"""The trader's pages as a trader uses them: company, sites, application, Security Profile,
evidence, submit, information requests, memberships and their obligations."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape

from core.dates import agency_today, agency_tz
from core.models import AuditEvent
from notifications.models import Letter
from revalidation.services import revalidation_open
from tests.factories import (
    SiteFactory,
    complete_profile,
    make_application,
    make_membership,
    pdf_upload,
    trader_of,
)
from tests.validations.factories import make_site_validation
from traders.models import (
    Application,
    ChangeNotice,
    Company,
    EvidenceFile,
    ProfileAnswer,
    Requirement,
    Site,
)
from validations.models import ActionPlan, Incident
from validations.services import action_plan_issue

pytestmark = pytest.mark.django_db


def _html(response) -> str:
    return response.content.decode()


def _files(root: Path) -> list[Path]:
    return [p for p in Path(root).rglob("*") if p.is_file()] if Path(root).exists() else []


# --- Company and sites ------------------------------------------------------------------


def test_home_without_company_offers_to_register_it(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    html = _html(client.get("/en/portal/"))
    assert "/en/portal/company/new/" in html
    assert client.get("/en/portal/applications/new/")["Location"] == "/en/portal/company/new/"


def test_company_create_and_sites(client, db):
    from tests.factories import UserFactory

    user = UserFactory()
    client.force_login(user)
    response = client.post(
        "/en/portal/company/new/",
        {"legal_name": "Maple Freight Inc.", "business_number": "123 456 789", "country": "ca"},
    )
    assert response["Location"] == "/en/portal/company/sites/new/"
    company = Company.objects.get(legal_name="Maple Freight Inc.")
    assert company.business_number == "123456789"
    assert company.user_links.get().user == user
    response = client.post(
        "/en/portal/company/sites/new/",
        {
            "name": "Main yard",
            "kind": "terminal",
            "street_address": "1 Dock Rd",
            "city": "Halifax",
            "country": "CA",
        },
    )
    assert response["Location"] == "/en/portal/company/"
    assert "Main yard" in _html(client.get("/en/portal/company/"))
    # A second company is not offered: the form sends back to the company page.
    assert client.get("/en/portal/company/new/")["Location"] == "/en/portal/company/"


@pytest.mark.parametrize(
    ("number", "message"),
    [("12345", "Enter a business number of 9 digits"), ("100000000RM0001", "already exists")],
)
def test_business_number_errors_beside_the_field(client, company, number, message):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    number = company.business_number if message == "already exists" else number
    response = client.post(
        "/en/portal/company/new/",
        {"legal_name": "Other Inc.", "business_number": number, "country": "CA"},
    )
    html = _html(response)
    assert response.status_code == 200
    assert 'id="id_business_number_error"' in html
    assert message in html
    assert 'class="gc-error-summary"' in html
    assert not Company.objects.filter(legal_name="Other Inc.").exists()


def test_business_number_error_in_french(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    html = _html(
        client.post(
            "/fr/portal/company/new/", {"legal_name": "X", "business_number": "1", "country": "CA"}
        )
    )
    assert 'id="id_business_number_error"' in html and '<html lang="fr">' in html


# --- Applications and the Security Profile --------------------------------------------


def _start_token(client) -> str:
    """The one-time token of the start form, as the page hands it out."""
    html = _html(client.get("/en/portal/applications/new/"))
    return re.search(r'name="form_token" value="([^"]+)"', html).group(1)


def test_start_an_application(trader_client, company):
    site = SiteFactory(company=company)
    response = trader_client.post(
        "/en/portal/applications/new/",
        {
            "programme": "PIP+CSA",
            "harmonized_ctpat": "on",
            "sites": [site.pk],
            "form_token": _start_token(trader_client),
        },
    )
    app = Application.objects.get(company=company)
    assert response["Location"] == f"/en/portal/applications/{app.pk}/"
    assert app.programme == "PIP+CSA" and app.harmonized_ctpat and list(app.sites.all()) == [site]
    html = _html(trader_client.get("/en/portal/"))
    assert app.reference in html


def test_sites_of_another_company_are_not_offered(trader_client, company, other_company):
    theirs = SiteFactory(company=other_company)
    response = trader_client.post(
        "/en/portal/applications/new/",
        {"programme": "PIP", "sites": [theirs.pk], "form_token": _start_token(trader_client)},
    )
    assert response.status_code == 200 and 'id="id_sites_error"' in _html(response)
    assert not Application.objects.exists()


def test_application_page_lists_what_is_missing_with_links(trader_client, company):
    app = make_application(company=company)
    html = _html(trader_client.get(f"/en/portal/applications/{app.pk}/"))
    assert "Submit the application" not in html
    first = (
        Requirement.objects.filter(area__catalogue=app.profile.catalogue)
        .order_by("area__order", "order")
        .select_related("area")
        .first()
    )
    assert f"/en/portal/applications/{app.pk}/profile/{first.area.code}/#req-{first.code}" in html
    assert 'max="' in html  # completeness indicator


def _area_data(requirements, **override):
    data = {}
    for req in requirements:
        data[f"{req.code}-implementation"] = "implemented"
        data[f"{req.code}-description"] = f"We meet {req.code}."
    data.update(override)
    return data


def _area(app):
    first = (
        Requirement.objects.filter(area__catalogue=app.profile.catalogue)
        .order_by("area__order")
        .select_related("area")
        .first()
        .area
    )
    return first, list(first.requirements.order_by("order"))


def test_area_page_saves_a_draft(trader_client, company):
    app = make_application(company=company)
    area, reqs = _area(app)
    url = f"/en/portal/applications/{app.pk}/profile/{area.code}/"
    page = trader_client.get(url)
    assert page.status_code == 200 and f'id="req-{reqs[0].code}"' in _html(page)
    response = trader_client.post(url, _area_data(reqs[:2], action="save"))
    assert response["Location"] == url
    assert app.profile.answers.count() == 2


def test_area_page_errors_beside_fields_and_nothing_saved(trader_client, company):
    app = make_application(company=company)
    area, reqs = _area(app)
    url = f"/en/portal/applications/{app.pk}/profile/{area.code}/"
    data = _area_data(reqs[:2], **{f"{reqs[1].code}-description": ""})
    response = trader_client.post(url, data)
    html = _html(response)
    assert response.status_code == 200
    assert f'id="id_{reqs[1].code}-description_error"' in html
    assert app.profile.answers.count() == 0  # all of the page or nothing


def test_upload_evidence_and_download_it(trader_client, company, settings):
    app = make_application(company=company)
    area, reqs = _area(app)
    req = next(r for r in reqs if r.evidence_required)
    url = f"/en/portal/applications/{app.pk}/profile/{area.code}/"
    data = _area_data([req])
    data[f"{req.code}-file"] = pdf_upload("policy.pdf")
    assert trader_client.post(url, data)["Location"] == url
    evidence = EvidenceFile.objects.get()
    assert evidence.original_name == "policy.pdf"
    html = _html(trader_client.get(url))
    assert f"/en/portal/evidence/{evidence.pk}/" in html
    download = trader_client.get(f"/en/portal/evidence/{evidence.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    assert "attachment" in download["Content-Disposition"]


def test_a_failed_upload_leaves_nothing(trader_client, company, settings):
    app = make_application(company=company)
    area, reqs = _area(app)
    req = next(r for r in reqs if r.evidence_required)
    url = f"/en/portal/applications/{app.pk}/profile/{area.code}/"
    data = _area_data([req])
    data[f"{req.code}-file"] = SimpleUploadedFile(
        "policy.pdf", b"not a pdf at all", "application/pdf"
    )
    response = trader_client.post(url, data)
    html = _html(response)
    assert response.status_code == 200
    assert f'id="id_{req.code}-file_error"' in html and "not a .pdf file" in html
    assert not ProfileAnswer.objects.exists() and not EvidenceFile.objects.exists()
    assert _files(settings.MEDIA_ROOT) == []


def test_submit_is_offered_when_complete_and_a_double_submit_creates_nothing_twice(
    trader_client, trader, company
):
    app = make_application(company=company)
    complete_profile(app, trader)
    page = _html(trader_client.get(f"/en/portal/applications/{app.pk}/"))
    url = f"/en/portal/applications/{app.pk}/submit/"
    assert "Review and submit" in page and url in page
    first = trader_client.post(url, {"declaration": "on"}, follow=True)
    assert first.redirect_chain[-1][0] == f"/en/portal/applications/{app.pk}/receipt/"
    assert "is submitted" in _html(first)
    second = trader_client.post(url, {"declaration": "on"}, follow=True)
    assert "already submitted" in _html(second)
    app.refresh_from_db()
    assert app.state == Application.State.SUBMITTED
    assert AuditEvent.objects.for_object(app).filter(action="submit").count() == 1
    # Submitted: the area pages are read only.
    area, reqs = _area(app)
    area_url = f"/en/portal/applications/{app.pk}/profile/{area.code}/"
    assert "no longer changed" in _html(trader_client.get(area_url))
    trader_client.post(area_url, _area_data(reqs[:1], **{f"{reqs[0].code}-description": "x"}))
    assert app.profile.answers.get(requirement=reqs[0]).description != "x"


def test_submitting_an_incomplete_application_lists_the_problem(trader_client, company):
    app = make_application(company=company)
    response = trader_client.post(
        f"/en/portal/applications/{app.pk}/submit/", {"declaration": "on"}, follow=True
    )
    assert "cannot be submitted yet" in _html(response)
    app.refresh_from_db()
    assert app.state == Application.State.DRAFT


# --- Review, declaration and receipt (issue 14) -----------------------------------------


def test_the_review_page_lists_every_answer_by_area_with_its_requirement(
    trader_client, trader, company
):
    app = make_application(company=company)
    complete_profile(app, trader)
    html = _html(trader_client.get(f"/en/portal/applications/{app.pk}/submit/"))
    requirements = list(
        Requirement.objects.filter(area__catalogue=app.profile.catalogue)
        .select_related("area")
        .order_by("area__order", "order")
    )
    positions = []
    for req in requirements:
        assert f'id="review-{req.code}"' in html
        assert escape(req.text_en) in html, "the requirement itself, not its bare code"
        positions.append(html.index(f'id="review-{req.code}"'))
    assert positions == sorted(positions), "by area, in the catalogue's order"
    for area in {r.area for r in requirements}:
        assert f"{area.code} · {area.name_en}" in html
    assert "Implemented" in html and f"We meet {requirements[0].code}" in html
    evidence = EvidenceFile.objects.filter(answer__profile=app.profile).first()
    assert f"/en/portal/evidence/{evidence.pk}/" in html
    assert (
        f"I declare, as a signing authority of {company.legal_name}, that the information in "
        "this application is true and complete." in html
    )


def test_the_review_page_in_french(trader_client, trader, company):
    app = make_application(company=company)
    complete_profile(app, trader)
    html = _html(trader_client.get(f"/fr/portal/applications/{app.pk}/submit/"))
    assert f"Je déclare, à titre de signataire autorisé de {company.legal_name}" in html


def test_submit_without_the_declaration_is_refused_beside_the_checkbox(
    trader_client, trader, company
):
    app = make_application(company=company)
    complete_profile(app, trader)
    response = trader_client.post(f"/en/portal/applications/{app.pk}/submit/", {})
    html = _html(response)
    assert response.status_code == 422
    assert 'id="id_declaration_error"' in html
    assert "Tick the declaration to submit the application." in html
    app.refresh_from_db()
    assert app.state == Application.State.DRAFT and app.declared_by is None


@pytest.fixture
def contributor(company):
    from tests.factories import CompanyUserFactory
    from traders.models import CompanyUser

    return CompanyUserFactory(
        company=company, company_role=CompanyUser.CompanyRole.CONTRIBUTOR
    ).user


def test_a_contributor_is_told_who_can_submit_and_cannot(client, trader, contributor, company):
    app = make_application(company=company)
    complete_profile(app, contributor)
    client.force_login(contributor)
    url = f"/en/portal/applications/{app.pk}/submit/"
    html = _html(client.get(url))
    assert "Only a signing authority of" in html and trader.email in html
    assert 'name="declaration"' not in html, "no declaration to tick"
    response = client.post(url, {"declaration": "on"})
    assert response.status_code == 409
    errors = response.context["form"].non_field_errors().as_data()
    assert [e.code for e in errors] == ["signing_authority_required"]
    assert "can submit the application" in _html(response)
    app.refresh_from_db()
    assert app.state == Application.State.DRAFT


def test_the_receipt_shows_the_reference_and_stays_reachable(
    trader_client, trader, company, settings
):
    settings.APPLICATION_REVIEW_STANDARD_DAYS = 30
    app = make_application(company=company)
    complete_profile(app, trader)
    receipt_url = f"/en/portal/applications/{app.pk}/receipt/"
    assert trader_client.get(receipt_url)["Location"] == f"/en/portal/applications/{app.pk}/"
    trader_client.post(f"/en/portal/applications/{app.pk}/submit/", {"declaration": "on"})
    app.refresh_from_db()
    html = _html(trader_client.get(receipt_url))
    assert f'<strong id="receipt-reference">{app.reference}</strong>' in html
    submitted_on = app.submitted_at.astimezone(agency_tz())
    assert submitted_on.strftime("%Y-%m-%d %H:%M") in html
    due = (submitted_on.date() + dt.timedelta(days=30)).isoformat()
    assert f"within 30 days of receiving a complete application, that is by {due}" in html
    assert "What happens next" in html and str(trader.full_name) in html
    page = _html(trader_client.get(f"/en/portal/applications/{app.pk}/"))
    assert receipt_url in page
    assert trader_client.get(f"/en/portal/applications/{app.pk}/submit/")["Location"] == (
        receipt_url
    )


def test_the_review_page_in_a_constant_number_of_queries(
    trader_client, trader, company, django_assert_max_num_queries
):
    app = make_application(company=company)
    url = f"/en/portal/applications/{app.pk}/submit/"
    area, reqs = _area(app)
    services_answer(app, reqs[:1], trader)
    with django_assert_max_num_queries(REVIEW_QUERIES):
        assert trader_client.get(url).status_code == 200
    complete_profile(app, trader)
    with django_assert_max_num_queries(REVIEW_QUERIES):
        assert trader_client.get(url).status_code == 200


REVIEW_QUERIES = 16


def services_answer(app, requirements, actor):
    from traders import services

    for req in requirements:
        services.profile_answer_save(
            profile=app.profile,
            requirement=req,
            implementation=ProfileAnswer.Implementation.IMPLEMENTED,
            description="Yes.",
            actor=actor,
        )


def test_timeline_and_answering_an_information_request(client, company, officer):
    app = make_application(state=Application.State.INFO_REQUESTED, company=company, officer=officer)
    trader = trader_of(company)
    client.force_login(trader)
    html = _html(client.get(f"/en/portal/applications/{app.pk}/"))
    assert "Information requested" in html and "Send your fleet list." in html
    assert "Submitted" in html and "Under review" in html  # the timeline
    info = app.information_requests.get()
    url = f"/en/portal/applications/{app.pk}/requests/{info.pk}/"
    empty = client.post(url, {"response": ""})
    assert 'id="id_response_error"' in _html(empty)
    response = client.post(url, {"response": "Fleet list attached to our profile."})
    assert response["Location"] == f"/en/portal/applications/{app.pk}/"
    app.refresh_from_db()
    info.refresh_from_db()
    assert app.state == Application.State.UNDER_REVIEW and not info.is_open
    again = client.post(url, {"response": "Again"}, follow=True)
    assert "already answered" in _html(again)


# --- Memberships ------------------------------------------------------------------------


def test_membership_page_and_certificate(client, company):
    membership = make_membership(company=company)
    client.force_login(trader_of(company))
    html = _html(client.get(f"/en/portal/memberships/{membership.pk}/"))
    assert membership.member_number in html
    assert membership.expires_on.isoformat() in html
    assert membership.certified_on.isoformat() in html
    response = client.get(f"/en/portal/memberships/{membership.pk}/certificate/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_action_plan_respond(client, company, officer):
    membership = make_membership(company=company)
    plan = action_plan_issue(
        company=company,
        actor=officer,
        membership=membership,
        items=[
            {"measure": "Fix the gate lock.", "deadline": agency_today() + dt.timedelta(days=30)}
        ],
    )
    client.force_login(trader_of(company))
    assert "Fix the gate lock." in _html(client.get(f"/en/portal/memberships/{membership.pk}/"))
    url = f"/en/portal/action-plans/{plan.pk}/"
    item = plan.items.get()
    empty = client.post(url, {"item": item.pk, f"item{item.pk}-response": ""})
    assert f'id="id_item{item.pk}-response_error"' in _html(empty)
    plan.refresh_from_db()
    assert plan.state == ActionPlan.State.ISSUED
    response = client.post(url, {"item": item.pk, f"item{item.pk}-response": "New lock fitted."})
    assert response["Location"] == f"{url}#item-{item.pk}"
    plan.refresh_from_db()
    item.refresh_from_db()
    assert plan.state == ActionPlan.State.RESPONDED and item.response == "New lock fitted."


def test_report_a_change_and_an_incident(client, company):
    membership = make_membership(company=company)
    client.force_login(trader_of(company))
    response = client.post(
        "/en/portal/changes/new/",
        {
            "kind": "locations",
            "description": "New warehouse.",
            "effective_on": "2026-01-15",
            "membership": membership.pk,
        },
    )
    assert response["Location"] == "/en/portal/"
    assert ChangeNotice.objects.get().membership == membership
    future = (agency_today() + dt.timedelta(days=3)).isoformat()
    bad = client.post("/en/portal/incidents/new/", {"occurred_on": future, "description": "x"})
    assert 'id="id_occurred_on_error"' in _html(bad)
    ok = client.post(
        "/en/portal/incidents/new/",
        {"occurred_on": agency_today().isoformat(), "description": "A seal was broken."},
    )
    assert ok["Location"] == "/en/portal/"
    assert Incident.objects.get().description == "A seal was broken."


def test_revalidation_edit_and_submit(client, company):
    membership = make_membership(company=company)
    cycle = revalidation_open(membership=membership, actor=None)
    client.force_login(trader_of(company))
    html = _html(client.get(f"/en/portal/revalidations/{cycle.pk}/"))
    assert "Submit the updated Security Profile" in html  # pre-filled, complete
    area, reqs = _area_for_profile(cycle.profile)
    url = f"/en/portal/revalidations/{cycle.pk}/profile/{area.code}/"
    data = _area_data(reqs[:1], **{f"{reqs[0].code}-description": "Updated in 2026."})
    assert client.post(url, data)["Location"] == url
    assert cycle.profile.answers.get(requirement=reqs[0]).description == "Updated in 2026."
    response = client.post(f"/en/portal/revalidations/{cycle.pk}/submit/", follow=True)
    assert "is submitted" in _html(response)
    cycle.refresh_from_db()
    assert cycle.state == "profile_submitted"


def _area_for_profile(profile):
    area = (
        Requirement.objects.filter(area__catalogue=profile.catalogue)
        .select_related("area")
        .order_by("area__order")
        .first()
        .area
    )
    return area, list(area.requirements.order_by("order"))


# --- Who may open what ------------------------------------------------------------------


@pytest.fixture
def their_objects(other_company, officer):
    """One of each object of another company."""
    app = make_application(state=Application.State.INFO_REQUESTED, company=other_company)
    membership = make_membership(company=other_company)
    cycle = revalidation_open(membership=membership, actor=None)
    plan = action_plan_issue(
        company=other_company,
        actor=officer,
        items=[{"measure": "Fix it.", "deadline": agency_today() + dt.timedelta(days=30)}],
    )
    evidence = EvidenceFile.objects.filter(answer__profile=app.profile).first()
    area = Requirement.objects.filter(area__catalogue=app.profile.catalogue).first().area.code
    info = app.information_requests.get()
    visit = make_site_validation(state="completed", company=other_company)
    letter = Letter.objects.filter(company_id=other_company.pk).first()
    return [
        f"/en/portal/applications/{app.pk}/",
        f"/en/portal/applications/{app.pk}/sites/",
        f"/en/portal/applications/{app.pk}/profile/{area}/",
        f"/en/portal/applications/{app.pk}/requests/{info.pk}/",
        f"/en/portal/applications/{app.pk}/submit/",
        f"/en/portal/applications/{app.pk}/receipt/",
        f"/en/portal/evidence/{evidence.pk}/",
        f"/en/portal/memberships/{membership.pk}/",
        f"/en/portal/memberships/{membership.pk}/certificate/",
        f"/en/portal/action-plans/{plan.pk}/",
        f"/en/portal/revalidations/{cycle.pk}/",
        f"/en/portal/revalidations/{cycle.pk}/profile/{area}/",
        f"/en/portal/reports/{visit.pk}/",
        f"/en/portal/letters/{letter.pk}/",
    ]


def test_another_companys_objects_are_404(client, trader, their_objects, other_company):
    client.force_login(trader)
    for url in their_objects:
        assert client.get(url).status_code == 404, url
    for app in Application.objects.filter(company=other_company):
        for url in (
            f"/en/portal/applications/{app.pk}/submit/",
            f"/en/portal/applications/{app.pk}/profile/CS/",
        ):
            assert client.post(url).status_code == 404, url


PORTAL_PAGES = [
    "/en/portal/",
    "/en/portal/company/",
    "/en/portal/company/new/",
    "/en/portal/company/sites/new/",
    "/en/portal/applications/new/",
    "/en/portal/changes/new/",
    "/en/portal/incidents/new/",
]


@pytest.mark.parametrize("role", ["officer", "manager", "administrator", "partner"])
def test_staff_get_404_on_portal_pages(client, actors, their_objects, role):
    client.force_login(actors[role])
    for url in PORTAL_PAGES + their_objects:
        assert client.get(url).status_code == 404, url


def test_anonymous_is_sent_to_sign_in(client, their_objects):
    for url in PORTAL_PAGES + their_objects:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/en/sign-in/?next="), url


def test_public_registration_pages(client):
    assert client.get("/en/portal/register/").status_code == 200
    assert client.get("/en/portal/register/sent/").status_code == 200


def test_signed_in_user_is_not_offered_registration(trader_client):
    assert trader_client.get("/en/portal/register/")["Location"] == "/en/welcome/"


def test_home_lists_applications_and_memberships(client, company, django_assert_max_num_queries):
    membership = make_membership(company=company)
    draft = make_application(company=company)
    client.force_login(trader_of(company))
    with django_assert_max_num_queries(20):
        html = _html(client.get("/en/portal/"))
    assert membership.member_number in html and draft.reference in html
    assert Site.objects.filter(company=company).exists()

"""The company profile, its sites and users; case assignment; evidence files; change-notice
follow-ups and the yearly profile confirmation: what each endpoint refuses, and with which
status, beyond the matrix."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from core.dates import agency_today
from core.models import Role
from tests.factories import (
    CompanyUserFactory,
    SiteFactory,
    UserFactory,
    make_application,
    make_membership,
    trader_of,
)
from tests.validations.factories import make_site_validation, record_findings
from traders import services as trader_services
from traders.models import Application, ChangeNotice, CompanyUser, EvidenceFile, SecurityProfile
from validations.models import FindingEvidence, SiteValidation

V1 = "/api/v1"


def _pdf(name: str = "photo.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n% photo\n%%EOF\n", "application/pdf")


def _notice(company, membership=None, kind=ChangeNotice.Kind.LOCATIONS) -> ChangeNotice:
    return trader_services.change_notice_submit(
        company=company,
        actor=trader_of(company),
        kind=kind,
        description="New yard.",
        effective_on=agency_today(),
        membership=membership,
    )


# --- Company profile, sites, users --------------------------------------------------------


def test_company_update_changes_what_is_sent_but_never_the_business_number(api, trader, company):
    client = api(trader)
    number = company.business_number
    refused = client.patch(
        f"{V1}/companies/{company.pk}/", {"business_number": "999999999RM0001"}, format="json"
    )
    assert refused.status_code == 400
    assert set(refused.json()["details"]) == {"business_number"}
    changed = client.patch(
        f"{V1}/companies/{company.pk}/",
        {"operating_name": "North Freight", "mra_sharing_consent": True},
        format="json",
    )
    assert changed.status_code == 200, changed.json()
    body = changed.json()
    assert body["operating_name"] == "North Freight" and body["mra_sharing_consent"] is True
    assert body["business_number"] == number
    invalid = client.patch(f"{V1}/companies/{company.pk}/", {"contact_email": "x"}, format="json")
    assert invalid.status_code == 400 and "contact_email" in invalid.json()["details"]


def test_a_contributor_may_not_change_the_company_or_add_users(api, company):
    contributor = CompanyUserFactory(
        company=company, company_role=CompanyUser.CompanyRole.CONTRIBUTOR
    ).user
    client = api(contributor)
    assert client.get(f"{V1}/companies/{company.pk}/").status_code == 200
    update = client.patch(f"{V1}/companies/{company.pk}/", {"phone": "1"}, format="json")
    assert update.status_code == 403 and update.json()["code"] == "not_permitted"
    add = client.post(
        f"{V1}/companies/{company.pk}/users/", {"email": UserFactory().email}, format="json"
    )
    assert add.status_code == 403


def test_site_update_and_a_site_of_another_company(api, trader, company, other_company):
    site = SiteFactory(company=company)
    client = api(trader)
    done = client.patch(
        f"{V1}/companies/{company.pk}/sites/{site.pk}/", {"kind": "office"}, format="json"
    )
    assert done.status_code == 200 and done.json()["kind"] == "office"
    refused = client.patch(
        f"{V1}/companies/{company.pk}/sites/{site.pk}/", {"company": 1}, format="json"
    )
    assert refused.status_code == 400 and "company" in refused.json()["details"]
    foreign = SiteFactory(company=other_company)
    for site_id in (foreign.pk, "abc", 10**12):
        missing = client.get(f"{V1}/companies/{company.pk}/sites/{site_id}/")
        assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_company_users_lists_and_adds_existing_trader_accounts(api, trader, company):
    client = api(trader)
    listed = client.get(f"{V1}/companies/{company.pk}/users/").json()
    assert [row["email"] for row in listed["results"]] == [trader.email]
    newcomer = UserFactory(email="New.Person@example.test")
    added = client.post(
        f"{V1}/companies/{company.pk}/users/", {"email": "new.person@EXAMPLE.test"}, format="json"
    )
    assert added.status_code == 201, added.json()
    assert added.json()["user"] == newcomer.pk and added.json()["company_role"] == "contributor"
    again = client.post(
        f"{V1}/companies/{company.pk}/users/", {"email": newcomer.email}, format="json"
    )
    assert again.status_code == 400
    officer = UserFactory(role=Role.OFFICER, is_staff=True)
    for email in ("nobody@example.test", officer.email):
        unknown = client.post(f"{V1}/companies/{company.pk}/users/", {"email": email}, "json")
        assert unknown.status_code == 400 and "email" in unknown.json()["details"]


# --- Case assignment ----------------------------------------------------------------------


def test_officers_take_cases_for_themselves_and_managers_assign(api, company, officer, manager):
    app = make_application(state=Application.State.SUBMITTED, company=company)
    other = UserFactory(role=Role.OFFICER, is_staff=True)
    url = f"{V1}/applications/{app.pk}/assign-officer/"
    refused = api(officer).post(url, {"officer": other.pk}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "not_permitted"
    taken = api(officer).post(url, {"officer": officer.pk}, format="json")
    assert taken.status_code == 200 and taken.json()["assigned_officer"] == officer.pk
    assigned = api(manager).post(url, {"officer": other.pk}, format="json")
    assert assigned.status_code == 200 and assigned.json()["assigned_officer"] == other.pk
    trader = api(trader_of(company)).post(url, {"officer": trader_of(company).pk}, "json")
    assert trader.status_code in (400, 403)
    draft = make_application(state=Application.State.DRAFT, company=company)
    early = api(manager).post(
        f"{V1}/applications/{draft.pk}/assign-officer/", {"officer": officer.pk}, format="json"
    )
    assert early.status_code == 409 and early.json()["code"] == "not_assignable"


# --- Evidence files -----------------------------------------------------------------------


def test_evidence_download_is_the_file_within_scope(api, company, other_company, officer):
    app = make_application(state=Application.State.SUBMITTED, company=company)
    evidence = EvidenceFile.objects.filter(answer__profile=app.profile).first()
    url = f"{V1}/applications/{app.pk}/security-profile/evidence/{evidence.pk}/"
    for user in (trader_of(company), officer):
        response = api(user).get(url, HTTP_ACCEPT="application/pdf")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert "attachment" in response["Content-Disposition"]
        assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert api(trader_of(other_company)).get(url).status_code == 404
    # An evidence file of another application is not this profile's.
    other = make_application(state=Application.State.SUBMITTED, company=company)
    foreign = EvidenceFile.objects.filter(answer__profile=other.profile).first()
    wrong = api(officer).get(f"{V1}/applications/{app.pk}/security-profile/evidence/{foreign.pk}/")
    assert wrong.status_code == 404 and wrong.json()["code"] == "not_found"
    junk = api(officer).get(f"{V1}/applications/{app.pk}/security-profile/evidence/x/")
    assert junk.status_code == 404 and junk.json()["code"] == "not_found"


def test_finding_evidence_upload(api, company, officer):
    validation = make_site_validation(
        state=SiteValidation.State.IN_PROGRESS, company=company, officer=officer
    )
    record_findings(validation, officer)
    finding = validation.findings.first()
    url = f"{V1}/site-validations/{validation.pk}/findings/{finding.pk}/evidence/"
    client = api(officer)
    done = client.post(url, {"file": _pdf()}, format="multipart")
    assert done.status_code == 201, done.json()
    assert done.json()["finding"] == finding.pk
    assert FindingEvidence.objects.filter(finding=finding).count() == 1
    bad = client.post(url, {"file": SimpleUploadedFile("x.exe", b"MZ", "x")}, format="multipart")
    assert bad.status_code == 400 and "file" in bad.json()["details"]
    missing = client.post(url, {}, format="multipart")
    assert missing.status_code == 400 and "file" in missing.json()["details"]
    other = make_site_validation(
        state=SiteValidation.State.IN_PROGRESS, company=company, officer=officer
    )
    record_findings(other, officer)
    elsewhere = f"{V1}/site-validations/{other.pk}/findings/{finding.pk}/evidence/"
    assert client.post(elsewhere, {"file": _pdf()}, format="multipart").status_code == 404
    client.post(f"{V1}/site-validations/{validation.pk}/complete/", {"outcome": "meets"}, "json")
    late = client.post(url, {"file": _pdf()}, format="multipart")
    assert late.status_code == 409


# --- Change-notice follow-ups -------------------------------------------------------------


def test_spot_check_follows_up_a_notice_once(api, company, officer):
    membership = make_membership(company=company)
    site = SiteFactory(company=company)
    notice = _notice(company, membership)
    client = api(officer)
    url = f"{V1}/change-notices/{notice.pk}/open-spot-check/"
    past = client.post(url, {"scheduled_for": str(agency_today() - dt.timedelta(days=1))}, "json")
    assert past.status_code == 400 and "scheduled_for" in past.json()["details"]
    done = client.post(
        url,
        {"scheduled_for": str(agency_today() + dt.timedelta(days=5)), "sites": [site.pk]},
        format="json",
    )
    assert done.status_code == 201, done.json()
    body = done.json()
    assert body["kind"] == "spot_check" and body["change_notice"] == notice.pk
    assert body["membership"] == membership.pk and body["sites"] == [site.pk]
    notice.refresh_from_db()
    assert notice.state == ChangeNotice.State.FOLLOW_UP and notice.follow_up == "spot_check"
    again = client.post(f"{V1}/change-notices/{notice.pk}/open-revalidation/", {}, format="json")
    assert again.status_code == 409


def test_a_notice_without_membership_names_one(api, company, officer):
    membership = make_membership(company=company)
    notice = _notice(company)
    client = api(officer)
    url = f"{V1}/change-notices/{notice.pk}/open-revalidation/"
    unnamed = client.post(url, {}, format="json")
    assert unnamed.status_code == 400 and "membership" in unnamed.json()["details"]
    done = client.post(url, {"membership": membership.pk}, format="json")
    assert done.status_code == 201, done.json()
    assert done.json()["early"] is True and done.json()["change_notice"] == notice.pk
    notice.refresh_from_db()
    assert notice.follow_up == "revalidation"


# --- Yearly confirmation ------------------------------------------------------------------


def test_confirm_profile_confirms_the_accepted_profile(api, company):
    membership = make_membership(company=company)
    trader = trader_of(company)
    response = api(trader).post(f"{V1}/memberships/{membership.pk}/confirm-profile/")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["id"] == membership.application.profile_id
    assert body["confirmed_on"] == str(agency_today())
    assert SecurityProfile.objects.get(pk=body["id"]).confirmed_on == agency_today()

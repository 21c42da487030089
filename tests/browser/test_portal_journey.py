"""The trader's journey in real Chromium: register, confirm the e-mail address, register the
company and a site, start an application, fill the Security Profile with an upload, submit,
answer the officer's information request, download a membership certificate. axe-core
checks every page; the key pages are checked in French too; screenshots are saved."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import expect

from core.dates import agency_today
from core.models import User
from tests.factories import UserFactory, make_membership, pdf_upload
from traders import services
from traders.models import Application, CatalogueVersion, ProfileAnswer, Requirement

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Harbour-gate-2026"
CATALOGUE = Path(services.__file__).resolve().parents[1] / "catalogue_data" / "pip_2024.json"


def _catalogue() -> None:
    """Browser tests flush the database after them: load the catalogue if it is gone."""
    if not CatalogueVersion.objects.filter(programme="PIP").exists():
        services.catalogue_load(data=json.loads(CATALOGUE.read_text(encoding="utf-8")))


def _check(page, axe_check, screenshot, name: str) -> None:
    axe_check(page)
    screenshot(page, f"portal-{name}")


def _answer_all_but(application: Application, user: User, keep: Requirement) -> None:
    for req in Requirement.objects.filter(area__catalogue=application.profile.catalogue):
        if req.pk == keep.pk:
            continue
        answer = services.profile_answer_save(
            profile=application.profile,
            requirement=req,
            implementation=ProfileAnswer.Implementation.IMPLEMENTED,
            description=f"We meet {req.code} with a written procedure.",
            actor=user,
        )
        if req.evidence_required:
            services.evidence_attach(
                answer=answer, upload=pdf_upload(f"{req.code}.pdf"), actor=user
            )


def test_trader_journey(page, live_server, axe_check, screenshot, sign_in, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    _catalogue()
    main = page.get_by_role("main")

    # Register.
    page.goto("/en/portal/register/")
    _check(page, axe_check, screenshot, "register")
    main.get_by_role("button", name="Create the account").click()
    expect(page.locator(".gc-error-summary")).to_be_visible()
    _check(page, axe_check, screenshot, "register-errors")
    page.get_by_label("Full name").fill("Alex Martin")
    page.get_by_label("E-mail address").fill("alex@maple-freight.test")
    page.locator("#id_password1").fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_label("English").check()
    main.get_by_role("button", name="Create the account").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    _check(page, axe_check, screenshot, "register-sent")

    # Confirm the address with the link of the e-mail (locmem outbox, same process).
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "Le français suit l'anglais" in body
    link = re.search(r"https?://\S+/en/portal/verify/\S+/", body).group(0)
    page.goto(link)
    _check(page, axe_check, screenshot, "verify")
    main.get_by_role("button", name="Confirm my e-mail address").click()
    expect(page.get_by_text("Your e-mail address is confirmed.")).to_be_visible()
    user = User.objects.get(email="alex@maple-freight.test")
    assert user.is_active

    # Sign in; the portal home asks for the company.
    sign_in(page, user, password=PASSWORD)
    expect(page).to_have_url(re.compile(r"/en/portal/$"))
    _check(page, axe_check, screenshot, "home-empty")
    main.get_by_role("link", name="Register your company").click()
    page.locator("#id_legal_name").fill("Maple Freight Inc.")
    page.locator("#id_business_number").fill("12345")
    main.get_by_role("button", name="Register the company").click()
    expect(page.locator("#id_business_number_error")).to_contain_text("9 digits")
    _check(page, axe_check, screenshot, "company-errors")
    page.locator("#id_business_number").fill("123456789RM0001")
    main.get_by_role("button", name="Register the company").click()
    expect(page.get_by_role("heading", name="Add a site")).to_be_visible()
    _check(page, axe_check, screenshot, "site")
    page.locator("#id_name").fill("Halifax yard")
    page.get_by_label("Street address").fill("1 Dock Road")
    page.locator("#id_city").fill("Halifax")
    main.get_by_role("button", name="Add the site").click()
    expect(main.get_by_role("cell", name="Halifax yard")).to_be_visible()
    _check(page, axe_check, screenshot, "company")

    # Start an application.
    main.get_by_role("link", name="Start an application").click()
    page.locator("#id_programme_0").check()
    page.get_by_label("Halifax yard").check()
    main.get_by_role("button", name="Start the application").click()
    application = Application.objects.get(company__legal_name="Maple Freight Inc.")
    expect(page.get_by_role("heading", name=f"Application {application.reference}")).to_be_visible()
    expect(main.get_by_role("button", name="Submit the application")).to_have_count(0)
    _check(page, axe_check, screenshot, "application-draft")

    # The Security Profile: everything but one requirement through the services, to keep
    # the test fast; that one in the browser, with an upload.
    keep = (
        Requirement.objects.filter(
            area__catalogue=application.profile.catalogue, evidence_required=True
        )
        .select_related("area")
        .order_by("area__order", "order")
        .first()
    )
    _answer_all_but(application, user, keep)
    page.reload()
    missing = main.locator("#missing + ul a")
    expect(missing).to_have_count(1)
    missing.first.click()
    expect(page).to_have_url(re.compile(rf"/profile/{keep.area.code}/#req-{keep.code}$"))
    _check(page, axe_check, screenshot, "profile-area")
    page.locator(f'input[name="{keep.code}-implementation"][value="implemented"]').check()
    page.locator(f'textarea[name="{keep.code}-description"]').fill("Yearly risk assessment.")
    bad = tmp_path / "policy.pdf"
    bad.write_bytes(b"this is not a PDF")
    page.locator(f'input[name="{keep.code}-file"]').set_input_files(str(bad))
    main.get_by_role("button", name="Save as draft").click()
    expect(page.locator(f"#id_{keep.code}-file_error")).to_contain_text("not a .pdf file")
    _check(page, axe_check, screenshot, "profile-area-error")
    good = tmp_path / "risk-assessment.pdf"
    good.write_bytes(b"%PDF-1.4\n% risk assessment\n%%EOF\n")
    page.locator(f'input[name="{keep.code}-implementation"][value="implemented"]').check()
    page.locator(f'textarea[name="{keep.code}-description"]').fill("Yearly risk assessment.")
    page.locator(f'input[name="{keep.code}-file"]').set_input_files(str(good))
    main.get_by_role("button", name="Save as draft").click()
    expect(page.get_by_text("Your answers are saved as a draft.")).to_be_visible()
    with page.expect_download() as download:
        main.get_by_role("link", name="risk-assessment.pdf").click()
    assert download.value.suggested_filename == "risk-assessment.pdf"

    # Submit, once.
    main.get_by_role("link", name="Back to the summary").click()
    # Review every answer, make the signing authority's declaration, then submit.
    main.get_by_role("link", name="Review and submit").click()
    main.get_by_role("button", name="Submit the application").click()
    expect(
        page.get_by_text("Tick the declaration to submit the application.", exact=True)
    ).to_be_visible()
    main.get_by_role("checkbox").check()
    main.get_by_role("button", name="Submit the application").click()
    expect(page.get_by_text("is submitted")).to_be_visible()
    expect(main.get_by_role("heading", name="Submission receipt")).to_be_visible()
    main.get_by_role("link", name="Back to the application").click()
    _check(page, axe_check, screenshot, "application-submitted")
    application.refresh_from_db()
    assert application.state == Application.State.SUBMITTED

    # The officer asks for information; the trader answers.
    officer = UserFactory(role="officer", is_staff=True, full_name="Officer Tremblay")
    services.application_start_review(application=application, actor=officer)
    services.application_request_info(
        application=application,
        actor=officer,
        message="Send the list of your drivers.",
        deadline=agency_today() + dt.timedelta(days=30),
    )
    page.reload()
    expect(main.get_by_text("Send the list of your drivers.").first).to_be_visible()
    main.get_by_role("link", name="Answer the request").first.click()
    _check(page, axe_check, screenshot, "information-answer")
    page.get_by_label("Your answer").fill("Our 12 drivers are listed in the attached policy.")
    main.get_by_role("button", name="Send the answer").click()
    expect(page.get_by_text("Your answer was sent to the officer.")).to_be_visible()
    application.refresh_from_db()
    assert application.state == Application.State.UNDER_REVIEW

    # The same pages in French, through the language toggle (same page, other language).
    page.get_by_role("button", name="Français").click()
    expect(page).to_have_url(re.compile(rf"/fr/portal/applications/{application.pk}/$"))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    _check(page, axe_check, screenshot, "application-fr")
    page.goto(f"/fr/portal/applications/{application.pk}/profile/{keep.area.code}/")
    _check(page, axe_check, screenshot, "profile-area-fr")
    page.goto("/fr/portal/")
    _check(page, axe_check, screenshot, "home-fr")
    page.goto("/fr/portal/register/")
    _check(page, axe_check, screenshot, "register-fr")

    # A certified membership (made by the factory): its page and certificate.
    membership = make_membership(company=application.company)
    page.goto("/en/portal/")
    main.get_by_role("link", name=membership.member_number).click()
    expect(main.get_by_text(membership.expires_on.isoformat()).first).to_be_visible()
    _check(page, axe_check, screenshot, "membership")
    with page.expect_download() as download:
        main.get_by_role("link", name="Download the membership certificate (PDF)").click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")
    page.goto(f"/fr/portal/memberships/{membership.pk}/")
    _check(page, axe_check, screenshot, "membership-fr")

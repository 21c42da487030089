"""The manager's main path in real Chromium (issue 5): sign in, the dashboard, the 90-day
expiring list, a validated application whose evidence the manager reads (the site
validation report, a PDF, and the action plan issued with it: issue 14) and certifies with
the confirmation step, its certificate downloaded (a PDF). axe-core on each page;
screenshots saved."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from core.dates import agency_today
from tests.factories import CompanyFactory, UserFactory
from tests.validations.factories import make_site_validation
from traders import services
from traders.models import Application, CatalogueVersion, Membership
from traders.reporting import copies_rebuild
from validations.models import SiteValidation

pytestmark = pytest.mark.django_db(transaction=True)

CATALOGUE = Path(services.__file__).resolve().parents[1] / "catalogue_data" / "pip_2024.json"


def _catalogue() -> None:
    """Browser tests flush the database after them: load the catalogue if it is gone."""
    if not CatalogueVersion.objects.filter(programme="PIP").exists():
        services.catalogue_load(data=json.loads(CATALOGUE.read_text(encoding="utf-8")))


def _check(page, axe_check, screenshot, name: str) -> None:
    axe_check(page)
    screenshot(page, f"dashboard-{name}")


def test_dashboard_to_certificate(
    page, live_server, sign_in, axe_check, screenshot, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    _catalogue()
    manager = UserFactory(role="manager", is_staff=True, full_name="Maya Manager")
    # A membership certified four years ago, expiring in 45 days (hand-built: expiry dates
    # change only through certification or renewal).
    expires = agency_today() + dt.timedelta(days=45)
    (expiring,) = Membership.objects.bulk_create(
        [
            Membership(
                company=CompanyFactory(),
                programme="PIP",
                member_number="PIP9000001",
                certified_on=expires - dt.timedelta(days=1461),
                expires_on=expires,
                state=Membership.State.ACTIVE,
            )
        ]
    )
    copies_rebuild()  # a bulk write carries no copy of the company (traders.reporting)
    # Validated by a site validation that meets the requirements with an action plan.
    validation = make_site_validation(
        state=SiteValidation.State.COMPLETED,
        outcome=SiteValidation.Outcome.MEETS_WITH_ACTION_PLAN,
    )
    application = Application.objects.get(pk=validation.application_id)
    main = page.get_by_role("main")

    # Signed in, the manager lands on the dashboard.
    sign_in(page, manager)
    expect(page.get_by_role("heading", name="Programme dashboard", level=1)).to_be_visible()
    expect(main.locator('[data-figure="expiring-90"]')).to_contain_text("1")
    _check(page, axe_check, screenshot, "index")

    # The 90-day list: its count is the figure, and it holds the expiring membership.
    main.locator('[data-figure="expiring-90"]').click()
    expect(
        page.get_by_role("heading", name="Memberships expiring within 90 days", level=1)
    ).to_be_visible()
    expect(main.locator("[data-count]")).to_have_attribute("data-count", "1")
    expect(main.get_by_role("link", name=expiring.member_number)).to_be_visible()
    _check(page, axe_check, screenshot, "expiring-90")

    # Back to the dashboard, the validated applications, the one to certify.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Dashboard").click()
    main.locator('[data-figure="applications-validated"]').click()
    expect(page.get_by_role("heading", name="Validated", level=1)).to_be_visible()
    _check(page, axe_check, screenshot, "validated")
    main.get_by_role("link", name=application.reference).click()
    expect(main.locator("[data-state]")).to_have_attribute("data-state", "validated")
    # The evidence: the validation's outcome and its report, the plan issued with it.
    evidence = main.locator("#evidence")
    expect(evidence).to_contain_text("Meets requirements with an action plan")
    report = evidence.get_by_role("link", name="Site validation report (PDF)")
    response = page.request.get(report.get_attribute("href"))
    assert response.status == 200 and response.body().startswith(b"%PDF-")
    expect(evidence.locator('[data-plan-state="issued"]')).to_contain_text(
        "Correct the gate within 30 days."
    )
    expect(evidence.locator("#contradictions")).to_have_count(0)
    _check(page, axe_check, screenshot, "application")

    # Certify: a note, the confirmation step, then the decision.
    main.get_by_role("link", name="Certify").click()
    expect(main.locator("#evidence-summary")).to_contain_text("1 open action plan.")
    page.get_by_label("Note (optional)").fill("Validation satisfactory; no findings open.")
    main.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Confirm the decision")).to_be_visible()
    expect(main.get_by_text("Validation satisfactory; no findings open.")).to_be_visible()
    _check(page, axe_check, screenshot, "certify-confirm")
    main.get_by_role("button", name="Confirm: Certify").click()
    expect(page.get_by_text("Decision recorded (Certify)")).to_be_visible()
    expect(main.locator("[data-state]")).to_have_attribute("data-state", "certified")
    expect(main.locator('tr[data-action="certify"]')).to_contain_text(
        "Validation satisfactory; no findings open."
    )
    _check(page, axe_check, screenshot, "certified")

    # The new membership and its certificate, a PDF.
    membership = Membership.objects.get(application=application)
    assert membership.state == Membership.State.ACTIVE
    main.get_by_role("link", name=membership.member_number).click()
    expect(
        page.get_by_role("heading", name=f"Membership {membership.member_number}")
    ).to_be_visible()
    _check(page, axe_check, screenshot, "membership")
    link = main.get_by_role("link", name="Download the certificate (PDF)")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")

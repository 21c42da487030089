"""The officer's main path in real Chromium, without help: the queue, take the case, review
it, request information, mark it eligible, schedule the site validation, record findings (one
with a photo), complete it, issue an action plan and download the bilingual report, whose
text holds the findings in both languages. axe-core on each page."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from playwright.sync_api import expect

from core.dates import agency_today
from tests.factories import UserFactory, make_application, trader_of
from tests.validations.factories import record_findings
from traders import services as trader_services
from traders.models import Application, Requirement
from validations.models import ActionPlan, SiteValidation

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_queue_to_report(page, sign_in, axe_check, screenshot, tmp_path) -> None:
    officer = UserFactory(role="officer", is_staff=True, full_name="Olivia Officer")
    app = make_application(state=Application.State.SUBMITTED)
    sign_in(page, officer)

    page.goto("/en/staff/")
    expect(page.get_by_role("heading", name="Work queue")).to_be_visible()
    axe_check(page)
    screenshot(page, "workbench-queue")
    row = page.get_by_role("row").filter(has_text=app.reference)
    row.get_by_role("button", name=f"Take {app.reference}").click()
    expect(page.get_by_text(f"You took {app.reference}")).to_be_visible()
    axe_check(page)

    # Request information; the trader answers; the application is back in review.
    page.get_by_label("Information needed").fill("Send the list of your carriers.")
    page.get_by_label("Answer by").fill((agency_today() + dt.timedelta(days=15)).isoformat())
    page.get_by_role("button", name="Send the request").click()
    expect(page.locator("#application-state")).to_have_text("Information requested")
    trader_services.application_answer_info(
        application=app, actor=trader_of(app.company), response="Attached."
    )
    page.reload()
    expect(page.locator("#application-state")).to_have_text("Under review")

    # A refusal is shown next to the field, then the decision.
    page.get_by_role("button", name="Mark ineligible").click()
    expect(page.locator("#id_ineligible-reasons_error")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Mark eligible").click()
    expect(page.locator("#application-state")).to_have_text("Eligible")

    # Schedule the visit.
    page.get_by_role("link", name="Schedule the site validation").click()
    page.get_by_label("Date of the visit").fill((agency_today() + dt.timedelta(days=7)).isoformat())
    page.get_by_label("Joint validation with U.S. CBP (C-TPAT)").check()
    axe_check(page)
    page.get_by_role("button", name="Schedule the visit").click()
    expect(page.locator("#validation-state")).to_have_text("Scheduled")

    # On site, on a tablet: start, record a finding with a photo.
    page.set_viewport_size({"width": 800, "height": 1100})
    page.get_by_role("button", name="Start the validation").click()
    expect(page.locator("#validation-state")).to_have_text("In progress")
    validation = SiteValidation.objects.get(application=app)
    first = Requirement.objects.filter(area__catalogue_id=validation.catalogue_id).order_by(
        "area__order", "order"
    )[0]
    card = page.locator(f"#req-{first.code}")
    card.get_by_label("Partially meets").check()
    card.get_by_label("Note").fill("One gate has no lock.")
    card.get_by_label("Photo or document (optional)").set_input_files(
        {"name": "gate.png", "mimeType": "image/png", "buffer": PNG}
    )
    card.get_by_role("button", name=f"Save the finding on {first.code}").click()
    expect(page.get_by_text(f"Finding on {first.code} saved: Partially meets.")).to_be_visible()
    expect(page.locator(f"#req-{first.code}").get_by_role("link", name="gate.png")).to_be_visible()
    axe_check(page)
    screenshot(page, "workbench-validation-tablet")

    # Completing too early lists what is missing; the rest is recorded, then it completes.
    page.get_by_label("Meets requirements", exact=True).check()
    page.get_by_role("button", name="Complete the validation").click()
    expect(page.locator("#missing-findings")).to_be_visible()
    record_findings(validation, officer, skip=[first.code])
    # A must requirement partially met: "meets" is refused, beside the outcome.
    page.get_by_label("Meets requirements", exact=True).check()
    page.get_by_role("button", name="Complete the validation").click()
    expect(page.locator("#id_complete-outcome_error")).to_contain_text(first.code)
    axe_check(page)
    # "Meets with an action plan", with the plan's measure on the requirement found short
    # (its row comes first).
    page.get_by_label("Meets requirements with an action plan").check()
    page.get_by_label("Recommendations (best practices)").fill("Log every seal.")
    page.locator("#id_plan-0-measure").fill("Install a lock on gate 2.")
    page.locator("#id_plan-0-deadline").fill((agency_today() + dt.timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Complete the validation").click()
    expect(page.locator("#validation-state")).to_have_text("Completed")
    expect(page.get_by_text("The action plan is issued to the member.")).to_be_visible()

    # The action plan, issued with the report.
    plan = ActionPlan.objects.get(source_validation=validation)
    assert [item.requirement for item in plan.items.all()] == [first]
    page.get_by_role("link", name=f"Issued {agency_today().isoformat()}", exact=False).click()
    # The plan's page may take more than Playwright's default 5 s under CI's load (seen once
    # with two workers); wait for it rather than fail on the clock.
    page.wait_for_url(f"**/action-plans/{plan.pk}/", timeout=20_000)
    expect(page.locator("#plan-state")).to_have_text("Issued", timeout=20_000)

    # The report.
    page.goto(f"/en/staff/validations/{validation.pk}/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the Site Validation Report (PDF)").click()
    path = tmp_path / "report.pdf"
    download_info.value.save_as(path)
    from pypdf import PdfReader

    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages)
    text = " ".join(text.split())
    assert first.code in text
    assert "Partially meets" in text and "Satisfait partiellement" in text
    assert "One gate has no lock." in text

"""An action plan answered and reviewed item by item, in real Chromium: the member answers
two measures with a file; the officer accepts one and returns the other with a note; the
member sees the note and answers again; the officer accepts; the plan is accepted. axe-core
on both pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import trader_of
from tests.validations.factories import make_action_plan, new_officer
from validations.models import ActionPlan, ActionPlanItemEvidence

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _isolated_media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_answer_review_answer_again_accept(page, sign_in, axe_check, screenshot) -> None:
    officer = new_officer()
    plan = make_action_plan(officer=officer)  # two measures: gate 1, then gate 2
    trader = trader_of(plan.company)
    first, second = plan.items.order_by("deadline", "id")
    portal = f"/en/portal/action-plans/{plan.pk}/"
    staff = f"/en/staff/action-plans/{plan.pk}/"

    # A cold live server on a busy machine answers its first page slowly.
    page.set_default_timeout(30_000)

    # The member answers both measures, each with a picture.
    sign_in(page, trader)
    page.goto(portal)
    expect(page.get_by_role("heading", name="Measure 1")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Send the answer on measure 1").click()
    expect(page.locator(".gc-error-message").first).to_be_visible()  # the answer is required
    axe_check(page)
    for number, text in ((1, "A lock is fitted on gate 1."), (2, "A lock is fitted on gate 2.")):
        page.get_by_label(f"Measure {number}: what the company did").fill(text)
        page.get_by_label(f"Measure {number}: evidence (optional)").set_input_files(
            files=[{"name": f"gate{number}.png", "mimeType": "image/png", "buffer": PNG}]
        )
        page.get_by_role("button", name=f"Send the answer on measure {number}").click()
    expect(page.locator("#plan-state")).to_have_text("Responded")
    expect(page.get_by_role("link", name="gate2.png")).to_be_visible()
    screenshot(page, "portal-action-plan-responded")
    assert ActionPlanItemEvidence.objects.count() == 2

    # The officer accepts the first answer and returns the second with a note.
    page.context.clear_cookies()
    sign_in(page, officer)
    page.goto(staff)
    expect(page.locator(f"#item-{first.pk}")).to_contain_text("A lock is fitted on gate 1.")
    expect(page.get_by_role("link", name="gate1.png")).to_be_visible()
    axe_check(page)
    screenshot(page, "workbench-action-plan-review")
    page.get_by_label("Measure 1: note (optional)").fill("Seen on the picture.")
    page.get_by_role("button", name="Accept measure 1").click()
    expect(page.get_by_text("Measure 1: the answer is accepted.")).to_be_visible()
    page.get_by_role("button", name="Return measure 2").click()  # without the note: refused
    expect(page.locator(f"#id_return_item-{second.pk}-note_error")).to_be_visible()
    axe_check(page)
    page.get_by_label("Measure 2: what the member still has to do").fill(
        "The picture does not show the lock."
    )
    page.get_by_role("button", name="Return measure 2").click()
    expect(page.locator("#plan-state")).to_have_text("Returned for more work")

    # The member sees the note and answers the returned measure again.
    page.context.clear_cookies()
    sign_in(page, trader)
    page.goto(portal)
    expect(page.locator(f"#item-{second.pk}")).to_contain_text(
        "The picture does not show the lock."
    )
    expect(page.get_by_label("Measure 1: what the company did")).to_have_count(0)
    axe_check(page)
    page.get_by_label("Measure 2: what the company did").fill("Closer picture of the lock.")
    page.get_by_label("Measure 2: evidence (optional)").set_input_files(
        files=[{"name": "gate2-close.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page.get_by_role("button", name="Send the answer on measure 2").click()
    expect(page.locator("#plan-state")).to_have_text("Responded")

    # The officer accepts it: the plan is accepted.
    page.context.clear_cookies()
    sign_in(page, officer)
    page.goto(staff)
    expect(page.get_by_role("link", name="gate2-close.png")).to_be_visible()
    page.get_by_role("button", name="Accept measure 2").click()
    expect(page.locator("#plan-state")).to_have_text("Accepted")
    expect(
        page.get_by_text("Every measure is accepted: the action plan is closed.")
    ).to_be_visible()
    axe_check(page)
    plan.refresh_from_db()
    assert plan.state == ActionPlan.State.ACCEPTED

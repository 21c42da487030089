"""The officer workbench's monitoring pages in real Chromium, as an officer or a manager
would use them without help: change notices (acknowledge, follow up with a spot check or an
early revalidation) and the member's file that then tells the story; a post-incident
analysis concluded with an action plan; a manager assigning a case; a revalidation cycle,
in French and in English; an overdue action plan escalated and extended. axe-core on every
page visited (no serious or critical violation); screenshots in test-artifacts/browser/."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from playwright.sync_api import expect

from core.dates import agency_today, membership_expiry
from core.models import User
from revalidation.models import RevalidationCycle
from tests.factories import (
    CompanyFactory,
    UserFactory,
    make_application,
    make_membership,
    trader_of,
)
from tests.revalidation.factories import make_cycle
from tests.traders.factories import small_catalogue_load
from tests.validations.factories import make_action_plan, make_incident, record_findings
from traders import services as trader_services
from traders.models import Application, ChangeNotice, Membership
from validations.models import ActionPlan, Incident

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _patient(page: Any) -> None:
    """More time than conftest's 10 s per action: these journeys load pages that write
    several rows each, and a 2-core machine running other suites beside them is slow."""
    page.set_default_timeout(30_000)
    page.set_default_navigation_timeout(30_000)


@pytest.fixture
def small_catalogue() -> None:
    """A two-requirement catalogue in force: members' profiles and visits stay short, so the
    journeys stay quick (the main path's test covers the full 2024 catalogue's pages)."""
    small_catalogue_load()


def _day(days: int) -> dt.date:
    return agency_today() + dt.timedelta(days=days)


def _officer(name: str) -> User:
    return UserFactory(role="officer", is_staff=True, full_name=name)


def _notice(membership: Membership, kind: str, description: str) -> ChangeNotice:
    """A change notice reported by the member's trader, as the portal would."""
    return trader_services.change_notice_submit(
        company=membership.company,
        actor=trader_of(membership.company),
        membership=membership,
        kind=kind,
        description=description,
        effective_on=_day(-3),
    )


def _panel(page: Any, heading: str) -> Any:
    """The action panel (a form under its heading) named ``heading``."""
    return page.locator(".wb-panel").filter(has=page.get_by_role("heading", name=heading))


def _visit(page: Any, axe_check: Any, screenshot: Any, name: str) -> None:
    axe_check(page)
    screenshot(page, f"monitoring-{name}")


def _history_rows(page: Any) -> list[tuple[str, str, str]]:
    """The history table, top to bottom: (ISO time, record, action) per row."""
    rows = page.locator("table.wb-history tbody tr")
    return [
        (
            row.locator("time").get_attribute("datetime"),
            row.locator("td").nth(1).inner_text(),
            row.locator("td").nth(3).inner_text(),
        )
        for row in rows.all()
    ]


# --- 1 and 4. Change notices, then the member's file ----------------------------------------


def test_change_notices_then_the_members_file(
    page, sign_in, axe_check, screenshot, small_catalogue
) -> None:
    officer = _officer("Omar Officer")
    membership = make_membership()
    company = membership.company
    _notice(membership, ChangeNotice.Kind.CONTACTS, "Our new compliance contact is Ana Roy.")
    new_site = _notice(
        membership, ChangeNotice.Kind.LOCATIONS, "We moved our warehouse to 200 Harbour Street."
    )
    new_owner = _notice(
        membership, ChangeNotice.Kind.STRUCTURE, "Harbour Holdings bought the company."
    )
    sign_in(page, officer)
    main = page.get_by_role("main")

    # The list, from the workbench's menu: three notices waiting.
    page.goto("/en/staff/")
    page.get_by_role("navigation", name="Workbench").get_by_role(
        "link", name="Change notices"
    ).click()
    expect(main.get_by_role("heading", name="Change notices", level=1)).to_be_visible()
    rows = main.get_by_role("row").filter(has_text=str(company))
    expect(rows).to_have_count(3)
    for kind in ("Contact information", "Office or site locations", "Corporate structure"):
        expect(rows.filter(has_text=kind)).to_contain_text("Submitted")
    _visit(page, axe_check, screenshot, "change-notices")

    # A new contact: acknowledged, with a note.
    rows.filter(has_text="Contact information").get_by_role("link").click()
    expect(page.locator("#notice-state")).to_have_text("Submitted")
    expect(main).to_contain_text("Our new compliance contact is Ana Roy.")
    _visit(page, axe_check, screenshot, "change-notice")
    acknowledge = _panel(page, "Acknowledge")
    acknowledge.get_by_label("Note (optional)").fill("Contact updated in our files.")
    acknowledge.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text("The change notice is acknowledged.")).to_be_visible()
    expect(page.locator("#notice-state")).to_have_text("Acknowledged")
    expect(main).to_contain_text("Contact updated in our files.")
    expect(
        page.locator("table.wb-history").get_by_role("row").filter(has_text="Acknowledged")
    ).to_contain_text("Omar Officer")
    expect(page.get_by_role("button", name="Acknowledge")).to_have_count(0)
    _visit(page, axe_check, screenshot, "change-notice-acknowledged")

    # A new warehouse: a spot check. A date in the past is refused next to the field, the
    # date typed kept; then it is scheduled.
    page.goto(f"/en/staff/change-notices/{new_site.pk}/")
    spot_check = _panel(page, "Open a spot check")
    spot_check.get_by_label("Date of the spot check").fill(_day(-1).isoformat())
    spot_check.get_by_role("button", name="Schedule the spot check").click()
    spot_check = _panel(page, "Open a spot check")
    expect(spot_check.locator("#id_spot_check-scheduled_for_error")).to_have_text(
        "The visit cannot be scheduled in the past."
    )
    expect(spot_check.get_by_label("Date of the spot check")).to_have_value(_day(-1).isoformat())
    expect(page.locator("#notice-state")).to_have_text("Submitted")
    axe_check(page)
    spot_check.get_by_label("Date of the spot check").fill(_day(12).isoformat())
    spot_check.get_by_role("button", name="Schedule the spot check").click()
    expect(page.get_by_text("A spot check is scheduled to follow up the notice.")).to_be_visible()
    expect(page.locator("#validation-state")).to_have_text("Scheduled")
    _visit(page, axe_check, screenshot, "change-notice-spot-check")
    page.goto(f"/en/staff/change-notices/{new_site.pk}/")
    expect(page.locator("#notice-state").locator("..")).to_have_text(
        "Follow-up opened (a spot check)"
    )

    # A new owner: an early revalidation of the membership.
    page.goto(f"/en/staff/change-notices/{new_owner.pk}/")
    revalidation = _panel(page, "Open an early revalidation")
    expect(revalidation.get_by_label("Membership")).to_have_value(str(membership.pk))
    revalidation.get_by_role("button", name="Open the revalidation").click()
    expect(page.get_by_text("An early revalidation is opened for the membership.")).to_be_visible()
    expect(page.locator("#notice-state").locator("..")).to_have_text(
        "Follow-up opened (an early revalidation)"
    )
    _visit(page, axe_check, screenshot, "change-notice-revalidation")

    # The member's file: the records, and the history, most recent first, with what was
    # just done.
    main.get_by_role("link", name=str(company)).first.click()
    expect(main.get_by_role("heading", level=1)).to_have_text(f"File of {company.legal_name}")
    records = main.locator("h2:has-text('Records') + ul").get_by_role("listitem")
    expect(records.filter(has_text="Spot check")).to_have_text(
        f"Spot check {_day(12).isoformat()}: Scheduled"
    )
    expect(records.filter(has_text="Revalidation")).to_contain_text(": Open")
    expect(records.filter(has_text="Change notice")).to_have_count(3)
    _visit(page, axe_check, screenshot, "member-file")
    history = _history_rows(page)
    times = [when for when, _record, _action in history]
    assert times == sorted(times, reverse=True), times
    actions = [(record.split(":")[0], action) for _when, record, action in history]
    order = [
        ("revalidation cycle", "Opened"),
        ("site validation", "Scheduled"),
        ("change notice", "Acknowledged"),
        ("change notice", "Reported"),
        ("membership", "Certified"),
    ]
    positions = [actions.index(step) for step in order]
    assert positions == sorted(positions), actions

    # A spot check scheduled from the file (no notice behind it).
    main.get_by_role("link", name="Schedule a spot check").click()
    expect(main.get_by_label("Membership")).to_have_value(str(membership.pk))
    expect(main.get_by_label("Kind of visit")).to_have_value("spot_check")
    _visit(page, axe_check, screenshot, "member-file-spot-check")
    main.get_by_label("Date of the visit").fill(_day(20).isoformat())
    main.get_by_role("button", name="Schedule the visit").click()
    expect(
        page.get_by_text(f"The spot check is scheduled for {_day(20).isoformat()}.")
    ).to_be_visible()
    expect(page.locator("#validation-state")).to_have_text("Scheduled")
    page.goto(f"/en/staff/companies/{company.pk}/")
    expect(records.filter(has_text="Spot check")).to_have_count(2)
    expect(records.filter(has_text=_day(20).isoformat())).to_have_text(
        f"Spot check {_day(20).isoformat()}: Scheduled"
    )
    _when, record, action = _history_rows(page)[0]
    assert record.startswith("site validation:") and action == "Scheduled", (record, action)


# --- 2. A post-incident analysis --------------------------------------------------------


def test_post_incident_analysis_concluded_with_an_action_plan(
    page, sign_in, axe_check, screenshot
) -> None:
    officer = _officer("Ines Inspector")
    incident = make_incident(company=CompanyFactory())
    company = incident.company
    sign_in(page, officer)
    main = page.get_by_role("main")

    page.goto("/en/staff/")
    page.get_by_role("navigation", name="Workbench").get_by_role("link", name="Incidents").click()
    row = main.get_by_role("row").filter(has_text=str(company))
    expect(row).to_contain_text("Reported")
    _visit(page, axe_check, screenshot, "incidents")
    row.get_by_role("link").click()
    expect(main).to_contain_text("A trailer seal was found broken at the yard.")
    expect(page.locator("#incident-state")).to_have_text("Reported")
    _visit(page, axe_check, screenshot, "incident")

    main.get_by_role("button", name="Take up the analysis").click()
    expect(page.get_by_text("You took up the analysis of this incident.")).to_be_visible()
    expect(page.locator("#incident-state")).to_have_text("Under analysis")
    expect(main.locator(".wb-facts")).to_contain_text("Ines Inspector")

    # Without a cause the conclusion is refused, next to the field, and nothing typed is lost.
    conclude = _panel(page, "Conclude the analysis")
    conclude.get_by_label("Mitigating circumstances").fill("A storm cut the yard's lights.")
    conclude.get_by_label("Strategy to prevent recurrence").fill("Gate checks at each shift.")
    first = conclude.get_by_role("group", name="Measure 1")
    first.get_by_label("Corrective measure").fill("Install a camera over the yard gate.")
    first.get_by_label("Deadline").fill(_day(45).isoformat())
    conclude.get_by_role("button", name="Conclude").click()
    conclude = _panel(page, "Conclude the analysis")
    expect(conclude.locator("#id_conclude-cause_error")).to_be_visible()
    expect(conclude.get_by_label("Cause")).to_have_attribute("aria-invalid", "true")
    expect(conclude.get_by_label("Strategy to prevent recurrence")).to_have_value(
        "Gate checks at each shift."
    )
    first = conclude.get_by_role("group", name="Measure 1")
    expect(first.get_by_label("Corrective measure")).to_have_value(
        "Install a camera over the yard gate."
    )
    expect(first.get_by_label("Deadline")).to_have_value(_day(45).isoformat())
    _visit(page, axe_check, screenshot, "incident-refused")

    conclude.get_by_label("Cause").fill("The yard gate was left open overnight.")
    conclude.get_by_role("button", name="Conclude").click()
    expect(
        page.get_by_text(
            "The post-incident analysis is concluded; an action plan is issued, due by "
            f"{_day(45).isoformat()}."
        )
    ).to_be_visible()
    expect(page.locator("#incident-state")).to_have_text("Analysis concluded")
    facts = main.locator(".wb-facts")
    expect(facts).to_contain_text("The yard gate was left open overnight.")
    expect(facts).to_contain_text("A storm cut the yard's lights.")
    expect(facts).to_contain_text("Gate checks at each shift.")
    plans = main.get_by_role("region", name="Action plans")
    plan_link = plans.get_by_role("link", name=re.compile(f"due {_day(45).isoformat()}"))
    expect(plans.get_by_role("listitem")).to_have_text(
        f"Issued {agency_today().isoformat()}, due {_day(45).isoformat()}: Issued"
    )
    _visit(page, axe_check, screenshot, "incident-concluded")

    plan_link.click()
    expect(page.locator("#plan-state")).to_have_text("Issued")
    measure = main.get_by_role("region", name="Measure 1")
    expect(measure).to_contain_text("Install a camera over the yard gate.")
    expect(measure).to_contain_text(_day(45).isoformat())
    expect(main.get_by_role("region", name="Measure 2")).to_have_count(0)  # the blank row
    expect(main.get_by_role("link", name=str(incident))).to_be_visible()
    _visit(page, axe_check, screenshot, "incident-action-plan")
    assert Incident.objects.get(pk=incident.pk).state == Incident.State.CONCLUDED


# --- 3. A manager assigns a case ----------------------------------------------------------


def test_a_manager_assigns_a_case_and_the_officer_finds_it(
    page, sign_in, axe_check, screenshot, small_catalogue
) -> None:
    manager = UserFactory(role="manager", is_staff=True, full_name="Maya Manager")
    officer = _officer("Aaron Assignee")
    application = make_application(state=Application.State.SUBMITTED)
    reference = application.reference
    sign_in(page, manager)
    main = page.get_by_role("main")

    page.goto("/en/staff/?who=unassigned")
    row = main.get_by_role("row").filter(has_text=reference)
    expect(row).to_contain_text("Unassigned")
    _visit(page, axe_check, screenshot, "queue-manager")
    row.get_by_label(f"Officer for {reference}").select_option(label="Aaron Assignee")
    row.get_by_role("button", name=f"Assign {reference}").click()
    expect(page.get_by_text(f"{reference} is assigned to Aaron Assignee.")).to_be_visible()
    # Back on the same tab: the case is no longer unassigned.
    expect(page).to_have_url(re.compile(r"\?who=unassigned$"))
    expect(main.get_by_role("row").filter(has_text=reference)).to_have_count(0)
    page.goto("/en/staff/")
    expect(main.get_by_role("row").filter(has_text=reference)).to_contain_text("Aaron Assignee")
    axe_check(page)

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, officer)
    page.goto("/en/staff/")
    main.get_by_role("link", name="Assigned to me").click()
    expect(page).to_have_url(re.compile(r"\?who=mine$"))
    mine = main.get_by_role("row").filter(has_text=reference)
    expect(mine).to_contain_text("Me")
    expect(mine).to_contain_text("Submitted")
    _visit(page, axe_check, screenshot, "queue-assigned-to-me")
    mine.get_by_role("link", name=reference).click()
    expect(
        page.locator("table.wb-history").get_by_role("row").filter(has_text="Officer assigned")
    ).to_contain_text("Maya Manager")


# --- 5 and 6. A revalidation cycle, in French then in English -------------------------------


def test_a_revalidation_cycle_in_french_and_english(
    page, sign_in, axe_check, screenshot, small_catalogue
) -> None:
    officer = _officer("Rita Revalidation")
    membership = make_membership()
    cycle = make_cycle(state="profile_submitted", membership=membership, officer=officer)
    number = membership.member_number
    site = membership.company.sites.get()
    sign_in(page, officer)
    main = page.get_by_role("main")

    # From the queue's revalidations.
    page.goto("/en/staff/?kind=revalidation")
    row = main.get_by_role("row").filter(has_text=number)
    expect(row).to_contain_text("Security profile submitted")
    expect(row).to_contain_text(cycle.due_on.isoformat())
    row.get_by_role("link", name=number).first.click()
    expect(page).to_have_url(re.compile(rf"/en/staff/revalidations/{cycle.pk}/$"))
    expect(page.locator("#revalidation-state")).to_have_text("Security profile submitted")
    expect(page.locator("#revalidation-due")).to_have_text(cycle.due_on.isoformat())
    _visit(page, axe_check, screenshot, "revalidation")

    # The same page in French: labels and actions in French.
    page.get_by_role("button", name="Français").click()
    expect(page).to_have_url(re.compile(rf"/fr/staff/revalidations/{cycle.pk}/$"))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(main.get_by_role("heading", level=1)).to_have_text(f"Revalidation de {number}")
    expect(main.get_by_role("heading", name="Prochaine étape")).to_be_visible()
    schedule = main.locator("#schedule")
    expect(schedule.get_by_role("heading")).to_have_text("Planifier la validation du site")
    expect(schedule.get_by_label("Date de la visite")).to_be_visible()
    expect(schedule.get_by_role("button", name="Planifier la visite")).to_be_visible()
    _visit(page, axe_check, screenshot, "revalidation-fr")
    # A refusal in French, next to the field.
    schedule.get_by_label("Date de la visite").fill(_day(-2).isoformat())
    schedule.get_by_role("button", name="Planifier la visite").click()
    expect(main.locator("#schedule")).to_contain_text("La visite ne peut pas être planifiée")
    axe_check(page)

    page.get_by_role("button", name="English").click()
    expect(page).to_have_url(re.compile(rf"/en/staff/revalidations/{cycle.pk}/$"))
    schedule = main.locator("#schedule")
    expect(schedule).to_contain_text(
        "Leave all unticked to visit every active site of the company."
    )
    schedule.get_by_label("Date of the visit").fill(_day(9).isoformat())
    schedule.get_by_role("button", name="Schedule the visit").click()
    expect(page.get_by_text("The revalidation's site validation is scheduled.")).to_be_visible()
    expect(page.locator("#validation-state")).to_have_text("Scheduled")
    # No site ticked: the visit covers the member's site.
    expect(main.locator("dt:has-text('Sites') + dd")).to_have_text(str(site))

    # Completing the revalidation before the visit is done says why.
    page.goto(f"/en/staff/revalidations/{cycle.pk}/")
    expect(page.locator("#revalidation-state")).to_have_text("Site validation scheduled")
    complete = main.locator("#complete")
    expect(complete).to_contain_text("The site validation must be completed")
    complete.get_by_role("button", name="Complete the revalidation").click()
    expect(main).to_contain_text("before completing")
    expect(page.locator("#revalidation-state")).to_have_text("Site validation scheduled")
    axe_check(page)

    # The visit: started on its page, findings recorded, completed.
    main.get_by_role("link", name="Open the site validation").click()
    main.get_by_role("button", name="Start the validation").click()
    expect(page.locator("#validation-state")).to_have_text("In progress")
    record_findings(RevalidationCycle.objects.get(pk=cycle.pk).site_validation, officer)
    page.reload()
    page.get_by_label("Meets requirements", exact=True).check()
    page.get_by_role("button", name="Complete the validation").click()
    expect(page.locator("#validation-state")).to_have_text("Completed")

    # Back on the cycle: complete it; the membership is renewed.
    expiry = membership.expires_on
    page.goto(f"/en/staff/revalidations/{cycle.pk}/")
    complete = main.locator("#complete")
    expect(complete).to_contain_text("renews the membership for four years")
    complete.get_by_label("Note (optional)").fill("Everything in order.")
    complete.get_by_role("button", name="Complete the revalidation").click()
    expect(
        page.get_by_text("The revalidation is completed: the membership is renewed.")
    ).to_be_visible()
    expect(page.locator("#revalidation-state")).to_have_text("Completed")
    expect(main).to_contain_text("This revalidation is closed.")
    _visit(page, axe_check, screenshot, "revalidation-completed")
    renewed = Membership.objects.get(pk=membership.pk).expires_on
    # Certified today, revalidated today: four years from today, not eight.
    assert renewed == membership_expiry(agency_today()) == expiry
    main.get_by_role("link", name=membership.company.legal_name).first.click()
    expect(main.locator(f"#membership-{membership.pk}")).to_contain_text(
        f"expires {renewed.isoformat()}"
    )


# --- 7. An overdue action plan: escalate, extend a measure ---------------------------------


def test_an_overdue_action_plan_escalated_then_a_measure_extended(
    page, sign_in, axe_check, screenshot
) -> None:
    officer = _officer("Elena Escalation")
    plan = make_action_plan(state=ActionPlan.State.OVERDUE, company=CompanyFactory())
    gate_1, gate_2 = plan.items.order_by("deadline")  # measures 1 and 2 on the page
    sign_in(page, officer)
    main = page.get_by_role("main")

    page.goto("/en/staff/")
    page.get_by_role("navigation", name="Workbench").get_by_role(
        "link", name="Action plans"
    ).click()
    row = main.get_by_role("row").filter(has_text=str(plan.company))
    expect(row).to_contain_text("Overdue")
    _visit(page, axe_check, screenshot, "action-plans")
    row.get_by_role("link").first.click()
    expect(page.locator("#plan-state")).to_have_text("Overdue")
    _visit(page, axe_check, screenshot, "action-plan-overdue")

    # Escalated to a manager, with a note.
    escalate = _panel(page, "Escalate to a manager")
    escalate.get_by_label("Note").fill("No answer after two reminders.")
    escalate.get_by_role("button", name="Escalate").click()
    expect(page.get_by_text("The action plan is escalated to a manager.")).to_be_visible()
    expect(page.locator("#plan-state")).to_have_text("Escalated to a manager")
    expect(page.get_by_role("button", name="Escalate")).to_have_count(0)
    expect(
        page.locator("table.wb-history").get_by_role("row").filter(has_text="Escalated")
    ).to_contain_text("No answer after two reminders.")

    # One measure's deadline extended: the reason is required, the date typed is kept.
    measure = main.get_by_role("region", name="Measure 1")
    measure.get_by_text("Extend the deadline of measure 1").click()
    measure.get_by_label("Measure 1: new deadline").fill(_day(30).isoformat())
    measure.get_by_role("button", name="Extend measure 1").click()
    measure = main.get_by_role("region", name="Measure 1")
    reason = measure.get_by_label("Measure 1: reason for the extension")
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(measure.get_by_label("Measure 1: new deadline")).to_have_value(_day(30).isoformat())
    axe_check(page)
    reason.fill("The locksmith is booked until then.")
    measure.get_by_role("button", name="Extend measure 1").click()
    expect(page.get_by_text("Measure 1: the deadline is extended.")).to_be_visible()
    # The extension takes the escalated plan back to the member (issued).
    expect(page.locator("#plan-state")).to_have_text("Issued")
    measures = main.get_by_role("region", name=re.compile(r"^Measure \d$"))
    expect(measures.filter(has_text=gate_1.measure)).to_contain_text(
        f"{_day(30).isoformat()} (first due {gate_1.original_deadline.isoformat()})"
    )
    expect(measures.filter(has_text=gate_2.measure)).to_contain_text(gate_2.deadline.isoformat())
    expect(measures.filter(has_text=gate_2.measure)).not_to_contain_text("first due")
    expect(
        page.locator("table.wb-history")
        .get_by_role("row")
        .filter(has_text="Measure's deadline extended")
    ).to_contain_text("The locksmith is booked until then.")
    _visit(page, axe_check, screenshot, "action-plan-extended")

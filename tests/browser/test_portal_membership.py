"""A member's pages in real Chromium, each journey as a company representative makes it
without help: inviting a colleague (who accepts in a browser of their own), the yearly
confirmation of the Security Profile, starting and submitting the revalidation, the
membership page in French, and reporting a business change and a security incident.
axe-core checks every page visited; screenshots of the key pages are saved.

Memberships certified in the past are made by the factories under time-machine (around the
factory only: the browser and the live server then run on the real clock). The revalidation
window opens almost four years after the certification, before any catalogue was in force,
so that journey runs with the clock moved forward instead; time-machine moves the server's
clock (every thread of this process), not the browser's nor the monotonic clock."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.core import mail
from playwright.sync_api import expect

from core.dates import agency_today
from core.models import AuditEvent
from revalidation.models import RevalidationCycle
from revalidation.selectors import revalidation_window_opens
from tests.factories import CompanyFactory, CompanyUserFactory, make_membership, trader_of
from tests.validations.factories import at_noon
from traders.models import (
    ChangeNotice,
    CompanyUser,
    Membership,
    ProfileAnswer,
    SecurityProfile,
)
from validations.models import Incident

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Harbour-gate-2026"


# --- Helpers ----------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _warm_live_server(page: Any) -> None:
    """The live server's first answer (imports, templates, static files) can take close to
    the pages' 10-second timeout on a busy machine: pay it before the journey starts."""
    page.goto("/en/sign-in/", timeout=60_000)


def _check(page: Any, axe_check: Any, screenshot: Any, name: str) -> None:
    axe_check(page)
    screenshot(page, f"portal-membership-{name}")


def _certified_on(day: dt.date, **kwargs: Any) -> Membership:
    """A membership certified by the factory on ``day`` (only the factory runs then)."""
    with time_machine.travel(at_noon(day), tick=True):
        membership = make_membership(**kwargs)
    assert membership.certified_on == day
    return membership


@contextmanager
def _fresh_page(browser: Any, live_server: Any) -> Iterator[Any]:
    """Another person's browser: a context of its own (no cookies shared), with the same
    guards as the ``page`` fixture (nothing from other hosts, no JavaScript error)."""
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="en-CA"
    )
    context.set_default_timeout(10_000)
    own_host = urlsplit(live_server.url).netloc
    elsewhere: list[str] = []
    errors: list[str] = []

    def only_the_live_server(route: Any) -> None:
        url = route.request.url
        if url.startswith(("data:", "blob:")) or urlsplit(url).netloc == own_host:
            route.continue_()
        else:
            elsewhere.append(url)
            route.abort()

    context.route("**/*", only_the_live_server)
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield page
    finally:
        context.close()
    assert not elsewhere, f"The pages tried to load from other hosts: {elsewhere}"
    assert not errors, f"JavaScript errors: {errors}"


def _open_membership(page: Any, membership: Membership) -> None:
    """From the portal home, as a person would: the member number in the list."""
    page.goto("/en/portal/")
    page.get_by_role("main").get_by_role("link", name=membership.member_number).click()
    expect(
        page.get_by_role("heading", name=f"Membership {membership.member_number}")
    ).to_be_visible()


def _definition(page: Any, term: str) -> Any:
    """The <dd> after the <dt> named ``term`` on the page."""
    return page.locator(f'dt:text-is("{term}") + dd')


# --- 1. Inviting a colleague ------------------------------------------------------------


def test_signing_authority_invites_a_colleague_who_accepts_and_signs_in(
    page, browser, live_server, axe_check, screenshot, sign_in
):
    company = CompanyFactory(legal_name="Maple Freight Inc.")
    authority = CompanyUserFactory(
        company=company, company_role=CompanyUser.CompanyRole.SIGNING_AUTHORITY
    ).user
    main = page.get_by_role("main")

    sign_in(page, authority)
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="My company").click()
    expect(page.get_by_role("heading", name="Maple Freight Inc.")).to_be_visible()
    _check(page, axe_check, screenshot, "company")
    main.get_by_role("link", name="Invite a colleague").click()
    expect(page.get_by_role("heading", name="Invite a colleague")).to_be_visible()
    _check(page, axe_check, screenshot, "invite")

    # A mistyped address: the error is beside the field, what was typed is kept.
    page.get_by_label("Full name").fill("Sam Lee")
    page.get_by_label("E-mail address").fill("sam.lee@")
    page.get_by_label("Signing authority").check()
    page.get_by_role("group", name="Their preferred language").get_by_label("English").check()
    main.get_by_role("button", name="Send the invitation").click()
    expect(page.locator("#id_email_error")).to_be_visible()
    expect(page.get_by_label("E-mail address")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Full name")).to_have_value("Sam Lee")
    expect(page.get_by_label("E-mail address")).to_have_value("sam.lee@")
    expect(page.get_by_label("Signing authority")).to_be_checked()
    assert not mail.outbox
    _check(page, axe_check, screenshot, "invite-error")

    page.get_by_label("E-mail address").fill("sam.lee@maple-freight.test")
    main.get_by_role("button", name="Send the invitation").click()
    expect(page).to_have_url(re.compile(r"/en/portal/company/$"))
    expect(main.get_by_role("status")).to_contain_text("sam.lee@maple-freight.test is invited")
    row = main.get_by_role("row").filter(has_text="sam.lee@maple-freight.test")
    expect(row).to_contain_text("Signing authority")
    expect(row).to_contain_text("Invitation not accepted yet")

    # The e-mail (locmem outbox: the live server runs in this process) holds the link.
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["sam.lee@maple-freight.test"]
    assert "Maple Freight Inc." in message.subject
    link = re.search(r"https?://\S+/en/portal/invitation/\S+/", message.body).group(0)

    # Sam opens it in a browser of their own.
    with _fresh_page(browser, live_server) as sams:
        sams.goto(link)
        expect(sams.get_by_role("heading", name="Accept the invitation")).to_be_visible()
        expect(sams.get_by_role("main")).to_contain_text("sam.lee@maple-freight.test")
        _check(sams, axe_check, screenshot, "invitation")

        # A common password first: refused, the error beside the field.
        sams.locator("#id_new_password1").fill("password123")
        sams.get_by_label("New password confirmation").fill("password123")
        sams.get_by_role("main").get_by_role("button", name="Set my password").click()
        # ... under the field it was typed in, not under the confirmation.
        error = sams.locator("#id_new_password1_error")
        expect(error).to_contain_text("too common")
        expect(sams.locator("#id_new_password1")).to_have_attribute(
            "aria-describedby", re.compile(r"\bid_new_password1_error\b")
        )
        expect(sams.locator(".gc-error-summary")).to_be_visible()
        _check(sams, axe_check, screenshot, "invitation-error")

        sams.locator("#id_new_password1").fill(PASSWORD)
        sams.get_by_label("New password confirmation").fill(PASSWORD)
        sams.get_by_role("main").get_by_role("button", name="Set my password").click()
        expect(sams).to_have_url(re.compile(r"/en/sign-in/$"))
        expect(sams.get_by_text("Your password is set.")).to_be_visible()
        _check(sams, axe_check, screenshot, "invitation-accepted")

        # Sam signs in and lands on the company's portal, a signing authority as given.
        sam = CompanyUser.objects.get(user__email="sam.lee@maple-freight.test").user
        sign_in(sams, sam, password=PASSWORD)
        expect(sams).to_have_url(re.compile(r"/en/portal/$"))
        expect(sams.get_by_role("main")).to_contain_text("Maple Freight Inc.")
        expect(sams.get_by_text(f"Signed in as {sam}")).to_be_visible()
        _check(sams, axe_check, screenshot, "colleague-home")
        sams.get_by_role("navigation", name="Main menu").get_by_role(
            "link", name="My company"
        ).click()
        row = sams.get_by_role("main").get_by_role("row").filter(has_text=sam.email)
        expect(row).to_contain_text("Signing authority")
        expect(row).to_contain_text("Active")
        # What the role gives: a signing authority may invite colleagues in turn.
        expect(
            sams.get_by_role("main").get_by_role("link", name="Invite a colleague")
        ).to_be_visible()


# --- 2. The yearly confirmation of the Security Profile ---------------------------------


def test_member_confirms_the_overdue_yearly_confirmation(page, axe_check, screenshot, sign_in):
    """Also the revalidation before its window (the same page, section 3 of the brief): the
    date it opens, and no button to start it."""
    today = agency_today()
    membership = _certified_on(today - relativedelta(months=13))
    trader = trader_of(membership.company)
    main = page.get_by_role("main")
    first_due = membership.certified_on + relativedelta(months=12)
    opens = revalidation_window_opens(membership=membership)
    assert opens > today

    sign_in(page, trader)
    _open_membership(page, membership)
    expect(main).to_contain_text(f"You can start the revalidation from {opens.isoformat()}.")
    expect(main.get_by_role("button", name="Start the revalidation")).to_have_count(0)
    expect(_definition(page, "Last confirmed on")).to_have_text("Not confirmed yet")
    expect(_definition(page, "Next confirmation due by")).to_have_text(
        f"{first_due.isoformat()} (overdue)"
    )
    _check(page, axe_check, screenshot, "confirmation-due")

    main.get_by_role("button", name="Confirm that our security profile is still accurate").click()
    expect(main.get_by_role("status")).to_contain_text(
        "your security profile is confirmed as still accurate"
    )
    expect(_definition(page, "Last confirmed on")).to_have_text(today.isoformat())
    next_due = today + relativedelta(months=12)
    expect(_definition(page, "Next confirmation due by")).to_have_text(next_due.isoformat())
    _check(page, axe_check, screenshot, "confirmation-done")

    # The audit trail records who confirmed which profile.
    profile = SecurityProfile.objects.get(application__pk=membership.application_id)
    assert profile.confirmed_on == today
    event = AuditEvent.objects.get(action="confirm_profile", object_id=profile.pk)
    assert event.actor == trader


# --- 3. The revalidation ----------------------------------------------------------------


def test_member_revalidates_with_the_profile_pre_filled(page, axe_check, screenshot, sign_in):
    # The window opens 180 days before the expiry, four years after the certification: no
    # catalogue was in force that long ago, so the membership is certified today and the
    # journey runs 100 days before its expiry (the server's clock; the browser's is real).
    membership = make_membership()
    day = membership.expires_on - dt.timedelta(days=100)
    assert revalidation_window_opens(membership=membership) <= day
    with time_machine.travel(at_noon(day), tick=True):
        _revalidation_journey(page, axe_check, screenshot, sign_in, membership)


def _revalidation_journey(page, axe_check, screenshot, sign_in, membership: Membership) -> None:
    trader = trader_of(membership.company)
    main = page.get_by_role("main")

    sign_in(page, trader)
    _open_membership(page, membership)
    expect(main).to_contain_text("pre-filled from the last one")
    _check(page, axe_check, screenshot, "revalidation-window")
    main.get_by_role("button", name="Start the revalidation").click()

    cycle = RevalidationCycle.objects.get(membership=membership)
    expect(page).to_have_url(re.compile(rf"/en/portal/revalidations/{cycle.pk}/$"))
    expect(
        page.get_by_role("heading", name=f"Revalidation of membership {membership.member_number}")
    ).to_be_visible()
    expect(main.get_by_role("status")).to_contain_text("The revalidation is started.")
    expect(_definition(page, "Status")).to_have_text("Open")
    expect(_definition(page, "Due by")).to_have_text(membership.expires_on.isoformat())
    _check(page, axe_check, screenshot, "revalidation-open")

    # The first area: the answers of the last profile are already there.
    old_answer = (
        ProfileAnswer.objects.filter(profile__application__pk=membership.application_id)
        .select_related("requirement__area")
        .order_by("requirement__area__order", "requirement__order")
        .first()
    )
    requirement = old_answer.requirement
    area = requirement.area
    main.get_by_role("link", name=f"{area.code} · {area.name}").click()
    expect(page).to_have_url(
        re.compile(rf"/en/portal/revalidations/{cycle.pk}/profile/{area.code}/$")
    )
    description = page.locator(f'textarea[name="{requirement.code}-description"]')
    expect(description).to_have_value(old_answer.description)
    expect(
        page.locator(f'input[name="{requirement.code}-implementation"][value="implemented"]')
    ).to_be_checked()
    _check(page, axe_check, screenshot, "revalidation-area")

    # Bring one answer up to date.
    new_text = "Seals are now logged electronically at the gate, since last spring."
    description.fill(new_text)
    main.get_by_role("button", name="Save as draft").click()
    expect(main.get_by_role("status")).to_contain_text("Your answers are saved as a draft.")
    expect(description).to_have_value(new_text)

    main.get_by_role("link", name="Back to the summary").click()
    main.get_by_role("button", name="Submit the updated Security Profile").click()
    expect(main.get_by_role("status")).to_contain_text(
        "Your updated Security Profile is submitted."
    )
    expect(_definition(page, "Status")).to_have_text("Security profile submitted")
    expect(main.get_by_role("button", name="Submit the updated Security Profile")).to_have_count(0)
    history = main.locator("h2:text-is('History') + ol")
    expect(
        history.get_by_role("listitem").filter(has_text="Security profile submitted")
    ).to_contain_text(str(trader))
    _check(page, axe_check, screenshot, "revalidation-submitted")

    cycle.refresh_from_db()
    assert cycle.state == RevalidationCycle.State.PROFILE_SUBMITTED
    assert cycle.profile.answers.get(requirement__code=requirement.code).description == new_text
    old_answer.refresh_from_db()
    assert old_answer.description != new_text  # the last accepted profile is left alone

    # Back on the membership page: the revalidation in progress, no second start.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role(
        "link", name=f"Membership {membership.member_number}"
    ).click()
    expect(main).to_contain_text("A revalidation is in progress (Security profile submitted)")
    expect(main.get_by_role("button", name="Start the revalidation")).to_have_count(0)


# --- 4. The membership page in French ---------------------------------------------------


def test_membership_page_in_french_through_the_toggle(page, axe_check, screenshot, sign_in):
    membership = _certified_on(agency_today() - relativedelta(months=13))
    main = page.get_by_role("main")

    sign_in(page, trader_of(membership.company))
    _open_membership(page, membership)
    page.get_by_role("button", name="Français").click()
    expect(page).to_have_url(re.compile(rf"/fr/portal/memberships/{membership.pk}/$"))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", name=f"Adhésion {membership.member_number}")).to_be_visible()
    expect(
        main.get_by_role("heading", name="Confirmation annuelle du profil de sécurité")
    ).to_be_visible()
    expect(main.get_by_role("heading", name="Vos obligations")).to_be_visible()
    expect(_definition(page, "Prochaine confirmation au plus tard le")).to_contain_text("en retard")
    for english in ("Your obligations", "Not confirmed yet", "Report a business change"):
        expect(main).not_to_contain_text(english)
    _check(page, axe_check, screenshot, "membership-fr")

    # An action in French: the confirmation, its message in French too.
    main.get_by_role(
        "button", name="Confirmer que notre profil de sécurité est toujours exact"
    ).click()
    expect(page).to_have_url(re.compile(rf"/fr/portal/memberships/{membership.pk}/$"))
    expect(main.get_by_role("status")).to_contain_text(
        "votre profil de sécurité est confirmé comme toujours exact"
    )
    expect(_definition(page, "Dernière confirmation le")).to_have_text(agency_today().isoformat())
    _check(page, axe_check, screenshot, "membership-fr-confirmed")

    # And back to English, still on the same page.
    page.get_by_role("button", name="English").click()
    expect(page).to_have_url(re.compile(rf"/en/portal/memberships/{membership.pk}/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(main.get_by_role("heading", name="Your obligations")).to_be_visible()


# --- 5. Reporting a business change and a security incident -----------------------------


def test_member_reports_a_business_change_and_an_incident(page, axe_check, screenshot, sign_in):
    membership = _certified_on(agency_today() - relativedelta(months=13))
    trader = trader_of(membership.company)
    main = page.get_by_role("main")
    today = agency_today()

    sign_in(page, trader)
    _open_membership(page, membership)
    main.get_by_role("link", name="Report a business change").click()
    expect(page.get_by_role("heading", name="Report a business change")).to_be_visible()
    _check(page, axe_check, screenshot, "change")

    # Only the description: the kind and the date are asked for beside their fields.
    description = "Our Halifax warehouse moves to 12 Pier Road."
    page.get_by_label("What changed").fill(description)
    main.get_by_role("button", name="Send the report").click()
    expect(page.locator(".gc-error-summary")).to_be_visible()
    expect(page.locator("#id_kind_error")).to_be_visible()
    expect(page.locator("#id_effective_on_error")).to_be_visible()
    expect(page.locator("#id_description_error")).to_have_count(0)
    expect(page.get_by_label("What changed")).to_have_value(description)
    expect(page).to_have_title(re.compile(r"^Error:"))
    assert not ChangeNotice.objects.exists()
    _check(page, axe_check, screenshot, "change-errors")

    page.get_by_label("Office or site locations").check()
    page.get_by_label("Date of the change").fill((today + dt.timedelta(days=30)).isoformat())
    # Reported from the membership page: that membership is already chosen.
    expect(page.get_by_label("Membership concerned")).to_have_value(str(membership.pk))
    main.get_by_role("button", name="Send the report").click()
    expect(page).to_have_url(re.compile(rf"/en/portal/memberships/{membership.pk}/$"))
    expect(main.get_by_role("status")).to_contain_text(
        "Your report of the change was sent to the programme."
    )
    page.goto("/en/portal/")
    expect(
        main.get_by_role("listitem").filter(has_text="Office or site locations")
    ).to_contain_text((today + dt.timedelta(days=30)).isoformat())
    _check(page, axe_check, screenshot, "change-sent")
    notice = ChangeNotice.objects.get()
    assert notice.kind == ChangeNotice.Kind.LOCATIONS
    assert notice.description == description
    assert notice.membership == membership and notice.reported_by == trader

    # A security incident, from the membership page too.
    _open_membership(page, membership)
    main.get_by_role("link", name="Report a security incident").click()
    expect(page.get_by_role("heading", name="Report a security incident")).to_be_visible()
    _check(page, axe_check, screenshot, "incident")
    what = "A seal on trailer 42 was found broken at the Halifax gate."
    page.get_by_label("What happened").fill(what)
    page.get_by_label("Date of the incident").fill((today + dt.timedelta(days=1)).isoformat())
    main.get_by_role("button", name="Send the report").click()
    expect(page.locator("#id_occurred_on_error")).to_contain_text(
        "cannot have occurred in the future"
    )
    expect(page.get_by_label("What happened")).to_have_value(what)
    assert not Incident.objects.exists()
    _check(page, axe_check, screenshot, "incident-errors")

    page.get_by_label("Date of the incident").fill((today - dt.timedelta(days=2)).isoformat())
    main.get_by_role("button", name="Send the report").click()
    expect(page).to_have_url(re.compile(rf"/en/portal/memberships/{membership.pk}/$"))
    expect(main.get_by_role("status")).to_contain_text(
        "Your incident report was sent to the programme."
    )
    # The report stays in sight: the membership page lists it.
    expect(main).to_contain_text(what)
    _check(page, axe_check, screenshot, "incident-sent")
    incident = Incident.objects.get()
    assert incident.description == what
    assert incident.occurred_on == today - dt.timedelta(days=2)
    assert incident.company == membership.company and incident.reported_by == trader

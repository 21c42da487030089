"""Inviting colleagues, the yearly confirmation of the profile, a trader starting the
revalidation, and a double click on "Start the application"."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user
from django.core import mail

from core.dates import agency_today
from core.models import AuditEvent, User
from revalidation.models import RevalidationCycle
from revalidation.services import revalidation_open
from tests.factories import CompanyUserFactory, SiteFactory, make_membership
from traders.models import Application, CompanyUser, SecurityProfile

pytestmark = pytest.mark.django_db

PASSWORD = "Harbour-gate-2026"


def _html(response) -> str:
    return response.content.decode()


def _at(day: dt.date) -> time_machine.travel:
    noon = dt.datetime.combine(day, dt.time(12), tzinfo=ZoneInfo("America/Toronto"))
    return time_machine.travel(noon, tick=False)


def _invite(
    client, email="sam.lee@example.test", role="contributor", lang="en", preferred_language="en"
):
    return client.post(
        f"/{lang}/portal/company/invite/",
        {
            "full_name": "Sam Lee",
            "email": email,
            "company_role": role,
            "preferred_language": preferred_language,
        },
    )


def _path(link: str) -> str:
    return "/" + link.split("//", 1)[1].split("/", 1)[1]


# --- 1. Inviting colleagues ---------------------------------------------------------------


def test_signing_authority_invites_and_the_colleague_signs_in(
    client, trader, company, django_capture_on_commit_callbacks
):
    client.force_login(trader)
    assert "/en/portal/company/invite/" in _html(client.get("/en/portal/company/"))
    assert client.get("/en/portal/company/invite/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(client, email=" Sam.Lee@Example.test ", role="signing_authority")
    assert response["Location"] == "/en/portal/company/"
    invited = User.objects.get(email="sam.lee@example.test")
    assert invited.role == "trader" and not invited.is_active
    assert not invited.has_usable_password()
    link = CompanyUser.objects.get(company=company, user=invited)
    assert link.company_role == "signing_authority"
    assert AuditEvent.objects.filter(action="company_user_added", actor=trader).exists()
    assert AuditEvent.objects.filter(action="invite", actor=trader).exists()
    # The company page lists the person, their role and that the invitation is pending.
    html = _html(client.get("/en/portal/company/"))
    assert "sam.lee@example.test" in html and "Signing authority" in html
    assert "Invitation not accepted yet" in html

    # An e-mail in the person's language (English: the inviter's, the form's default), with
    # the link to the pages in that language.
    assert invited.preferred_language == "en"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["sam.lee@example.test"]
    assert message.subject == f"{company.legal_name} invites you to Trusted Trader"
    assert "Hello Sam Lee," in message.body and "Bonjour" not in message.body
    links_en = re.findall(r"https?://\S+/en/portal/invitation/\S+/", message.body)
    assert links_en and "/fr/" not in message.body

    # The invited person chooses a password (the French page works too), then signs in.
    client.logout()
    path = _path(links_en[0]).replace("/en/", "/fr/", 1)
    page = client.get(path)
    assert page.status_code == 200 and '<html lang="fr">' in _html(page)
    mismatch = client.post(path, {"new_password1": PASSWORD, "new_password2": "other-Pass-99"})
    assert mismatch.status_code == 200 and 'id="id_new_password2_error"' in _html(mismatch)
    response = client.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response["Location"] == "/fr/sign-in/"
    invited.refresh_from_db()
    assert invited.is_active and invited.check_password(PASSWORD)
    # The link works once.
    again = client.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert again.status_code == 400
    client.post("/en/sign-in/", {"username": "sam.lee@example.test", "password": PASSWORD})
    assert get_user(client).is_authenticated
    assert company.legal_name in _html(client.get("/en/portal/company/"))


def test_inviting_in_french_sends_a_french_email(
    client, trader, company, django_capture_on_commit_callbacks
):
    trader.preferred_language = "en"
    trader.save(update_fields=["preferred_language"])
    client.force_login(trader)
    form = _html(client.get("/en/portal/company/invite/"))
    # The inviter's language is offered by default.
    assert re.search(r'<input[^>]*name="preferred_language"[^>]*value="en"[^>]*checked', form)
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(client, email="camille.roy@example.test", preferred_language="fr")
    assert response.status_code == 302
    invited = User.objects.get(email="camille.roy@example.test")
    assert invited.preferred_language == "fr"
    (message,) = mail.outbox
    assert message.subject == (
        f"{company.legal_name} vous invite au programme des négociants dignes de confiance"
    )
    assert message.body.startswith("Bonjour Sam Lee,")
    assert "à titre de Collaborateur." in message.body  # the role in French too
    assert "Hello" not in message.body and "invited you" not in message.body
    (link,) = re.findall(r"https?://\S+/portal/invitation/\S+/", message.body)
    assert "/fr/portal/invitation/" in link
    client.logout()
    assert '<html lang="fr">' in _html(client.get(_path(link)))


def test_an_existing_account_keeps_its_own_language(
    client, trader, company, other_trader, django_capture_on_commit_callbacks
):
    other_trader.preferred_language = "fr"
    other_trader.save(update_fields=["preferred_language"])
    client.force_login(trader)
    with django_capture_on_commit_callbacks(execute=True):
        _invite(client, email=other_trader.email, preferred_language="en")
    other_trader.refresh_from_db()
    assert other_trader.preferred_language == "fr"
    assert mail.outbox[0].body.startswith("Bonjour")
    assert "/fr/sign-in/" in mail.outbox[0].body


def test_a_forged_invitation_link_is_refused(client):
    assert client.get("/en/portal/invitation/MQ/abc-123/").status_code == 400


def test_an_existing_trader_is_linked_and_told_to_sign_in(
    client, trader, company, other_trader, django_capture_on_commit_callbacks
):
    client.force_login(trader)
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(client, email=other_trader.email)
    assert response.status_code == 302
    assert CompanyUser.objects.get(company=company, user=other_trader).company_role == (
        "contributor"
    )
    body = mail.outbox[0].body
    assert "/en/sign-in/" in body and "/portal/invitation/" not in body


def test_invite_errors_beside_their_fields(client, trader, company, officer):
    client.force_login(trader)
    html = _html(client.post("/fr/portal/company/invite/", {"email": "nope"}))
    for field in ("full_name", "email", "company_role", "preferred_language"):
        assert f'id="id_{field}_error"' in html, field
    assert '<html lang="fr">' in html
    # Already a user of the company; staff accounts cannot join.
    for email in (trader.email, officer.email):
        response = _invite(client, email=email)
        assert response.status_code == 200 and 'id="id_email_error"' in _html(response), email
    assert CompanyUser.objects.filter(company=company).count() == 1
    assert not mail.outbox


def test_a_contributor_cannot_invite(client, company):
    contributor = CompanyUserFactory(
        company=company, company_role=CompanyUser.CompanyRole.CONTRIBUTOR
    ).user
    client.force_login(contributor)
    page = _html(client.get("/en/portal/company/"))
    assert "/en/portal/company/invite/" not in page
    assert "signing authority can invite colleagues." in page
    for response in (client.get("/en/portal/company/invite/"), _invite(client)):
        assert response["Location"] == "/en/portal/company/"
    html = _html(client.get("/en/portal/company/"))
    assert "Ask them to invite the person." in html
    assert not User.objects.filter(email="sam.lee@example.test").exists()
    assert not mail.outbox


def test_staff_and_anonymous_do_not_reach_the_invite_page(client, officer):
    assert client.get("/en/portal/company/invite/")["Location"].startswith("/en/sign-in/")
    client.force_login(officer)
    assert client.get("/en/portal/company/invite/").status_code == 404


# --- 2. Yearly confirmation of the profile ----------------------------------------------


def test_confirm_the_profile_once_a_year(client, company):
    membership = make_membership(company=company)
    client.force_login(membership.company.user_links.first().user)
    url = f"/en/portal/memberships/{membership.pk}/"
    html = _html(client.get(url))
    assert "Not confirmed yet" in html
    first_due = membership.certified_on + relativedelta(months=12)
    assert first_due.isoformat() in html
    later = membership.certified_on + relativedelta(months=11)
    with _at(later):
        client.force_login(membership.company.user_links.first().user)  # a fresh session
        response = client.post(f"/en/portal/memberships/{membership.pk}/confirm-profile/")
        assert response["Location"] == url
        html = _html(client.get(url))
    profile = SecurityProfile.objects.get(application__pk=membership.application_id)
    assert profile.confirmed_on == later
    assert later.isoformat() in html
    assert (later + relativedelta(months=12)).isoformat() in html
    assert "is confirmed as still accurate" in html
    assert AuditEvent.objects.filter(action="confirm_profile", object_id=profile.pk).exists()


def test_confirm_needs_a_post_and_another_company_is_404(client, company, other_company, trader):
    theirs = make_membership(company=other_company)
    client.force_login(trader)
    assert client.post(f"/en/portal/memberships/{theirs.pk}/confirm-profile/").status_code == 404
    assert client.post(f"/en/portal/memberships/{theirs.pk}/revalidation/").status_code == 404
    mine = make_membership(company=company)
    assert client.get(f"/en/portal/memberships/{mine.pk}/confirm-profile/").status_code == 405
    assert not SecurityProfile.objects.filter(confirmed_on__isnull=False).exists()
    assert not RevalidationCycle.objects.exists()


# --- 3. Starting the revalidation -------------------------------------------------------


def test_trader_starts_the_revalidation_within_180_days(client, company):
    membership = make_membership(company=company)
    client.force_login(membership.company.user_links.first().user)
    url = f"/en/portal/memberships/{membership.pk}/"
    start = f"/en/portal/memberships/{membership.pk}/revalidation/"
    # Too early: not offered, and refused.
    html = _html(client.get(url))
    assert "Start the revalidation" not in html
    opens = membership.expires_on - dt.timedelta(days=180)
    assert opens.isoformat() in html
    response = client.post(start)
    assert response["Location"] == url and not RevalidationCycle.objects.exists()
    with _at(opens):
        client.force_login(membership.company.user_links.first().user)  # a fresh session
        assert "Start the revalidation" in _html(client.get(url))
        response = client.post(start)
        cycle = RevalidationCycle.objects.get(membership=membership)
        assert response["Location"] == f"/en/portal/revalidations/{cycle.pk}/"
        assert cycle.opened_by == membership.company.user_links.first().user
        assert cycle.early is False and cycle.opened_on == agency_today()
        # In progress: no second button, and a second POST creates nothing.
        html = _html(client.get(url))
        assert "Start the revalidation" not in html and "Update the Security Profile" in html
        assert client.post(start)["Location"] == url
    assert RevalidationCycle.objects.filter(membership=membership).count() == 1


def test_not_offered_when_the_scheduler_opened_it(client, company):
    membership = make_membership(company=company)
    with _at(membership.expires_on - dt.timedelta(days=100)):
        revalidation_open(membership=membership, actor=None)
        client.force_login(membership.company.user_links.first().user)
        html = _html(client.get(f"/en/portal/memberships/{membership.pk}/"))
    assert "Start the revalidation" not in html


# --- 4. A double click on "Start the application" ---------------------------------------


def _start_page_token(client) -> str:
    html = _html(client.get("/en/portal/applications/new/"))
    return re.search(r'name="form_token" value="([^"]+)"', html).group(1)


def test_double_submit_of_the_start_form_creates_one_draft(client, trader, company):
    site = SiteFactory(company=company)
    client.force_login(trader)
    data = {"programme": "PIP", "sites": [site.pk], "form_token": _start_page_token(client)}
    first = client.post("/en/portal/applications/new/", data)
    second = client.post("/en/portal/applications/new/", data)
    app = Application.objects.get(company=company)
    assert first["Location"] == second["Location"] == f"/en/portal/applications/{app.pk}/"
    assert "already started" in _html(client.get(second["Location"]))
    # A new visit of the form gives a new token: a second application is possible.
    data["form_token"] = _start_page_token(client)
    client.post("/en/portal/applications/new/", data)
    assert Application.objects.filter(company=company).count() == 2


def test_start_form_without_a_valid_token_creates_nothing(client, trader, company):
    client.force_login(trader)
    response = client.post(
        "/en/portal/applications/new/", {"programme": "PIP", "form_token": "forged"}
    )
    html = _html(response)
    assert response.status_code == 200 and "This form has expired" in html
    assert re.search(r'name="form_token" value="([^"]+)"', html).group(1) != "forged"
    assert not Application.objects.exists()


def test_another_trader_replaying_a_token_gets_nothing(client, trader, company, other_trader):
    client.force_login(trader)
    data = {"programme": "PIP", "form_token": _start_page_token(client)}
    client.post("/en/portal/applications/new/", data)
    client.force_login(other_trader)  # another session: the token means nothing there
    response = client.post("/en/portal/applications/new/", data)
    assert response.status_code == 200
    assert Application.objects.count() == 1

"""A user's own notifications, a signing authority inviting a colleague, and a finding's
pictures and documents, through the API."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from notifications.models import Notification
from tests.factories import CompanyUserFactory, UserFactory
from tests.validations.factories import make_site_validation, png_upload, record_findings
from traders.models import CompanyUser
from validations.models import SiteValidation

V1 = "/api/v1"


def _ok(response, status=200):
    assert response.status_code == status, response.json()
    return response.json()


# --- Notifications ----------------------------------------------------------------------


def test_a_user_reads_and_marks_their_own_notifications(db, api, trader, other_trader):
    first, second, third = (
        Notification.objects.create(user=trader, subject=f"Reminder {n}", body="Due soon.")
        for n in range(3)
    )
    theirs = Notification.objects.create(user=other_trader, subject="Not yours")
    client = api(trader)

    listed = _ok(client.get(f"{V1}/notifications/"))
    assert [n["subject"] for n in listed["results"]] == ["Reminder 2", "Reminder 1", "Reminder 0"]
    assert _ok(client.get(f"{V1}/notifications/unread-count/")) == {"unread": 3}

    assert _ok(client.post(f"{V1}/notifications/{second.pk}/read/")) == {"marked": 1, "unread": 2}
    assert _ok(client.post(f"{V1}/notifications/{second.pk}/read/")) == {"marked": 0, "unread": 2}
    unread = _ok(client.get(f"{V1}/notifications/?unread=true"))["results"]
    assert {n["id"] for n in unread} == {first.pk, third.pk}
    read = _ok(client.get(f"{V1}/notifications/?unread=false"))["results"]
    assert [n["id"] for n in read] == [second.pk] and read[0]["read_at"]

    # Another user's notification does not exist for this one, and stays unread.
    assert client.post(f"{V1}/notifications/{theirs.pk}/read/").status_code == 404
    assert client.post(f"{V1}/notifications/nope/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None

    assert _ok(client.post(f"{V1}/notifications/read-all/")) == {"marked": 2, "unread": 0}
    assert _ok(api(other_trader).get(f"{V1}/notifications/unread-count/")) == {"unread": 1}


def test_notifications_need_a_signed_in_user_and_not_a_partner(db, api, partner, officer):
    Notification.objects.create(user=officer, subject="Plan overdue")
    assert api(None).get(f"{V1}/notifications/").status_code == 401
    assert api(partner).get(f"{V1}/notifications/").status_code == 403
    assert _ok(api(officer).get(f"{V1}/notifications/"))["count"] == 1


# --- Invitations ------------------------------------------------------------------------


def test_the_signing_authority_invites_a_new_colleague(
    db, api, company, trader, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        link = _ok(
            api(trader).post(
                f"{V1}/companies/{company.pk}/invitations/",
                {"email": "New.Person@Example.com", "full_name": "New Person"},
                format="json",
            ),
            201,
        )
    assert link["email"] == "new.person@example.com"
    assert link["company_role"] == CompanyUser.CompanyRole.CONTRIBUTOR
    users = _ok(api(trader).get(f"{V1}/companies/{company.pk}/users/"))["results"]
    assert "new.person@example.com" in {u["email"] for u in users}

    (message,) = mail.outbox
    assert message.to == ["new.person@example.com"]
    (accept,) = re.findall(r"https?://\S+/en/portal/invitation/\S+/", message.body)
    path = accept.split("testserver", 1)[1]
    page = Client().get(path)
    assert page.status_code == 200  # the link opens the page to choose a password


def test_an_existing_trader_is_linked_and_told_to_sign_in(
    db, api, company, trader, django_capture_on_commit_callbacks
):
    colleague = UserFactory(role="trader")
    with django_capture_on_commit_callbacks(execute=True):
        _ok(
            api(trader).post(
                f"{V1}/companies/{company.pk}/invitations/",
                {
                    "email": colleague.email,
                    "full_name": "Colleague",
                    "company_role": "signing_authority",
                },
                format="json",
            ),
            201,
        )
    (message,) = mail.outbox
    assert "/portal/invitation/" not in message.body
    assert CompanyUser.objects.get(company=company, user=colleague).company_role == (
        CompanyUser.CompanyRole.SIGNING_AUTHORITY
    )


def test_the_invitation_is_in_the_language_chosen_for_the_person(
    db, api, company, trader, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _ok(
            api(trader).post(
                f"{V1}/companies/{company.pk}/invitations/",
                {"email": "marie@example.com", "full_name": "Marie", "preferred_language": "fr"},
                format="json",
            ),
            201,
        )
    (message,) = mail.outbox
    assert re.findall(r"https?://\S+/fr/portal/invitation/\S+/", message.body)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not-an-address", "full_name": "X"}, "email"),
        ({"email": "x@example.com"}, "full_name"),
        ({"email": "x@example.com", "full_name": "X", "company_role": "boss"}, "company_role"),
        (
            {"email": "x@example.com", "full_name": "X", "preferred_language": "de"},
            "preferred_language",
        ),
    ],
)
def test_an_invalid_invitation_is_400_naming_the_field(db, api, company, trader, body, field):
    response = api(trader).post(f"{V1}/companies/{company.pk}/invitations/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["details"]
    assert not mail.outbox


def test_staff_addresses_and_present_users_are_refused(db, api, company, trader, officer):
    url = f"{V1}/companies/{company.pk}/invitations/"
    for email in (officer.email, trader.email):
        response = api(trader).post(url, {"email": email, "full_name": "X"}, format="json")
        assert response.status_code == 400
        assert set(response.json()["details"]) == {"email"}


def test_a_contributor_may_not_invite(db, api, company):
    contributor = CompanyUserFactory(
        company=company, company_role=CompanyUser.CompanyRole.CONTRIBUTOR
    ).user
    response = api(contributor).post(
        f"{V1}/companies/{company.pk}/invitations/",
        {"email": "x@example.com", "full_name": "X"},
        format="json",
    )
    assert response.status_code == 403
    assert not CompanyUser.objects.filter(company=company, user__email="x@example.com").exists()


# --- A finding's pictures and documents -------------------------------------------------


def test_staff_list_and_download_a_findings_evidence(db, api, company, trader, officer, manager):
    validation = make_site_validation(
        state=SiteValidation.State.IN_PROGRESS, company=company, officer=officer
    )
    record_findings(validation, officer)
    finding, other_finding = validation.findings.order_by("pk")[:2]
    base = f"{V1}/site-validations/{validation.pk}/findings/{finding.pk}/evidence/"
    uploaded = _ok(
        api(officer).post(base, {"file": png_upload("gate.png")}, format="multipart"), 201
    )

    for staff in (officer, manager):
        listed = _ok(api(staff).get(base))
        assert [(e["id"], e["original_name"]) for e in listed["results"]] == [
            (uploaded["id"], "gate.png")
        ]
        download = api(staff).get(f"{base}{uploaded['id']}/")
        assert download.status_code == 200
        assert download["Content-Type"] == "image/png"
        assert 'filename="gate.png"' in download["Content-Disposition"]
        assert b"".join(download.streaming_content)[:4] == b"\x89PNG"

    other = f"{V1}/site-validations/{validation.pk}/findings/{other_finding.pk}/evidence/"
    assert _ok(api(officer).get(other))["count"] == 0
    assert api(officer).get(f"{other}{uploaded['id']}/").status_code == 404
    # The company's trader reads the findings, not the officers' working files.
    assert api(trader).get(base).status_code == 403
    assert api(trader).get(f"{base}{uploaded['id']}/").status_code == 403

"""Registering and confirming the e-mail address through the API: the portal's account
service behind it, so the same checks and the same answers, in the one error shape and the
caller's language."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.utils.http import urlsafe_base64_encode
from rest_framework.throttling import SimpleRateThrottle

from core.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

V1 = "/api/v1"
PASSWORD = "Harbour-gate-2026"
EMAIL = "new.trader@example.test"


def _register(client, **extra):
    data = {
        "email": EMAIL,
        "full_name": "Alex Martin",
        "password": PASSWORD,
        "preferred_language": "fr",
        **extra,
    }
    return client.post(f"{V1}/auth/register/", data, format="json")


def _link_parts(message, lang: str = "en") -> tuple[str, str]:
    """The uid and token of the portal's verification link in the e-mail."""
    found = re.findall(
        r"https?://testserver/" + lang + r"/portal/verify/([^/\s]+)/([^/\s]+)/", message.body
    )
    assert found, message.body
    return found[0]


def test_register_then_verify_then_sign_in(api, django_capture_on_commit_callbacks):
    client = api(None)
    with django_capture_on_commit_callbacks(execute=True):
        response = _register(client)
    assert response.status_code == 201, response.json()
    assert response.json()["email"] == EMAIL
    assert EMAIL in response.json()["message"]
    user = User.objects.get(email=EMAIL)
    assert not user.is_active and user.role == "trader" and user.preferred_language == "fr"
    # The e-mail links to the portal's page, in both languages.
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [EMAIL]
    uid, token = _link_parts(mail.outbox[0], "en")
    assert _link_parts(mail.outbox[0], "fr") == (uid, token)
    # Not active yet: no token.
    refused = client.post(
        f"{V1}/auth/token/", {"username": EMAIL, "password": PASSWORD}, format="json"
    )
    assert refused.status_code == 400

    verified = client.post(f"{V1}/auth/verify-email/", {"uid": uid, "token": token}, "json")
    assert verified.status_code == 200
    assert verified.json() == {"message": "Your e-mail address is confirmed. You can now sign in."}
    assert User.objects.get(email=EMAIL).is_active
    granted = client.post(
        f"{V1}/auth/token/", {"username": EMAIL, "password": PASSWORD}, format="json"
    )
    assert granted.status_code == 200 and granted.json()["token"]

    # The link works once.
    again = client.post(f"{V1}/auth/verify-email/", {"uid": uid, "token": token}, "json")
    assert again.status_code == 400
    assert again.json()["code"] == "verification_invalid"
    assert "not valid" in again.json()["message"]


def test_the_portal_page_accepts_the_link_the_api_sent(
    api, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _register(api(None))
    uid, token = _link_parts(mail.outbox[0], "en")
    response = client.post(f"/en/portal/verify/{uid}/{token}/")
    assert response.status_code == 302 and response["Location"] == "/en/sign-in/"
    assert User.objects.get(email=EMAIL).is_active


def test_a_weak_password_is_refused_beside_the_field(api):
    response = _register(api(None), password="12345678")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["details"]) == {"password"}
    assert any("numeric" in message for message in body["details"]["password"])
    assert not User.objects.filter(email=EMAIL).exists()
    assert not mail.outbox


def test_missing_and_malformed_fields_are_listed(api):
    response = api(None).post(
        f"{V1}/auth/register/", {"email": "not-an-address", "preferred_language": "de"}, "json"
    )
    assert response.status_code == 400
    assert set(response.json()["details"]) == {
        "email",
        "full_name",
        "password",
        "preferred_language",
    }
    assert not User.objects.filter(email="not-an-address").exists()


def test_an_address_in_use_gets_the_pages_answer(api):
    UserFactory(email="taken@example.test")
    response = _register(api(None), email="Taken@Example.test")
    assert response.status_code == 400
    assert set(response.json()["details"]) == {"email"}
    assert "already exists" in response.json()["details"]["email"][0]
    assert User.objects.filter(email__iexact="taken@example.test").count() == 1
    assert not mail.outbox


def test_registering_again_before_confirming_sends_a_new_link(
    api, django_capture_on_commit_callbacks
):
    client = api(None)
    with django_capture_on_commit_callbacks(execute=True):
        assert _register(client).status_code == 201
        assert _register(client, full_name="Alex M. Martin").status_code == 201
    assert User.objects.get(email=EMAIL).full_name == "Alex M. Martin"
    assert len(mail.outbox) == 2


def test_errors_in_french(api):
    UserFactory(email="taken@example.test")
    client = api(None)
    client.credentials(HTTP_ACCEPT_LANGUAGE="fr")
    weak = _register(client, password="12345678", full_name="Alex")
    assert weak.status_code == 400
    assert weak.json()["message"] == "Les données saisies ne sont pas valides."
    assert any("entièrement numérique" in m for m in weak.json()["details"]["password"])
    taken = _register(client, email="taken@example.test")
    assert taken.json()["details"]["email"] == [
        "Un compte associé à cette adresse courriel existe déjà. Ouvrez une session, ou "
        "réinitialisez votre mot de passe si vous l'avez oublié."
    ]
    missing = client.post(f"{V1}/auth/register/", {}, format="json")
    assert missing.json()["details"]["full_name"] == ["Ce champ est obligatoire."]
    forged = client.post(f"{V1}/auth/verify-email/", {"uid": "MQ", "token": "abc-123"}, "json")
    assert forged.status_code == 400
    assert forged.json()["message"].startswith("Ce lien de vérification n'est pas valide")


def test_the_language_of_the_request_is_the_default(api, django_capture_on_commit_callbacks):
    client = api(None)
    client.credentials(HTTP_ACCEPT_LANGUAGE="fr-CA,fr;q=0.9")
    with django_capture_on_commit_callbacks(execute=True):
        response = _register(client, preferred_language=None)
    assert response.status_code == 400  # null is not a language
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{V1}/auth/register/",
            {"email": EMAIL, "full_name": "Alex Martin", "password": PASSWORD},
            format="json",
        )
    assert response.status_code == 201
    assert User.objects.get(email=EMAIL).preferred_language == "fr"


def test_a_forged_or_malformed_link_is_400(api, django_capture_on_commit_callbacks):
    client = api(None)
    with django_capture_on_commit_callbacks(execute=True):
        _register(client)
    uid, token = _link_parts(mail.outbox[0])
    nobody = urlsafe_base64_encode(str(User.objects.get(email=EMAIL).pk + 1000).encode())
    for body in (
        {"uid": uid, "token": "abc-123"},
        {"uid": nobody, "token": token},  # another account's link: no such user
        {"uid": "!!", "token": "x"},
    ):
        response = client.post(f"{V1}/auth/verify-email/", body, format="json")
        assert response.status_code == 400, body
        assert response.json()["code"] == "verification_invalid"
    missing = client.post(f"{V1}/auth/verify-email/", {"uid": uid}, format="json")
    assert missing.status_code == 400 and set(missing.json()["details"]) == {"token"}
    assert not User.objects.get(email=EMAIL).is_active


def test_registration_is_throttled(api, monkeypatch):
    rates = {**SimpleRateThrottle.THROTTLE_RATES, "register": "2/hour"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    client = api(None)
    statuses = [_register(client, email=f"person{n}@example.test").status_code for n in range(3)]
    assert statuses == [201, 201, 429]
    assert User.objects.filter(email__endswith="@example.test").count() == 2
    body = _register(client, email="late@example.test").json()
    assert body["code"] == "throttled"

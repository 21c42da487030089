"""Registering, confirming the e-mail address, signing in."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user
from django.core import mail

from core.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Harbour-gate-2026"


def _register(client, email="new.trader@example.test", **extra):
    data = {
        "full_name": "Alex Martin",
        "email": email,
        "password1": PASSWORD,
        "password2": PASSWORD,
        "preferred_language": "fr",
        **extra,
    }
    return client.post("/en/portal/register/", data)


def _link(message, lang="en"):
    return re.findall(r"https?://[^\s]+/" + lang + r"/portal/verify/[^\s]+/", message.body)[0]


def test_register_sends_a_bilingual_link_and_the_account_waits(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _register(client)
    assert response.status_code == 302
    assert response["Location"] == "/en/portal/register/sent/"
    user = User.objects.get(email="new.trader@example.test")
    assert not user.is_active and user.role == "trader" and user.preferred_language == "fr"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.trader@example.test"]
    assert "Confirm your e-mail address" in message.subject
    assert "Confirmez votre adresse courriel" in message.subject or " / " in message.subject
    assert _link(message, "en") and _link(message, "fr")
    assert "new.trader@example.test" in client.get(response["Location"]).content.decode()
    # Not active: cannot sign in yet.
    client.post("/en/sign-in/", {"username": user.email, "password": PASSWORD})
    assert not get_user(client).is_authenticated


def test_the_link_activates_once_then_sign_in_works(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _register(client)
    link = _link(mail.outbox[0])
    path = link.split("//", 1)[1].split("/", 1)[1]
    path = "/" + path
    page = client.get(path)
    assert page.status_code == 200 and "Confirm my e-mail address" in page.content.decode()
    assert not User.objects.get(email="new.trader@example.test").is_active  # GET changes nothing
    response = client.post(path)
    assert response["Location"] == "/en/sign-in/"
    assert User.objects.get(email="new.trader@example.test").is_active
    again = client.post(path)
    assert again.status_code == 400 and "not valid" in again.content.decode()
    client.post("/en/sign-in/", {"username": "new.trader@example.test", "password": PASSWORD})
    assert get_user(client).is_authenticated


def test_a_forged_link_is_refused(client):
    response = client.post("/en/portal/verify/MQ/abc-123/")
    assert response.status_code == 400


def test_errors_beside_their_fields(client):
    UserFactory(email="taken@example.test")
    response = _register(client, email="taken@example.test", password2="something-else")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_password2_error"' in html
    response = _register(client, email="taken@example.test")
    html = response.content.decode()
    assert 'id="id_email_error"' in html and "already exists" in html
    assert User.objects.filter(email="taken@example.test").count() == 1


def test_weak_password_is_refused_beside_the_field(client):
    response = _register(client, password1="12345678", password2="12345678")
    assert 'id="id_password1_error"' in response.content.decode()
    assert not User.objects.filter(email="new.trader@example.test").exists()


def test_registering_again_before_confirming_sends_a_new_link(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _register(client)
        _register(client, full_name="Alex M. Martin")
    assert User.objects.filter(email="new.trader@example.test").count() == 1
    assert len(mail.outbox) == 2


def test_the_page_is_in_french(client):
    html = client.get("/fr/portal/register/").content.decode()
    assert '<html lang="fr">' in html

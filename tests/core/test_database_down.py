"""PostgreSQL unreachable: pages answer a bilingual 503 page and the API its error shape, both
with Retry-After; /readyz/ names the database, /healthz/ still says the process lives.

The requests run in a fresh process whose DATABASE_URL points at a closed port, with Django's
test client: nothing is mocked, and this process's test database is left alone."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
UNREACHABLE = "postgres://postgres@127.0.0.1:1/unreachable"

REQUESTS = """
import json
import django
django.setup()
from django.test.utils import setup_test_environment
setup_test_environment()
from django.test import Client

client = Client(raise_request_exception=False)
signed_in = Client(raise_request_exception=False)
signed_in.cookies["sessionid"] = "s" * 32  # a session to look up in the database
answers = {
    "sign_in": client.post(
        "/fr/sign-in/", {"username": "someone@example.test", "password": "pass-word-123"}
    ),
    "portal": signed_in.get("/en/portal/"),
    "api": client.get("/api/v1/companies/", HTTP_AUTHORIZATION="Token abc"),
    "api_fr": client.get(
        "/api/v1/companies/", HTTP_AUTHORIZATION="Token abc", HTTP_ACCEPT_LANGUAGE="fr"
    ),
    "token": client.post(
        "/api/v1/auth/token/", {"username": "someone@example.test", "password": "x"}
    ),
    "readyz": client.get("/readyz/"),
    "healthz": client.get("/healthz/"),
}
print(json.dumps({
    name: {
        "status": r.status_code,
        "retry_after": r.get("Retry-After"),
        "content_type": r.get("Content-Type"),
        "body": r.content.decode(),
    }
    for name, r in answers.items()
}))
"""


@pytest.fixture(scope="module")
def answers() -> dict[str, dict]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": UNREACHABLE,
    }
    result = subprocess.run(
        [sys.executable, "-c", REQUESTS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("name", ["sign_in", "portal"])
def test_a_page_is_a_bilingual_503_with_retry_after(answers, name):
    answer = answers[name]
    assert answer["status"] == 503, answer["body"][:2000]
    assert answer["retry_after"] == "30"
    assert answer["content_type"].startswith("text/html")
    html = answer["body"]
    assert '<section lang="en">' in html and '<section lang="fr">' in html
    assert "The service is unavailable for a moment" in html
    assert "Le service est indisponible pour un moment" in html
    assert "Error 503" in html and "Erreur 503" in html


@pytest.mark.parametrize("name", ["api", "token"])
def test_the_api_answers_503_in_its_error_shape(answers, name):
    answer = answers[name]
    assert answer["status"] == 503, answer["body"][:2000]
    assert answer["retry_after"] == "30"
    assert answer["content_type"] == "application/json"
    body = json.loads(answer["body"])
    assert set(body) == {"code", "message", "details"}
    assert body["code"] == "service_unavailable"
    assert body["message"].startswith("The service is unavailable for a moment")
    assert body["details"] == {}


def test_the_api_message_follows_the_callers_language(answers):
    body = json.loads(answers["api_fr"]["body"])
    assert body["code"] == "service_unavailable"
    assert body["message"].startswith("Le service est indisponible pour un moment")


def test_readyz_names_the_database_and_healthz_lives(answers):
    ready = answers["readyz"]
    assert ready["status"] == 503
    checks = json.loads(ready["body"])["checks"]
    assert checks["database"] == "unavailable: OperationalError"
    assert checks["migrations"].startswith("unknown")
    assert answers["healthz"]["status"] == 200 and answers["healthz"]["body"] == "ok"

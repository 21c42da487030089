"""Token authentication: a token for an e-mail address and password, and an anonymous caller
told how to authenticate."""

from __future__ import annotations

V1 = "/api/v1"


def test_token_from_email_and_password(api, trader):
    client = api(None)
    good = client.post(
        f"{V1}/auth/token/", {"username": trader.email, "password": "pass-word-123"}, format="json"
    )
    assert good.status_code == 200 and good.json()["token"]
    bad = client.post(
        f"{V1}/auth/token/", {"username": trader.email, "password": "nope"}, format="json"
    )
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid" and "non_field_errors" in bad.json()["details"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {good.json()['token']}")
    assert client.get(f"{V1}/companies/").status_code == 200


def test_anonymous_is_told_to_authenticate(api):
    response = api(None).get(f"{V1}/memberships/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Token")

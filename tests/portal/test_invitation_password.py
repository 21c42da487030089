"""Accepting an invitation: the new password's errors show under the field they are
about."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from tests.factories import trader_of

pytestmark = pytest.mark.django_db


def _html(response) -> str:
    return response.content.decode()


def test_a_common_password_error_shows_under_the_new_password(
    client, company, django_capture_on_commit_callbacks
):
    client.force_login(trader_of(company))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/en/portal/company/invite/",
            {
                "full_name": "Sam Lee",
                "email": "sam.lee@example.test",
                "company_role": "contributor",
                "preferred_language": "en",
            },
        )
    client.logout()
    (link,) = re.findall(r"https?://\S+/en/portal/invitation/\S+/", mail.outbox[0].body)
    url = "/" + link.split("//", 1)[1].split("/", 1)[1]
    html = _html(client.post(url, {"new_password1": "password", "new_password2": "password"}))
    assert 'id="id_new_password1_error"' in html and "too common" in html
    assert 'id="id_new_password2_error"' not in html
    field = re.search(r'<input[^>]*name="new_password1"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in field
    assert re.search(r'aria-describedby="[^"]*id_new_password1_error', field)
    # Two different passwords: that is said under the confirmation.
    html = _html(
        client.post(url, {"new_password1": "Harbour-gate-2026", "new_password2": "Harbour-gate"})
    )
    assert 'id="id_new_password2_error"' in html and 'id="id_new_password1_error"' not in html

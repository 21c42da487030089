"""Only managers open the dashboard, its lists, records and decisions: every other role gets
a 404 (the page's existence tells them nothing); an anonymous visitor is sent to sign in."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import make_membership
from traders.models import Membership


@pytest.fixture
def urls(db, manager):
    membership = make_membership(manager=manager)
    app = membership.application
    return [
        reverse("backoffice:dashboard"),
        reverse("backoffice:dashboard_list", args=["expiring-90"]),
        reverse("backoffice:dashboard_list_csv", args=["expiring-90"]),
        reverse("backoffice:dashboard_application", args=[app.pk]),
        reverse("backoffice:dashboard_application_decide", args=[app.pk, "certify"]),
        reverse("backoffice:dashboard_membership", args=[membership.pk]),
        reverse("backoffice:dashboard_membership_decide", args=[membership.pk, "suspend"]),
        reverse("backoffice:dashboard_membership_certificate", args=[membership.pk]),
    ]


@pytest.mark.parametrize("role", ["trader", "officer", "administrator", "partner"])
def test_other_roles_get_404(client, actors, urls, role):
    client.force_login(actors[role])
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"reason": "x", "confirm": "yes"}).status_code == 404, url
    assert Membership.objects.get().state == Membership.State.ACTIVE


def test_anonymous_is_sent_to_sign_in(client, urls):
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302
        assert "sign-in" in response["Location"]


def test_manager_may_open_them(client, manager, urls):
    client.force_login(manager)
    for url in urls[:-1]:  # the certificate: see test_dashboard_decisions
        assert client.get(url).status_code == 200, url


def test_unknown_list_or_bad_parameters_are_404(client, manager, db):
    client.force_login(manager)
    assert client.get(reverse("backoffice:dashboard_list", args=["nope"])).status_code == 404
    decisions = reverse("backoffice:dashboard_list", args=["decisions"])
    assert client.get(decisions + "?action=certify&month=2026-13").status_code == 404
    assert client.get(decisions + "?action=drop&month=2026-01").status_code == 404
    assert client.get(decisions + "?action=deny&month=2026-01").status_code == 200


def test_invalid_filters_are_shown_and_ignored(client, manager, db):
    client.force_login(manager)
    response = client.get(reverse("backoffice:dashboard") + "?country=Canada&officer=abc")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="id_country_error"' in body
    assert 'id="id_officer_error"' in body

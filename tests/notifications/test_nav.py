"""Every signed-in page links to the user's notifications with the unread count."""

import pytest
from django.urls import reverse

from notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_signed_in_pages_show_the_unread_count(client, trader, other_trader):
    mine = [
        Notification.objects.create(user=trader, subject=f"Reminder {n}", body="Due soon.")
        for n in range(3)
    ]
    Notification.objects.create(user=other_trader, subject="Not yours", body="")
    client.force_login(trader)
    assert "Notifications (3 unread)" in client.get("/en/", follow=True).content.decode()

    client.post(reverse("notifications:read", args=[mine[0].pk]))
    assert "Notifications (2 unread)" in client.get("/en/", follow=True).content.decode()


def test_anonymous_pages_have_no_notifications_link(client):
    assert "unread)" not in client.get("/en/").content.decode()

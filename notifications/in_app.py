"""In-app notifications a service sends a user directly, outside the reminder ledger (a case
taken over from an officer, for instance): written in the recipient's language, in the
transaction of the change they tell about."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import translation

from .models import Notification

if TYPE_CHECKING:
    from core.models import User


def notifications_send(
    *, users: Iterable[User], render: Callable[[User], tuple[str, str, str]]
) -> list[Notification]:
    """One notification per user; ``render(user)`` gives its subject, body and link and is
    called with the user's preferred language active."""
    notifications = []
    for user in users:
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            subject, body, link = render(user)
        notifications.append(
            Notification(user=user, subject=str(subject)[:200], body=str(body), link=link)
        )
    return Notification.objects.bulk_create(notifications)

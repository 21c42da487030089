"""The unread count beside the notifications link on every signed-in page (one query)."""

from typing import Any

from django.http import HttpRequest

from .selectors import notification_unread_count


def unread_notifications(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": notification_unread_count(user=user)}

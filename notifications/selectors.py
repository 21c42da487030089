"""Reads for reminders and notifications."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from core.dates import agency_tz
from core.roles import scope_for

from .models import Letter, Notification, Reminder


def notification_list_for(*, user: Any) -> models.QuerySet[Notification]:
    """The signed-in user's own notifications, newest first; nobody else's."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


def notification_unread_count(*, user: Any) -> int:
    return notification_list_for(user=user).filter(read_at__isnull=True).count()


def reminder_recorded_keys(
    *, model: type[models.Model], kind: str, due_from: dt.date, due_to: dt.date
) -> set[tuple[int, str]]:
    """(object id, milestone) of the reminders of ``kind`` already recorded for dates in
    [due_from, due_to]: what a sweep must not record again. Served by (kind, due_on)."""
    content_type = ContentType.objects.get_for_model(model)
    return set(
        Reminder.objects.filter(
            kind=kind, due_on__gte=due_from, due_on__lte=due_to, content_type=content_type
        ).values_list("object_id", "milestone")
    )


def reminder_report_list(
    *, failed_only: bool = False, since: dt.datetime | None = None
) -> models.QuerySet[Reminder]:
    reminders = Reminder.objects.select_related("content_type").order_by("created_at", "id")
    if failed_only:
        reminders = reminders.filter(status=Reminder.Status.FAILED)
    if since is not None:
        reminders = reminders.filter(created_at__gte=since)
    return reminders


def reminder_report_counts(
    *, failed_only: bool = False, since: dt.datetime | None = None
) -> list[Mapping[str, Any]]:
    return list(
        reminder_report_list(failed_only=failed_only, since=since)
        .order_by()
        .values("kind", "status")
        .annotate(count=models.Count("id"))
        .order_by("kind", "status")
    )


# Shown on the staff page unless a status is chosen: what went out and what did not (a
# pending reminder is on its way; it is listed when asked for).
STAFF_DEFAULT_STATUSES = (Reminder.Status.SENT, Reminder.Status.FAILED)


def reminder_staff_list(
    *,
    status: str = "",
    kind: str = "",
    recorded_from: dt.date | None = None,
    recorded_to: dt.date | None = None,
) -> models.QuerySet[Reminder]:
    """The reminders' ledger for the staff page, newest first. Dates are the agency's;
    served by the (status, created_at) index."""
    reminders = Reminder.objects.select_related("content_type").order_by("-created_at", "-id")
    if status:
        reminders = reminders.filter(status=status)
    else:
        reminders = reminders.filter(status__in=STAFF_DEFAULT_STATUSES)
    if kind:
        reminders = reminders.filter(kind=kind)
    if recorded_from is not None:
        start = dt.datetime.combine(recorded_from, dt.time(), tzinfo=agency_tz())
        reminders = reminders.filter(created_at__gte=start)
    if recorded_to is not None:
        end = dt.datetime.combine(recorded_to + dt.timedelta(days=1), dt.time(), tzinfo=agency_tz())
        reminders = reminders.filter(created_at__lt=end)
    return reminders


def letter_list_for(*, user: Any) -> models.QuerySet[Letter]:
    """Decision letters: every one for staff, a trader's companies' only."""
    return scope_for(Letter, user=user)


def letter_list_about(*, user: Any, obj: models.Model) -> models.QuerySet[Letter]:
    """The letters of the decisions on ``obj`` (an application, a membership), newest first."""
    return letter_list_for(user=user).filter(
        reminder__content_type=ContentType.objects.get_for_model(type(obj)),
        reminder__object_id=obj.pk,
    )

"""Notifications and reminders: the signed-in user's notifications and their counts; the
reminders' ledger and its filters."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from notifications.models import Reminder, ReminderKind


class NotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    subject = serializers.CharField()
    body = serializers.CharField()
    link = serializers.CharField()
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)


class ReminderSerializer(serializers.Serializer):
    """One row of the reminders' ledger: what it is about, its milestone, and how it went."""

    id = serializers.IntegerField()
    kind = serializers.CharField()
    milestone = serializers.CharField()
    due_on = serializers.DateField(allow_null=True)
    about = serializers.SerializerMethodField(help_text=_("The object reminded of: its model."))
    object_id = serializers.IntegerField()
    status = serializers.CharField()
    attempts = serializers.IntegerField()
    last_error = serializers.CharField()
    recipients = serializers.SerializerMethodField(help_text=_("How many people it is for."))
    delivered = serializers.SerializerMethodField(help_text=_("How many were e-mailed."))
    created_at = serializers.DateTimeField()
    sent_at = serializers.DateTimeField(allow_null=True)

    def get_about(self, reminder: Any) -> str:
        return str(reminder.content_type.model)

    def get_recipients(self, reminder: Any) -> int:
        return len(reminder.recipient_ids or [])

    def get_delivered(self, reminder: Any) -> int:
        return len(reminder.delivered_to or [])


class ReminderQuerySerializer(serializers.Serializer):
    """The staff page's filters: status (sent and failed unless chosen), kind, and the
    agency dates it was recorded between."""

    status = serializers.ChoiceField(choices=Reminder.Status.choices, required=False)
    kind = serializers.ChoiceField(choices=ReminderKind.choices, required=False)
    recorded_from = serializers.DateField(required=False)
    recorded_to = serializers.DateField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs.get("recorded_from"), attrs.get("recorded_to")
        if start and end and end < start:
            raise serializers.ValidationError(
                {"recorded_to": _("The end date is before the start date.")}
            )
        return attrs


class NotificationQuerySerializer(serializers.Serializer):
    unread = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text=_("Only the unread ones.")
    )


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField()


class MarkedReadSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text=_("How many notifications were marked read."))
    unread = serializers.IntegerField(help_text=_("How many are still unread."))

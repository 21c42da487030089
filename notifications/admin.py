from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.admin_tools import service_action

from . import services
from .models import Letter, Notification, Reminder


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    """The ledger is a record: rows are written by the sweeps and the delivery task only."""

    list_display = ["kind", "milestone", "content_type", "object_id", "status", "attempts"]
    list_filter = ["status", "kind"]
    search_fields = ["milestone", "last_error"]
    date_hierarchy = "created_at"
    actions = [
        service_action(
            services.reminder_retry, param="reminder", description=_("Send the failed again")
        )
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.concrete_fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["subject", "user", "created_at", "read_at"]
    list_filter = ["read_at"]
    search_fields = ["subject", "user__email"]
    raw_id_fields = ["user", "reminder"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.concrete_fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Letter)
class LetterAdmin(admin.ModelAdmin):
    """Decision letters are records: written with the decision's notice, never edited here."""

    list_display = ["reference", "kind", "company_id", "decided_on", "created_at"]
    list_filter = ["kind"]
    search_fields = ["reference"]
    date_hierarchy = "decided_on"
    raw_id_fields = ["reminder"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.concrete_fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

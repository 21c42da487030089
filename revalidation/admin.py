from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.admin_tools import StateReadOnlyAdmin, service_action

from . import services
from .models import RevalidationCycle


@admin.register(RevalidationCycle)
class RevalidationCycleAdmin(StateReadOnlyAdmin):
    list_display = ["membership", "company", "state", "opened_on", "due_on", "early"]
    list_filter = ["state", "early"]
    search_fields = ["membership__member_number", "company__legal_name"]
    date_hierarchy = "due_on"
    raw_id_fields = ["company", "membership", "profile", "site_validation", "change_notice"]
    # Everything a service wrote is a record: cycles are opened and moved by the services.
    state_fields = (
        "state",
        "company",
        "membership",
        "profile",
        "site_validation",
        "change_notice",
        "opened_on",
        "due_on",
        "submitted_at",
        "completed_on",
        "opened_by",
        "early",
    )
    actions = [
        service_action(
            services.revalidation_complete,
            param="cycle",
            description=_("Complete and renew the membership"),
        ),
        service_action(
            services.revalidation_lapse,
            param="cycle",
            description=_("Lapse (managers, after the due date)"),
        ),
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

from typing import Any

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin_tools import StateReadOnlyAdmin, service_action

from . import services
from .models import (
    ActionPlan,
    ActionPlanItem,
    ActionPlanItemEvidence,
    Finding,
    FindingEvidence,
    Incident,
    SiteValidation,
)


class FindingInline(admin.TabularInline):
    model = Finding
    extra = 0
    raw_id_fields = ["requirement"]
    readonly_fields = ["recorded_by"]


@admin.register(SiteValidation)
class SiteValidationAdmin(StateReadOnlyAdmin):
    list_display = ["company", "kind", "scheduled_for", "state", "outcome", "lead_officer"]
    list_filter = ["state", "kind", "outcome", "joint_with_cbp"]
    search_fields = ["company__legal_name", "company__operating_name"]
    date_hierarchy = "scheduled_for"
    raw_id_fields = [
        "company",
        "application",
        "membership",
        "change_notice",
        "catalogue",
        "lead_officer",
    ]
    filter_horizontal = ["sites", "officers"]
    state_fields = (
        "state",
        "kind",
        "started_at",
        "completed_at",
        "outcome",
        "outcome_override_reason",
        "cancel_reason",
    )
    inlines = [FindingInline]
    actions = [
        service_action(
            services.site_validation_start,
            param="validation",
            description=_("Start the site validation"),
        ),
    ]


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin):
    list_display = ["validation", "requirement", "result"]
    list_filter = ["result"]
    raw_id_fields = ["validation", "requirement"]
    readonly_fields = ["recorded_by"]


@admin.register(FindingEvidence)
class FindingEvidenceAdmin(admin.ModelAdmin):
    list_display = ["original_name", "content_type", "size", "uploaded_at"]
    raw_id_fields = ["finding"]
    readonly_fields = ["file", "content_type", "size", "uploaded_by"]


class ActionPlanItemInline(admin.TabularInline):
    model = ActionPlanItem
    extra = 0
    raw_id_fields = ["requirement"]
    readonly_fields = ["deadline", "original_deadline", "review"]


@admin.register(ActionPlan)
class ActionPlanAdmin(StateReadOnlyAdmin):
    list_display = ["company", "issued_on", "deadline", "state", "issued_by"]
    list_filter = ["state"]
    search_fields = ["company__legal_name", "company__operating_name"]
    raw_id_fields = ["company", "membership", "source_validation", "source_incident", "issued_by"]
    state_fields = ("state", "issued_on", "deadline", "responded_at")
    inlines = [ActionPlanItemInline]
    actions = [
        service_action(
            services.action_plan_mark_overdue,
            param="plan",
            description=_("Mark overdue (deadline passed)"),
        ),
    ]


class ActionPlanItemEvidenceInline(admin.TabularInline):
    """The member's files: uploaded through the portal's checks only, never here."""

    model = ActionPlanItemEvidence
    extra = 0
    can_delete = False
    readonly_fields = ("original_name", "content_type", "size", "uploaded_by", "uploaded_at")
    fields = readonly_fields

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(ActionPlanItem)
class ActionPlanItemAdmin(admin.ModelAdmin):
    list_display = ["plan", "measure", "deadline", "original_deadline", "review"]
    list_filter = ["review"]
    raw_id_fields = ["plan", "requirement"]
    readonly_fields = ["deadline", "original_deadline", "review", "responded_at"]
    inlines = [ActionPlanItemEvidenceInline]


@admin.register(ActionPlanItemEvidence)
class ActionPlanItemEvidenceAdmin(admin.ModelAdmin):
    """Listed for the administrators; the files come in through the portal's checks only."""

    list_display = ["original_name", "item", "content_type", "size", "uploaded_at"]
    raw_id_fields = ["item"]
    readonly_fields = ["file", "content_type", "size", "uploaded_by"]

    def has_add_permission(self, request: Any) -> bool:
        return False


@admin.register(Incident)
class IncidentAdmin(StateReadOnlyAdmin):
    list_display = ["company", "occurred_on", "state", "analyst"]
    list_filter = ["state"]
    search_fields = ["company__legal_name", "company__operating_name"]
    raw_id_fields = ["company", "membership", "reported_by", "analyst"]
    state_fields = ("state", "analyst", "concluded_at")
    actions = [
        service_action(
            services.incident_start_analysis,
            param="incident",
            description=_("Start the post-incident analysis"),
        ),
    ]

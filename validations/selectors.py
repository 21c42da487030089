"""Reads for site validations, findings, action plans and incidents, scoped by role."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from core.dates import agency_today
from core.roles import scope_for
from traders.models import Requirement

from .models import (
    ActionPlan,
    ActionPlanItem,
    Finding,
    FindingEvidence,
    Incident,
    SiteValidation,
)


def validation_missing_findings(*, validation: SiteValidation) -> list[dict[str, str]]:
    """Each requirement of the validation's catalogue that has no finding yet, in catalogue
    order (same shape as ``traders.selectors.profile_missing_items``)."""
    requirements = (
        Requirement.objects.filter(area__catalogue_id=validation.catalogue_id)
        .exclude(pk__in=Finding.objects.filter(validation=validation).values("requirement_id"))
        .select_related("area")
        .order_by("area__order", "order")
    )
    reason = str(_("No finding recorded."))
    return [{"code": r.code, "area": r.area.code, "reason": reason} for r in requirements]


def action_plan_past_deadline_list() -> models.QuerySet[ActionPlan]:
    """Open plans (issued or returned) whose deadline has passed: what the sweep marks
    overdue and the dashboard counts."""
    return ActionPlan.objects.filter(
        state__in=[ActionPlan.State.ISSUED, ActionPlan.State.RETURNED],
        deadline__lt=agency_today(),
    )


# One scoping function per model: every page and API reaches these objects only through them.


def site_validation_list_for(*, user: Any) -> models.QuerySet[SiteValidation]:
    return scope_for(SiteValidation, user=user).select_related("company", "lead_officer")


def finding_list_for(*, user: Any) -> models.QuerySet[Finding]:
    return scope_for(Finding, user=user).select_related("requirement")


def finding_evidence_list_for(*, user: Any) -> models.QuerySet[FindingEvidence]:
    return scope_for(FindingEvidence, user=user)


def action_plan_list_for(*, user: Any) -> models.QuerySet[ActionPlan]:
    return scope_for(ActionPlan, user=user).select_related("company")


def action_plan_item_list_for(*, user: Any) -> models.QuerySet[ActionPlanItem]:
    return scope_for(ActionPlanItem, user=user)


def incident_list_for(*, user: Any) -> models.QuerySet[Incident]:
    return scope_for(Incident, user=user).select_related("company")


# --- What the daily sweep reads (values only: the sweep works on many rows at once) -------


def action_plan_deadline_rows(*, start: Any, end: Any) -> list[dict[str, Any]]:
    """Plans waiting for the member (issued or returned) due in [start, end]: the
    reminders' window. Served by the partial index on open plans' deadline."""
    return list(
        ActionPlan.objects.filter(
            state__in=[ActionPlan.State.ISSUED, ActionPlan.State.RETURNED],
            deadline__gte=start,
            deadline__lte=end,
        )
        .order_by()
        .values("pk", "company_id", "issued_by_id", "deadline")
    )


def action_plan_in_state_rows(*, state: str) -> list[dict[str, Any]]:
    """Open plans in ``state`` (overdue, escalated): who must be told."""
    return list(
        ActionPlan.objects.filter(state=state, deadline__lte=agency_today())
        .order_by()
        .values("pk", "company_id", "issued_by_id", "deadline")
    )


def action_plan_escalation_due_list(*, deadline_before: Any) -> models.QuerySet[ActionPlan]:
    """Overdue plans whose deadline is older than the grace period: escalated by the sweep."""
    return ActionPlan.objects.filter(
        state=ActionPlan.State.OVERDUE, deadline__lt=deadline_before
    ).order_by("deadline", "id")

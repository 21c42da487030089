"""A member's file: everything on one company in time order; a manager assigns each
membership's officer here."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backoffice import forms as f
from core.access import AuthenticatedHttpRequest
from core.models import AuditEvent, Role
from traders import selectors as trader_selectors
from traders import services as trader_services
from validations import selectors as validation_selectors
from validations.models import SiteValidation

from .base import CURRENT_MEMBERSHIPS, assign_post, get_or_404, officer_choices, officers_only


@officers_only
def company_file(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Everything on one company, in time order: every audited change to its applications,
    memberships, validations, findings, action plans, notices and incidents; a completed
    validation's entry lists its findings (the result per requirement). Managers assign
    each membership's officer here; officers schedule a spot check."""
    company = get_or_404(trader_selectors.company_list_for(user=request.user), pk=pk)
    events = (
        AuditEvent.objects.filter(company_id=company.pk)
        .select_related("actor", "content_type")
        .order_by("-occurred_at", "-id")
    )
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    validations = list(company.site_validations.order_by("-scheduled_for", "-pk"))
    findings = validation_selectors.findings_by_validation(
        validation_ids=[v.pk for v in validations if v.state == SiteValidation.State.COMPLETED]
    )
    validation_type = ContentType.objects.get_for_model(SiteValidation)
    for event in page.object_list:
        event.findings = (  # type: ignore[attr-defined]  # shown beside the event
            findings.get(int(event.object_id), [])
            if event.content_type_id == validation_type.pk
            and event.to_state == SiteValidation.State.COMPLETED
            else []
        )
    for validation in validations:
        validation.finding_list = findings.get(validation.pk, [])
    memberships = list(company.memberships.select_related("assigned_officer").order_by("programme"))
    is_manager = request.user.role == Role.MANAGER
    if is_manager:
        officers = officer_choices()
        for membership in memberships:
            membership.assign_form = f.AssignOfficerForm(
                officers=officers,
                prefix=f"m{membership.pk}",
                initial={"officer": membership.assigned_officer_id},
            )
    return render(
        request,
        "backoffice/workbench/company.html",
        {
            "company": company,
            "page": page,
            "applications": list(company.applications.order_by("-created_at")),
            "memberships": memberships,
            "is_manager": is_manager,
            "can_spot_check": any(m.state in CURRENT_MEMBERSHIPS for m in memberships),
            "revalidations": list(company.revalidation_cycles.order_by("-opened_on", "-pk")),
            "validations": validations,
            "action_plans": list(company.action_plans.order_by("-issued_on")),
            "notices": list(company.change_notices.order_by("-created_at")),
            "incidents": list(company.incidents.order_by("-occurred_on")),
        },
    )


@officers_only
@require_POST
def membership_assign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A manager assigns the member's officer (from the member's file)."""
    membership = get_or_404(trader_selectors.membership_list_for(user=request.user), pk=pk)
    return assign_post(
        request,
        back=reverse("backoffice:company", kwargs={"pk": membership.company_id}),
        assign=lambda officer: trader_services.membership_assign_officer(
            membership=membership, officer=officer, actor=request.user
        ),
        done=_("Membership %(number)s is assigned to %(officer)s."),
        done_args={"number": membership.member_number},
    )

"""Monitoring a member between validations: change notices (acknowledge, or follow up with
a spot check or an early revalidation), post-incident analyses, and spot checks scheduled
from the member's file."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from backoffice import forms as f
from core.access import AuthenticatedHttpRequest
from core.audit import audit_history
from core.pages import INVALID, run_service
from revalidation.services import revalidation_open
from traders import selectors as trader_selectors
from traders import services as trader_services
from traders.models import ChangeNotice, Membership
from validations import selectors as validation_selectors
from validations import services as validation_services
from validations.models import Incident, SiteValidation

from .action_plans import BLANK_ITEM_ROWS, plan_requirements
from .base import (
    CURRENT_MEMBERSHIPS,
    LIST_PAGE_SIZE,
    get_or_404,
    officers_only,
    staff_officers,
)

# --- Change notices ---------------------------------------------------------------------


def _memberships_of(company_id: int) -> Any:
    return Membership.objects.filter(company_id=company_id, state=Membership.State.ACTIVE).order_by(
        "member_number"
    )


@officers_only
def change_notice_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    notices = (
        trader_selectors.change_notice_list_for(user=request.user)
        .select_related("company", "membership")
        .order_by("state", "-created_at")
    )
    if request.GET.get("state") in ChangeNotice.State.values:
        notices = notices.filter(state=request.GET["state"])
    page = Paginator(notices, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "backoffice/workbench/change_notices.html", {"page": page})


@officers_only
def change_notice_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A member's change notice: acknowledge it, or follow it up with a spot check or an
    early revalidation."""
    notice = get_or_404(
        trader_selectors.change_notice_list_for(user=request.user).select_related(
            "company", "membership"
        ),
        pk=pk,
    )
    memberships = _memberships_of(notice.company_id)
    initial = {"membership": notice.membership_id}
    built = {
        "acknowledge": lambda data=None: f.NoticeAcknowledgeForm(data, prefix="acknowledge"),
        "spot_check": lambda data=None: f.NoticeSpotCheckForm(
            data, prefix="spot_check", memberships=memberships, initial=initial
        ),
        "revalidation": lambda data=None: f.NoticeRevalidationForm(
            data, prefix="revalidation", memberships=memberships, initial=initial
        ),
    }
    bound: dict[str, forms.Form] = {}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in built:
            raise Http404
        form = built[action](request.POST)
        if form.is_valid():
            data, user = form.cleaned_data, request.user
            if action == "acknowledge":
                call: Callable[[], Any] = lambda: trader_services.change_notice_acknowledge(  # noqa: E731
                    notice=notice, actor=user, note=data["note"]
                )
            elif action == "spot_check":
                call = lambda: validation_services.site_validation_schedule(  # noqa: E731
                    company=notice.company,
                    actor=user,
                    kind=SiteValidation.Kind.SPOT_CHECK,
                    scheduled_for=data["scheduled_for"],
                    membership=data["membership"],
                    sites=list(notice.company.sites.filter(is_active=True)),
                    change_notice=notice,
                )
            else:
                call = lambda: revalidation_open(  # noqa: E731
                    membership=data["membership"], actor=user, change_notice=notice
                )
            outcome = run_service(call, form=form)
            status = outcome.status
            if outcome.ok:
                done = {
                    "acknowledge": _("The change notice is acknowledged."),
                    "spot_check": _("A spot check is scheduled to follow up the notice."),
                    "revalidation": _("An early revalidation is opened for the membership."),
                }[action]
                messages.success(request, done)
                if isinstance(outcome.result, SiteValidation):
                    return redirect("backoffice:validation", pk=outcome.result.pk)
                return redirect("backoffice:change_notice", pk=notice.pk)
        else:
            status = INVALID
        bound[action] = form
    return render(
        request,
        "backoffice/workbench/change_notice.html",
        {
            "notice": notice,
            "forms": {name: bound.get(name) or make() for name, make in built.items()},
            "open": notice.state == ChangeNotice.State.SUBMITTED,
            "has_membership": memberships.exists(),
            "history": list(audit_history(obj=notice)),
        },
        status=status,
    )


# --- Post-incident analysis -------------------------------------------------------------


@officers_only
def incident_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    incidents = validation_selectors.incident_list_for(user=request.user).order_by(
        "state", "-occurred_on", "-pk"
    )
    page = Paginator(incidents, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "backoffice/workbench/incidents.html", {"page": page})


@officers_only
def incident_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Take up the post-incident analysis, then conclude it (cause, mitigating
    circumstances, prevention strategy, optional corrective measures issued as an action
    plan in the same transaction). Another action plan may be issued from the incident."""
    incident = get_or_404(
        validation_selectors.incident_list_for(user=request.user).select_related(
            "analyst", "membership"
        ),
        pk=pk,
    )
    requirements = plan_requirements(None)
    form = f.IncidentConcludeForm(prefix="conclude")
    items = f.ActionPlanItemFormSet(
        prefix="items",
        initial=[{} for _row in range(BLANK_ITEM_ROWS)],
        form_kwargs={"requirements": requirements},
    )
    start_form = forms.Form(prefix="start")
    status = 200
    if request.method == "POST":
        action, user = request.POST.get("action", ""), request.user
        if action == "start":
            start_form = forms.Form(request.POST, prefix="start")
            start_form.is_valid()
            started = run_service(
                lambda: validation_services.incident_start_analysis(incident=incident, actor=user),
                form=start_form,
            )
            status = started.status
            if started.ok:
                messages.success(request, _("You took up the analysis of this incident."))
                return redirect("backoffice:incident", pk=incident.pk)
        elif action == "conclude":
            form = f.IncidentConcludeForm(request.POST, prefix="conclude")
            if "items-TOTAL_FORMS" in request.POST:
                items = f.ActionPlanItemFormSet(
                    request.POST, prefix="items", form_kwargs={"requirements": requirements}
                )
            status = INVALID
            # Without the items' rows (a plain form post), no action plan is issued.
            items_valid = items.is_valid() if items.is_bound else True
            if form.is_valid() and items_valid:
                concluded = run_service(
                    lambda: validation_services.incident_conclude(
                        incident=incident,
                        actor=user,
                        action_items=items.items() if items.is_bound else [],
                        **form.cleaned_data,
                    ),
                    form=form,
                )
                status = concluded.status
                if concluded.ok:
                    plan = concluded.result.action_plans.order_by("-pk").first()
                    if plan is not None:
                        messages.success(
                            request,
                            _(
                                "The post-incident analysis is concluded; an action plan is "
                                "issued, due by %(date)s."
                            )
                            % {"date": plan.deadline.isoformat()},
                        )
                    else:
                        messages.success(request, _("The post-incident analysis is concluded."))
                    return redirect("backoffice:incident", pk=incident.pk)
        else:
            raise Http404
    return render(
        request,
        "backoffice/workbench/incident.html",
        {
            "incident": incident,
            "form": form,
            "items": items,
            "action_plans": list(incident.action_plans.order_by("issued_on", "pk")),
            "start_form": start_form,
            "State": Incident.State,
            "history": list(audit_history(obj=incident)),
        },
        status=status,
    )


# --- Spot checks -----------------------------------------------------------------------


@officers_only
def company_spot_check(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Schedule a spot check (or a post-incident visit) of a member, without a change
    notice: the membership, the date, the sites and the officers."""
    company = get_or_404(trader_selectors.company_list_for(user=request.user), pk=pk)
    memberships = company.memberships.filter(state__in=list(CURRENT_MEMBERSHIPS)).order_by(
        "member_number"
    )
    options = {
        "memberships": memberships,
        "sites": company.sites.filter(is_active=True).order_by("name"),
        "officers": staff_officers(exclude=request.user),
    }
    status = 200
    if request.method == "POST":
        form = f.SpotCheckForm(request.POST, **options)
        if form.is_valid():
            data = form.cleaned_data
            outcome = run_service(
                lambda: validation_services.site_validation_schedule(
                    company=company,
                    actor=request.user,
                    kind=data["kind"],
                    membership=data["membership"],
                    scheduled_for=data["scheduled_for"],
                    sites=list(data["sites"]) or list(options["sites"]),
                    officers=list(data["officers"]),
                    joint_with_cbp=data["joint_with_cbp"],
                ),
                form=form,
            )
            status = outcome.status
            if outcome.ok:
                validation = outcome.result
                messages.success(
                    request,
                    _("The %(kind)s is scheduled for %(date)s.")
                    % {
                        "kind": validation.get_kind_display().lower(),
                        "date": validation.scheduled_for.isoformat(),
                    },
                )
                return redirect("backoffice:validation", pk=validation.pk)
        else:
            status = INVALID
    else:
        first = memberships.first()
        form = f.SpotCheckForm(initial={"membership": first.pk if first else None}, **options)
    return render(
        request,
        "backoffice/workbench/spot_check.html",
        {"company": company, "form": form, "has_membership": memberships.exists()},
        status=status,
    )

"""A membership: where it stands, its history, its certificate; confirming the security
profile each year and starting its revalidation."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.db import models
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import AuthenticatedHttpRequest, trader_required
from core.dates import APPEAL_WINDOW_DAYS, agency_today
from core.files import file_attachment
from core.pages import run_service
from portal import forms
from revalidation.models import RevalidationCycle
from revalidation.selectors import revalidation_list_for, revalidation_window_opens
from revalidation.services import revalidation_open
from traders import services as trader_services
from traders.models import Membership, SecurityProfile
from traders.selectors import (
    membership_history_for,
    membership_list_for,
    profile_confirmation_for,
)
from validations.models import ActionPlan
from validations.selectors import action_plan_list_for

from .base import act_for, agency_file, latest_incidents, timeline_rows


def _membership_profile(membership: Membership) -> SecurityProfile | None:
    """The membership's latest submitted security profile: its application's, or that of
    one of its revalidations."""
    return (
        SecurityProfile.objects.filter(submitted_at__isnull=False)
        .filter(
            models.Q(application__pk=membership.application_id)
            | models.Q(revalidation_cycle__membership=membership)
        )
        .order_by("-submitted_at", "-pk")
        .first()
    )


@trader_required
def membership_detail(
    request: AuthenticatedHttpRequest, pk: int, appeal_form: forms.AppealForm | None = None
) -> HttpResponse:
    membership = get_object_or_404(
        membership_list_for(user=request.user).select_related("assigned_officer"), pk=pk
    )
    act_for(request, membership.company)
    plans = (
        action_plan_list_for(user=request.user)
        .filter(company_id=membership.company_id, state__in=ActionPlan.OPEN_STATES)
        .prefetch_related("items")
    )
    revalidations = revalidation_list_for(user=request.user).filter(membership=membership)
    current = next((c for c in revalidations if c.state in RevalidationCycle.IN_PROGRESS), None)
    # Its history: the membership's own events, and the yearly confirmations of the
    # company's security profile (company-wide, as "Last confirmed on" above).
    history = membership_history_for(membership=membership)
    active = membership.state == Membership.State.ACTIVE
    window_opens = revalidation_window_opens(membership=membership)
    return render(
        request,
        "portal/membership.html",
        {
            "membership": membership,
            "action_plans": plans,
            "revalidations": revalidations,
            "current_revalidation": current,
            "certificate_available": active,
            # The company's, as the reminder sweep counts it (None: no active membership).
            "confirmation": profile_confirmation_for(company_id=membership.company_id),
            "can_confirm": active and _membership_profile(membership) is not None,
            "revalidation_window_opens": window_opens,
            "can_start_revalidation": active and current is None and agency_today() >= window_opens,
            "timeline": timeline_rows(history, states=dict(Membership.State.choices)),
            # The incidents about this membership, or about all of the company's.
            "incidents": latest_incidents(
                request,
                membership.company,
                models.Q(membership=membership) | models.Q(membership__isnull=True),
            ),
            **agency_file(request, obj=membership),
            "appeal_deadline": membership.cancelled_on + dt.timedelta(days=APPEAL_WINDOW_DAYS)
            if membership.state == Membership.State.CANCELLED
            and membership.appeal_window_open()
            and membership.cancelled_on
            else None,
            "appeal_form": appeal_form or forms.AppealForm(),
        },
        status=400 if appeal_form is not None else 200,
    )


@trader_required
@require_POST
def membership_appeal(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The member appeals a cancellation within its window, from the membership's page."""
    membership = get_object_or_404(membership_list_for(user=request.user), pk=pk)
    form = forms.AppealForm(request.POST)
    if form.is_valid():
        outcome = run_service(
            lambda: trader_services.membership_appeal(
                membership=membership, actor=request.user, grounds=form.cleaned_data["grounds"]
            ),
            form=form,
        )
        if outcome.ok:
            messages.success(
                request, _("Your appeal is received. The Agency will tell you its decision.")
            )
            return redirect("portal:membership", pk=membership.pk)
    return membership_detail(request, pk, appeal_form=form)


@trader_required
@require_POST
def membership_confirm_profile(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(membership_list_for(user=request.user), pk=pk)
    act_for(request, membership.company)
    profile = _membership_profile(membership)
    if membership.state != Membership.State.ACTIVE or profile is None:
        messages.error(
            request, _("Only the security profile of an active membership can be confirmed.")
        )
        return redirect("portal:membership", pk=membership.pk)
    outcome = run_service(
        lambda: trader_services.profile_confirm(profile=profile, actor=request.user),
        request=request,
    )
    if outcome.ok:
        messages.success(
            request, _("Thank you: your security profile is confirmed as still accurate.")
        )
    return redirect("portal:membership", pk=membership.pk)


@trader_required
@require_POST
def membership_revalidation_start(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(membership_list_for(user=request.user), pk=pk)
    act_for(request, membership.company)
    outcome = run_service(
        lambda: revalidation_open(membership=membership, actor=request.user), request=request
    )
    if not outcome.ok:
        return redirect("portal:membership", pk=membership.pk)
    messages.success(
        request,
        _(
            "The revalidation is started. Your Security Profile is pre-filled from the last "
            "one: review each area, then submit it."
        ),
    )
    return redirect("portal:revalidation", pk=outcome.result.pk)


@trader_required
def membership_certificate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    from traders.documents import certificate_current  # WeasyPrint only when needed

    membership = get_object_or_404(membership_list_for(user=request.user), pk=pk)
    outcome = run_service(lambda: certificate_current(membership=membership), request=request)
    if not outcome.ok:
        return redirect("portal:membership", pk=membership.pk)
    certificate = outcome.result
    return file_attachment(
        certificate.file, filename=certificate.filename, content_type="application/pdf"
    )

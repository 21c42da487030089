"""A revalidation cycle on the workbench: schedule its site validation, complete it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backoffice import forms as f
from core.access import AuthenticatedHttpRequest
from core.audit import audit_history
from core.pages import INVALID, run_service
from revalidation.models import RevalidationCycle
from revalidation.selectors import revalidation_list_for
from revalidation.services import revalidation_complete, revalidation_schedule_validation
from traders import selectors as trader_selectors
from validations.models import SiteValidation

from .base import get_or_404, officers_only, staff_officers

REVALIDATION_DONE = {
    "schedule": gettext_lazy("The revalidation's site validation is scheduled."),
    "complete": gettext_lazy("The revalidation is completed: the membership is renewed."),
}


def _revalidation_schedule_form(data: Any = None, **options: Any) -> f.ScheduleValidationForm:
    """The visit's form, whose hint speaks of the member's sites (there is no application)."""
    form = f.ScheduleValidationForm(data, prefix="schedule", **options)
    form.fields["sites"].help_text = _(
        "Leave all unticked to visit every active site of the company."
    )
    return form


@officers_only
def revalidation_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A revalidation cycle: its state and due date, the updated Security Profile (read
    only), its site validation (schedule it, open it), and completing the revalidation once
    the validation passed."""
    cycle = get_or_404(
        revalidation_list_for(user=request.user).select_related(
            "profile__catalogue", "membership__assigned_officer", "site_validation"
        ),
        pk=pk,
    )
    options = {
        "sites": cycle.company.sites.filter(is_active=True).order_by("name"),
        "officers": staff_officers(exclude=request.user),
    }
    built = {
        "schedule": lambda data=None: _revalidation_schedule_form(data, **options),
        "complete": lambda data=None: f.RevalidationCompleteForm(data, prefix="complete"),
    }
    bound: dict[str, forms.Form] = {}
    status = 200
    if request.method == "POST":
        action, user = request.POST.get("action", ""), request.user
        if action not in built:
            raise Http404
        form = built[action](request.POST)
        if form.is_valid():
            data = form.cleaned_data
            if action == "schedule":
                call: Callable[[], Any] = lambda: revalidation_schedule_validation(  # noqa: E731
                    cycle=cycle,
                    actor=user,
                    scheduled_for=data["scheduled_for"],
                    # None ticked: every active site, as the form's hint says.
                    sites=list(data["sites"]) or list(options["sites"]),
                    officers=list(data["officers"]),
                    joint_with_cbp=data["joint_with_cbp"],
                )
            else:
                call = lambda: revalidation_complete(  # noqa: E731
                    cycle=cycle, actor=user, note=data["note"]
                )
            outcome = run_service(call, form=form)
            status = outcome.status
            if outcome.ok:
                messages.success(request, str(REVALIDATION_DONE[action]))
                if action == "schedule" and outcome.result.site_validation_id:
                    return redirect("backoffice:validation", pk=outcome.result.site_validation_id)
                return redirect("backoffice:revalidation", pk=cycle.pk)
        else:
            status = INVALID
        bound[action] = form
    S = RevalidationCycle.State
    validation = cycle.site_validation
    overview = trader_selectors.profile_overview(profile=cycle.profile)
    return render(
        request,
        "backoffice/workbench/revalidation.html",
        {
            "cycle": cycle,
            "company": cycle.company,
            "validation": validation,
            "overview": overview,
            "evidence_count": len(
                {
                    e.pk
                    for row in overview["requirements"]
                    if row["answer"]
                    for e in row["answer"].evidence.all()
                }
            ),
            "forms": {name: bound.get(name) or make() for name, make in built.items()},
            "can_schedule": cycle.state == S.PROFILE_SUBMITTED
            or (cycle.state == S.VALIDATION_SCHEDULED and cycle.validation_replaceable()),
            "can_complete": cycle.state == S.VALIDATION_SCHEDULED
            and validation is not None
            and validation.state == SiteValidation.State.COMPLETED,
            "State": S,
            "history": list(audit_history(obj=cycle)),
        },
        status=status,
    )

"""An application on the workbench: assign it (taking it is on the work queue's module), the
eligibility review (request information, mark eligible or ineligible), and scheduling its
initial site validation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from backoffice import forms as f
from core.access import AuthenticatedHttpRequest
from core.audit import audit_history
from core.models import Role
from core.pages import INVALID, run_service
from traders import selectors as trader_selectors
from traders import services as trader_services
from traders.models import Application
from validations import selectors as validation_selectors
from validations import services as validation_services
from validations.models import SiteValidation

from .base import assign_post, back_to, get_or_404, officer_choices, officers_only, staff_officers


@officers_only
@require_POST
def application_assign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A manager assigns an application to an officer (an officer may only take it)."""
    application = get_or_404(trader_selectors.application_list_for(user=request.user), pk=pk)
    return assign_post(
        request,
        back=back_to(request, reverse("backoffice:application", kwargs={"pk": application.pk})),
        assign=lambda officer: trader_services.application_assign_officer(
            application=application, officer=officer, actor=request.user
        ),
        done=_("%(reference)s is assigned to %(officer)s."),
        done_args={"reference": application.reference},
    )


# --- Eligibility review -----------------------------------------------------------------

REVIEW_FORMS: dict[str, type[forms.Form]] = {
    "request_info": f.RequestInfoForm,
    "eligible": f.MarkEligibleForm,
    "ineligible": f.MarkIneligibleForm,
}


def _review_service(action: str, application: Application, actor: Any, data: dict) -> Any:
    if action == "request_info":
        return trader_services.application_request_info(
            application=application, actor=actor, message=data["message"], deadline=data["deadline"]
        )
    if action == "eligible":
        return trader_services.application_mark_eligible(
            application=application, actor=actor, note=data.get("note") or ""
        )
    return trader_services.application_mark_ineligible(
        application=application, actor=actor, reasons=data["reasons"]
    )


REVIEW_DONE = {
    "request_info": gettext_lazy("Information requested. The application waits for the answer."),
    "eligible": gettext_lazy("The application is eligible. Schedule its site validation."),
    "ineligible": gettext_lazy("The application is marked ineligible; the reasons are recorded."),
}


@officers_only
def application_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The whole application with its Security Profile and evidence, and the review's
    decisions: request information, mark eligible, mark ineligible."""
    application = get_or_404(
        trader_selectors.application_list_for(user=request.user).select_related(
            "assigned_officer", "profile__catalogue"
        ),
        pk=pk,
    )
    bound: dict[str, forms.Form] = {}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in REVIEW_FORMS:
            raise Http404
        form = REVIEW_FORMS[action](request.POST, prefix=action)
        if form.is_valid():
            outcome = run_service(
                lambda: _review_service(action, application, request.user, form.cleaned_data),
                form=form,
            )
            if outcome.ok:
                messages.success(request, str(REVIEW_DONE[action]))
                return redirect("backoffice:application", pk=application.pk)
            status = outcome.status
        else:
            status = INVALID
        bound[action] = form
    review_forms = {
        name: bound.get(name) or form_class(prefix=name)
        for name, form_class in REVIEW_FORMS.items()
    }
    overview = trader_selectors.profile_overview(profile=application.profile)
    evidence_ids = {
        e.pk
        for row in overview["requirements"]
        if row["answer"]
        for e in row["answer"].evidence.all()
    }
    return render(
        request,
        "backoffice/workbench/application.html",
        {
            "application": application,
            "company": application.company,
            "sites": list(application.sites.all()),
            "business_types": list(application.company.business_types.all()),
            "overview": overview,
            "evidence_count": len(evidence_ids),
            "information_requests": list(
                application.information_requests.prefetch_related("files")
            ),
            "validations": list(
                application.site_validations.select_related("lead_officer").order_by(
                    "-scheduled_for"
                )
            ),
            "history": list(audit_history(obj=application)),
            "forms": review_forms,
            "State": Application.State,
            "is_manager": request.user.role == Role.MANAGER,
            "assign_form": f.AssignOfficerForm(
                officers=officer_choices(),
                initial={"officer": application.assigned_officer_id},
            ),
            "assignable": application.state in validation_selectors.APPLICATION_QUEUE_STATES,
        },
        status=status,
    )


@officers_only
def validation_schedule(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Schedule the initial site validation of an eligible application."""
    application = get_or_404(trader_selectors.application_list_for(user=request.user), pk=pk)
    options = {
        "sites": application.company.sites.filter(is_active=True).order_by("name"),
        "officers": staff_officers(exclude=request.user),
    }
    status = 200
    if request.method == "POST":
        form = f.ScheduleValidationForm(request.POST, **options)
        if form.is_valid():
            data = form.cleaned_data
            outcome = run_service(
                lambda: validation_services.site_validation_schedule(
                    company=application.company,
                    actor=request.user,
                    kind=SiteValidation.Kind.INITIAL,
                    application=application,
                    scheduled_for=data["scheduled_for"],
                    sites=list(data["sites"]),
                    officers=list(data["officers"]),
                    joint_with_cbp=data["joint_with_cbp"],
                ),
                form=form,
            )
            if outcome.ok:
                validation = outcome.result
                messages.success(
                    request,
                    _("The site validation is scheduled for %(date)s.")
                    % {"date": validation.scheduled_for.isoformat()},
                )
                return redirect("backoffice:validation", pk=validation.pk)
            status = outcome.status
        else:
            status = INVALID
    else:
        form = f.ScheduleValidationForm(initial={"sites": list(application.sites.all())}, **options)
    return render(
        request,
        "backoffice/workbench/schedule.html",
        {"application": application, "form": form, "eligible": application.state == "eligible"},
        status=status,
    )

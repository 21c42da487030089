"""An incident report: the member tells the programme of a security incident."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.access import AuthenticatedHttpRequest, trader_required
from core.pages import run_service
from portal import forms
from traders.selectors import membership_list_for
from validations.services import incident_report

from .base import back_from_report, company_or_redirect, membership_from


@trader_required
def incident_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    company = company_or_redirect(request)
    if isinstance(company, HttpResponse):
        return company
    memberships = membership_list_for(user=request.user).filter(company=company)
    came_from = membership_from(request, memberships)
    form = forms.IncidentForm(
        request.POST or None, memberships=memberships, initial={"membership": came_from}
    )
    if request.method == "POST" and form.is_valid():
        outcome = run_service(
            lambda: incident_report(company=company, actor=request.user, **form.cleaned_data),
            form=form,
        )
        if outcome.ok:
            messages.success(request, _("Your incident report was sent to the programme."))
            return back_from_report(came_from)
    return render(request, "portal/incident_form.html", {"form": form, "came_from": came_from})

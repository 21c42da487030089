"""A change notice: the member reports a change in its business to the programme."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.access import AuthenticatedHttpRequest, trader_required
from core.pages import run_service
from portal import forms
from traders import services as trader_services
from traders.selectors import membership_list_for

from .base import back_from_report, company_or_redirect, membership_from


@trader_required
def change_notice_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    company = company_or_redirect(request)
    if isinstance(company, HttpResponse):
        return company
    memberships = membership_list_for(user=request.user).filter(company=company)
    came_from = membership_from(request, memberships)
    form = forms.ChangeNoticeForm(
        request.POST or None, memberships=memberships, initial={"membership": came_from}
    )
    if request.method == "POST" and form.is_valid():
        outcome = run_service(
            lambda: trader_services.change_notice_submit(
                company=company, actor=request.user, **form.cleaned_data
            ),
            form=form,
        )
        if outcome.ok:
            messages.success(request, _("Your report of the change was sent to the programme."))
            return back_from_report(came_from)
    return render(request, "portal/change_notice_form.html", {"form": form, "came_from": came_from})

"""The trader's home page: what is going on for the company they act for."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render

from core.access import AuthenticatedHttpRequest, trader_required
from portal import forms
from portal.obligations import obligation_list
from revalidation.models import RevalidationCycle
from revalidation.selectors import revalidation_list_for
from traders.selectors import application_list_for, change_notice_list_for, membership_list_for
from validations.models import ActionPlan
from validations.selectors import action_plan_list_for

from .base import companies_and_acting, latest_incidents


@trader_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    companies, company = companies_and_acting(request)
    user = request.user
    context: dict[str, Any] = {"company": company}
    if len(companies) > 1:
        context["switch_form"] = forms.CompanySwitchForm(
            companies=companies, initial={"company": company}
        )
    if company is not None:
        memberships = list(
            membership_list_for(user=user)
            .filter(company=company)
            .select_related("assigned_officer")
        )
        revalidations = list(
            revalidation_list_for(user=user).filter(
                company=company, state__in=RevalidationCycle.IN_PROGRESS
            )
        )
        context.update(
            obligations=obligation_list(
                user=user, company=company, memberships=memberships, cycles=revalidations
            ),
            applications=application_list_for(user=user).filter(company=company),
            memberships=memberships,
            action_plans=action_plan_list_for(user=user).filter(
                company=company, state__in=ActionPlan.OPEN_STATES
            ),
            revalidations=revalidations,
            change_notices=change_notice_list_for(user=user).filter(company=company)[:5],
            incidents=latest_incidents(request, company),
        )
    return render(request, "portal/home.html", context)

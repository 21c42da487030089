"""The company: register it, its sites, its colleagues (invitations), and which of the
user's companies they act for."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core import services as account_services
from core.access import AuthenticatedHttpRequest, trader_required
from core.pages import run_service
from portal import forms
from traders import services as trader_services
from traders.models import Company, CompanyUser

from .base import (
    ACTING_COMPANY,
    acting_company,
    companies_and_acting,
    company_or_redirect,
    link_template,
)


def _is_signing_authority(user: Any, company: Company) -> bool:
    return company.user_links.filter(
        user=user, company_role=CompanyUser.CompanyRole.SIGNING_AUTHORITY
    ).exists()


@trader_required
def company_switch(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Choose the company to act for, among those the user is a user of (POST); the page
    itself shows the choice, and the error when the choice is refused."""
    companies, acting = companies_and_acting(request)
    if not companies:
        return redirect("portal:company_create")
    form = forms.CompanySwitchForm(
        request.POST or None, companies=companies, initial={"company": acting}
    )
    if request.method == "POST":
        if form.is_valid():
            chosen = form.cleaned_data["company"]
            request.session[ACTING_COMPANY] = chosen.pk
            messages.success(
                request, _("You are now acting for %(company)s.") % {"company": chosen}
            )
            return redirect("portal:home")
    return render(
        request,
        "portal/company_switch.html",
        {"form": form, "company": acting},
        status=400 if form.errors else 200,
    )


@trader_required
def company_detail(request: AuthenticatedHttpRequest) -> HttpResponse:
    company = company_or_redirect(request)
    if isinstance(company, HttpResponse):
        return company
    return render(
        request,
        "portal/company.html",
        {
            "company": company,
            "sites": company.sites.order_by("name"),
            "users": company.user_links.select_related("user").order_by("user__email"),
            "can_invite": _is_signing_authority(request.user, company),
        },
    )


@trader_required
def company_invite(request: AuthenticatedHttpRequest) -> HttpResponse:
    company = company_or_redirect(request)
    if isinstance(company, HttpResponse):
        return company
    if not _is_signing_authority(request.user, company):
        messages.error(
            request,
            _(
                "Only your company's signing authority can invite colleagues. Ask them to "
                "invite the person."
            ),
        )
        return redirect("portal:company")
    form = forms.InviteForm(
        request.POST or None,
        initial={"preferred_language": request.user.preferred_language or settings.LANGUAGE_CODE},
    )
    if request.method == "POST" and form.is_valid():
        outcome = run_service(
            lambda: trader_services.company_user_invite(
                company=company, actor=request.user, **form.cleaned_data
            ),
            form=form,
        )
        if outcome.ok:
            link = outcome.result
            user = link.user
            if user.is_active:
                accept_url = link_template(request, "core:login")
            else:
                accept_url = link_template(request, "portal:invitation_accept", uidb64="", token="")
            role = CompanyUser.CompanyRole(link.company_role).label
            transaction.on_commit(
                lambda: account_services.invitation_send(
                    user=user,
                    company_name=company.legal_name,
                    inviter=request.user,
                    company_role=role,
                    accept_url=accept_url,
                )
            )
            messages.success(
                request,
                _("%(email)s is invited as %(role)s. We sent them an e-mail.")
                % {"email": user.email, "role": role},
            )
            return redirect("portal:company")
    return render(request, "portal/company_invite.html", {"form": form, "company": company})


@trader_required
def company_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if acting_company(request) is not None:
        return redirect("portal:company")
    form = forms.CompanyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        business_types = data.pop("business_types")
        outcome = run_service(
            lambda: trader_services.company_create(
                actor=request.user, business_types=business_types, **data
            ),
            form=form,
        )
        if outcome.ok:
            messages.success(
                request, _("Your company is registered. Now add the sites you operate.")
            )
            return redirect("portal:site_create")
    return render(request, "portal/company_form.html", {"form": form})


@trader_required
def site_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    company = company_or_redirect(request)
    if isinstance(company, HttpResponse):
        return company
    form = forms.SiteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = run_service(
            lambda: trader_services.site_create(
                company=company, actor=request.user, **form.cleaned_data
            ),
            form=form,
        )
        if outcome.ok:
            messages.success(
                request, _("Site “%(name)s” added.") % {"name": form.cleaned_data["name"]}
            )
            return redirect("portal:company")
    return render(request, "portal/site_form.html", {"form": form, "company": company})

"""An application: start it, choose its sites, follow it, answer the officer's requests for
information, submit it. Its security profile's areas are in ``profiles``."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core.access import AuthenticatedHttpRequest, trader_required
from core.errors import DomainError, TransitionNotAllowed
from core.pages import run_service
from portal import forms
from traders import selectors as trader_selectors
from traders import services as trader_services
from traders.declarations import submit_declaration_text
from traders.models import Company, InformationRequest

from .base import agency_file, company_or_redirect, timeline
from .profiles import missing_links, profile_context, profile_holder


def _application_start_post(
    request: AuthenticatedHttpRequest, company: Company, form: forms.ApplicationStartForm
) -> HttpResponse | None:
    """Start the application once per form: a second POST of the same form (double click,
    back and resubmit) goes to the draft the first one created (the service's rule)."""
    if not form.is_valid():
        return None
    outcome = run_service(
        lambda: trader_services.application_create_once(
            company=company,
            actor=request.user,
            start_token=form.cleaned_data["form_token"],
            programme=form.cleaned_data["programme"],
            harmonized_ctpat=form.cleaned_data["harmonized_ctpat"],
            sites=list(form.cleaned_data["sites"]),
        ),
        form=form,
    )
    if not outcome.ok:
        return None
    app, created = outcome.result
    if created:
        messages.success(
            request,
            _("Application %(reference)s started. Fill in the Security Profile area by area.")
            % {"reference": app.reference},
        )
    else:
        messages.info(
            request, _("This application was already started; nothing was created twice.")
        )
    return redirect("portal:application", pk=app.pk)


@trader_required
def application_start(request: AuthenticatedHttpRequest) -> HttpResponse:
    company = company_or_redirect(request)
    if isinstance(company, HttpResponse):
        return company
    sites = list(company.sites.filter(is_active=True).order_by("name"))
    if request.method == "POST":
        form = forms.ApplicationStartForm(request.POST, sites=sites, user_id=request.user.pk)
        response = _application_start_post(request, company, form)
        if response is not None:
            return response
        if form.token_expired:
            form.token_renew()
    else:
        form = forms.ApplicationStartForm(sites=sites, user_id=request.user.pk)
    return render(
        request, "portal/application_start.html", {"form": form, "company": company, "sites": sites}
    )


@trader_required
def application_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    holder = profile_holder(request, "application", pk)
    app = holder.obj
    requests = list(app.information_requests.prefetch_related("files").order_by("-created_at"))
    context = profile_context(holder)
    context.update(
        application=app,
        sites=app.sites.order_by("name"),
        timeline=timeline(app),
        information_requests=requests,
        open_request=next((r for r in requests if r.is_open), None),
        can_submit=holder.editable and not context["missing"],
        **agency_file(request, obj=app),
    )
    return render(request, "portal/application.html", context)


@trader_required
def application_sites(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    holder = profile_holder(request, "application", pk)
    app = holder.obj
    sites = list(app.company.sites.filter(is_active=True).order_by("name"))
    form = forms.ApplicationSitesForm(
        request.POST or None, sites=sites, initial={"sites": list(app.sites.all())}
    )
    if request.method == "POST" and form.is_valid():
        outcome = run_service(
            lambda: trader_services.application_sites_set(
                application=app, sites=list(form.cleaned_data["sites"]), actor=request.user
            ),
            form=form,
        )
        if outcome.ok:
            messages.success(request, _("The sites in scope are saved."))
            return redirect("portal:application", pk=app.pk)
    return render(
        request,
        "portal/application_sites.html",
        {"form": form, "application": app, "sites": sites, "holder": holder},
    )


@trader_required
def application_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Review and submit: every answer of the Security Profile by area, then the
    declaration a signing authority ticks. A contributor sees the review and who can submit."""
    holder = profile_holder(request, "application", pk)
    app = holder.obj
    if not holder.editable:
        if app.submitted_at is not None:
            if request.method == "POST":  # a second submit (double click, back button)
                messages.warning(
                    request, _("This application was already submitted; nothing was sent twice.")
                )
            return redirect("portal:application_receipt", pk=pk)
        return redirect("portal:application", pk=pk)
    form = forms.SubmitDeclarationForm(
        request.POST if request.method == "POST" else None,  # unticked: an empty POST
        text=submit_declaration_text(company=app.company),
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        outcome = run_service(
            lambda: trader_services.application_submit(
                application=app, actor=request.user, declared=form.cleaned_data["declaration"]
            ),
            form=form,
        )
        if outcome.ok:
            messages.success(
                request,
                _("Application %(reference)s is submitted. An officer will review it.")
                % {"reference": app.reference},
            )
            return redirect("portal:application_receipt", pk=pk)
        if isinstance(outcome.error, TransitionNotAllowed):
            return redirect("portal:application", pk=pk)
        status = outcome.status
    signers = trader_selectors.company_signing_authorities(company_id=app.company_id)
    missing = trader_services.application_missing_items(application=app)
    return render(
        request,
        "portal/application_submit.html",
        {
            "holder": holder,
            "application": app,
            "form": form,
            "areas": trader_selectors.profile_answers_by_area(profile=holder.profile),
            "sites": list(app.sites.order_by("name")),
            "missing": missing_links(holder, missing),
            "signers": signers,
            "may_sign": any(user.pk == request.user.pk for user in signers),
        },
        status=status,
    )


@trader_required
def application_receipt(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The receipt of a submitted application: its reference, when and by whom it was
    submitted, what happens next and the service standard. Reachable from its page."""
    holder = profile_holder(request, "application", pk)
    app = holder.obj
    if app.submitted_at is None:
        return redirect("portal:application", pk=pk)
    return render(
        request,
        "portal/application_receipt.html",
        {
            "holder": holder,
            "application": app,
            "declared_by": app.declared_by,
            "review_due_on": trader_selectors.application_review_due_on(application=app),
            "standard_days": settings.APPLICATION_REVIEW_STANDARD_DAYS,
        },
    )


@trader_required
def information_answer(request: AuthenticatedHttpRequest, pk: int, request_pk: int) -> HttpResponse:
    holder = profile_holder(request, "application", pk)
    app = holder.obj
    info = get_object_or_404(
        InformationRequest.objects.prefetch_related("files"), application=app, pk=request_pk
    )
    form = forms.InformationAnswerForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        if not info.is_open:
            messages.warning(request, _("This request was already answered."))
            return redirect("portal:application", pk=app.pk)
        outcome = run_service(
            lambda: trader_services.application_answer_info(
                application=app,
                actor=request.user,
                response=form.cleaned_data["response"],
                uploads=form.cleaned_data["files"],
            ),
            form=form,
            request=request,
        )
        if outcome.ok:
            messages.success(request, _("Your answer was sent to the officer."))
            return redirect("portal:application", pk=app.pk)
        if isinstance(outcome.error, DomainError):
            return redirect("portal:application", pk=app.pk)
    return render(
        request,
        "portal/information_answer.html",
        {"form": form, "application": app, "info": info},
    )

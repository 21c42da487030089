"""An application: start it, choose its sites, follow it, answer the officer's requests for
information, submit it. Its security profile's areas are in ``profiles``."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import AuthenticatedHttpRequest, trader_required
from core.errors import DomainError, Incomplete, TransitionNotAllowed
from core.pages import run_service
from portal import forms
from traders import services as trader_services
from traders.models import Company, InformationRequest

from .base import agency_file, company_or_redirect, timeline
from .profiles import profile_context, profile_holder


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
@require_POST
def application_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    holder = profile_holder(request, "application", pk)
    # Not core.pages.run_service: a second submit has its own message, beside the refusal.
    try:
        app = trader_services.application_submit(application=holder.obj, actor=request.user)
    except Incomplete as error:
        messages.error(request, str(error))
    except TransitionNotAllowed as error:
        # A second submit (double click, back button): the service refuses it.
        messages.warning(
            request,
            _("This application was already submitted; nothing was sent twice. %(reason)s")
            % {"reason": str(error)},
        )
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Application %(reference)s is submitted. An officer will review it.")
            % {"reference": app.reference},
        )
    return redirect("portal:application", pk=pk)


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

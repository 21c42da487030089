"""Registration: create an account, confirm its e-mail address, accept an invitation."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core import services as account_services
from core.errors import DomainError
from core.pages import run_service
from portal import forms

from .base import link_template


def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("core:landing")
    form = forms.RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # The link in each language of the e-mail: /en/... and /fr/...
        template = link_template(request, "portal:verify_email", uidb64="", token="")
        outcome = run_service(
            lambda: account_services.user_register(
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
                preferred_language=form.cleaned_data["preferred_language"],
                verify_url=template,
            ),
            form=form,
        )
        if outcome.ok:
            request.session["registered_email"] = form.cleaned_data["email"]
            return redirect("portal:register_sent")
    return render(request, "registration/register.html", {"form": form})


def register_sent(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "registration/register_sent.html",
        {"email": request.session.get("registered_email", "")},
    )


def verify_email(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """GET shows a button; POST activates (a link checker opening the link changes nothing)."""
    if request.method == "POST":
        try:
            account_services.user_verify_email(uidb64=uidb64, token=token)
        except DomainError as error:
            # A link that no longer works: its own page, without a form to put it on.
            return render(
                request, "registration/verify_email.html", {"error": str(error)}, status=400
            )
        messages.success(request, _("Your e-mail address is confirmed. You can now sign in."))
        return redirect("core:login")
    return render(request, "registration/verify_email.html", {})


def invitation_accept(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The invited colleague chooses a password, which activates the account."""
    try:
        invited = account_services.invitation_user(uidb64=uidb64, token=token)
    except DomainError as error:
        return _invitation_refused(request, error)
    form = forms.InvitationPasswordForm(invited, request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = run_service(
            lambda: account_services.invitation_accept(
                uidb64=uidb64, token=token, password=form.cleaned_data["new_password1"]
            ),
            form=form,
        )
        if outcome.ok:
            messages.success(request, _("Your password is set. Sign in with your e-mail address."))
            return redirect("core:login")
        if isinstance(outcome.error, DomainError):  # the link stopped working meanwhile
            return _invitation_refused(request, outcome.error)
    return render(
        request, "registration/invitation_accept.html", {"form": form, "invited": invited}
    )


def _invitation_refused(request: HttpRequest, error: DomainError) -> HttpResponse:
    """An invitation link that no longer works: its own page, without the form."""
    return render(request, "registration/invitation_accept.html", {"error": str(error)}, status=400)

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from .access import role_required
from .forms import BilingualPasswordResetForm, EmailAuthenticationForm
from .health import readiness_check
from .models import Role

# Where each role starts after signing in (core:landing). Partners use the API only.
ROLE_HOMES: dict[str, str] = {
    Role.TRADER: "portal:home",
    Role.OFFICER: "backoffice:workbench",
    Role.MANAGER: "backoffice:dashboard",
    Role.ADMINISTRATOR: "admin:index",
    Role.PARTNER: "core:partner",
}


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. Asks no dependency, so that a database or Redis
    outage does not get healthy processes restarted."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness (the container health check): 200 when the database, the broker and the
    migrations are all "ok"; otherwise 503, the failing part named."""
    checks = readiness_check()
    ready = all(answer == "ok" for answer in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks},
        status=200 if ready else 503,
    )


def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, asked for by pages without a <link rel="icon"> (the admin, a PDF)."""
    return redirect(static("img/favicon.ico"), permanent=True)


@login_required
def landing(request: HttpRequest) -> HttpResponse:
    """After sign-in (LOGIN_REDIRECT_URL): each role to its own home page."""
    return redirect(ROLE_HOMES.get(getattr(request.user, "role", ""), "core:home"))


@role_required(Role.PARTNER)
def partner_home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/partner.html")


class SignInView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    """POST only (Django's LogoutView); back to the home page with a message."""

    next_page = reverse_lazy("core:home")  # type: ignore[assignment]  # Django accepts a lazy URL

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.success(request, _("You have signed out."))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    form_class = BilingualPasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("core:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("core:password_reset_complete")

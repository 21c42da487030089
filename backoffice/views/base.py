"""What the workbench's pages share: who may use them, the lookups that answer 404, the
officers a case or a visit may go to, where to go back after an action, and a manager's
assignment."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from backoffice import forms as f
from core.access import AuthenticatedHttpRequest, staff_required
from core.models import User
from core.pages import run_service
from core.roles import OFFICERS
from validations import selectors as validation_selectors
from validations import services as validation_services
from validations.models import SiteValidation

officers_only = staff_required(roles=OFFICERS)
LIST_PAGE_SIZE = 25
CURRENT_MEMBERSHIPS = validation_services.CURRENT_MEMBERSHIP_STATES


def get_or_404(queryset_or_callable: Any, **lookup: Any) -> Any:
    """``queryset.get(**lookup)``, or a selector called with ``lookup``; 404 when there is no
    such object in the user's scope."""
    try:
        if callable(queryset_or_callable):
            return queryset_or_callable(**lookup)
        return queryset_or_callable.get(**lookup)
    except ObjectDoesNotExist:
        raise Http404 from None


def site_validation_or_404(request: HttpRequest, pk: int) -> SiteValidation:
    """A site validation in the user's scope, as its page shows it."""
    return get_or_404(validation_selectors.site_validation_for_page, user=request.user, pk=pk)


def officer_choices() -> Any:
    """The active officers and managers a case may be assigned to."""
    return User.objects.filter(role__in=OFFICERS, is_active=True).order_by("full_name", "email")


def staff_officers(*, exclude: Any) -> Any:
    """The active officers and managers who may join a visit, the actor aside."""
    return (
        User.objects.filter(role__in=OFFICERS, is_active=True)
        .exclude(pk=exclude.pk)
        .order_by("full_name", "email")
    )


def back_to(request: HttpRequest, default: str) -> str:
    """Where to go after a queue or page action: the page the form came from, if it is one
    of ours, else ``default``."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def assign_post(
    request: AuthenticatedHttpRequest,
    *,
    back: str,
    assign: Callable[[User], Any],
    done: str,
    done_args: dict[str, Any],
) -> HttpResponse:
    """A manager's assignment, then back to ``back``: the officer chosen in the form, given
    to ``assign`` (a service call). ``done`` is the message when it is done, formatted with
    ``done_args`` and the officer (``%(officer)s``)."""
    form = f.AssignOfficerForm(request.POST, officers=officer_choices())
    if not form.is_valid():
        messages.error(request, _("Choose an active officer."))
        return redirect(back)
    officer = form.cleaned_data["officer"]
    if run_service(lambda: assign(officer), request=request).ok:
        messages.success(request, done % {**done_args, "officer": officer})
    return redirect(back)

"""A revalidation cycle: its updated security profile (areas in ``profiles``), submit it."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import AuthenticatedHttpRequest, trader_required
from core.pages import run_service
from revalidation.services import revalidation_submit_profile

from .base import timeline
from .profiles import profile_context, profile_holder


@trader_required
def revalidation_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    holder = profile_holder(request, "revalidation", pk)
    context = profile_context(holder)
    context.update(
        cycle=holder.obj,
        timeline=timeline(holder.obj),
        can_submit=holder.editable and not context["missing"],
    )
    return render(request, "portal/revalidation.html", context)


@trader_required
@require_POST
def revalidation_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    holder = profile_holder(request, "revalidation", pk)
    outcome = run_service(
        lambda: revalidation_submit_profile(cycle=holder.obj, actor=request.user),
        request=request,
    )
    if outcome.ok:
        messages.success(
            request, _("Your updated Security Profile is submitted. An officer will review it.")
        )
    return redirect("portal:revalidation", pk=pk)

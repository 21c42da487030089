"""The signed-in user's notifications: a list, and marking them read (only their own). For
the staff: the reminders sent and failed, and sending a failed one again."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import staff_required
from core.errors import DomainError
from core.roles import STAFF_ROLES

from . import selectors, services
from .forms import ReminderFilterForm
from .models import Reminder

REMINDERS_PER_PAGE = 50


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.notification_list_for(user=request.user), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifications/list.html",
        {
            "page": page,
            "unread": selectors.notification_unread_count(user=request.user),
        },
    )


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    services.notification_mark_read(user=request.user, notification_id=pk)  # type: ignore[arg-type]  # login_required
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    services.notifications_mark_all_read(user=request.user)  # type: ignore[arg-type]  # login_required
    return redirect("notifications:list")


@staff_required(roles=STAFF_ROLES)
def reminder_list(request: HttpRequest) -> HttpResponse:
    """What the scheduler sent and what failed, filtered by status, kind and date."""
    filters = ReminderFilterForm(request.GET)
    values = filters.values()
    page = Paginator(selectors.reminder_staff_list(**values), REMINDERS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "notifications/reminders.html",
        {
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "here": request.get_full_path(),
            "failed": Reminder.Status.FAILED,
        },
    )


@staff_required(roles=STAFF_ROLES)
@require_POST
def reminder_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a failed reminder again (to the recipients not yet e-mailed), then back to the
    list as it was filtered."""
    reminder = get_object_or_404(Reminder, pk=pk)
    try:
        services.reminder_retry(reminder=reminder, actor=request.user)  # type: ignore[arg-type]  # staff_required
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Reminder %(number)s is being sent again.") % {"number": reminder.pk},
        )
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse("notifications:reminders")
    return redirect(back)

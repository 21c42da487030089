"""The work queue: applications and revalidations by stage (the rows: reporting.queue);
taking a case (with a confirmation when another officer has it), and a manager's
reassignment of the cases ticked."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from backoffice import forms as f
from core.access import AuthenticatedHttpRequest
from core.errors import AlreadyAssigned, DomainError
from core.models import Role
from core.pages import CONFLICT, message_refusal, run_service
from reporting.queue import work_queue_rows
from revalidation.models import RevalidationCycle
from traders import selectors as trader_selectors
from traders import services as trader_services
from traders.models import Application
from validations import selectors as validation_selectors

from .base import back_to, get_or_404, officer_choices, officers_only

QUEUE_PAGE_SIZE = 25


def _stage_choices() -> list[tuple[str, Any]]:
    labels: dict[str, Any] = {}
    for value in validation_selectors.APPLICATION_QUEUE_STATES:
        labels[value] = Application.State(value).label
    for value in RevalidationCycle.IN_PROGRESS:
        labels.setdefault(str(value), RevalidationCycle.State(value).label)
    return list(labels.items())


@officers_only
def workbench(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The work queue: applications and revalidations by stage, with filters and sorting
    in the query string, 25 to a page, in a constant number of queries."""
    stages = _stage_choices()
    filters = f.QueueFilterForm(request.GET or None, stages=stages)
    values = filters.values()
    if not request.GET:
        filters = f.QueueFilterForm(initial=values, stages=stages)
    user = request.user
    rows = work_queue_rows(
        user=user,
        kind=values["kind"],
        who=values["who"],
        stage=values["stage"],
        q=values["q"],
        sort=values["sort"],
    )
    page = Paginator(rows, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    stage_labels = dict(stages)
    for row in page.object_list:
        row["stage_label"] = stage_labels.get(row["row_stage"], row["row_stage"])
        row["is_mine"] = row["row_officer_id"] == user.pk
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "backoffice/workbench/queue.html",
        {
            "filters": filters,
            "page": page,
            "values": values,
            "query": query.urlencode(),
            "who_tabs": f.QueueFilterForm.WHO,
            "is_manager": user.role == Role.MANAGER,
            "officers": list(officer_choices()) if user.role == Role.MANAGER else [],
            "assignable": validation_selectors.APPLICATION_QUEUE_STATES,
            "here": request.get_full_path(),
        },
    )


@officers_only
@require_POST
def application_take(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Take a case: a submitted application's review starts, assigned to the actor; any
    other application before its decision is assigned to the actor. A case another officer
    has comes back as a page saying who has it, to confirm (``confirm=1``)."""
    application = get_or_404(trader_selectors.application_list_for(user=request.user), pk=pk)
    back = back_to(request, reverse("backoffice:application", kwargs={"pk": application.pk}))
    was_submitted = application.state == Application.State.SUBMITTED
    try:
        trader_services.application_take(
            application=application,
            actor=request.user,
            confirm=request.POST.get("confirm") == "1",
        )
    except AlreadyAssigned as error:
        return render(
            request,
            "backoffice/workbench/take_confirm.html",
            {"application": application, "error": error, "next": back},
            status=CONFLICT,
        )
    except (ValidationError, DomainError) as error:
        message_refusal(request, error)
        return redirect(back)
    done = (
        _("You took %(reference)s: its review has started.")
        if was_submitted
        else _("You took %(reference)s: it is assigned to you.")
    )
    messages.success(request, done % {"reference": application.reference})
    return redirect(back)


@officers_only
@require_POST
def applications_reassign(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A manager gives the cases ticked on the queue to one officer, all or none."""
    back = back_to(request, reverse("backoffice:workbench"))
    form = f.BulkReassignForm(
        request.POST,
        officers=officer_choices(),
        applications=trader_selectors.application_list_for(user=request.user),
    )
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(back)
    officer = form.cleaned_data["officer"]
    outcome = run_service(
        lambda: trader_services.application_reassign_bulk(
            applications=list(form.cleaned_data["applications"]),
            officer=officer,
            actor=request.user,
        ),
        request=request,
    )
    if outcome.ok:
        count = len(outcome.result)
        messages.success(
            request,
            ngettext(
                "%(count)s case reassigned to %(officer)s.",
                "%(count)s cases reassigned to %(officer)s.",
                count,
            )
            % {"count": count, "officer": officer},
        )
    return redirect(back)

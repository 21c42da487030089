"""The work queue: applications and revalidations by stage (the rows: reporting.queue)."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from backoffice import forms as f
from core.access import AuthenticatedHttpRequest
from core.models import Role
from reporting.queue import work_queue_rows
from revalidation.models import RevalidationCycle
from traders.models import Application
from validations import selectors as validation_selectors

from .base import officer_choices, officers_only

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

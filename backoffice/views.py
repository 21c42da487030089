"""The staff pages. Placeholders until the workbench (issue 4) and dashboard (issue 5)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.access import staff_required
from core.roles import MANAGERS, OFFICERS


@staff_required(roles=OFFICERS)
def workbench(request: HttpRequest) -> HttpResponse:
    return render(request, "backoffice/workbench.html")


@staff_required(roles=MANAGERS)
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "backoffice/dashboard.html")

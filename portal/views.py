"""The trader's pages. A placeholder home until the portal is built (issue 3)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.access import trader_required


@trader_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html")

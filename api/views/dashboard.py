"""The manager's dashboard for machine clients: its figures and the list behind each figure,
from :mod:`reporting.dashboard`, with the page's filters. Interfaces only: parse the
filters, call the selector, render."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema
from rest_framework import exceptions, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from reporting import dashboard as dashboard_selectors
from reporting.dashboard import Filters, UnknownList

from ..permissions import ManagersOnly
from ..serializers.dashboard import (
    DASHBOARD_ROWS,
    DashboardListQuerySerializer,
    DashboardQuerySerializer,
    DashboardSerializer,
)
from .base import ApiMixin


def _filters(query: DashboardQuerySerializer) -> Filters:
    data = query.validated_data
    officer = data.get("officer")
    return Filters(
        programme=data.get("programme", ""),
        business_type=data.get("business_type", ""),
        country=data.get("country", "").upper(),
        province=data.get("province", "").strip().upper(),
        officer=officer.pk if officer is not None else None,
    )


def _list_path(key: str, filters: Filters, **params: str) -> str:
    query = filters.as_query() | {name: value for name, value in params.items() if value}
    path = reverse("api:dashboard-list-rows", kwargs={"key": key})
    return f"{path}?{urlencode(query)}" if query else path


DASHBOARD_ROW = PolymorphicProxySerializer(
    component_name="DashboardRow",
    serializers=list(DASHBOARD_ROWS.values()),
    resource_type_field_name=None,
    many=True,
)
LIST_KEY = OpenApiParameter(
    "key",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    enum=sorted(dashboard_selectors.LISTS),
    description="The list behind a figure (the figure's `key`).",
)


class DashboardViewSet(ApiMixin, viewsets.GenericViewSet):
    """The manager's dashboard, read-only: the same figures and lists as the page, with the
    same filters, for managers only (403 for any other role)."""

    permission_classes = [IsAuthenticated, ManagersOnly]
    filter_backends: list[Any] = []

    @extend_schema(
        parameters=[DashboardQuerySerializer],
        responses=DashboardSerializer,
        summary="The dashboard's figures",
        description="Memberships expiring within 30/60/90/180 days, lapsed, revalidations "
        "overdue and not started, action plans overdue and due this week, the pipeline by "
        "stage (with the oldest and median days in the stage), each officer's open cases, "
        "decisions per month and expiries per month. Each figure names the list behind it "
        "(`list`), whose `count` is the figure.",
    )
    def list(self, request: Request) -> Response:
        query = DashboardQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = _filters(query)
        figures = dashboard_selectors.dashboard_figures(filters=filters)
        for item in (
            *figures["expiring"],
            figures["lapsed"],
            figures["revalidations_overdue"],
            figures["revalidations_not_started"],
            figures["plans_overdue"],
            figures["plans_due_soon"],
            *figures["pipeline"],
        ):
            item["list"] = _list_path(item["key"], filters)
        for row in figures["workload"]:
            mine = replace(filters, officer=row["officer"].pk)
            for cell in row["cells"]:
                cell["list"] = _list_path(cell["key"], mine)
        for series in figures["decisions"]["series"]:
            for value in series["values"]:
                value["key"] = "decisions"
                value["list"] = _list_path(
                    "decisions", filters, action=series["action"], month=value["param"]
                )
        for month in figures["expiries"]:
            month["key"] = "expiring-month"
            month["list"] = _list_path("expiring-month", filters, month=month["param"])
        return Response(DashboardSerializer(figures).data)

    @extend_schema(
        parameters=[LIST_KEY, DashboardListQuerySerializer],
        responses=DASHBOARD_ROW,
        summary="The list behind a figure",
        description="The rows a figure counts, in the page's order, paginated: `count` is "
        "the figure. `expiring-month` needs `month`; `decisions` needs `action` and `month`.",
    )
    @action(detail=False, methods=["get"], url_path=r"lists/(?P<key>[^/]+)", url_name="list-rows")
    def list_rows(self, request: Request, key: str = "") -> Response:
        spec = dashboard_selectors.LISTS.get(key)
        if spec is None:
            raise exceptions.NotFound()
        query = DashboardListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = {name: query.validated_data.get(name, "") for name in spec.params}
        missing = {
            name: [_("This list needs this parameter.")] for name, v in params.items() if not v
        }
        if missing:
            raise exceptions.ValidationError(missing)
        try:
            spec, rows = dashboard_selectors.dashboard_list(
                key=key, filters=_filters(query), params=params
            )
        except UnknownList:
            raise exceptions.ValidationError(
                {name: [_("This value is not valid for this list.")] for name in spec.params}
            ) from None
        page = self.paginate_queryset(rows)
        serializer = DASHBOARD_ROWS[spec.kind]
        return self.get_paginated_response(serializer(page, many=True).data)

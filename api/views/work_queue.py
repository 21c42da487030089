"""The officer's work queue for machine clients: :func:`reporting.queue.work_queue_rows`, as
on the workbench page. Interfaces only: parse the filters, call the selector, render."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from reporting.queue import work_queue_rows

from ..permissions import OfficersOnly
from ..serializers.work_queue import QueueQuerySerializer, QueueRowSerializer
from .base import ApiMixin


class WorkQueueViewSet(ApiMixin, viewsets.GenericViewSet):
    """The officer's work queue, as on the workbench page: applications and revalidations
    in progress, by stage, assigned to me / unassigned / all, with the age in the stage and
    the next deadline; officers and managers only (403 for any other role)."""

    permission_classes = [IsAuthenticated, OfficersOnly]
    filter_backends: list[Any] = []

    @extend_schema(
        parameters=[QueueQuerySerializer],
        responses=QueueRowSerializer(many=True),
        summary="The work queue",
        description="Cases to work on, filtered and sorted as on the workbench page. Take a "
        "case with `applications/{id}/start-review/` (submitted) or "
        "`applications/{id}/assign-officer/`; a manager assigns a member's officer (and so "
        "its revalidation) with `memberships/{id}/assign-officer/`.",
    )
    def list(self, request: Request) -> Response:
        query = QueueQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        values = query.validated_data
        user = request.user
        rows = work_queue_rows(
            user=user,
            kind=values.get("kind", ""),
            who=values["who"],
            stage=values.get("stage", ""),
            q=values.get("q", ""),
            sort=values["sort"],
        )
        page = self.paginate_queryset(rows)
        assert page is not None  # DEFAULT_PAGINATION_CLASS is set: there is a paginator
        stage = QueueQuerySerializer().fields["stage"]
        assert isinstance(stage, serializers.ChoiceField)  # declared so
        labels = dict(stage.choices)
        now = timezone.now()
        for row in page:
            row["stage_label"] = str(labels.get(row["row_stage"], row["row_stage"]))
            row["days_in_stage"] = (now - row["row_since"]).days if row["row_since"] else None
            row["is_mine"] = row["row_officer_id"] == user.pk
        return self.get_paginated_response(QueueRowSerializer(page, many=True).data)

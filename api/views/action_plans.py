"""Action plans: issued, responded to, reviewed and extended, as a whole and measure by
measure."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import FileResponse
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from core.files import stored_file_response
from validations import services as validation_services
from validations.models import ActionPlanItem
from validations.selectors import action_plan_item_evidence_list_for, action_plan_list_for

from ..filters import CompanyFilter
from ..serializers.action_plans import (
    ActionPlanExtendSerializer,
    ActionPlanIssueSerializer,
    ActionPlanRespondSerializer,
    ActionPlanSerializer,
    ItemNoteSerializer,
    ItemRespondSerializer,
)
from ..serializers.base import NoteSerializer
from .base import AuthenticatedRequest, ResourceViewSet, path_id, transition
from .files import file_download_action


class ActionPlanViewSet(ResourceViewSet):
    serializer_class = ActionPlanSerializer
    filterset_class = CompanyFilter

    def scoped(self) -> models.QuerySet[Any]:
        return action_plan_list_for(user=self.request.user).prefetch_related("items__evidence")

    @extend_schema(request=ActionPlanIssueSerializer, responses={201: ActionPlanSerializer})
    def create(self, request: AuthenticatedRequest) -> Response:
        plan = validation_services.action_plan_issue(
            actor=request.user, **self.parse(ActionPlanIssueSerializer)
        )
        return self.render(plan, status_code=status.HTTP_201_CREATED)

    _p = "plan"
    respond = transition(
        "respond",
        validation_services.action_plan_respond,
        _p,
        ActionPlanRespondSerializer,
        summary="Respond with the corrective action taken",
    )
    accept = transition(
        "accept",
        validation_services.action_plan_accept,
        _p,
        NoteSerializer,
        summary="Accept the response",
    )
    return_plan = transition(
        "return",
        validation_services.action_plan_return,
        _p,
        NoteSerializer,
        summary="Return the response for more work",
        name="return_plan",
    )
    extend = transition(
        "extend",
        validation_services.action_plan_extend,
        _p,
        ActionPlanExtendSerializer,
        summary="Extend the deadline",
    )
    escalate = transition(
        "escalate",
        validation_services.action_plan_escalate,
        _p,
        NoteSerializer,
        summary="Escalate an overdue plan to a manager",
    )
    mark_overdue = transition(
        "mark-overdue",
        validation_services.action_plan_mark_overdue,
        _p,
        NoteSerializer,
        summary="Mark overdue",
    )

    # Measure by measure: the member answers each one (with files), an officer accepts or
    # returns each answer; the last review of a round closes or returns the plan.

    def _item(self, item_id: str) -> ActionPlanItem:
        plan = self.get_object()
        return get_object_or_404(plan.items.select_related("plan"), pk=item_id)

    def _item_action(self, item_id: str, service: Any, **data: Any) -> Response:
        item = service(item=self._item(item_id), actor=self.request.user, **data)
        return self.render(item.plan)

    @extend_schema(
        request={
            "multipart/form-data": ItemRespondSerializer,
            "application/json": ItemRespondSerializer,
        },
        responses=ActionPlanSerializer,
        parameters=[path_id("item_id", "A measure of this plan.")],
        summary="Answer one measure (with files)",
        description="The member answers one measure, or corrects an answer not yet reviewed; "
        "when every measure is answered the plan is responded. 409 once accepted or when the "
        "plan no longer waits for the member.",
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"items/(?P<item_id>[^/]+)/respond",
        url_name="item-respond",
        parser_classes=[MultiPartParser, FormParser, JSONParser],
    )
    def item_respond(self, request: Request, pk: str | None = None, item_id: str = "") -> Response:
        data = self.parse(ItemRespondSerializer)
        return self._item_action(
            item_id,
            validation_services.action_plan_item_respond,
            response=data["response"],
            files=data["files"],
        )

    @extend_schema(
        request=ItemNoteSerializer,
        responses=ActionPlanSerializer,
        parameters=[path_id("item_id", "A measure of this plan.")],
        summary="Accept the answer on one measure",
        description="Once the plan is responded (409 otherwise).",
    )
    @action(detail=True, methods=["post"], url_path=r"items/(?P<item_id>[^/]+)/accept")
    def item_accept(self, request: Request, pk: str | None = None, item_id: str = "") -> Response:
        return self._item_action(
            item_id, validation_services.action_plan_item_accept, **self.parse(ItemNoteSerializer)
        )

    @extend_schema(
        request=ItemNoteSerializer,
        responses=ActionPlanSerializer,
        parameters=[path_id("item_id", "A measure of this plan.")],
        summary="Return the answer on one measure",
        description="The note (required) says what is missing.",
    )
    @action(detail=True, methods=["post"], url_path=r"items/(?P<item_id>[^/]+)/return")
    def item_return(self, request: Request, pk: str | None = None, item_id: str = "") -> Response:
        return self._item_action(
            item_id, validation_services.action_plan_item_return, **self.parse(ItemNoteSerializer)
        )

    @extend_schema(
        request=ActionPlanExtendSerializer,
        responses=ActionPlanSerializer,
        parameters=[path_id("item_id", "A measure of this plan.")],
        summary="Extend one measure's deadline",
    )
    @action(detail=True, methods=["post"], url_path=r"items/(?P<item_id>[^/]+)/extend")
    def item_extend(self, request: Request, pk: str | None = None, item_id: str = "") -> Response:
        return self._item_action(
            item_id,
            validation_services.action_plan_item_extend,
            **self.parse(ActionPlanExtendSerializer),
        )

    @file_download_action(
        "items/{item_id}/evidence/{evidence_id}",
        url_name="item-evidence-download",
        ids={
            "item_id": "A measure of this plan.",
            "evidence_id": "A file of the member's answer on this measure.",
        },
        summary="Download a file of a measure's answer",
        description="The file as uploaded, under its original name (404 for a file of "
        "another measure, or outside the caller's scope).",
    )
    def item_evidence_download(
        self, request: Request, pk: str | None = None, item_id: str = "", evidence_id: str = ""
    ) -> FileResponse:
        item = self._item(item_id)
        files = action_plan_item_evidence_list_for(user=request.user).filter(item=item)
        return stored_file_response(get_object_or_404(files, pk=evidence_id))

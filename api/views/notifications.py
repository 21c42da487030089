"""The signed-in user's notifications: the list, the unread count, marking them read. Each
user reaches only their own (another's is 404). For agency staff, the reminders' ledger:
what the scheduler sent and what failed, and sending a failed one again."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from notifications import selectors, services
from notifications.models import Reminder

from ..permissions import StaffOnly
from ..serializers.notifications import (
    MarkedReadSerializer,
    NotificationQuerySerializer,
    NotificationSerializer,
    ReminderQuerySerializer,
    ReminderSerializer,
    UnreadCountSerializer,
)
from .base import ApiMixin, AuthenticatedRequest


class NotificationViewSet(ApiMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = NotificationSerializer
    filter_backends: list[Any] = []
    lookup_value_regex = "[^/]+"

    def get_queryset(self) -> Any:
        return selectors.notification_list_for(user=self.request.user)

    @extend_schema(
        parameters=[NotificationQuerySerializer],
        summary="My notifications",
        description="Newest first; `unread=true` for the unread ones only.",
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        query = NotificationQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        notifications = self.get_queryset()
        if query.validated_data.get("unread") is not None:
            notifications = notifications.filter(read_at__isnull=query.validated_data["unread"])
        page = self.paginate_queryset(notifications)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def _counts(self, marked: int) -> Response:
        unread = selectors.notification_unread_count(user=self.request.user)
        return Response({"marked": marked, "unread": unread})

    @extend_schema(request=None, responses=UnreadCountSerializer, summary="How many unread")
    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request: Request) -> Response:
        return Response({"unread": selectors.notification_unread_count(user=request.user)})

    @extend_schema(request=None, responses=MarkedReadSerializer, summary="Mark one read")
    @action(detail=True, methods=["post"])
    def read(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        notification = get_object_or_404(self.get_queryset(), pk=pk)
        return self._counts(
            services.notification_mark_read(user=request.user, notification_id=notification.pk)
        )

    @extend_schema(request=None, responses=MarkedReadSerializer, summary="Mark all read")
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: AuthenticatedRequest) -> Response:
        return self._counts(services.notifications_mark_all_read(user=request.user))


class ReminderViewSet(ApiMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The reminders' ledger, as on the staff page: newest first, sent and failed unless a
    status is chosen; officers, managers and administrators only (403 for any other role)."""

    serializer_class = ReminderSerializer
    permission_classes = [IsAuthenticated, StaffOnly]
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        return Reminder.objects.select_related("content_type").order_by("-created_at", "-id")

    @extend_schema(
        parameters=[ReminderQuerySerializer],
        summary="Reminders sent and failed",
        description="Filters: `status` (sent and failed when absent), `kind`, and the agency "
        "dates `recorded_from` / `recorded_to`.",
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        query = ReminderQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        page = self.paginate_queryset(selectors.reminder_staff_list(**query.validated_data))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(request=None, responses=ReminderSerializer, summary="Send a failed one again")
    @action(detail=True, methods=["post"])
    def retry(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """Only a failed reminder (409 otherwise); it goes to whoever was not e-mailed yet."""
        reminder = get_object_or_404(self.get_queryset(), pk=pk)
        return Response(
            self.get_serializer(services.reminder_retry(reminder=reminder, actor=request.user)).data
        )

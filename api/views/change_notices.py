"""Change notices: submitted, acknowledged, and followed up with a spot check or an early
revalidation."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.response import Response

from revalidation import services as revalidation_services
from revalidation.selectors import revalidation_list_for
from traders import services as trader_services
from traders.models import ChangeNotice
from validations import services as validation_services
from validations.models import SiteValidation
from validations.selectors import change_notice_list_for, site_validation_list_for

from ..filters import CompanyFilter
from ..serializers.base import NoteSerializer
from ..serializers.change_notices import (
    ChangeNoticeCreateSerializer,
    ChangeNoticeSerializer,
    NoticeRevalidationSerializer,
    NoticeSpotCheckSerializer,
)
from ..serializers.revalidations import RevalidationSerializer
from ..serializers.site_validations import SiteValidationSerializer
from .base import AuthenticatedRequest, ResourceViewSet, transition


class ChangeNoticeViewSet(ResourceViewSet):
    serializer_class = ChangeNoticeSerializer
    filterset_class = CompanyFilter

    def scoped(self) -> models.QuerySet[Any]:
        return change_notice_list_for(user=self.request.user)

    @extend_schema(request=ChangeNoticeCreateSerializer, responses={201: ChangeNoticeSerializer})
    def create(self, request: AuthenticatedRequest) -> Response:
        notice = trader_services.change_notice_submit(
            actor=request.user, **self.parse(ChangeNoticeCreateSerializer)
        )
        return self.render(notice, status_code=status.HTTP_201_CREATED)

    acknowledge = transition(
        "acknowledge",
        trader_services.change_notice_acknowledge,
        "notice",
        NoteSerializer,
        summary="Acknowledge the change",
    )

    def _notice_membership(self, notice: ChangeNotice, data: dict[str, Any]) -> Any:
        membership = data.pop("membership", None) or notice.membership
        if membership is None:
            raise exceptions.ValidationError(
                {"membership": [_("Choose the membership this notice is followed up on.")]}
            )
        return membership

    @extend_schema(
        request=NoticeSpotCheckSerializer,
        responses={201: SiteValidationSerializer},
        summary="Follow up with a spot check",
        description="Schedule a spot check of the member's sites; the notice records it as "
        "its follow-up (409 unless the notice is still submitted).",
    )
    @action(detail=True, methods=["post"], url_path="open-spot-check")
    def open_spot_check(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        notice: ChangeNotice = self.get_object()
        data = self.parse(NoticeSpotCheckSerializer)
        membership = self._notice_membership(notice, data)
        if not data.get("sites"):
            data["sites"] = list(notice.company.sites.filter(is_active=True))
        validation = validation_services.site_validation_schedule(
            company=notice.company,
            actor=request.user,
            kind=SiteValidation.Kind.SPOT_CHECK,
            membership=membership,
            change_notice=notice,
            **data,
        )
        fresh = site_validation_list_for(user=request.user).get(pk=validation.pk)
        return Response(SiteValidationSerializer(fresh).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=NoticeRevalidationSerializer,
        responses={201: RevalidationSerializer},
        summary="Follow up with an early revalidation",
        description="Open the membership's revalidation now; the notice records it as its "
        "follow-up (409 unless the notice is still submitted and the membership active).",
    )
    @action(detail=True, methods=["post"], url_path="open-revalidation")
    def open_revalidation(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        notice: ChangeNotice = self.get_object()
        data = self.parse(NoticeRevalidationSerializer)
        cycle = revalidation_services.revalidation_open(
            membership=self._notice_membership(notice, data),
            actor=request.user,
            change_notice=notice,
        )
        fresh = revalidation_list_for(user=request.user).get(pk=cycle.pk)
        return Response(RevalidationSerializer(fresh).data, status=status.HTTP_201_CREATED)

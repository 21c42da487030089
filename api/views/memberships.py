"""Memberships: their transitions, the yearly profile confirmation, the certificate and
the opening of a revalidation."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.errors import DomainError
from core.files import pdf_attachment
from core.roles import scope_for
from revalidation import services as revalidation_services
from revalidation.models import RevalidationCycle
from revalidation.selectors import revalidation_list_for
from traders import services as trader_services
from traders.documents import certificate_current
from traders.models import Application, SecurityProfile
from traders.selectors import membership_list_for

from ..filters import MembershipFilter
from ..serializers.base import ReasonSerializer
from ..serializers.memberships import (
    AssignOfficerSerializer,
    GroundsSerializer,
    MembershipSerializer,
    OpenRevalidationSerializer,
)
from ..serializers.profiles import ProfileConfirmationSerializer
from ..serializers.revalidations import RevalidationSerializer
from .base import AuthenticatedRequest, ResourceViewSet, transition
from .files import DOCUMENT_RENDERERS, PDF_RESPONSES


class MembershipViewSet(ResourceViewSet):
    serializer_class = MembershipSerializer
    filterset_class = MembershipFilter

    def scoped(self) -> models.QuerySet[Any]:
        return membership_list_for(user=self.request.user).order_by("expires_on", "pk")

    _m = "membership"
    suspend = transition(
        "suspend", trader_services.membership_suspend, _m, ReasonSerializer, summary="Suspend"
    )
    reinstate = transition(
        "reinstate",
        trader_services.membership_reinstate,
        _m,
        ReasonSerializer,
        summary="Reinstate",
    )
    cancel = transition(
        "cancel", trader_services.membership_cancel, _m, ReasonSerializer, summary="Cancel"
    )
    appeal = transition(
        "appeal",
        trader_services.membership_appeal,
        _m,
        GroundsSerializer,
        summary="Appeal a cancellation",
    )
    allow_appeal = transition(
        "allow-appeal",
        trader_services.membership_allow_appeal,
        _m,
        ReasonSerializer,
        summary="Allow the appeal",
    )
    uphold_cancellation = transition(
        "uphold-cancellation",
        trader_services.membership_uphold_cancellation,
        _m,
        ReasonSerializer,
        summary="Uphold the cancellation",
    )
    assign_officer = transition(
        "assign-officer",
        trader_services.membership_assign_officer,
        _m,
        AssignOfficerSerializer,
        summary="Assign the member's officer",
    )

    @extend_schema(
        request=None,
        responses=ProfileConfirmationSerializer,
        summary="Confirm the security profile is still true",
        description="The member's yearly confirmation of its accepted security profile: the "
        "latest submitted profile of its certified application or of a completed "
        "revalidation (409 if there is none).",
    )
    @action(detail=True, methods=["post"], url_path="confirm-profile")
    def confirm_profile(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        membership = self.get_object()
        profile = (
            scope_for(SecurityProfile, user=request.user)
            .filter(company_id=membership.company_id, submitted_at__isnull=False)
            .filter(
                models.Q(revalidation_cycle__state=RevalidationCycle.State.COMPLETED)
                | models.Q(application__state=Application.State.CERTIFIED)
            )
            .order_by("-submitted_at", "-pk")
            .first()
        )
        if profile is None:
            raise DomainError(
                _("This member has no accepted security profile to confirm."), code="no_profile"
            )
        profile = trader_services.profile_confirm(profile=profile, actor=request.user)
        return Response(ProfileConfirmationSerializer(profile).data)

    @extend_schema(
        request=None,
        responses=PDF_RESPONSES,
        summary="Membership certificate (PDF)",
        description="The bilingual certificate of the membership's current validity (issued "
        "now if it has none yet). Only for an active membership (409 otherwise).",
    )
    @action(detail=True, methods=["get"], filter_backends=[], renderer_classes=DOCUMENT_RENDERERS)
    def certificate(self, request: Request, pk: str | None = None) -> HttpResponse:
        certificate = certificate_current(membership=self.get_object())
        with certificate.file.open("rb") as stored:
            return pdf_attachment(stored.read(), filename=certificate.filename)

    @extend_schema(
        request=OpenRevalidationSerializer,
        responses={201: RevalidationSerializer},
        summary="Open the revalidation",
    )
    @action(detail=True, methods=["post"], url_path="open-revalidation")
    def open_revalidation(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        membership = self.get_object()
        cycle = revalidation_services.revalidation_open(
            membership=membership, actor=request.user, **self.parse(OpenRevalidationSerializer)
        )
        fresh = revalidation_list_for(user=request.user).get(pk=cycle.pk)
        return Response(RevalidationSerializer(fresh).data, status=status.HTTP_201_CREATED)

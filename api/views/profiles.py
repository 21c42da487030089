"""Security profiles, of applications and of revalidations: read, answered, evidence
attached and downloaded."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from core.files import stored_file_response
from core.roles import scope_for
from traders import services as trader_services
from traders.models import ProfileAnswer, SecurityProfile
from traders.selectors import evidence_list_for, profile_overview

from ..serializers.profiles import (
    EvidenceSerializer,
    EvidenceUploadSerializer,
    ProfileAnswersSerializer,
    SecurityProfileSerializer,
)
from .base import AuthenticatedRequest, ResourceViewSet
from .files import file_download_action

# The mixin's methods run on a ResourceViewSet (get_object, parse): its type for mypy.
if TYPE_CHECKING:
    _ProfileActionsBase = ResourceViewSet
else:
    _ProfileActionsBase = object


class SecurityProfileActions(_ProfileActionsBase):
    """``GET/PUT {id}/security-profile/`` and ``POST {id}/security-profile/evidence/`` for a
    resource that has a ``profile``. Mixed into a ResourceViewSet (get_object, parse)."""

    @extend_schema(methods=["GET"], request=None, responses=SecurityProfileSerializer)
    @extend_schema(
        methods=["PUT"],
        request=ProfileAnswersSerializer,
        responses=SecurityProfileSerializer,
        description="Save answers; all of them are saved, or none.",
    )
    @action(detail=True, methods=["get", "put"], url_path="security-profile")
    def security_profile(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        profile: SecurityProfile = self.get_object().profile
        if request.method == "PUT":
            answers = self.parse(ProfileAnswersSerializer)["answers"]
            trader_services.profile_answers_save(
                profile=profile, answers=answers, actor=request.user
            )
        return Response(SecurityProfileSerializer(profile_overview(profile=profile)).data)

    @extend_schema(
        request={"multipart/form-data": EvidenceUploadSerializer},
        responses={201: EvidenceSerializer},
        description="Attach a document to the answer of one requirement (answer it first).",
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="security-profile/evidence",
        parser_classes=[MultiPartParser, FormParser],
    )
    def evidence(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        profile: SecurityProfile = self.get_object().profile
        data = self.parse(EvidenceUploadSerializer)
        answer = (
            scope_for(ProfileAnswer, user=request.user)
            .filter(profile=profile, requirement=data["requirement"])
            .select_related("profile")
            .first()
        )
        if answer is None:
            raise exceptions.ValidationError(
                {"requirement": [_("Answer this requirement before attaching evidence to it.")]}
            )
        evidence = trader_services.evidence_attach(
            answer=answer, upload=data["file"], actor=request.user
        )
        return Response(EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)

    @file_download_action(
        "security-profile/evidence/{evidence_id}",
        url_name="evidence-download",
        ids={"evidence_id": "An evidence file of this security profile."},
        summary="Download an evidence file",
        description="The file as uploaded, under its original name (404 for a file of "
        "another profile, or outside the caller's scope).",
    )
    def evidence_download(
        self, request: Request, pk: str | None = None, evidence_id: str = ""
    ) -> FileResponse:
        profile: SecurityProfile = self.get_object().profile
        evidence = get_object_or_404(
            evidence_list_for(user=request.user).filter(answer__profile=profile), pk=evidence_id
        )
        return stored_file_response(evidence)

"""Site validations: scheduled, started, completed or cancelled; their findings, the
findings' evidence and the report."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import FileResponse, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from core.files import pdf_attachment, stored_file_response
from core.roles import OFFICERS
from validations import services as validation_services
from validations.documents import site_validation_report_filename, site_validation_report_render
from validations.models import Finding
from validations.selectors import finding_evidence_list_for, site_validation_list_for

from ..filters import CompanyFilter
from ..serializers.base import ReasonSerializer
from ..serializers.site_validations import (
    FindingEvidenceSerializer,
    FindingEvidenceUploadSerializer,
    FindingInputSerializer,
    FindingSerializer,
    SiteValidationCompleteSerializer,
    SiteValidationScheduleSerializer,
    SiteValidationSerializer,
)
from .base import AuthenticatedRequest, ResourceViewSet, path_id, transition
from .files import (
    DOCUMENT_RENDERERS,
    PDF_RESPONSES,
    file_download_action,
)


class SiteValidationViewSet(ResourceViewSet):
    serializer_class = SiteValidationSerializer
    filterset_class = CompanyFilter

    def scoped(self) -> models.QuerySet[Any]:
        return site_validation_list_for(user=self.request.user).prefetch_related(
            "sites", "officers", "findings__requirement"
        )

    @extend_schema(
        request=SiteValidationScheduleSerializer, responses={201: SiteValidationSerializer}
    )
    def create(self, request: AuthenticatedRequest) -> Response:
        validation = validation_services.site_validation_schedule(
            actor=request.user, **self.parse(SiteValidationScheduleSerializer)
        )
        return self.render(validation, status_code=status.HTTP_201_CREATED)

    _v = "validation"
    start = transition(
        "start", validation_services.site_validation_start, _v, summary="Start the visit"
    )
    complete = transition(
        "complete",
        validation_services.site_validation_complete,
        _v,
        SiteValidationCompleteSerializer,
        summary="Complete the report (a finding for every requirement)",
    )
    cancel = transition(
        "cancel",
        validation_services.site_validation_cancel,
        _v,
        ReasonSerializer,
        summary="Cancel the visit",
    )

    @extend_schema(
        request=None,
        responses=PDF_RESPONSES,
        summary="Site Validation Report (PDF)",
        description="The bilingual report of a completed validation (409 before then).",
    )
    @action(detail=True, methods=["get"], filter_backends=[], renderer_classes=DOCUMENT_RENDERERS)
    def report(self, request: Request, pk: str | None = None) -> HttpResponse:
        validation = self.get_object()
        return pdf_attachment(
            site_validation_report_render(validation=validation),
            filename=site_validation_report_filename(validation=validation),
        )

    @extend_schema(
        request=FindingInputSerializer,
        responses={201: FindingSerializer},
        summary="Record (or correct) the finding on one requirement",
    )
    @action(detail=True, methods=["post"])
    def findings(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        finding = validation_services.finding_record(
            validation=self.get_object(),
            actor=request.user,
            **self.parse(FindingInputSerializer),
        )
        return Response(FindingSerializer(finding).data, status=status.HTTP_201_CREATED)

    def _finding(self, finding_id: str) -> Finding:
        validation = self.get_object()
        return get_object_or_404(
            Finding.objects.filter(validation=validation).select_related("validation"),
            pk=finding_id,
        )

    def _finding_evidence(self, finding_id: str) -> models.QuerySet[Any]:
        """A finding's evidence, for staff only, as on the workbench's pages: the trader
        reads the findings and the report, not the officers' working files (403)."""
        finding = self._finding(finding_id)
        if str(getattr(self.request.user, "role", "")) not in OFFICERS:
            raise exceptions.PermissionDenied(
                _("Only officers and managers may read a finding's evidence.")
            )
        return (
            finding_evidence_list_for(user=self.request.user)
            .filter(finding=finding)
            .order_by("uploaded_at", "pk")
        )

    @extend_schema(
        methods=["GET"],
        request=None,
        responses=FindingEvidenceSerializer(many=True),
        parameters=[path_id("finding_id", "A finding of this validation.")],
        summary="The pictures and documents of a finding",
        description="Officers and managers only (403 for a trader).",
    )
    @extend_schema(
        methods=["POST"],
        request={"multipart/form-data": FindingEvidenceUploadSerializer},
        responses={201: FindingEvidenceSerializer},
        parameters=[path_id("finding_id", "A finding of this validation.")],
        summary="Attach a picture or document to a finding",
        description="While the visit is in progress (409 otherwise).",
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path=r"findings/(?P<finding_id>[^/]+)/evidence",
        url_name="finding-evidence",
        parser_classes=[MultiPartParser, FormParser],
        filter_backends=[],
    )
    def finding_evidence(
        self, request: AuthenticatedRequest, pk: str | None = None, finding_id: str = ""
    ) -> Response:
        if request.method == "GET":
            return self.paginated(self._finding_evidence(finding_id), FindingEvidenceSerializer)
        finding = self._finding(finding_id)
        evidence = validation_services.finding_evidence_attach(
            finding=finding,
            upload=self.parse(FindingEvidenceUploadSerializer)["file"],
            actor=request.user,
        )
        return Response(FindingEvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)

    @file_download_action(
        "findings/{finding_id}/evidence/{evidence_id}",
        url_name="finding-evidence-download",
        ids={
            "finding_id": "A finding of this validation.",
            "evidence_id": "A picture or document of this finding.",
        },
        summary="Download a finding's picture or document",
        description="The file as uploaded, under its original name; officers and managers "
        "only (403 for a trader, 404 for a file of another finding).",
    )
    def finding_evidence_download(
        self, request: Request, pk: str | None = None, finding_id: str = "", evidence_id: str = ""
    ) -> FileResponse:
        return stored_file_response(
            get_object_or_404(self._finding_evidence(finding_id), pk=evidence_id)
        )

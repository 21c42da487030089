"""Applications: created, submitted, reviewed, answered and decided."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import FileResponse, Http404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from core.files import stored_file_response
from traders import services as trader_services
from traders.selectors import application_list_for, information_file_list_for
from validations import services as validation_services

from ..filters import ApplicationFilter
from ..serializers.applications import (
    AnswerInfoSerializer,
    ApplicationAssignOfficerSerializer,
    ApplicationCreateSerializer,
    ApplicationSerializer,
    CertifySerializer,
    ReasonsSerializer,
    RequestInfoSerializer,
    SubmitSerializer,
)
from ..serializers.base import NoteSerializer
from .base import AuthenticatedRequest, ResourceViewSet, transition
from .files import file_download_action
from .profiles import SecurityProfileActions


def _int_or_404(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise Http404 from None


class ApplicationViewSet(SecurityProfileActions, ResourceViewSet):
    serializer_class = ApplicationSerializer
    filterset_class = ApplicationFilter

    def scoped(self) -> models.QuerySet[Any]:
        return application_list_for(user=self.request.user).prefetch_related(
            "sites", "information_requests__files"
        )

    @extend_schema(request=ApplicationCreateSerializer, responses={201: ApplicationSerializer})
    def create(self, request: AuthenticatedRequest) -> Response:
        application = trader_services.application_create(
            actor=request.user, **self.parse(ApplicationCreateSerializer)
        )
        return self.render(application, status_code=status.HTTP_201_CREATED)

    _app = "application"
    submit = transition(
        "submit",
        trader_services.application_submit,
        _app,
        SubmitSerializer,
        summary="Submit the application, with the signing authority's declaration",
    )
    start_review = transition(
        "start-review",
        trader_services.application_start_review,
        _app,
        summary="Start the eligibility review",
    )
    request_info = transition(
        "request-info",
        trader_services.application_request_info,
        _app,
        RequestInfoSerializer,
        summary="Request information, with a deadline",
    )

    @extend_schema(
        request={
            "application/json": AnswerInfoSerializer,
            "multipart/form-data": AnswerInfoSerializer,
        },
        responses=ApplicationSerializer,
        summary="Answer the information request",
        description="The text, and any files (multipart): saved together or not at all.",
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="answer-info",
        parser_classes=[JSONParser, MultiPartParser, FormParser],
    )
    def answer_info(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        application = self.get_object()
        data = self.parse(AnswerInfoSerializer)
        return self.render(
            trader_services.application_answer_info(
                application=application,
                actor=request.user,
                response=data["response"],
                uploads=data["files"],
            )
        )

    @file_download_action(
        "information-requests/{request_id}/files/{file_id}",
        url_name="information-file-download",
        ids={
            "request_id": "An information request of this application.",
            "file_id": "A file attached to its answer.",
        },
        summary="Download a file attached to an answer",
        description="The file as uploaded, under its original name (404 for a file of "
        "another request, or outside the caller's scope).",
    )
    def information_file_download(
        self, request: Request, pk: str | None = None, request_id: str = "", file_id: str = ""
    ) -> FileResponse:
        application = self.get_object()
        files = information_file_list_for(user=request.user).filter(
            information_request__application=application,
            information_request_id=_int_or_404(request_id),
        )
        return stored_file_response(get_object_or_404(files, pk=file_id))

    mark_eligible = transition(
        "mark-eligible",
        trader_services.application_mark_eligible,
        _app,
        NoteSerializer,
        summary="Mark eligible",
    )
    mark_ineligible = transition(
        "mark-ineligible",
        trader_services.application_mark_ineligible,
        _app,
        ReasonsSerializer,
        summary="Mark ineligible, with reasons",
    )
    certify = transition(
        "certify",
        validation_services.application_certify,
        _app,
        CertifySerializer,
        summary="Certify (a membership starts per programme)",
    )
    deny = transition(
        "deny",
        trader_services.application_deny,
        _app,
        ReasonsSerializer,
        summary="Deny, with reasons",
    )
    withdraw = transition(
        "withdraw",
        validation_services.application_withdraw,
        _app,
        NoteSerializer,
        summary="Withdraw the application",
    )
    assign_officer = transition(
        "assign-officer",
        trader_services.application_assign_officer,
        _app,
        ApplicationAssignOfficerSerializer,
        summary="Take the case (officer) or assign it to an officer (manager)",
    )

"""Incidents: reported, analysed and concluded."""

from __future__ import annotations

from typing import Any

from django.db import models
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from validations import services as validation_services
from validations.selectors import incident_list_for

from ..filters import CompanyFilter
from ..serializers.incidents import (
    IncidentConcludeSerializer,
    IncidentReportSerializer,
    IncidentSerializer,
)
from .base import AuthenticatedRequest, ResourceViewSet, transition


class IncidentViewSet(ResourceViewSet):
    serializer_class = IncidentSerializer
    filterset_class = CompanyFilter

    def scoped(self) -> models.QuerySet[Any]:
        return incident_list_for(user=self.request.user)

    @extend_schema(request=IncidentReportSerializer, responses={201: IncidentSerializer})
    def create(self, request: AuthenticatedRequest) -> Response:
        incident = validation_services.incident_report(
            actor=request.user, **self.parse(IncidentReportSerializer)
        )
        return self.render(incident, status_code=status.HTTP_201_CREATED)

    start_analysis = transition(
        "start-analysis",
        validation_services.incident_start_analysis,
        "incident",
        summary="Start the post-incident analysis",
    )
    conclude = transition(
        "conclude",
        validation_services.incident_conclude,
        "incident",
        IncidentConcludeSerializer,
        summary="Conclude the analysis (optionally issuing an action plan)",
    )

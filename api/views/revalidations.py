"""Revalidations: the four-year cycle's profile, site validation and completion."""

from __future__ import annotations

from typing import Any

from django.db import models

from revalidation import services as revalidation_services
from revalidation.selectors import revalidation_list_for

from ..filters import CompanyFilter
from ..serializers.base import NoteSerializer
from ..serializers.revalidations import RevalidationScheduleSerializer, RevalidationSerializer
from .base import ResourceViewSet, transition
from .profiles import SecurityProfileActions


class RevalidationViewSet(SecurityProfileActions, ResourceViewSet):
    serializer_class = RevalidationSerializer
    filterset_class = CompanyFilter

    def scoped(self) -> models.QuerySet[Any]:
        return revalidation_list_for(user=self.request.user).select_related("profile")

    _c = "cycle"
    submit_profile = transition(
        "submit-profile",
        revalidation_services.revalidation_submit_profile,
        _c,
        summary="Submit the updated security profile",
    )
    schedule_validation = transition(
        "schedule-validation",
        revalidation_services.revalidation_schedule_validation,
        _c,
        RevalidationScheduleSerializer,
        summary="Schedule the revalidation's site validation",
    )
    complete = transition(
        "complete",
        revalidation_services.revalidation_complete,
        _c,
        NoteSerializer,
        summary="Complete the revalidation (renews the membership)",
    )
    lapse = transition(
        "lapse",
        revalidation_services.revalidation_lapse,
        _c,
        NoteSerializer,
        summary="Let a revalidation past its due date lapse",
    )

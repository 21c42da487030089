"""The officer's work queue (reporting.queue.work_queue_rows): its filters and its rows."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from reporting.queue import QUEUE_KINDS, QUEUE_SORTS
from revalidation.models import RevalidationCycle
from traders.models import Application
from validations.selectors import APPLICATION_QUEUE_STATES


class QueueQuerySerializer(serializers.Serializer):
    who = serializers.ChoiceField(
        choices=["all", "mine", "unassigned"], required=False, default="all"
    )
    kind = serializers.ChoiceField(
        choices=["application", "revalidation"],
        required=False,
        help_text=_("Only applications, or only revalidations (default: both)."),
    )
    stage = serializers.ChoiceField(
        choices=list(
            dict(
                [(state, Application.State(state).label) for state in APPLICATION_QUEUE_STATES]
                + [(str(state), state.label) for state in RevalidationCycle.IN_PROGRESS]
            ).items()
        ),
        required=False,
        help_text=_("An application's or a revalidation's state."),
    )
    q = serializers.CharField(
        required=False, max_length=100, help_text=_("Part of a reference or a company's name.")
    )
    sort = serializers.ChoiceField(
        choices=list(QUEUE_SORTS),
        required=False,
        default="oldest",
    )


class QueueRowSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=list(QUEUE_KINDS), source="row_kind")
    id = serializers.IntegerField(source="row_id")
    reference = serializers.CharField(source="row_reference")
    company = serializers.IntegerField(source="row_company_id")
    company_name = serializers.CharField(source="row_company")
    stage = serializers.CharField(source="row_stage")
    stage_label = serializers.CharField()
    in_stage_since = serializers.DateTimeField(source="row_since", allow_null=True)
    days_in_stage = serializers.IntegerField(allow_null=True)
    officer = serializers.IntegerField(source="row_officer_id", allow_null=True)
    officer_name = serializers.CharField(source="row_officer", allow_null=True)
    next_deadline = serializers.DateField(source="row_deadline", allow_null=True)
    is_mine = serializers.BooleanField()

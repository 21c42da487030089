"""Incidents: the incident, its report and the conclusion of its analysis."""

from __future__ import annotations

from rest_framework import serializers

from traders.models import Company, Membership
from traders.selectors import company_list_for, membership_list_for
from validations.models import Incident

from ..schema import NamedChoiceField
from .action_plans import PlanItemInputSerializer
from .base import ScopedPrimaryKeyField


class IncidentSerializer(serializers.ModelSerializer):
    state = NamedChoiceField(
        enum_name="IncidentState", choices=Incident.State.choices, read_only=True
    )

    class Meta:
        model = Incident
        fields = [
            "id",
            "company",
            "membership",
            "occurred_on",
            "description",
            "state",
            "analyst",
            "cause",
            "mitigating_circumstances",
            "prevention_strategy",
            "concluded_at",
        ]
        read_only_fields = fields


class IncidentReportSerializer(serializers.Serializer):
    company = ScopedPrimaryKeyField(model=Company, selector=company_list_for)
    occurred_on = serializers.DateField()
    description = serializers.CharField(allow_blank=True)
    membership = ScopedPrimaryKeyField(
        model=Membership, selector=membership_list_for, required=False, allow_null=True
    )


class IncidentConcludeSerializer(serializers.Serializer):
    cause = serializers.CharField(allow_blank=True)
    mitigating_circumstances = serializers.CharField(required=False, allow_blank=True, default="")
    prevention_strategy = serializers.CharField(allow_blank=True)
    action_items = PlanItemInputSerializer(many=True, required=False)

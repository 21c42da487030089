"""Revalidations: the cycle, and the scheduling of its site validation."""

from __future__ import annotations

from rest_framework import serializers

from core.models import User
from revalidation.models import RevalidationCycle
from traders.models import Site

from ..schema import NamedChoiceField
from .base import ScopedPrimaryKeyField, sites_for, staff_officers


class RevalidationSerializer(serializers.ModelSerializer):
    state = NamedChoiceField(
        enum_name="RevalidationState", choices=RevalidationCycle.State.choices, read_only=True
    )
    member_number = serializers.CharField(source="membership.member_number", read_only=True)

    class Meta:
        model = RevalidationCycle
        fields = [
            "id",
            "company",
            "membership",
            "member_number",
            "profile",
            "site_validation",
            "change_notice",
            "early",
            "opened_on",
            "due_on",
            "submitted_at",
            "completed_on",
            "state",
        ]
        read_only_fields = fields


class RevalidationScheduleSerializer(serializers.Serializer):
    scheduled_for = serializers.DateField()
    sites = ScopedPrimaryKeyField(model=Site, selector=sites_for, many=True, required=False)
    officers = ScopedPrimaryKeyField(model=User, selector=staff_officers, many=True, required=False)
    joint_with_cbp = serializers.BooleanField(required=False, default=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")

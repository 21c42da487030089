"""Action plans: the plan with its measures and their files, the plan issued, responded
to and extended, and each measure answered and reviewed."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from traders.models import Company, Membership, Requirement
from traders.selectors import company_list_for, membership_list_for
from validations.models import (
    ActionPlan,
    ActionPlanItem,
    ActionPlanItemEvidence,
    Incident,
    SiteValidation,
)
from validations.selectors import incident_list_for, site_validation_list_for

from ..schema import NamedChoiceField
from .base import ScopedPrimaryKeyField


class ActionPlanItemEvidenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActionPlanItemEvidence
        fields = ["id", "item", "original_name", "content_type", "size", "uploaded_at"]
        read_only_fields = fields


class ActionPlanItemSerializer(serializers.ModelSerializer):
    status = NamedChoiceField(
        enum_name="ActionPlanItemStatus",
        choices=ActionPlanItem.Status.choices,
        read_only=True,
        help_text=_("Where the measure stands: to answer, answered, returned or accepted."),
    )
    evidence = ActionPlanItemEvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = ActionPlanItem
        fields = [
            "id",
            "requirement",
            "measure",
            "deadline",
            "original_deadline",
            "response",
            "responded_at",
            "review",
            "review_note",
            "status",
            "evidence",
        ]
        read_only_fields = fields


class ActionPlanSerializer(serializers.ModelSerializer):
    state = NamedChoiceField(
        enum_name="ActionPlanState", choices=ActionPlan.State.choices, read_only=True
    )
    items = ActionPlanItemSerializer(many=True, read_only=True)

    class Meta:
        model = ActionPlan
        fields = [
            "id",
            "company",
            "membership",
            "source_validation",
            "source_incident",
            "issued_on",
            "deadline",
            "state",
            "response",
            "responded_at",
            "review_note",
            "items",
        ]
        read_only_fields = fields


class PlanItemInputSerializer(serializers.Serializer):
    measure = serializers.CharField(allow_blank=True)
    deadline = serializers.DateField()
    requirement = serializers.PrimaryKeyRelatedField(
        queryset=Requirement.objects.all(), required=False, allow_null=True, default=None
    )


class ActionPlanIssueSerializer(serializers.Serializer):
    company = ScopedPrimaryKeyField(model=Company, selector=company_list_for)
    items = PlanItemInputSerializer(many=True, allow_empty=False)
    membership = ScopedPrimaryKeyField(
        model=Membership, selector=membership_list_for, required=False, allow_null=True
    )
    source_validation = ScopedPrimaryKeyField(
        model=SiteValidation, selector=site_validation_list_for, required=False, allow_null=True
    )
    source_incident = ScopedPrimaryKeyField(
        model=Incident, selector=incident_list_for, required=False, allow_null=True
    )


class ActionPlanRespondSerializer(serializers.Serializer):
    response = serializers.CharField(allow_blank=True)
    item_responses = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        help_text=_("Optional answers per measure, keyed by item id."),
    )


class ActionPlanExtendSerializer(serializers.Serializer):
    deadline = serializers.DateField()
    reason = serializers.CharField(allow_blank=True)


class ItemRespondSerializer(serializers.Serializer):
    response = serializers.CharField(allow_blank=True)
    files = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        default=list,
        help_text=_("Files as evidence of the measure taken (multipart only)."),
    )


class ItemNoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")

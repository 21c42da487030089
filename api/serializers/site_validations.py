"""Site validations: the validation with its findings, its scheduling and completion, a
finding recorded, a finding's evidence."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.models import User
from traders.models import Application, ChangeNotice, Company, Membership, Requirement, Site
from traders.selectors import (
    application_list_for,
    change_notice_list_for,
    company_list_for,
    membership_list_for,
)
from validations.models import Finding, FindingEvidence, SiteValidation

from ..schema import NamedChoiceField
from .action_plans import PlanItemInputSerializer
from .base import ScopedPrimaryKeyField, sites_for, staff_officers


class FindingSerializer(serializers.ModelSerializer):
    requirement_code = serializers.CharField(source="requirement.code", read_only=True)

    class Meta:
        model = Finding
        fields = ["id", "requirement", "requirement_code", "result", "note", "updated_at"]
        read_only_fields = fields


class SiteValidationSerializer(serializers.ModelSerializer):
    kind = NamedChoiceField(
        enum_name="SiteValidationKind", choices=SiteValidation.Kind.choices, read_only=True
    )
    state = NamedChoiceField(
        enum_name="SiteValidationState", choices=SiteValidation.State.choices, read_only=True
    )
    catalogue = serializers.CharField(source="catalogue.__str__", read_only=True)
    findings = FindingSerializer(many=True, read_only=True)

    class Meta:
        model = SiteValidation
        fields = [
            "id",
            "company",
            "kind",
            "application",
            "membership",
            "change_notice",
            "catalogue",
            "joint_with_cbp",
            "sites",
            "officers",
            "lead_officer",
            "scheduled_for",
            "started_at",
            "completed_at",
            "state",
            "outcome",
            "outcome_override_reason",
            "recommendations",
            "cancel_reason",
            "findings",
        ]
        read_only_fields = fields


class SiteValidationScheduleSerializer(serializers.Serializer):
    company = ScopedPrimaryKeyField(model=Company, selector=company_list_for)
    kind = NamedChoiceField(enum_name="SiteValidationKind", choices=SiteValidation.Kind.choices)
    scheduled_for = serializers.DateField()
    application = ScopedPrimaryKeyField(
        model=Application, selector=application_list_for, required=False, allow_null=True
    )
    membership = ScopedPrimaryKeyField(
        model=Membership, selector=membership_list_for, required=False, allow_null=True
    )
    change_notice = ScopedPrimaryKeyField(
        model=ChangeNotice, selector=change_notice_list_for, required=False, allow_null=True
    )
    sites = ScopedPrimaryKeyField(model=Site, selector=sites_for, many=True, required=False)
    officers = ScopedPrimaryKeyField(model=User, selector=staff_officers, many=True, required=False)
    joint_with_cbp = serializers.BooleanField(required=False, default=False)


class SiteValidationCompleteSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=SiteValidation.Outcome.choices)
    recommendations = serializers.CharField(required=False, allow_blank=True, default="")
    action_plan_items = PlanItemInputSerializer(
        many=True,
        required=False,
        default=list,
        help_text=_(
            "The corrective measures of the action plan issued with the report: required with "
            "“meets with an action plan”, one for each must requirement found short."
        ),
    )
    override_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_(
            "The officer's written justification of an outcome the findings alone do not "
            "support (409 outcome_contradicts_findings without it)."
        ),
    )


class FindingInputSerializer(serializers.Serializer):
    requirement = serializers.PrimaryKeyRelatedField(queryset=Requirement.objects.all())
    result = serializers.ChoiceField(choices=Finding.Result.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class FindingEvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class FindingEvidenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = FindingEvidence
        fields = ["id", "finding", "original_name", "content_type", "size", "uploaded_at"]
        read_only_fields = fields

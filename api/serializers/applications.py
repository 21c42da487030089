"""Applications: the application with its information requests, and the inputs of its
creation and its transitions."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.models import User
from traders.models import Application, Company, InformationAnswerFile, InformationRequest, Site
from traders.selectors import company_list_for

from ..schema import NamedChoiceField
from .base import ScopedPrimaryKeyField, sites_for, staff_officers


class InformationFileSerializer(serializers.ModelSerializer):
    class Meta:
        model = InformationAnswerFile
        fields = ["id", "original_name", "content_type", "size", "uploaded_at"]
        read_only_fields = fields


class InformationRequestSerializer(serializers.ModelSerializer):
    files = InformationFileSerializer(many=True, read_only=True)

    class Meta:
        model = InformationRequest
        fields = ["id", "message", "deadline", "response", "responded_at", "created_at", "files"]
        read_only_fields = fields


class ApplicationSerializer(serializers.ModelSerializer):
    programme = NamedChoiceField(
        enum_name="ApplicationProgramme",
        choices=Application.ProgrammeChoice.choices,
        read_only=True,
    )
    state = NamedChoiceField(
        enum_name="ApplicationState", choices=Application.State.choices, read_only=True
    )
    company_name = serializers.CharField(source="company.__str__", read_only=True)
    information_requests = InformationRequestSerializer(many=True, read_only=True)

    class Meta:
        model = Application
        fields = [
            "id",
            "reference",
            "company",
            "company_name",
            "programme",
            "harmonized_ctpat",
            "sites",
            "state",
            "state_changed_at",
            "assigned_officer",
            "submitted_at",
            "declared_by",
            "declared_at",
            "declaration_version",
            "decided_at",
            "decision_reason",
            "information_requests",
            "created_at",
        ]
        read_only_fields = fields


class ApplicationCreateSerializer(serializers.Serializer):
    company = ScopedPrimaryKeyField(model=Company, selector=company_list_for)
    programme = NamedChoiceField(
        enum_name="ApplicationProgramme",
        choices=Application.ProgrammeChoice.choices,
        required=False,
        default="PIP",
    )
    harmonized_ctpat = serializers.BooleanField(required=False, default=False)
    sites = ScopedPrimaryKeyField(model=Site, selector=sites_for, many=True, required=False)


class SubmitSerializer(serializers.Serializer):
    declaration = serializers.BooleanField(
        source="declared",
        required=False,
        default=False,
        help_text=_(
            'True when the signing authority submitting made the declaration: "I declare, as '
            "a signing authority of <company>, that the information in this application is "
            'true and complete." Without it the submit is refused (400, on this field).'
        ),
    )


class RequestInfoSerializer(serializers.Serializer):
    message = serializers.CharField(allow_blank=True)
    deadline = serializers.DateField()


class AnswerInfoSerializer(serializers.Serializer):
    response = serializers.CharField(allow_blank=True)
    files = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        default=list,
        help_text=_("Files attached to the answer (multipart only)."),
    )


class ReasonsSerializer(serializers.Serializer):
    reasons = serializers.CharField(allow_blank=True)


class CertifySerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")
    override_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_(
            "Your reason to certify although the evidence speaks against it (no completed "
            "site validation, a latest one that does not meet the requirements, an action "
            "plan open past its deadline): without it, such a certification is refused "
            "(409, certification_contradicts_evidence). Kept in the audit trail."
        ),
    )


class ApplicationAssignOfficerSerializer(serializers.Serializer):
    officer = ScopedPrimaryKeyField(
        model=User,
        selector=staff_officers,
        help_text=_("An officer takes a case for themselves; a manager assigns any officer."),
    )
    confirm = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_(
            "Taking a case another officer has: true once the taker confirms; without it the "
            "answer is 409 already_assigned, naming that officer, and nothing changes."
        ),
    )

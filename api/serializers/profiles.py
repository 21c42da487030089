"""Security profiles (of applications and revalidations): the requirements with their
answers and evidence, the completeness, the answers saved, a document attached, the
yearly confirmation."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from traders.models import EvidenceFile, ProfileAnswer, Requirement, SecurityProfile


class EvidenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = EvidenceFile
        fields = ["id", "original_name", "content_type", "size", "uploaded_at"]
        read_only_fields = fields


class AnswerSerializer(serializers.ModelSerializer):
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = ProfileAnswer
        fields = ["implementation", "description", "evidence", "updated_at"]
        read_only_fields = fields


class ProfileRequirementSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="requirement.pk")
    code = serializers.CharField(source="requirement.code")
    area = serializers.CharField(source="requirement.area.code")
    text = serializers.CharField(source="requirement.text")
    level = serializers.ChoiceField(source="requirement.level", choices=Requirement.Level.choices)
    evidence_required = serializers.BooleanField(source="requirement.evidence_required")
    answer = AnswerSerializer(allow_null=True)


class AreaCompletenessSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    total = serializers.IntegerField()
    complete = serializers.IntegerField()


class CompletenessSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    complete = serializers.IntegerField()
    percent = serializers.IntegerField()
    areas = AreaCompletenessSerializer(many=True)


class MissingItemSerializer(serializers.Serializer):
    code = serializers.CharField()
    area = serializers.CharField()
    title = serializers.CharField(help_text=_("The requirement as the catalogue states it."))
    reason = serializers.CharField()


class SecurityProfileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    catalogue = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    completeness = CompletenessSerializer()
    missing = MissingItemSerializer(many=True)
    requirements = ProfileRequirementSerializer(many=True)


class AnswerInputSerializer(serializers.Serializer):
    requirement = serializers.PrimaryKeyRelatedField(queryset=Requirement.objects.all())
    implementation = serializers.ChoiceField(choices=ProfileAnswer.Implementation.choices)
    description = serializers.CharField(required=False, allow_blank=True, default="")


class ProfileAnswersSerializer(serializers.Serializer):
    answers = AnswerInputSerializer(many=True, allow_empty=False)


class EvidenceUploadSerializer(serializers.Serializer):
    requirement = serializers.PrimaryKeyRelatedField(queryset=Requirement.objects.all())
    file = serializers.FileField()


class ProfileConfirmationSerializer(serializers.ModelSerializer):
    class Meta:
        model = SecurityProfile
        fields = ["id", "company", "submitted_at", "confirmed_on"]
        read_only_fields = fields

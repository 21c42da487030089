"""Serializers: outputs render a resource, inputs parse an action's body. No business rule
here: the services validate and decide; objects named in a body are looked up within the
caller's scope, so an object of another company reads as "does not exist"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.models import AuditEvent, Role, User
from core.roles import scope_for
from revalidation.models import RevalidationCycle
from traders.models import (
    Application,
    BusinessType,
    ChangeNotice,
    Company,
    CompanyUser,
    EvidenceFile,
    InformationRequest,
    Membership,
    ProfileAnswer,
    Programme,
    Requirement,
    SecurityProfile,
    Site,
)
from traders.selectors import (
    application_list_for,
    change_notice_list_for,
    company_list_for,
    membership_list_for,
)
from validations.models import (
    ActionPlan,
    ActionPlanItem,
    Finding,
    FindingEvidence,
    Incident,
    SiteValidation,
)
from validations.selectors import incident_list_for, site_validation_list_for

from .schema import NamedChoiceField


class ScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """A primary key resolved through a ``*_list_for(user=...)`` selector."""

    def __init__(self, *, model: type[models.Model], selector: Callable[..., Any], **kwargs: Any):
        self.selector = selector
        kwargs.setdefault("queryset", model._default_manager.none())
        super().__init__(**kwargs)

    def get_queryset(self) -> models.QuerySet[Any]:
        request = self.context.get("request")
        return self.selector(user=getattr(request, "user", None))


def _sites_for(*, user: Any) -> models.QuerySet[Site]:
    return scope_for(Site, user=user)


def _staff_officers(*, user: Any) -> models.QuerySet[User]:
    return User.objects.filter(role__in=[Role.OFFICER, Role.MANAGER], is_active=True)


# --- Outputs ----------------------------------------------------------------------------


class SiteSerializer(serializers.ModelSerializer):
    kind = NamedChoiceField(enum_name="SiteKind", choices=Site.Kind.choices, read_only=True)

    class Meta:
        model = Site
        fields = [
            "id",
            "name",
            "kind",
            "street_address",
            "city",
            "province",
            "country",
            "postal_code",
            "is_active",
        ]
        read_only_fields = fields


class CompanySerializer(serializers.ModelSerializer):
    business_types = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")
    sites = SiteSerializer(many=True, read_only=True)
    contact_email = serializers.CharField(read_only=True)  # may be blank: no "email" format

    class Meta:
        model = Company
        fields = [
            "id",
            "legal_name",
            "operating_name",
            "business_number",
            "country",
            "province",
            "city",
            "street_address",
            "postal_code",
            "phone",
            "contact_email",
            "business_types",
            "mra_sharing_consent",
            "sites",
            "created_at",
        ]
        read_only_fields = fields


class InformationRequestSerializer(serializers.ModelSerializer):
    class Meta:
        model = InformationRequest
        fields = ["id", "message", "deadline", "response", "responded_at", "created_at"]
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
            "decided_at",
            "decision_reason",
            "information_requests",
            "created_at",
        ]
        read_only_fields = fields


class MembershipSerializer(serializers.ModelSerializer):
    programme = NamedChoiceField(enum_name="Programme", choices=Programme.choices, read_only=True)
    state = NamedChoiceField(
        enum_name="MembershipState", choices=Membership.State.choices, read_only=True
    )
    company_name = serializers.CharField(source="company.__str__", read_only=True)

    class Meta:
        model = Membership
        fields = [
            "id",
            "member_number",
            "company",
            "company_name",
            "application",
            "programme",
            "state",
            "state_changed_at",
            "certified_on",
            "expires_on",
            "last_renewed_on",
            "cancelled_on",
            "assigned_officer",
        ]
        read_only_fields = fields


class ChangeNoticeSerializer(serializers.ModelSerializer):
    kind = NamedChoiceField(
        enum_name="ChangeKind", choices=ChangeNotice.Kind.choices, read_only=True
    )
    state = NamedChoiceField(
        enum_name="ChangeNoticeState", choices=ChangeNotice.State.choices, read_only=True
    )

    class Meta:
        model = ChangeNotice
        fields = [
            "id",
            "company",
            "membership",
            "kind",
            "description",
            "effective_on",
            "state",
            "follow_up",
            "officer_note",
            "created_at",
        ]
        read_only_fields = fields


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
            "recommendations",
            "cancel_reason",
            "findings",
        ]
        read_only_fields = fields


class ActionPlanItemSerializer(serializers.ModelSerializer):
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


class AuditEventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = AuditEvent
        fields = ["id", "occurred_at", "actor", "actor_role", "action", "from_state", "to_state"]
        fields += ["note"]
        read_only_fields = fields

    def get_actor(self, event: AuditEvent) -> str:
        return str(event.actor) if event.actor is not None else str(_("System"))


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
    reason = serializers.CharField()


class SecurityProfileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    catalogue = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    completeness = CompletenessSerializer()
    missing = MissingItemSerializer(many=True)
    requirements = ProfileRequirementSerializer(many=True)


class MraStatusSerializer(serializers.Serializer):
    member_number = serializers.CharField()
    company_name = serializers.CharField(source="company.legal_name")
    programme = NamedChoiceField(enum_name="Programme", choices=Programme.choices)
    status = NamedChoiceField(
        enum_name="MembershipState", source="state", choices=Membership.State.choices
    )
    certified_on = serializers.DateField()
    expires_on = serializers.DateField()


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


# --- Inputs -----------------------------------------------------------------------------


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(help_text=_("The user's e-mail address."))
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})


class CodeRelatedField(serializers.SlugRelatedField):
    """A lookup by code that refuses a NUL character before it reaches the database
    (PostgreSQL cannot compare such a string: it would be a 500, not a 400)."""

    def to_internal_value(self, data):  # type: ignore[no-untyped-def]  # DRF's signature
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data.replace("\x00", ""))
        return super().to_internal_value(data)


class CompanyCreateSerializer(serializers.Serializer):
    legal_name = serializers.CharField()
    business_number = serializers.CharField()
    operating_name = serializers.CharField(required=False, allow_blank=True, default="")
    country = serializers.CharField(required=False, default="CA")
    province = serializers.CharField(required=False, allow_blank=True, default="")
    city = serializers.CharField(required=False, allow_blank=True, default="")
    street_address = serializers.CharField(required=False, allow_blank=True, default="")
    postal_code = serializers.CharField(required=False, allow_blank=True, default="")
    phone = serializers.CharField(required=False, allow_blank=True, default="")
    contact_email = serializers.EmailField(required=False, allow_blank=True, default="")
    business_types = CodeRelatedField(
        many=True, slug_field="code", queryset=BusinessType.objects.all(), required=False
    )
    mra_sharing_consent = serializers.BooleanField(required=False, default=False)


class SiteCreateSerializer(serializers.Serializer):
    name = serializers.CharField()
    street_address = serializers.CharField()
    city = serializers.CharField()
    kind = NamedChoiceField(
        enum_name="SiteKind", choices=Site.Kind.choices, required=False, default="office"
    )
    province = serializers.CharField(required=False, allow_blank=True, default="")
    country = serializers.CharField(required=False, default="CA")
    postal_code = serializers.CharField(required=False, allow_blank=True, default="")


class ApplicationCreateSerializer(serializers.Serializer):
    company = ScopedPrimaryKeyField(model=Company, selector=company_list_for)
    programme = NamedChoiceField(
        enum_name="ApplicationProgramme",
        choices=Application.ProgrammeChoice.choices,
        required=False,
        default="PIP",
    )
    harmonized_ctpat = serializers.BooleanField(required=False, default=False)
    sites = ScopedPrimaryKeyField(model=Site, selector=_sites_for, many=True, required=False)


class AnswerInputSerializer(serializers.Serializer):
    requirement = serializers.PrimaryKeyRelatedField(queryset=Requirement.objects.all())
    implementation = serializers.ChoiceField(choices=ProfileAnswer.Implementation.choices)
    description = serializers.CharField(required=False, allow_blank=True, default="")


class ProfileAnswersSerializer(serializers.Serializer):
    answers = AnswerInputSerializer(many=True, allow_empty=False)


class EvidenceUploadSerializer(serializers.Serializer):
    requirement = serializers.PrimaryKeyRelatedField(queryset=Requirement.objects.all())
    file = serializers.FileField()


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RequestInfoSerializer(serializers.Serializer):
    message = serializers.CharField(allow_blank=True)
    deadline = serializers.DateField()


class AnswerInfoSerializer(serializers.Serializer):
    response = serializers.CharField(allow_blank=True)


class ReasonsSerializer(serializers.Serializer):
    reasons = serializers.CharField(allow_blank=True)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)


class GroundsSerializer(serializers.Serializer):
    grounds = serializers.CharField(allow_blank=True)


class AssignOfficerSerializer(serializers.Serializer):
    officer = ScopedPrimaryKeyField(model=User, selector=_staff_officers)


class OpenRevalidationSerializer(serializers.Serializer):
    change_notice = ScopedPrimaryKeyField(
        model=ChangeNotice, selector=change_notice_list_for, required=False, allow_null=True
    )


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
    sites = ScopedPrimaryKeyField(model=Site, selector=_sites_for, many=True, required=False)
    officers = ScopedPrimaryKeyField(
        model=User, selector=_staff_officers, many=True, required=False
    )
    joint_with_cbp = serializers.BooleanField(required=False, default=False)


class SiteValidationCompleteSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=SiteValidation.Outcome.choices)
    recommendations = serializers.CharField(required=False, allow_blank=True, default="")


class FindingInputSerializer(serializers.Serializer):
    requirement = serializers.PrimaryKeyRelatedField(queryset=Requirement.objects.all())
    result = serializers.ChoiceField(choices=Finding.Result.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


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


class ChangeNoticeCreateSerializer(serializers.Serializer):
    company = ScopedPrimaryKeyField(model=Company, selector=company_list_for)
    kind = NamedChoiceField(enum_name="ChangeKind", choices=ChangeNotice.Kind.choices)
    description = serializers.CharField(allow_blank=True)
    effective_on = serializers.DateField()
    membership = ScopedPrimaryKeyField(
        model=Membership, selector=membership_list_for, required=False, allow_null=True
    )


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


class RevalidationScheduleSerializer(serializers.Serializer):
    scheduled_for = serializers.DateField()
    sites = ScopedPrimaryKeyField(model=Site, selector=_sites_for, many=True, required=False)
    officers = ScopedPrimaryKeyField(
        model=User, selector=_staff_officers, many=True, required=False
    )
    joint_with_cbp = serializers.BooleanField(required=False, default=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")


# --- Company profile, sites and users ---------------------------------------------------


class StrictInputSerializer(serializers.Serializer):
    """A partial update: only the fields sent are changed, and a field that cannot be
    changed here (the business number, say) is refused rather than silently ignored."""

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if isinstance(self.initial_data, dict):
            unknown = sorted(set(self.initial_data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {field: [_("This field cannot be changed here.")] for field in unknown}
                )
        return attrs


class CompanyUpdateSerializer(StrictInputSerializer):
    legal_name = serializers.CharField(required=False)
    operating_name = serializers.CharField(required=False, allow_blank=True)
    country = serializers.CharField(required=False)
    province = serializers.CharField(required=False, allow_blank=True)
    city = serializers.CharField(required=False, allow_blank=True)
    street_address = serializers.CharField(required=False, allow_blank=True)
    postal_code = serializers.CharField(required=False, allow_blank=True)
    phone = serializers.CharField(required=False, allow_blank=True)
    contact_email = serializers.EmailField(required=False, allow_blank=True)
    business_types = CodeRelatedField(
        many=True, slug_field="code", queryset=BusinessType.objects.all(), required=False
    )
    mra_sharing_consent = serializers.BooleanField(required=False)


class SiteUpdateSerializer(StrictInputSerializer):
    name = serializers.CharField(required=False)
    kind = NamedChoiceField(enum_name="SiteKind", choices=Site.Kind.choices, required=False)
    street_address = serializers.CharField(required=False)
    city = serializers.CharField(required=False)
    province = serializers.CharField(required=False, allow_blank=True)
    country = serializers.CharField(required=False)
    postal_code = serializers.CharField(required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)


class CompanyUserSerializer(serializers.ModelSerializer):
    email = serializers.CharField(source="user.email", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)
    company_role = NamedChoiceField(
        enum_name="CompanyRole", choices=CompanyUser.CompanyRole.choices, read_only=True
    )

    class Meta:
        model = CompanyUser
        fields = ["id", "user", "email", "full_name", "company_role", "created_at"]
        read_only_fields = fields


class CompanyUserAddSerializer(serializers.Serializer):
    email = serializers.EmailField(
        help_text=_("The e-mail address of an existing trader account (people register first).")
    )
    company_role = NamedChoiceField(
        enum_name="CompanyRole",
        choices=CompanyUser.CompanyRole.choices,
        required=False,
        default=CompanyUser.CompanyRole.CONTRIBUTOR,
    )

    def validate_email(self, value: str) -> User:
        user = User.objects.filter(email__iexact=value, role=Role.TRADER, is_active=True).first()
        if user is None:
            raise serializers.ValidationError(
                _(
                    "No active trader account uses this e-mail address: the person registers "
                    "on the portal first."
                )
            )
        return user

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return {"user": attrs["email"], "company_role": attrs["company_role"]}


# --- Officers, evidence, follow-ups, confirmations --------------------------------------


class ApplicationAssignOfficerSerializer(serializers.Serializer):
    officer = ScopedPrimaryKeyField(
        model=User,
        selector=_staff_officers,
        help_text=_("An officer takes a case for themselves; a manager assigns any officer."),
    )


class FindingEvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class FindingEvidenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = FindingEvidence
        fields = ["id", "finding", "original_name", "content_type", "size", "uploaded_at"]
        read_only_fields = fields


class NoticeSpotCheckSerializer(serializers.Serializer):
    scheduled_for = serializers.DateField()
    membership = ScopedPrimaryKeyField(
        model=Membership,
        selector=membership_list_for,
        required=False,
        allow_null=True,
        help_text=_("The membership whose sites are checked (default: the notice's)."),
    )
    sites = ScopedPrimaryKeyField(
        model=Site,
        selector=_sites_for,
        many=True,
        required=False,
        help_text=_("The sites to visit (default: every active site of the company)."),
    )
    officers = ScopedPrimaryKeyField(
        model=User, selector=_staff_officers, many=True, required=False
    )
    joint_with_cbp = serializers.BooleanField(required=False, default=False)


class NoticeRevalidationSerializer(serializers.Serializer):
    membership = ScopedPrimaryKeyField(
        model=Membership,
        selector=membership_list_for,
        required=False,
        allow_null=True,
        help_text=_("The membership to revalidate early (default: the notice's)."),
    )


class ProfileConfirmationSerializer(serializers.ModelSerializer):
    class Meta:
        model = SecurityProfile
        fields = ["id", "company", "submitted_at", "confirmed_on"]
        read_only_fields = fields

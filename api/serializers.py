"""Serializers: outputs render a resource, inputs parse an action's body. No business rule
here: the services validate and decide; objects named in a body are looked up within the
caller's scope, so an object of another company reads as "does not exist"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from backoffice.queue import QUEUE_KINDS, QUEUE_SORTS
from core.models import AuditEvent, Role, User
from core.roles import scope_for
from notifications.models import Reminder, ReminderKind
from revalidation.models import RevalidationCycle
from traders.models import (
    Application,
    BusinessType,
    ChangeNotice,
    Company,
    CompanyUser,
    EvidenceFile,
    InformationAnswerFile,
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
    ActionPlanItemEvidence,
    Finding,
    FindingEvidence,
    Incident,
    SiteValidation,
)
from validations.selectors import (
    APPLICATION_QUEUE_STATES,
    incident_list_for,
    site_validation_list_for,
)

from .schema import ConstantField, NamedChoiceField


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
    business_types: serializers.SlugRelatedField[BusinessType] = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="code"
    )
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


class CodeRelatedField(serializers.SlugRelatedField):
    """A lookup by code that refuses a NUL character before it reaches the database
    (PostgreSQL cannot compare such a string: it would be a 500, not a 400)."""

    def to_internal_value(self, data: Any) -> Any:  # noqa: ANN401  # DRF's signature
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
    files = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        default=list,
        help_text=_("Files attached to the answer (multipart only)."),
    )


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


# --- The manager's dashboard (backoffice.selectors) -------------------------------------


class DashboardQuerySerializer(serializers.Serializer):
    """The dashboard's filters, as on the page; an unknown value is refused (400)."""

    programme = NamedChoiceField(enum_name="Programme", choices=Programme.choices, required=False)
    business_type = serializers.CharField(
        required=False, max_length=20, help_text=_("A business type's code, such as HWY.")
    )
    country = serializers.RegexField(
        r"^[A-Za-z]{2}$", required=False, help_text=_("Two-letter code, such as CA or US.")
    )
    province = serializers.CharField(
        required=False, max_length=40, help_text=_("Code, such as ON or MI.")
    )
    officer = ScopedPrimaryKeyField(
        model=User,
        selector=_staff_officers,
        required=False,
        help_text=_("Only cases of this officer (user id)."),
    )

    def validate_business_type(self, value: str) -> str:
        if not BusinessType.objects.filter(code=value).exists():
            raise serializers.ValidationError(_("No business type has this code."))
        return value


class DashboardListQuerySerializer(DashboardQuerySerializer):
    """A list's filters, plus the list's own parameters (month; action for decisions)."""

    month = serializers.RegexField(
        r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])$",
        required=False,
        help_text=_("YYYY-MM: the month of the expiring-month and decisions lists."),
    )
    action = serializers.ChoiceField(
        choices=["certify", "deny", "suspend"],
        required=False,
        help_text=_("The decision counted (decisions list)."),
    )


class DashboardFigureSerializer(serializers.Serializer):
    key = serializers.CharField(help_text=_("The list behind the figure."))
    count = serializers.IntegerField()
    list = serializers.CharField(help_text=_("Where the list is, with the same filters."))


class DashboardExpiringSerializer(DashboardFigureSerializer):
    days = serializers.IntegerField()


class DashboardStageSerializer(DashboardFigureSerializer):
    state = NamedChoiceField(enum_name="ApplicationState", choices=Application.State.choices)
    # A declared field (the metaclass moves it into _declared_fields), not Field.label.
    label = serializers.CharField()  # type: ignore[assignment]
    oldest_days = serializers.IntegerField(allow_null=True)
    median_days = serializers.IntegerField(allow_null=True)


class DashboardWorkloadSerializer(serializers.Serializer):
    officer = serializers.IntegerField(source="officer.pk")
    officer_name = serializers.SerializerMethodField()
    cells = DashboardFigureSerializer(many=True)
    total = serializers.IntegerField()

    def get_officer_name(self, row: dict[str, Any]) -> str:
        return row["officer"].full_name or row["officer"].email


class DashboardMonthSerializer(DashboardFigureSerializer):
    month = serializers.DateField()


class DashboardSeriesSerializer(serializers.Serializer):
    action = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field, see above
    values = DashboardMonthSerializer(many=True)


class DashboardDecisionsSerializer(serializers.Serializer):
    months = serializers.ListField(child=serializers.DateField())
    series = DashboardSeriesSerializer(many=True)


@extend_schema_serializer(many=False)  # the figures: one object, not a page of them
class DashboardSerializer(serializers.Serializer):
    today = serializers.DateField()
    expiring = DashboardExpiringSerializer(many=True)
    lapsed = DashboardFigureSerializer()
    revalidations_overdue = DashboardFigureSerializer()
    revalidations_not_started = DashboardFigureSerializer()
    plans_overdue = DashboardFigureSerializer()
    plans_due_soon = DashboardFigureSerializer()
    pipeline = DashboardStageSerializer(many=True)
    workload = DashboardWorkloadSerializer(many=True)
    decisions = DashboardDecisionsSerializer()
    expiries = DashboardMonthSerializer(many=True)


def _officer_name(user: User | None) -> str | None:
    return (user.full_name or user.email) if user is not None else None


class _CompanyColumns(serializers.Serializer):
    company = serializers.IntegerField(source="company_id")
    company_name = serializers.CharField(source="company.legal_name")
    province = serializers.CharField(source="company.province")
    country = serializers.CharField(source="company.country")


class DashboardMembershipRowSerializer(_CompanyColumns):
    kind = ConstantField(value="memberships", enum_name="DashboardMembershipRowKind")
    id = serializers.IntegerField()
    member_number = serializers.CharField()
    programme = NamedChoiceField(enum_name="Programme", choices=Programme.choices)
    state = NamedChoiceField(enum_name="MembershipState", choices=Membership.State.choices)
    expires_on = serializers.DateField()
    assigned_officer = serializers.IntegerField(source="assigned_officer_id", allow_null=True)
    assigned_officer_name = serializers.SerializerMethodField()

    def get_assigned_officer_name(self, row: Membership) -> str | None:
        return _officer_name(row.assigned_officer)


class DashboardRevalidationRowSerializer(_CompanyColumns):
    kind = ConstantField(value="revalidations", enum_name="DashboardRevalidationRowKind")
    id = serializers.IntegerField()
    membership = serializers.IntegerField(source="membership_id")
    member_number = serializers.CharField(source="membership.member_number")
    programme = NamedChoiceField(
        enum_name="Programme", source="membership.programme", choices=Programme.choices
    )
    state = NamedChoiceField(enum_name="RevalidationState", choices=RevalidationCycle.State.choices)
    opened_on = serializers.DateField()
    due_on = serializers.DateField()
    assigned_officer = serializers.IntegerField(
        source="membership.assigned_officer_id", allow_null=True
    )
    assigned_officer_name = serializers.SerializerMethodField()

    def get_assigned_officer_name(self, row: RevalidationCycle) -> str | None:
        return _officer_name(row.membership.assigned_officer)


class DashboardPlanRowSerializer(_CompanyColumns):
    kind = ConstantField(value="plans", enum_name="DashboardPlanRowKind")
    id = serializers.IntegerField()
    membership = serializers.IntegerField(source="membership_id", allow_null=True)
    member_number = serializers.SerializerMethodField()
    state = NamedChoiceField(enum_name="ActionPlanState", choices=ActionPlan.State.choices)
    issued_on = serializers.DateField()
    deadline = serializers.DateField()
    assigned_officer = serializers.SerializerMethodField()
    assigned_officer_name = serializers.SerializerMethodField()

    def get_member_number(self, row: ActionPlan) -> str | None:
        return row.membership.member_number if row.membership else None

    def get_assigned_officer(self, row: ActionPlan) -> int | None:
        return row.membership.assigned_officer_id if row.membership else None

    def get_assigned_officer_name(self, row: ActionPlan) -> str | None:
        return _officer_name(row.membership.assigned_officer) if row.membership else None


class DashboardApplicationRowSerializer(_CompanyColumns):
    kind = ConstantField(value="applications", enum_name="DashboardApplicationRowKind")
    id = serializers.IntegerField()
    reference = serializers.CharField()
    programme = NamedChoiceField(
        enum_name="ApplicationProgramme", choices=Application.ProgrammeChoice.choices
    )
    state = NamedChoiceField(enum_name="ApplicationState", choices=Application.State.choices)
    # None on an application added in the admin (the services always set it).
    state_changed_at = serializers.DateTimeField(allow_null=True)
    days_in_state = serializers.SerializerMethodField()
    assigned_officer = serializers.IntegerField(source="assigned_officer_id", allow_null=True)
    assigned_officer_name = serializers.SerializerMethodField()

    def get_days_in_state(self, row: Application) -> int | None:
        from django.utils import timezone

        if row.state_changed_at is None:
            return None
        return (timezone.now() - row.state_changed_at).days

    def get_assigned_officer_name(self, row: Application) -> str | None:
        return _officer_name(row.assigned_officer)


class DashboardDecisionRowSerializer(serializers.Serializer):
    kind = ConstantField(value="decisions", enum_name="DashboardDecisionRowKind")
    id = serializers.IntegerField()
    occurred_at = serializers.DateTimeField()
    action = serializers.CharField()
    object_type = serializers.SerializerMethodField()
    object_id = serializers.IntegerField()
    object_repr = serializers.CharField()
    actor = serializers.SerializerMethodField()
    note = serializers.CharField()

    def get_object_type(self, row: AuditEvent) -> str:
        from django.contrib.contenttypes.models import ContentType

        return ContentType.objects.get_for_id(row.content_type_id).model

    def get_actor(self, row: AuditEvent) -> str:
        return _officer_name(row.actor) or str(_("System"))


DASHBOARD_ROWS: dict[str, type[serializers.Serializer]] = {
    "memberships": DashboardMembershipRowSerializer,
    "revalidations": DashboardRevalidationRowSerializer,
    "plans": DashboardPlanRowSerializer,
    "applications": DashboardApplicationRowSerializer,
    "decisions": DashboardDecisionRowSerializer,
}


# --- The officer's work queue (validations.selectors.application_queue_rows) -------------


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


# --- Notifications, invitations, finding evidence ---------------------------------------


class NotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    subject = serializers.CharField()
    body = serializers.CharField()
    link = serializers.CharField()
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)


class ReminderSerializer(serializers.Serializer):
    """One row of the reminders' ledger: what it is about, its milestone, and how it went."""

    id = serializers.IntegerField()
    kind = serializers.CharField()
    milestone = serializers.CharField()
    due_on = serializers.DateField(allow_null=True)
    about = serializers.SerializerMethodField(help_text=_("The object reminded of: its model."))
    object_id = serializers.IntegerField()
    status = serializers.CharField()
    attempts = serializers.IntegerField()
    last_error = serializers.CharField()
    recipients = serializers.SerializerMethodField(help_text=_("How many people it is for."))
    delivered = serializers.SerializerMethodField(help_text=_("How many were e-mailed."))
    created_at = serializers.DateTimeField()
    sent_at = serializers.DateTimeField(allow_null=True)

    def get_about(self, reminder: Any) -> str:
        return str(reminder.content_type.model)

    def get_recipients(self, reminder: Any) -> int:
        return len(reminder.recipient_ids or [])

    def get_delivered(self, reminder: Any) -> int:
        return len(reminder.delivered_to or [])


class ReminderQuerySerializer(serializers.Serializer):
    """The staff page's filters: status (sent and failed unless chosen), kind, and the
    agency dates it was recorded between."""

    status = serializers.ChoiceField(choices=Reminder.Status.choices, required=False)
    kind = serializers.ChoiceField(choices=ReminderKind.choices, required=False)
    recorded_from = serializers.DateField(required=False)
    recorded_to = serializers.DateField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs.get("recorded_from"), attrs.get("recorded_to")
        if start and end and end < start:
            raise serializers.ValidationError(
                {"recorded_to": _("The end date is before the start date.")}
            )
        return attrs


class NotificationQuerySerializer(serializers.Serializer):
    unread = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text=_("Only the unread ones.")
    )


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField()


class MarkedReadSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text=_("How many notifications were marked read."))
    unread = serializers.IntegerField(help_text=_("How many are still unread."))


class InvitationSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    full_name = serializers.CharField(max_length=200)
    company_role = NamedChoiceField(
        enum_name="CompanyRole",
        choices=CompanyUser.CompanyRole.choices,
        required=False,
        default=CompanyUser.CompanyRole.CONTRIBUTOR,
    )
    preferred_language = serializers.ChoiceField(
        choices=["en", "fr"],
        required=False,
        help_text=_(
            "The language of the invitation and of the new account's pages (default: the "
            "inviter's). An existing account keeps its own."
        ),
    )


# --- Action plans, measure by measure ---------------------------------------------------


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


# --- Registration (the portal's registration page, for machine clients) -----------------


class RegisterSerializer(serializers.Serializer):
    """The shape of the input only: the account service checks the rest (the address is
    free, the password passes the validators) exactly as for the portal's page."""

    email = serializers.EmailField(
        max_length=254, help_text=_("You will sign in with this address.")
    )
    full_name = serializers.CharField(max_length=200)
    password = serializers.CharField(
        max_length=128,
        trim_whitespace=False,
        write_only=True,
        style={"input_type": "password"},
        help_text=_("At least 8 characters; not a common password, not only digits."),
    )
    preferred_language = serializers.ChoiceField(
        choices=["en", "fr"],
        required=False,
        help_text=_(
            "The language of the e-mails we send (default: the request's language, from "
            "Accept-Language)."
        ),
    )


class RegisteredSerializer(serializers.Serializer):
    email = serializers.EmailField(help_text=_("The address the verification link was sent to."))
    message = serializers.CharField()


class VerifyEmailSerializer(serializers.Serializer):
    uid = serializers.CharField(
        max_length=64, help_text=_("The first part of the e-mailed link (after verify/).")
    )
    token = serializers.CharField(max_length=128, help_text=_("The second part of the link."))


class MessageSerializer(serializers.Serializer):
    message = serializers.CharField()

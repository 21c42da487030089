"""Companies, their sites and users, the requirement catalogues, applications, security
profiles and memberships."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from core.dates import APPEAL_WINDOW_DAYS, agency_today
from core.files import upload_name
from core.models import StoredFile, TimeStampedModel

business_number_validator = RegexValidator(
    r"^\d{9}([A-Z]{2}\d{4})?$",
    _(
        "Enter a business number of 9 digits, optionally followed by a programme account "
        "such as RM0001 (for example 123456789 or 123456789RM0001)."
    ),
)
country_code_validator = RegexValidator(
    r"^[A-Z]{2}$", _("Enter a two-letter ISO country code, such as CA or US.")
)


class Programme(models.TextChoices):
    PIP = "PIP", _("Partners in Protection")
    CSA = "CSA", _("Customs Self-Assessment")


class BusinessType(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_fr = models.CharField(_("name (French)"), max_length=100)

    class Meta:
        verbose_name = _("business type")
        verbose_name_plural = _("business types")
        ordering = ["code"]

    def __str__(self) -> str:
        from django.utils.translation import get_language

        return self.name_fr if (get_language() or "en").startswith("fr") else self.name_en


class Company(TimeStampedModel):
    SCOPE_COMPANY_FIELD = "pk"

    legal_name = models.CharField(_("legal name"), max_length=200)
    operating_name = models.CharField(_("operating name"), max_length=200, blank=True)
    business_number = models.CharField(
        _("business number"),
        max_length=15,
        unique=True,
        validators=[business_number_validator],
        help_text=_("9 digits, optionally with a programme account such as RM0001."),
    )
    country = models.CharField(
        _("country of residence"), max_length=2, default="CA", validators=[country_code_validator]
    )
    province = models.CharField(_("province or state"), max_length=40, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=12, blank=True)
    phone = models.CharField(_("telephone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    business_types = models.ManyToManyField(
        BusinessType, verbose_name=_("business types"), related_name="companies", blank=True
    )
    mra_sharing_consent = models.BooleanField(
        _("consents to share membership status with partner administrations"), default=False
    )

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["legal_name"]

    def __str__(self) -> str:
        return self.operating_name or self.legal_name

    @property
    def company_id(self) -> int:
        return self.pk


def business_types_key(type_ids: Iterable[int]) -> str:
    """A company's business types as copied onto the rows the dashboard counts: the type ids,
    sorted, each between bars (``|3|7|``), so that one type is the test ``contains="|3|"``;
    empty when the company has none."""
    ids = sorted(set(type_ids))
    return "".join(f"|{i}" for i in ids) + "|" if ids else ""


# The fields of CompanyCopy, each with the company's field it copies (None: the business types).
COMPANY_COPY_FIELDS = {
    "company_business_types": None,
    "company_country": "country",
    "company_province": "province",
}


# The columns the dashboard's filters test on applications and memberships (the copies, the
# programme, the officer), included in the indexes its figures read.
COVERING_FILTERS = [
    "company_business_types",
    "company_country",
    "company_province",
    "programme",
    "assigned_officer",
]


class CompanyCopy(models.Model):
    """A copy of the company's business types and place (country, province or state) on a
    row that the manager's dashboard counts (applications and memberships; revalidation
    cycles and action plans read their membership's), so that filtering the figures by a
    business type or a place is a test on each row read rather than a join on every company
    of the type or place (61% of the companies for the most common type, 40% for Ontario).

    Derived data owned by ``traders.reporting``: set by the services that create the row,
    rewritten by the services that change the company, rebuilt by ``manage.py
    reporting_rebuild`` and checked by ``manage.py reporting_check``. A plain save of an
    existing row never writes the copy, so a row loaded before a change cannot put the old
    values back."""

    company_business_types = models.CharField(
        _("company's business types"), max_length=200, blank=True, default="", editable=False
    )
    company_country = models.CharField(
        _("company's country"), max_length=2, blank=True, default="", editable=False
    )
    company_province = models.CharField(
        _("company's province or state"), max_length=40, blank=True, default="", editable=False
    )

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding and kwargs.get("update_fields") is None:
            deferred = self.get_deferred_fields()
            kwargs["update_fields"] = [
                f.attname
                for f in self._meta.concrete_fields
                if not f.primary_key
                and f.attname not in deferred
                and f.name not in COMPANY_COPY_FIELDS
            ]
        super().save(*args, **kwargs)


class Site(TimeStampedModel):
    SCOPE_COMPANY_FIELD = "company"

    class Kind(models.TextChoices):
        OFFICE = "office", _("Office")
        WAREHOUSE = "warehouse", _("Warehouse")
        TERMINAL = "terminal", _("Terminal or yard")
        PLANT = "plant", _("Manufacturing plant")
        OTHER = "other", _("Other")

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.CASCADE, related_name="sites"
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OFFICE)
    street_address = models.CharField(_("street address"), max_length=200)
    city = models.CharField(_("city"), max_length=100)
    province = models.CharField(_("province or state"), max_length=40, blank=True)
    country = models.CharField(
        _("country"), max_length=2, default="CA", validators=[country_code_validator]
    )
    postal_code = models.CharField(_("postal code"), max_length=12, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["company", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.city})"


class CompanyUser(TimeStampedModel):
    SCOPE_COMPANY_FIELD = "company"

    class CompanyRole(models.TextChoices):
        SIGNING_AUTHORITY = "signing_authority", _("Signing authority")
        CONTRIBUTOR = "contributor", _("Contributor")

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.CASCADE, related_name="user_links"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="company_links",
    )
    company_role = models.CharField(
        _("company role"),
        max_length=30,
        choices=CompanyRole.choices,
        default=CompanyRole.CONTRIBUTOR,
    )

    class Meta:
        verbose_name = _("company user")
        verbose_name_plural = _("company users")
        constraints = [
            models.UniqueConstraint(fields=["company", "user"], name="company_user_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.company} ({self.get_company_role_display()})"


# --- Requirement catalogues -------------------------------------------------------------


class CtpatCategory(models.TextChoices):
    SECURITY_VISION = "security_vision", _("Security Vision & Responsibility")
    RISK_ASSESSMENT = "risk_assessment", _("Risk Assessment")
    BUSINESS_PARTNERS = "business_partners", _("Business Partners")
    CYBERSECURITY = "cybersecurity", _("Cybersecurity")
    CONVEYANCE_IIT = "conveyance_iit", _("Conveyance & Instruments of International Traffic")
    SEAL_SECURITY = "seal_security", _("Seal Security")
    PROCEDURAL_SECURITY = "procedural_security", _("Procedural Security")
    AGRICULTURAL_SECURITY = "agricultural_security", _("Agricultural Security")
    PHYSICAL_SECURITY = "physical_security", _("Physical Security")
    PHYSICAL_ACCESS = "physical_access", _("Physical Access Controls")
    PERSONNEL_SECURITY = "personnel_security", _("Personnel Security")
    EDUCATION_TRAINING = "education_training", _("Education, Training & Awareness")


class WcoCondition(models.TextChoices):
    CUSTOMS_COMPLIANCE = (
        "customs_compliance",
        _("Demonstrated compliance with customs requirements"),
    )
    RECORDS_MANAGEMENT = "records_management", _("Satisfactory system for commercial records")
    FINANCIAL_VIABILITY = "financial_viability", _("Financial viability")
    CONSULTATION = "consultation", _("Consultation, co-operation and communication")
    EDUCATION_TRAINING = "education_training", _("Education, training and awareness")
    INFORMATION_EXCHANGE = (
        "information_exchange",
        _("Information exchange, access and confidentiality"),
    )
    CARGO_SECURITY = "cargo_security", _("Cargo security")
    CONVEYANCE_SECURITY = "conveyance_security", _("Conveyance security")
    PREMISES_SECURITY = "premises_security", _("Premises security")
    PERSONNEL_SECURITY = "personnel_security", _("Personnel security")
    TRADING_PARTNER_SECURITY = "trading_partner_security", _("Trading partner security")
    CRISIS_MANAGEMENT = "crisis_management", _("Crisis management and incident recovery")
    MEASUREMENT_IMPROVEMENT = "measurement_improvement", _("Measurement, analysis and improvement")


class CatalogueVersion(TimeStampedModel):
    """One published version of a programme's requirements. Never edited once published."""

    programme = models.CharField(_("programme"), max_length=3, choices=Programme.choices)
    version = models.CharField(_("version"), max_length=20)
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_fr = models.CharField(_("title (French)"), max_length=200)
    effective_from = models.DateField(_("in force from"))

    class Meta:
        verbose_name = _("catalogue version")
        verbose_name_plural = _("catalogue versions")
        ordering = ["programme", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "version"], name="catalogue_unique")
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.version}"


class RequirementArea(models.Model):
    catalogue = models.ForeignKey(
        CatalogueVersion,
        verbose_name=_("catalogue"),
        on_delete=models.PROTECT,
        related_name="areas",
    )
    code = models.CharField(_("code"), max_length=10)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("requirement area")
        verbose_name_plural = _("requirement areas")
        ordering = ["catalogue", "order"]
        constraints = [
            models.UniqueConstraint(fields=["catalogue", "code"], name="area_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        from django.utils.translation import get_language

        return self.name_fr if (get_language() or "en").startswith("fr") else self.name_en


class Requirement(models.Model):
    class Level(models.TextChoices):
        MUST = "must", _("Must")
        SHOULD = "should", _("Should")

    area = models.ForeignKey(
        RequirementArea,
        verbose_name=_("area"),
        on_delete=models.PROTECT,
        related_name="requirements",
    )
    code = models.CharField(_("code"), max_length=20)
    text_en = models.TextField(_("text (English)"))
    text_fr = models.TextField(_("text (French)"))
    level = models.CharField(_("level"), max_length=6, choices=Level.choices)
    evidence_required = models.BooleanField(_("evidence required"), default=False)
    ctpat_category = models.CharField(
        _("C-TPAT MSC category"), max_length=30, choices=CtpatCategory.choices
    )
    wco_condition = models.CharField(
        _("WCO SAFE condition"), max_length=30, choices=WcoCondition.choices
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")
        ordering = ["area__order", "order"]
        constraints = [
            models.UniqueConstraint(fields=["area", "code"], name="requirement_code_unique")
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def text(self) -> str:
        from django.utils.translation import get_language

        return self.text_fr if (get_language() or "en").startswith("fr") else self.text_en

    @property
    def is_mandatory(self) -> bool:
        return self.level == self.Level.MUST


# --- Security profiles ------------------------------------------------------------------


class SecurityProfile(TimeStampedModel):
    """A company's answers to one catalogue version (for an application or a revalidation)."""

    SCOPE_COMPANY_FIELD = "company"

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.CASCADE, related_name="profiles"
    )
    catalogue = models.ForeignKey(
        CatalogueVersion, verbose_name=_("catalogue"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(
        _("submitted"),
        null=True,
        blank=True,
        help_text=_("Once submitted, the answers are frozen; a new version starts from a copy."),
    )
    confirmed_on = models.DateField(_("last confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("security profile")
        verbose_name_plural = _("security profiles")

    def __str__(self) -> str:
        return f"{self.company} / {self.catalogue}"


class ProfileAnswer(TimeStampedModel):
    SCOPE_COMPANY_FIELD = "profile__company"

    class Implementation(models.TextChoices):
        IMPLEMENTED = "implemented", _("Implemented")
        PARTIAL = "partial", _("Partially implemented")
        PLANNED = "planned", _("Planned")
        NOT_APPLICABLE = "not_applicable", _("Not applicable")

    profile = models.ForeignKey(
        SecurityProfile, verbose_name=_("profile"), on_delete=models.CASCADE, related_name="answers"
    )
    requirement = models.ForeignKey(
        Requirement, verbose_name=_("requirement"), on_delete=models.PROTECT, related_name="+"
    )
    implementation = models.CharField(
        _("implementation"), max_length=20, choices=Implementation.choices
    )
    description = models.TextField(_("how the company meets it"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("profile answer")
        verbose_name_plural = _("profile answers")
        constraints = [
            models.UniqueConstraint(fields=["profile", "requirement"], name="answer_unique")
        ]

    def __str__(self) -> str:
        return f"{self.requirement.code}: {self.get_implementation_display()}"


def evidence_upload_to(instance: EvidenceFile, filename: str) -> str:
    return upload_name(
        folder="evidence", company_id=instance.answer.profile.company_id, filename=filename
    )


class EvidenceFile(StoredFile):
    SCOPE_COMPANY_FIELD = "answer__profile__company"

    answer = models.ForeignKey(
        ProfileAnswer, verbose_name=_("answer"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("file"), upload_to=evidence_upload_to, max_length=300)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")


# --- Applications -----------------------------------------------------------------------


class Application(ConcurrentTransitionMixin, CompanyCopy, TimeStampedModel):
    SCOPE_COMPANY_FIELD = "company"

    class ProgrammeChoice(models.TextChoices):
        PIP = "PIP", _("Partners in Protection")
        CSA = "CSA", _("Customs Self-Assessment")
        BOTH = "PIP+CSA", _("Partners in Protection and Customs Self-Assessment")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        UNDER_REVIEW = "under_review", _("Under review")
        INFO_REQUESTED = "info_requested", _("Information requested")
        ELIGIBLE = "eligible", _("Eligible")
        INELIGIBLE = "ineligible", _("Ineligible")
        VALIDATION_SCHEDULED = "validation_scheduled", _("Site validation scheduled")
        VALIDATED = "validated", _("Validated")
        CERTIFIED = "certified", _("Certified")
        DENIED = "denied", _("Denied")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    BEFORE_DECISION = [
        State.DRAFT,
        State.SUBMITTED,
        State.UNDER_REVIEW,
        State.INFO_REQUESTED,
        State.ELIGIBLE,
        State.VALIDATION_SCHEDULED,
        State.VALIDATED,
    ]

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="applications"
    )
    programme = models.CharField(
        _("programmes"), max_length=7, choices=ProgrammeChoice.choices, default=ProgrammeChoice.PIP
    )
    harmonized_ctpat = models.BooleanField(_("harmonized with C-TPAT"), default=False)
    sites = models.ManyToManyField(
        Site, verbose_name=_("sites in scope"), related_name="+", blank=True
    )
    profile = models.OneToOneField(
        SecurityProfile,
        verbose_name=_("security profile"),
        on_delete=models.PROTECT,
        related_name="application",
    )
    state = FSMField(
        _("state"), default=State.DRAFT, choices=State.choices, protected=True, db_index=True
    )
    state_changed_at = models.DateTimeField(_("in this state since"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned officer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_applications",
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_reason = models.TextField(_("reasons for the decision"), blank=True)
    # The start form's one-time token: a second submission of the same form finds the draft
    # the first one created (traders.services.application_create_once). Unique, so the rule
    # holds on every database and under concurrent requests; empty for other creators.
    start_token = models.CharField(
        max_length=64, null=True, blank=True, unique=True, editable=False
    )

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at"]
        indexes = [
            # The pipeline (per stage: count, oldest, median) and the workload of
            # applications in progress per officer, from the indexes alone, filtered or not.
            models.Index(
                fields=["state", "state_changed_at"],
                name="application_state_since",
                include=COVERING_FILTERS,
            ),
            models.Index(
                fields=["state", "assigned_officer"],
                name="application_state_officer",
                include=COVERING_FILTERS,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.company}"

    @property
    def programmes(self) -> list[str]:
        return self.programme.split("+")

    @property
    def catalogue(self) -> CatalogueVersion:
        return self.profile.catalogue

    @transition(field=state, source=State.DRAFT, target=State.SUBMITTED)
    def submit(self, *, when: dt.datetime) -> None:
        self.submitted_at = when

    @transition(field=state, source=State.SUBMITTED, target=State.UNDER_REVIEW)
    def start_review(self, *, officer: Any) -> None:
        if self.assigned_officer_id is None:
            self.assigned_officer = officer

    @transition(field=state, source=State.UNDER_REVIEW, target=State.INFO_REQUESTED)
    def request_info(self) -> None:
        pass

    @transition(field=state, source=State.INFO_REQUESTED, target=State.UNDER_REVIEW)
    def answer_info(self) -> None:
        pass

    @transition(field=state, source=State.UNDER_REVIEW, target=State.ELIGIBLE)
    def mark_eligible(self) -> None:
        pass

    @transition(field=state, source=State.UNDER_REVIEW, target=State.INELIGIBLE)
    def mark_ineligible(self, *, reasons: str, when: dt.datetime) -> None:
        self.decision_reason = reasons
        self.decided_at = when

    @transition(field=state, source=State.ELIGIBLE, target=State.VALIDATION_SCHEDULED)
    def schedule_validation(self) -> None:
        pass

    @transition(field=state, source=State.VALIDATION_SCHEDULED, target=State.ELIGIBLE)
    def unschedule_validation(self) -> None:
        pass

    @transition(field=state, source=State.VALIDATION_SCHEDULED, target=State.VALIDATED)
    def record_validation(self) -> None:
        pass

    @transition(field=state, source=State.VALIDATED, target=State.CERTIFIED)
    def certify(self, *, when: dt.datetime) -> None:
        self.decided_at = when

    @transition(field=state, source=State.VALIDATED, target=State.DENIED)
    def deny(self, *, reasons: str, when: dt.datetime) -> None:
        self.decision_reason = reasons
        self.decided_at = when

    @transition(field=state, source=BEFORE_DECISION, target=State.WITHDRAWN)
    def withdraw(self, *, when: dt.datetime) -> None:
        self.decided_at = when


class InformationRequest(TimeStampedModel):
    """An officer's question to the trader, with a deadline, and the trader's answer."""

    SCOPE_COMPANY_FIELD = "company"

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.CASCADE, related_name="+"
    )
    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="information_requests",
    )
    message = models.TextField(_("message"))
    deadline = models.DateField(_("deadline"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    response = models.TextField(_("response"), blank=True)
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("information request")
        verbose_name_plural = _("information requests")
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["deadline"],
                name="inforeq_open_deadline",
                condition=models.Q(responded_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.application.reference}: {self.deadline}"

    @property
    def is_open(self) -> bool:
        return self.responded_at is None


def information_file_upload_to(instance: InformationAnswerFile, filename: str) -> str:
    return upload_name(
        folder="information", company_id=instance.information_request.company_id, filename=filename
    )


class InformationAnswerFile(StoredFile):
    """A file the trader attached to the answer to an information request. Same rules as an
    evidence file: checked against its extension, stored outside the web root under a
    random name, served only by views that check the caller's scope."""

    SCOPE_COMPANY_FIELD = "information_request__company"

    information_request = models.ForeignKey(
        InformationRequest,
        verbose_name=_("information request"),
        on_delete=models.CASCADE,
        related_name="files",
    )
    file = models.FileField(_("file"), upload_to=information_file_upload_to, max_length=300)

    class Meta:
        verbose_name = _("file attached to an answer")
        verbose_name_plural = _("files attached to answers")
        ordering = ["uploaded_at", "pk"]


# --- Memberships ------------------------------------------------------------------------


class ProtectedDates(Exception):
    pass


class MembershipQuerySet(models.QuerySet["Membership"]):
    """Bulk writes may not touch the protected dates either."""

    def update(self, **kwargs: Any) -> int:
        if set(kwargs) & set(Membership.PROTECTED_DATE_FIELDS):
            raise ProtectedDates(
                "certified_on and expires_on change only through certification or renewal."
            )
        return super().update(**kwargs)

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        if set(fields) & set(Membership.PROTECTED_DATE_FIELDS):
            raise ProtectedDates(
                "certified_on and expires_on change only through certification or renewal."
            )
        return super().bulk_update(objs, fields, batch_size=batch_size)


class Membership(ConcurrentTransitionMixin, CompanyCopy, TimeStampedModel):
    """A certified member of one programme. ``certified_on`` and ``expires_on`` are legal
    facts: they are written at certification and moved only by a renewal (the model refuses
    any other change to them)."""

    SCOPE_COMPANY_FIELD = "company"
    PROTECTED_DATE_FIELDS = ("certified_on", "expires_on")

    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        CANCELLED = "cancelled", _("Cancelled")
        LAPSED = "lapsed", _("Lapsed")
        APPEALED = "appealed", _("Under appeal")
        UPHELD = "upheld", _("Cancellation upheld")

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="memberships"
    )
    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    programme = models.CharField(_("programme"), max_length=3, choices=Programme.choices)
    member_number = models.CharField(_("member number"), max_length=20, unique=True)
    certified_on = models.DateField(_("certified on"))
    expires_on = models.DateField(_("expires on"))
    last_renewed_on = models.DateField(_("last renewed on"), null=True, blank=True)
    cancelled_on = models.DateField(_("cancelled on"), null=True, blank=True)
    assigned_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned officer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_memberships",
    )
    state = FSMField(
        _("state"), default=State.ACTIVE, choices=State.choices, protected=True, db_index=True
    )
    state_changed_at = models.DateTimeField(_("in this state since"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["expires_on"]
        indexes = [
            models.Index(
                fields=["expires_on"],
                name="membership_active_expiry",
                condition=models.Q(state="active"),
                # What the dashboard's filters test, so that filtered it still reads the
                # index alone.
                include=COVERING_FILTERS,
            ),
            models.Index(fields=["state", "expires_on"], name="membership_state_expiry"),
        ]

    def __str__(self) -> str:
        return f"{self.member_number} {self.company}"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Set before Django's __init__: django-fsm may refresh the instance while it is built.
        self._dates_as_loaded: tuple[Any, ...] = (None, None)
        self._dates_change_allowed = False
        super().__init__(*args, **kwargs)
        self._dates_as_loaded = self._current_dates()

    def save(self, *args: Any, **kwargs: Any) -> None:
        if (
            not self._state.adding
            and not self._dates_change_allowed
            and self._current_dates() != self._dates_as_loaded
        ):
            raise ProtectedDates(
                "certified_on and expires_on change only through certification or renewal."
            )
        super().save(*args, **kwargs)
        self._dates_as_loaded = self._current_dates()
        self._dates_change_allowed = False

    def _current_dates(self) -> tuple[Any, ...]:
        # __dict__, not getattr: reading a deferred field would load it (and recurse).
        return tuple(self.__dict__.get(f) for f in self.PROTECTED_DATE_FIELDS)

    def refresh_from_db(
        self, using: str | None = None, fields: Any = None, from_queryset: Any = None
    ) -> None:
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
        # Only the dates actually reloaded become the new baseline: an unsaved change to a
        # date that was not reloaded is still refused on save.
        reloaded = set(self.PROTECTED_DATE_FIELDS if fields is None else fields)
        self._dates_as_loaded = tuple(
            self.__dict__.get(f) if f in reloaded else loaded
            for f, loaded in zip(self.PROTECTED_DATE_FIELDS, self._dates_as_loaded, strict=True)
        )

    def appeal_window_open(self) -> bool:
        return (
            self.cancelled_on is not None
            and (agency_today() - self.cancelled_on).days <= APPEAL_WINDOW_DAYS
        )

    @transition(field=state, source=State.ACTIVE, target=State.SUSPENDED)
    def suspend(self) -> None:
        pass

    @transition(field=state, source=State.SUSPENDED, target=State.ACTIVE)
    def reinstate(self) -> None:
        pass

    @transition(field=state, source=[State.ACTIVE, State.SUSPENDED], target=State.CANCELLED)
    def cancel(self, *, on: dt.date) -> None:
        self.cancelled_on = on

    @transition(field=state, source=[State.ACTIVE, State.SUSPENDED], target=State.LAPSED)
    def lapse(self) -> None:
        pass

    @transition(
        field=state,
        source=State.CANCELLED,
        target=State.APPEALED,
        conditions=[appeal_window_open],  # type: ignore[list-item]  # django-fsm types conditions over Model
    )
    def appeal(self) -> None:
        pass

    @transition(field=state, source=State.APPEALED, target=State.ACTIVE)
    def allow_appeal(self) -> None:
        self.cancelled_on = None

    @transition(field=state, source=State.APPEALED, target=State.UPHELD)
    def uphold_cancellation(self) -> None:
        pass

    @transition(field=state, source=State.ACTIVE, target=State.ACTIVE)
    def renew(self, *, on: dt.date, new_expiry: dt.date) -> None:
        self._dates_change_allowed = True
        self.expires_on = new_expiry
        self.last_renewed_on = on


class ChangeNotice(ConcurrentTransitionMixin, TimeStampedModel):
    """A member's report of a substantive business change."""

    SCOPE_COMPANY_FIELD = "company"

    class Kind(models.TextChoices):
        STRUCTURE = "structure", _("Corporate structure")
        LOCATIONS = "locations", _("Office or site locations")
        PRACTICES = "practices", _("Business practices")
        SECURITY = "security", _("Security measures")
        CONTACTS = "contacts", _("Contact information")

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        FOLLOW_UP = "follow_up", _("Follow-up opened")

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.CASCADE, related_name="change_notices"
    )
    membership = models.ForeignKey(
        Membership,
        verbose_name=_("membership"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="change_notices",
    )
    kind = models.CharField(_("kind of change"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("description"))
    effective_on = models.DateField(_("effective on"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = FSMField(_("state"), default=State.SUBMITTED, choices=State.choices, protected=True)
    follow_up = models.CharField(_("follow-up"), max_length=30, blank=True)
    officer_note = models.TextField(_("officer's note"), blank=True)

    class Meta:
        verbose_name = _("change notice")
        verbose_name_plural = _("change notices")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.company}: {self.get_kind_display()} ({self.effective_on})"

    @transition(field=state, source=State.SUBMITTED, target=State.ACKNOWLEDGED)
    def acknowledge(self, *, note: str) -> None:
        self.officer_note = note

    @transition(field=state, source=State.SUBMITTED, target=State.FOLLOW_UP)
    def open_follow_up(self, *, follow_up: str, note: str) -> None:
        self.follow_up = follow_up
        self.officer_note = note


# --- Membership certificates ------------------------------------------------------------


def certificate_upload_to(instance: MembershipCertificate, filename: str) -> str:
    import uuid

    membership = instance.membership
    return (
        f"certificates/{membership.company_id}/"
        f"{membership.member_number}-{instance.expires_on.isoformat()}-{uuid.uuid4().hex[:12]}.pdf"
    )


class MembershipCertificate(models.Model):
    """The bilingual certificate PDF issued at certification and at each renewal, stored
    through the default storage (outside the web root; served only by a scoped view).
    One per membership, reason and validity (``expires_on``): issuing twice is a no-op."""

    SCOPE_COMPANY_FIELD = "membership__company"

    class Reason(models.TextChoices):
        CERTIFICATION = "certification", _("Certification")
        RENEWAL = "renewal", _("Renewal")

    membership = models.ForeignKey(
        Membership,
        verbose_name=_("membership"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    file = models.FileField(_("file"), upload_to=certificate_upload_to, max_length=300)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    generated_on = models.DateField(_("generated on"))
    expires_on = models.DateField(_("valid until"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership certificate")
        verbose_name_plural = _("membership certificates")
        ordering = ["-expires_on", "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "reason", "expires_on"], name="certificate_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.membership.member_number} {self.get_reason_display()} ({self.expires_on})"

    @property
    def filename(self) -> str:
        """The name a person downloads it as."""
        return f"certificate-{self.membership.member_number}-{self.expires_on.isoformat()}.pdf"

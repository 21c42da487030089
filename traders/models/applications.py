"""Applications and the information requests made on them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from core.files import upload_name
from core.models import StoredFile, TimeStampedModel

from .catalogues import CatalogueVersion
from .companies import COVERING_FILTERS, Company, CompanyCopy, Site
from .profiles import SecurityProfile


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
    # The declaration the signing authority made on submitting: who, when, and which
    # version of its wording (traders.declarations).
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("declared by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    declared_at = models.DateTimeField(_("declared"), null=True, blank=True)
    declaration_version = models.CharField(_("declaration version"), max_length=20, blank=True)
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
    def submit(self, *, when: dt.datetime, declared_by: Any, declaration_version: str) -> None:
        self.submitted_at = when
        self.declared_by = declared_by
        self.declared_at = when
        self.declaration_version = declaration_version

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

"""Site validations and their findings, action plans, and incidents."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from core.dates import agency_today
from core.files import upload_name
from core.models import StoredFile, TimeStampedModel
from traders.models import (
    Application,
    CatalogueVersion,
    ChangeNotice,
    Company,
    Membership,
    Requirement,
    Site,
)


class SiteValidation(ConcurrentTransitionMixin, TimeStampedModel):
    SCOPE_COMPANY_FIELD = "company"

    class Kind(models.TextChoices):
        INITIAL = "initial", _("Initial validation")
        REVALIDATION = "revalidation", _("Revalidation")
        SPOT_CHECK = "spot_check", _("Spot check")
        POST_INCIDENT = "post_incident", _("Post-incident")

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    class Outcome(models.TextChoices):
        MEETS = "meets", _("Meets requirements")
        MEETS_WITH_ACTION_PLAN = (
            "meets_with_action_plan",
            _("Meets requirements with an action plan"),
        )
        DOES_NOT_MEET = "does_not_meet", _("Does not meet requirements")

    company = models.ForeignKey(
        Company,
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        related_name="site_validations",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="site_validations",
    )
    membership = models.ForeignKey(
        Membership,
        verbose_name=_("membership"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="site_validations",
    )
    change_notice = models.ForeignKey(
        ChangeNotice,
        verbose_name=_("from change notice"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="site_validations",
        help_text=_("The member's change notice that this spot check follows up."),
    )
    catalogue = models.ForeignKey(
        CatalogueVersion, verbose_name=_("catalogue"), on_delete=models.PROTECT, related_name="+"
    )
    joint_with_cbp = models.BooleanField(_("joint with CBP"), default=False)
    sites = models.ManyToManyField(Site, verbose_name=_("sites"), related_name="+", blank=True)
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officers"),
        related_name="site_validations",
        blank=True,
    )
    lead_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lead officer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    scheduled_for = models.DateField(_("scheduled for"), db_index=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=30, choices=Outcome.choices, blank=True)
    recommendations = models.TextField(_("recommendations"), blank=True)
    outcome_override_reason = models.TextField(
        _("justification of the outcome"),
        blank=True,
        help_text=_(
            "The officer's written reasons for an outcome that the findings alone do not support."
        ),
    )
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    state = FSMField(
        _("state"), default=State.SCHEDULED, choices=State.choices, protected=True, db_index=True
    )

    class Meta:
        verbose_name = _("site validation")
        verbose_name_plural = _("site validations")
        ordering = ["-scheduled_for"]
        constraints = [
            # An initial validation belongs to an application; every other kind to a membership.
            models.CheckConstraint(
                condition=(
                    models.Q(kind="initial", application__isnull=False, membership__isnull=True)
                    | (
                        ~models.Q(kind="initial")
                        & models.Q(application__isnull=True, membership__isnull=False)
                    )
                ),
                name="sitevalidation_subject_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.company} {self.scheduled_for}"

    @transition(field=state, source=State.SCHEDULED, target=State.IN_PROGRESS)
    def start(self, *, when: dt.datetime) -> None:
        self.started_at = when

    @transition(field=state, source=State.IN_PROGRESS, target=State.COMPLETED)
    def complete(
        self, *, outcome: str, recommendations: str, override_reason: str, when: dt.datetime
    ) -> None:
        self.outcome = outcome
        self.recommendations = recommendations
        self.outcome_override_reason = override_reason
        self.completed_at = when

    @transition(field=state, source=[State.SCHEDULED, State.IN_PROGRESS], target=State.CANCELLED)
    def cancel(self, *, reason: str) -> None:
        self.cancel_reason = reason


class Finding(TimeStampedModel):
    """The officer's finding on one requirement during a site validation."""

    SCOPE_COMPANY_FIELD = "validation__company"

    class Result(models.TextChoices):
        MEETS = "meets", _("Meets")
        PARTIALLY_MEETS = "partially_meets", _("Partially meets")
        DOES_NOT_MEET = "does_not_meet", _("Does not meet")
        NOT_APPLICABLE = "not_applicable", _("Not applicable")

    validation = models.ForeignKey(
        SiteValidation,
        verbose_name=_("site validation"),
        on_delete=models.CASCADE,
        related_name="findings",
    )
    requirement = models.ForeignKey(
        Requirement, verbose_name=_("requirement"), on_delete=models.PROTECT, related_name="+"
    )
    result = models.CharField(_("result"), max_length=20, choices=Result.choices)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        constraints = [
            models.UniqueConstraint(fields=["validation", "requirement"], name="finding_unique")
        ]

    def __str__(self) -> str:
        return f"{self.requirement.code}: {self.get_result_display()}"


def finding_upload_to(instance: FindingEvidence, filename: str) -> str:
    return upload_name(
        folder="findings", company_id=instance.finding.validation.company_id, filename=filename
    )


class FindingEvidence(StoredFile):
    SCOPE_COMPANY_FIELD = "finding__validation__company"

    finding = models.ForeignKey(
        Finding, verbose_name=_("finding"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("file"), upload_to=finding_upload_to, max_length=300)

    class Meta:
        verbose_name = _("finding evidence")
        verbose_name_plural = _("finding evidence")


class Incident(ConcurrentTransitionMixin, TimeStampedModel):
    """A security breach in a member's supply chain, and its post-incident analysis."""

    SCOPE_COMPANY_FIELD = "company"

    class State(models.TextChoices):
        REPORTED = "reported", _("Reported")
        UNDER_ANALYSIS = "under_analysis", _("Under analysis")
        CONCLUDED = "concluded", _("Analysis concluded")

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="incidents"
    )
    membership = models.ForeignKey(
        Membership,
        verbose_name=_("membership"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="incidents",
    )
    occurred_on = models.DateField(_("occurred on"))
    description = models.TextField(_("what happened"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    analyst = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("analysing officer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cause = models.TextField(_("cause"), blank=True)
    mitigating_circumstances = models.TextField(_("mitigating circumstances"), blank=True)
    prevention_strategy = models.TextField(_("strategy to prevent recurrence"), blank=True)
    concluded_at = models.DateTimeField(_("concluded"), null=True, blank=True)
    state = FSMField(_("state"), default=State.REPORTED, choices=State.choices, protected=True)

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-occurred_on"]

    def __str__(self) -> str:
        return f"{self.company} {self.occurred_on}"

    @transition(field=state, source=State.REPORTED, target=State.UNDER_ANALYSIS)
    def start_analysis(self, *, analyst: Any) -> None:
        self.analyst = analyst

    @transition(field=state, source=State.UNDER_ANALYSIS, target=State.CONCLUDED)
    def conclude(
        self,
        *,
        cause: str,
        mitigating_circumstances: str,
        prevention_strategy: str,
        when: dt.datetime,
    ) -> None:
        self.cause = cause
        self.mitigating_circumstances = mitigating_circumstances
        self.prevention_strategy = prevention_strategy
        self.concluded_at = when


class ActionPlan(ConcurrentTransitionMixin, TimeStampedModel):
    """Corrective measures with deadlines, issued after a validation, a spot check or an
    incident. ``deadline`` is the latest item deadline (kept in step by the services)."""

    SCOPE_COMPANY_FIELD = "company"

    class State(models.TextChoices):
        ISSUED = "issued", _("Issued")
        RESPONDED = "responded", _("Responded")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned for more work")
        OVERDUE = "overdue", _("Overdue")
        ESCALATED = "escalated", _("Escalated to a manager")

    OPEN_STATES = [State.ISSUED, State.RETURNED, State.OVERDUE, State.ESCALATED]

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="action_plans"
    )
    membership = models.ForeignKey(
        Membership,
        verbose_name=_("membership"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="action_plans",
    )
    source_validation = models.ForeignKey(
        SiteValidation,
        verbose_name=_("from site validation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="action_plans",
    )
    source_incident = models.ForeignKey(
        Incident,
        verbose_name=_("from incident"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="action_plans",
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_on = models.DateField(_("issued on"))
    deadline = models.DateField(_("deadline"))
    response = models.TextField(_("member's response"), blank=True)
    responded_at = models.DateTimeField(_("responded"), null=True, blank=True)
    review_note = models.TextField(_("officer's review"), blank=True)
    state = FSMField(
        _("state"), default=State.ISSUED, choices=State.choices, protected=True, db_index=True
    )

    class Meta:
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        ordering = ["deadline"]
        indexes = [
            models.Index(
                fields=["deadline"],
                name="actionplan_open_deadline",
                condition=models.Q(state__in=["issued", "returned", "overdue", "escalated"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company}: {self.deadline}"

    @transition(
        field=state,
        source=[State.ISSUED, State.RETURNED, State.OVERDUE, State.ESCALATED],
        target=State.RESPONDED,
    )
    def respond(self, *, when: dt.datetime, response: str | None = None) -> None:
        # Answered item by item, the plan keeps any overall response it already has.
        if response is not None:
            self.response = response
        self.responded_at = when

    @transition(field=state, source=State.RESPONDED, target=State.ACCEPTED)
    def accept(self, *, note: str) -> None:
        self.review_note = note

    @transition(field=state, source=State.RESPONDED, target=State.RETURNED)
    def return_plan(self, *, note: str) -> None:
        self.review_note = note

    @transition(field=state, source=[State.ISSUED, State.RETURNED], target=State.OVERDUE)
    def mark_overdue(self) -> None:
        pass

    @transition(field=state, source=State.OVERDUE, target=State.ESCALATED)
    def escalate(self) -> None:
        pass

    @transition(
        field=state,
        source=[State.ISSUED, State.RETURNED, State.OVERDUE, State.ESCALATED],
        target=State.ISSUED,
    )
    def extend(self, *, deadline: dt.date) -> None:
        self.deadline = deadline


class ActionPlanItem(TimeStampedModel):
    SCOPE_COMPANY_FIELD = "plan__company"

    class Review(models.TextChoices):
        PENDING = "pending", _("Awaiting review")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned")

    plan = models.ForeignKey(
        ActionPlan, verbose_name=_("action plan"), on_delete=models.CASCADE, related_name="items"
    )
    requirement = models.ForeignKey(
        Requirement,
        verbose_name=_("requirement"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    measure = models.TextField(_("corrective measure"))
    deadline = models.DateField(_("deadline"))
    original_deadline = models.DateField(_("original deadline"))
    response = models.TextField(_("member's response"), blank=True)
    responded_at = models.DateTimeField(_("responded"), null=True, blank=True)
    review = models.CharField(
        _("review"), max_length=10, choices=Review.choices, default=Review.PENDING
    )
    review_note = models.TextField(_("review note"), blank=True)

    class Meta:
        verbose_name = _("action plan item")
        verbose_name_plural = _("action plan items")
        # Creation order: the pages and the audit notes number the measures in it, so a
        # measure keeps its number when a deadline is extended.
        ordering = ["id"]
        indexes = [
            # The daily sweep's window of item deadlines to remind (measures not accepted).
            models.Index(
                fields=["deadline"],
                name="actionplanitem_open_deadline",
                condition=~models.Q(review="accepted"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure[:60]} ({self.deadline})"

    # Where a measure stands, for people: derived from ``review`` and ``responded_at``.
    class Status(models.TextChoices):
        TO_ANSWER = "to_answer", _("Not answered yet")
        ANSWERED = "answered", _("Answered, awaiting review")
        RETURNED = "returned", _("Returned for more work")
        ACCEPTED = "accepted", _("Accepted")

    @property
    def status(self) -> str:
        if self.review == self.Review.ACCEPTED:
            return self.Status.ACCEPTED
        if self.review == self.Review.RETURNED:
            return self.Status.RETURNED
        return self.Status.ANSWERED if self.responded_at else self.Status.TO_ANSWER

    def get_status_display(self) -> str:
        return str(self.Status(self.status).label)

    @property
    def awaits_member(self) -> bool:
        """The member still owes an answer: not answered yet, or returned."""
        return self.status in (self.Status.TO_ANSWER, self.Status.RETURNED)

    @property
    def is_overdue(self) -> bool:
        """Past its deadline while the member still owes an answer on an open plan. An
        accepted measure, or one answered and awaiting review, is never overdue."""
        return (
            self.awaits_member
            and self.plan.state in ActionPlan.OPEN_STATES
            and self.deadline < agency_today()
        )


def action_plan_evidence_upload_to(instance: ActionPlanItemEvidence, filename: str) -> str:
    return upload_name(
        folder="action-plans", company_id=instance.item.plan.company_id, filename=filename
    )


class ActionPlanItemEvidence(StoredFile):
    """A file the member attached to their answer on one corrective measure."""

    SCOPE_COMPANY_FIELD = "item__plan__company"

    item = models.ForeignKey(
        ActionPlanItem,
        verbose_name=_("action plan item"),
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    file = models.FileField(_("file"), upload_to=action_plan_evidence_upload_to, max_length=300)

    class Meta:
        verbose_name = _("action plan item evidence")
        verbose_name_plural = _("action plan item evidence")
        ordering = ["uploaded_at", "id"]

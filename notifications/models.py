"""The reminder ledger (what was due, to whom, and whether it went out) and the in-app
notifications each user reads."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReminderKind(models.TextChoices):
    REVALIDATION_DUE = "revalidation_due", _("Revalidation due")
    MEMBERSHIP_LAPSED = "membership_lapsed", _("Membership lapsed")
    ACTION_PLAN_DUE = "action_plan_due", _("Action plan due")
    ACTION_PLAN_OVERDUE = "action_plan_overdue", _("Action plan overdue")
    ACTION_PLAN_ESCALATED = "action_plan_escalated", _("Action plan escalated")
    INFORMATION_REQUEST_DUE = "information_request_due", _("Information request due")
    INFORMATION_REQUEST_OVERDUE = "information_request_overdue", _("Information request overdue")
    PROFILE_CONFIRMATION_DUE = "profile_confirmation_due", _("Profile confirmation due")
    PROFILE_CONFIRMATION_OVERDUE = "profile_confirmation_overdue", _("Profile confirmation overdue")
    # Notices of an event in the member's file: one per event (milestone ``event/<audit id>``).
    APPLICATION_RECEIVED = "application_received", _("Application received")
    INFORMATION_REQUESTED = "information_requested", _("Information requested")
    APPLICATION_ELIGIBLE = "application_eligible", _("Application eligible")
    APPLICATION_INELIGIBLE = "application_ineligible", _("Application ineligible")
    VISIT_SCHEDULED = "visit_scheduled", _("Site visit scheduled")
    REPORT_AVAILABLE = "report_available", _("Site Validation Report available")
    ACTION_PLAN_ISSUED = "action_plan_issued", _("Action plan issued")
    CERTIFIED = "certified", _("Certified")
    APPLICATION_DENIED = "application_denied", _("Application denied")
    MEMBERSHIP_SUSPENDED = "membership_suspended", _("Membership suspended")
    MEMBERSHIP_REINSTATED = "membership_reinstated", _("Membership reinstated")
    MEMBERSHIP_CANCELLED = "membership_cancelled", _("Membership cancelled")
    APPEAL_DECIDED = "appeal_decided", _("Appeal decided")
    MEMBERSHIP_RENEWED = "membership_renewed", _("Membership renewed")


# The notices of an event (not a countdown), and those of them that carry a decision letter.
EVENT_KINDS = frozenset(
    {
        ReminderKind.APPLICATION_RECEIVED,
        ReminderKind.INFORMATION_REQUESTED,
        ReminderKind.APPLICATION_ELIGIBLE,
        ReminderKind.APPLICATION_INELIGIBLE,
        ReminderKind.VISIT_SCHEDULED,
        ReminderKind.REPORT_AVAILABLE,
        ReminderKind.ACTION_PLAN_ISSUED,
        ReminderKind.CERTIFIED,
        ReminderKind.APPLICATION_DENIED,
        ReminderKind.MEMBERSHIP_SUSPENDED,
        ReminderKind.MEMBERSHIP_REINSTATED,
        ReminderKind.MEMBERSHIP_CANCELLED,
        ReminderKind.APPEAL_DECIDED,
        ReminderKind.MEMBERSHIP_RENEWED,
    }
)
LETTER_KINDS = frozenset(
    {
        ReminderKind.CERTIFIED,
        ReminderKind.APPLICATION_DENIED,
        ReminderKind.MEMBERSHIP_SUSPENDED,
        ReminderKind.MEMBERSHIP_CANCELLED,
        ReminderKind.APPEAL_DECIDED,
    }
)


class Reminder(models.Model):
    """One reminder, recorded under a unique key (object, kind, milestone) *before* it is
    sent: sweeps that run twice, overlap or restart after a crash find the key taken and
    send nothing more. ``milestone`` names the date counted to and, for countdowns, the
    number of days before it (``2030-05-01/90``), so a renewed membership or an extended
    plan gets its reminders again."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.BigIntegerField(_("object id"))
    subject_object = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(_("kind"), max_length=40, choices=ReminderKind.choices)
    milestone = models.CharField(_("milestone"), max_length=40)
    due_on = models.DateField(
        _("due on"), help_text=_("The date this reminder counts down to (expiry, deadline).")
    )
    days_before = models.IntegerField(
        _("days before"), null=True, blank=True, help_text=_("Empty for an overdue notice.")
    )
    recipient_ids = models.JSONField(_("recipients (user ids)"), default=list)
    delivered_to = models.JSONField(
        _("e-mailed to (user ids)"),
        default=list,
        help_text=_("Recipients already e-mailed: a retry does not e-mail them again."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    details = models.JSONField(
        _("details"),
        default=dict,
        blank=True,
        help_text=_("What a notice of an event says besides its date: reasons, reference, link."),
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    run = models.UUIDField(
        _("sweep run"),
        null=True,
        blank=True,
        help_text=_("The sweep that recorded it: only that sweep enqueues it."),
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)
    enqueued_at = models.DateTimeField(_("last enqueued"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "kind", "milestone"],
                name="reminder_once_per_milestone",
            )
        ]
        indexes = [
            models.Index(fields=["kind", "due_on"], name="reminder_kind_due"),
            models.Index(fields=["run"], name="reminder_run"),
            models.Index(fields=["status", "created_at"], name="reminder_status_created"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.milestone} (#{self.object_id})"


class Notification(models.Model):
    """What a user sees in their list of notifications in the portal or the staff pages."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    reminder = models.ForeignKey(
        Reminder,
        verbose_name=_("reminder"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["reminder", "user"], name="notification_once_per_reminder"
            )
        ]
        indexes = [models.Index(fields=["user", "-created_at"], name="notification_user_created")]

    def __str__(self) -> str:
        return self.subject


def letter_upload_to(instance: Letter, filename: str) -> str:
    return f"letters/{instance.company_id}/{instance.kind}-{instance.reminder_id}.pdf"


class Letter(models.Model):
    """The formal, bilingual decision letter a notice carries (certification, denial,
    suspension, cancellation, appeal): its text is kept as recorded with the decision
    (``context``, plain values in both languages) and its PDF is rendered once, on delivery
    or on the first download."""

    SCOPE_COMPANY_FIELD = "company_id"

    reminder = models.OneToOneField(
        Reminder, verbose_name=_("notice"), on_delete=models.CASCADE, related_name="letter"
    )
    company_id = models.BigIntegerField(_("company id"), db_index=True)
    kind = models.CharField(_("kind"), max_length=40, choices=ReminderKind.choices)
    decided_on = models.DateField(_("decided on"))
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    context = models.JSONField(_("content"), default=dict)
    file = models.FileField(_("file"), upload_to=letter_upload_to, blank=True, max_length=200)
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("decision letter")
        verbose_name_plural = _("decision letters")
        ordering = ["-decided_on", "-id"]
        indexes = [
            models.Index(fields=["company_id", "-decided_on"], name="letter_company_decided")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference} {self.decided_on}"

    @property
    def filename(self) -> str:
        return f"decision-letter-{self.kind.replace('_', '-')}-{self.decided_on.isoformat()}.pdf"

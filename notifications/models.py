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

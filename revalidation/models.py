"""The four-year revalidation cycle of a membership: an updated security profile, a new site
validation, and then a renewal (or, if the deadline passes, a lapse)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from core.models import TimeStampedModel
from traders.models import (
    ChangeNotice,
    Company,
    Membership,
    SecurityProfile,
)
from validations.models import SiteValidation


class RevalidationCycle(ConcurrentTransitionMixin, TimeStampedModel):
    """One revalidation of one membership. ``due_on`` is the membership's expiry when the
    cycle was opened: completed by then, the membership is renewed; missed, it lapses."""

    SCOPE_COMPANY_FIELD = "company"

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        PROFILE_SUBMITTED = "profile_submitted", _("Security profile submitted")
        VALIDATION_SCHEDULED = "validation_scheduled", _("Site validation scheduled")
        COMPLETED = "completed", _("Completed")
        LAPSED = "lapsed", _("Lapsed")

    IN_PROGRESS = [State.OPEN, State.PROFILE_SUBMITTED, State.VALIDATION_SCHEDULED]
    CLOSED = [State.COMPLETED, State.LAPSED]

    company = models.ForeignKey(
        Company,
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        related_name="revalidation_cycles",
    )
    membership = models.ForeignKey(
        Membership,
        verbose_name=_("membership"),
        on_delete=models.PROTECT,
        related_name="revalidation_cycles",
    )
    profile = models.OneToOneField(
        SecurityProfile,
        verbose_name=_("updated security profile"),
        on_delete=models.PROTECT,
        related_name="revalidation_cycle",
        help_text=_("Pre-filled from the company's last submitted profile."),
    )
    site_validation = models.ForeignKey(
        SiteValidation,
        verbose_name=_("site validation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="revalidation_cycles",
    )
    change_notice = models.ForeignKey(
        ChangeNotice,
        verbose_name=_("change notice"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="revalidation_cycles",
        help_text=_("The reported change that made an officer open this cycle early."),
    )
    opened_on = models.DateField(_("opened on"))
    due_on = models.DateField(
        _("due on"), help_text=_("The membership's expiry date when the cycle was opened.")
    )
    submitted_at = models.DateTimeField(_("profile submitted"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty when the scheduler opened it."),
    )
    early = models.BooleanField(
        _("opened early"),
        default=False,
        help_text=_("Opened before the usual reminder, after a reported change."),
    )
    state = FSMField(_("state"), default=State.OPEN, choices=State.choices, protected=True)

    class Meta:
        verbose_name = _("revalidation cycle")
        verbose_name_plural = _("revalidation cycles")
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership"],
                condition=~models.Q(state__in=["completed", "lapsed"]),
                name="revalidation_one_in_progress",
                violation_error_message=_(
                    "A revalidation of this membership is already in progress."
                ),
            )
        ]
        indexes = [models.Index(fields=["state", "due_on"], name="revalidation_state_due")]

    def __str__(self) -> str:
        return f"{self.membership.member_number} {self.due_on}"

    def validation_replaceable(self) -> bool:
        """A (new) site validation may be scheduled while none is linked, or after the
        linked one was cancelled."""
        validation = self.site_validation
        return validation is None or validation.state == SiteValidation.State.CANCELLED

    @transition(field=state, source=State.OPEN, target=State.PROFILE_SUBMITTED)
    def submit_profile(self, *, when: dt.datetime) -> None:
        self.submitted_at = when

    @transition(
        field=state,
        source=[State.PROFILE_SUBMITTED, State.VALIDATION_SCHEDULED],
        target=State.VALIDATION_SCHEDULED,
        conditions=[validation_replaceable],  # type: ignore[list-item]  # django-fsm types conditions over Model
    )
    def schedule_validation(self) -> None:
        pass

    @transition(field=state, source=State.VALIDATION_SCHEDULED, target=State.COMPLETED)
    def complete(self, *, on: dt.date) -> None:
        self.completed_on = on

    @transition(field=state, source=IN_PROGRESS, target=State.LAPSED)
    def lapse(self) -> None:
        pass

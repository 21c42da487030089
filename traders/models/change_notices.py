"""Change notices a member files about its company."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from core.models import TimeStampedModel

from .companies import Company
from .memberships import Membership


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

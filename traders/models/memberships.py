"""Memberships and their certificates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from core.dates import APPEAL_WINDOW_DAYS, agency_today
from core.models import TimeStampedModel

from .applications import Application
from .companies import COVERING_FILTERS, Company, CompanyCopy, Programme


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

"""Reads for revalidation cycles, scoped by role, and the lists of what needs attention."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import gettext as _

from core.dates import (
    agency_date,
    agency_today,
    membership_expiry,
    membership_renewal_expiry,
)
from core.models import AuditEvent
from core.roles import scope_for
from traders.models import Membership
from validations.models import SiteValidation
from validations.selectors import QUEUE_COLUMNS

from .models import RevalidationCycle


def revalidation_list_for(*, user: Any) -> models.QuerySet[RevalidationCycle]:
    return scope_for(RevalidationCycle, user=user).select_related(
        "company", "membership", "site_validation"
    )


def revalidation_queue_rows(
    *, user: Any, who: str = "all", stage: str = "", q: str = ""
) -> models.QuerySet[Any]:
    """The revalidation cycles in progress of the officer's work queue, as rows of plain
    values in the columns of :data:`validations.selectors.QUEUE_COLUMNS` (so that they can
    be combined, UNION, with :func:`validations.selectors.application_queue_rows`), within
    the user's scope. ``who`` is "mine" (the member's officer is the user), "unassigned" or
    "all"; ``stage`` a cycle state; ``q`` part of the member number or the company's name.
    The age in the stage is the time since the cycle's last audited change (cycles have no
    state_changed_at); the deadline is the scheduled visit's date, else the cycle's due
    date."""
    qs = revalidation_list_for(user=user).filter(state__in=RevalidationCycle.IN_PROGRESS)
    if stage:
        qs = qs.filter(state=stage)
    officer_path = "membership__assigned_officer"
    if who == "mine":
        qs = qs.filter(membership__assigned_officer=user)
    elif who == "unassigned":
        qs = qs.filter(membership__assigned_officer__isnull=True)
    if q:
        qs = qs.filter(
            models.Q(membership__member_number__icontains=q)
            | models.Q(company__legal_name__icontains=q)
            | models.Q(company__operating_name__icontains=q)
        )
    last_change = (
        AuditEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(RevalidationCycle),
            object_id=models.OuterRef("pk"),
        )
        .order_by("-occurred_at")
        .values("occurred_at")[:1]
    )
    visit = models.Case(
        models.When(
            site_validation__state__in=[
                SiteValidation.State.SCHEDULED,
                SiteValidation.State.IN_PROGRESS,
            ],
            then=models.F("site_validation__scheduled_for"),
        ),
        default=None,
        output_field=models.DateField(),
    )
    return (
        qs.order_by()
        .annotate(
            row_kind=models.Value("revalidation", output_field=models.CharField()),
            row_id=models.F("pk"),
            row_reference=models.F("membership__member_number"),
            row_company=Coalesce(
                NullIf("company__operating_name", models.Value("")), "company__legal_name"
            ),
            row_company_id=models.F("company_id"),
            row_stage=models.F("state"),
            row_since=models.Subquery(last_change, output_field=models.DateTimeField()),
            row_officer_id=models.F(f"{officer_path}_id"),
            row_officer=Coalesce(
                NullIf(f"{officer_path}__full_name", models.Value("")),
                f"{officer_path}__email",
                output_field=models.CharField(),
            ),
            row_deadline=Coalesce(visit, models.F("due_on"), output_field=models.DateField()),
        )
        .values(*QUEUE_COLUMNS)
    )


def _horizon(within_days: int) -> dt.date:
    if within_days < 0:
        raise ValidationError({"within_days": _("Give a number of days, zero or more.")})
    return agency_today() + dt.timedelta(days=within_days)


def revalidation_due_list(*, within_days: int) -> models.QuerySet[RevalidationCycle]:
    """Cycles in progress that are due within ``within_days`` days, overdue ones included
    (those are waiting for the lapse sweep), soonest first. Served by the (state, due_on)
    index."""
    return (
        RevalidationCycle.objects.filter(
            state__in=RevalidationCycle.IN_PROGRESS, due_on__lte=_horizon(within_days)
        )
        .select_related("company", "membership")
        .order_by("due_on", "id")
    )


def revalidation_unopened_list(*, within_days: int) -> models.QuerySet[Membership]:
    """Active memberships expiring within ``within_days`` days (or already past expiry)
    with no revalidation in progress: the scheduler's list of cycles to open. Served by the
    partial index on active memberships' expiry."""
    in_progress = RevalidationCycle.objects.filter(
        membership=models.OuterRef("pk"), state__in=RevalidationCycle.IN_PROGRESS
    )
    return (
        Membership.objects.filter(
            state=Membership.State.ACTIVE, expires_on__lte=_horizon(within_days)
        )
        .filter(~models.Exists(in_progress))
        .select_related("company")
        .order_by("expires_on", "id")
    )


# --- What the daily sweep reads (values only: the sweep works on many rows at once) -------


def membership_expiring_rows(*, start: dt.date, end: dt.date) -> list[Mapping[str, Any]]:
    """Active memberships expiring in [start, end]: the revalidation reminders' window.
    Served by the partial index on active memberships' expiry."""
    return list(
        Membership.objects.filter(
            state=Membership.State.ACTIVE, expires_on__gte=start, expires_on__lte=end
        )
        .order_by()
        .values("pk", "company_id", "assigned_officer_id", "expires_on")
    )


def membership_expired_unrevalidated_list(*, today: dt.date) -> models.QuerySet[Membership]:
    """Active or suspended memberships past their expiry with no revalidation in progress:
    they lapse (those with a cycle in progress lapse with their cycle)."""
    in_progress = RevalidationCycle.objects.filter(
        membership=models.OuterRef("pk"), state__in=RevalidationCycle.IN_PROGRESS
    )
    return (
        Membership.objects.filter(
            state__in=[Membership.State.ACTIVE, Membership.State.SUSPENDED],
            expires_on__lt=today,
        )
        .filter(~models.Exists(in_progress))
        .order_by("expires_on", "id")
    )


def revalidation_past_due_list(*, today: dt.date) -> models.QuerySet[RevalidationCycle]:
    """Cycles still in progress after their due date: they lapse, and their membership."""
    return RevalidationCycle.objects.filter(
        state__in=RevalidationCycle.IN_PROGRESS, due_on__lt=today
    ).order_by("due_on", "id")


def membership_lapsed_rows(*, start: dt.date, end: dt.date) -> list[Mapping[str, Any]]:
    """Lapsed memberships whose expiry fell in [start, end]: the managers are told."""
    return list(
        Membership.objects.filter(
            state=Membership.State.LAPSED, expires_on__gte=start, expires_on__lte=end
        )
        .order_by()
        .values("pk", "company_id", "assigned_officer_id", "expires_on")
    )


def company_user_ids_by_company(*, company_ids: Any) -> dict[int, list[int]]:
    """The active users of each company, in one query."""
    from traders.models import CompanyUser

    users: dict[int, list[int]] = {}
    for company_id, user_id in (
        CompanyUser.objects.filter(company_id__in=set(company_ids), user__is_active=True)
        .order_by()
        .values_list("company_id", "user_id")
    ):
        users.setdefault(company_id, []).append(user_id)
    return users


def manager_user_ids() -> list[int]:
    from core.models import Role, User

    return list(User.objects.filter(role=Role.MANAGER, is_active=True).values_list("pk", flat=True))


def information_request_open_rows(
    *, start: dt.date | None = None, end: dt.date
) -> list[Mapping[str, Any]]:
    """Unanswered information requests due in [start, end] (no start: every overdue one).
    Served by the partial index on open requests' deadline."""
    from traders.models import InformationRequest

    requests = InformationRequest.objects.filter(responded_at__isnull=True, deadline__lte=end)
    if start is not None:
        requests = requests.filter(deadline__gte=start)
    return list(requests.order_by().values("pk", "company_id", "requested_by_id", "deadline"))


def revalidation_window_opens(*, membership: Membership) -> dt.date:
    """The day from which the member's trader may open its revalidation: the first
    reminder (180 days before expiry by default), when the scheduler opens it anyway."""
    from django.conf import settings

    return membership.expires_on - dt.timedelta(days=max(settings.REVALIDATION_REMINDER_DAYS))


# --- Terms that break the four-year rule (a report for managers; nothing is rewritten) ---


def membership_term_breaches() -> list[dict[str, Any]]:
    """Memberships whose expiry is more than four years after the decision that set it:
    the certification, or the last renewal, itself capped at four years after the site
    validation of the last completed revalidation (terms stacked by renewals made before
    that rule). Each row gives the membership's id, member number, company, state, expiry
    and ``latest_expiry``, the most the rule allows. Legal dates are only listed, never
    corrected here: a manager decides. Two queries, whatever the number of memberships."""
    validated_at = dict(
        RevalidationCycle.objects.filter(
            state=RevalidationCycle.State.COMPLETED, site_validation__completed_at__isnull=False
        )
        .order_by()
        .values("membership_id")
        .annotate(last=models.Max("site_validation__completed_at"))
        .values_list("membership_id", "last")
    )
    rows = (
        Membership.objects.order_by("expires_on", "pk")
        .values(
            "pk",
            "member_number",
            "state",
            "certified_on",
            "last_renewed_on",
            "expires_on",
            company_name=models.F("company__legal_name"),
        )
        .iterator(chunk_size=5000)
    )
    breaches = []
    for row in rows:
        renewed_on = row["last_renewed_on"]
        if renewed_on is None:
            latest = membership_expiry(row["certified_on"])
        else:
            moment = validated_at.get(row["pk"])
            validated_on = agency_date(moment) if moment is not None else renewed_on
            latest = membership_renewal_expiry(renewed_on=renewed_on, validated_on=validated_on)
        if row["expires_on"] > latest:
            breaches.append({**row, "latest_expiry": latest})
    return breaches

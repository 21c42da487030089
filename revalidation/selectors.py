"""Reads for revalidation cycles, scoped by role, and the lists of what needs attention."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from core.dates import agency_today
from core.roles import scope_for
from traders.models import Membership

from .models import RevalidationCycle


def revalidation_list_for(*, user: Any) -> models.QuerySet[RevalidationCycle]:
    return scope_for(RevalidationCycle, user=user).select_related(
        "company", "membership", "site_validation"
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

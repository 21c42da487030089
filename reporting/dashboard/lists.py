"""The lists behind the dashboard's figures: one :class:`ListSpec` each, and the page of
rows a list shows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.dates import agency_today, agency_tz
from core.models import AuditEvent
from revalidation.models import RevalidationCycle
from traders.models import Application, Membership
from validations.models import ActionPlan

from .filters import (
    DECISIONS,
    EXPIRY_WINDOWS,
    PIPELINE_STAGES,
    PLANS_DUE_SOON_DAYS,
    REVALIDATION_HORIZON_DAYS,
    A,
    Filters,
    _narrow,
    _resolved,
)


@dataclass(frozen=True)
class ListSpec:
    """One list behind a dashboard figure."""

    key: str
    title: str | Promise  # lazy: translated when shown
    kind: str  # memberships | revalidations | plans | applications | decisions
    condition: Callable[[dt.date, dict[str, str]], models.Q]
    params: tuple[str, ...] = field(default=())


def _expiring_title(days: int) -> str:
    # Called lazily (``lazy(_expiring_title, str)(days)``): ``%`` on a lazy string translates
    # it at once, at import, in the default language.
    return gettext("Memberships expiring within %(days)s days") % {"days": days}


def _expiring(days: int) -> Callable[[dt.date, dict[str, str]], models.Q]:
    def condition(today: dt.date, params: dict[str, str]) -> models.Q:
        return models.Q(
            state=Membership.State.ACTIVE,
            expires_on__gte=today,
            expires_on__lte=today + dt.timedelta(days=days),
        )

    return condition


def _month(params: dict[str, str]) -> tuple[dt.date, dt.date]:
    """The first and the last day of ``params["month"]`` (YYYY-MM); ValueError if invalid."""
    year, month = (int(part) for part in params.get("month", "").split("-"))
    first = dt.date(year, month, 1)
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


def _expiring_in_month(today: dt.date, params: dict[str, str]) -> models.Q:
    first, last = _month(params)
    return models.Q(
        state=Membership.State.ACTIVE, expires_on__gte=max(first, today), expires_on__lte=last
    )


def _in_progress_cycle() -> models.Exists:
    # "Not closed" rather than "one of the states in progress" (the same cycles): the
    # condition of the partial unique index revalidation_one_in_progress, which then
    # answers each probe alone.
    return models.Exists(
        RevalidationCycle.objects.filter(membership=models.OuterRef("pk")).exclude(
            state__in=RevalidationCycle.CLOSED
        )
    )


def _application_stage(state: str) -> ListSpec:
    return ListSpec(
        key=f"applications-{state}",
        title=A(state).label,
        kind="applications",
        condition=lambda today, params: models.Q(state=state),
    )


def _decisions(today: dt.date, params: dict[str, str]) -> models.Q:
    first, last = _month(params)
    action = params.get("action", "")
    model = {a: m for a, m, _label in DECISIONS}[action]
    tz = agency_tz()
    start = dt.datetime.combine(first, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return models.Q(
        action=action,
        content_type=ContentType.objects.get_for_model(model),
        occurred_at__gte=start,
        occurred_at__lt=end,
    )


LISTS: dict[str, ListSpec] = {
    spec.key: spec
    for spec in (
        *(
            ListSpec(
                key=f"expiring-{days}",
                title=lazy(_expiring_title, str)(days),
                kind="memberships",
                condition=_expiring(days),
            )
            for days in EXPIRY_WINDOWS
        ),
        ListSpec(
            key="expiring-month",
            title=_("Memberships expiring in the month"),
            kind="memberships",
            condition=_expiring_in_month,
            params=("month",),
        ),
        ListSpec(
            key="lapsed",
            title=_("Lapsed memberships"),
            kind="memberships",
            condition=lambda today, params: models.Q(state=Membership.State.LAPSED),
        ),
        ListSpec(
            key="revalidations-not-started",
            title=_("Revalidations not started (active, expiring within 180 days, no cycle)"),
            kind="memberships",
            condition=lambda today, params: (
                models.Q(
                    state=Membership.State.ACTIVE,
                    expires_on__lte=today + dt.timedelta(days=REVALIDATION_HORIZON_DAYS),
                )
                & models.Q(~_in_progress_cycle())
            ),
        ),
        ListSpec(
            key="revalidations-overdue",
            title=_("Revalidations overdue (in progress past their due date)"),
            kind="revalidations",
            condition=lambda today, params: models.Q(
                state__in=RevalidationCycle.IN_PROGRESS, due_on__lt=today
            ),
        ),
        ListSpec(
            key="revalidations-open",
            title=_("Revalidations in progress"),
            kind="revalidations",
            condition=lambda today, params: models.Q(state__in=RevalidationCycle.IN_PROGRESS),
        ),
        ListSpec(
            key="plans-overdue",
            title=_("Action plans overdue"),
            kind="plans",
            condition=lambda today, params: models.Q(
                state__in=ActionPlan.OPEN_STATES, deadline__lt=today
            ),
        ),
        ListSpec(
            key="plans-due-soon",
            title=_("Action plans due within 7 days"),
            kind="plans",
            condition=lambda today, params: models.Q(
                state__in=ActionPlan.OPEN_STATES,
                deadline__gte=today,
                deadline__lt=today + dt.timedelta(days=PLANS_DUE_SOON_DAYS),
            ),
        ),
        ListSpec(
            key="plans-open",
            title=_("Open action plans"),
            kind="plans",
            condition=lambda today, params: models.Q(state__in=ActionPlan.OPEN_STATES),
        ),
        ListSpec(
            key="applications-open",
            title=_("Applications in progress"),
            kind="applications",
            condition=lambda today, params: models.Q(state__in=PIPELINE_STAGES),
        ),
        *(_application_stage(state) for state in PIPELINE_STAGES),
        ListSpec(
            key="decisions",
            title=_("Decisions"),
            kind="decisions",
            condition=_decisions,
            params=("action", "month"),
        ),
    )
}

# How each kind of list reaches its company, programme and officer, its rows and its order.
KINDS: dict[str, dict[str, Any]] = {
    "memberships": {
        "model": Membership,
        "paths": {"company": "company_id", "programme": "programme", "officer": "assigned_officer"},
        "related": ("company", "assigned_officer"),
        "order": ("expires_on", "id"),
        "copy": True,
    },
    # A cycle or a plan reads its membership's copy of the company, officer and programme
    # (one join by primary key): traders owns every copy (traders.reporting).
    "revalidations": {
        "model": RevalidationCycle,
        "paths": {
            "company": "membership__company_id",
            "programme": "membership__programme",
            "officer": "membership__assigned_officer",
        },
        "related": ("company", "membership", "membership__assigned_officer"),
        "order": ("due_on", "id"),
        "copy": True,
        "through": "membership__",
    },
    "plans": {
        "model": ActionPlan,
        "paths": {
            "company": "company_id",
            "programme": "membership__programme",
            "officer": "membership__assigned_officer",
        },
        "related": ("company", "membership", "membership__assigned_officer"),
        "order": ("deadline", "id"),
        "copy": True,
        "through": "membership__",
    },
    "applications": {
        "model": Application,
        "paths": {"company": "company_id", "programme": "programme", "officer": "assigned_officer"},
        "programme_contains": True,  # "PIP+CSA" applies to both
        "related": ("company", "assigned_officer"),
        "order": ("state_changed_at", "id"),
        "copy": True,
    },
    "decisions": {
        "model": AuditEvent,
        "paths": {"company": "company_id", "programme": None, "officer": None},
        "related": ("actor",),
        "order": ("occurred_at", "id"),
        # The types the company had when the decision was taken (core.audit.audit_record).
        "copy": True,
    },
}


class UnknownList(LookupError):
    pass


def _base(kind: str, filters: Filters) -> models.QuerySet[Any]:
    spec = KINDS[kind]
    paths = spec["paths"]
    return _narrow(
        spec["model"]._default_manager.all(),
        filters,
        company=paths["company"],
        programme=paths["programme"],
        officer=paths["officer"],
        programme_contains=spec.get("programme_contains", False),
        copy=spec.get("copy", False),
        through=spec.get("through", ""),
    )


def dashboard_list(
    *, key: str, filters: Filters, params: dict[str, str] | None = None
) -> tuple[ListSpec, models.QuerySet[Any]]:
    """The list ``key`` (see LISTS), narrowed by ``filters``, in its order, with the rows
    its page shows. ``params`` carries the list's own parameters (``month``, ``action``).
    Raises UnknownList for an unknown key or invalid parameters."""
    spec = LISTS.get(key)
    if spec is None:
        raise UnknownList(key)
    filters = _resolved(filters)
    try:
        condition = spec.condition(agency_today(), params or {})
    except (KeyError, ValueError, TypeError) as error:
        raise UnknownList(key) from error
    kind = KINDS[spec.kind]
    qs = (
        _base(spec.kind, filters)
        .filter(condition)
        .select_related(*kind["related"])
        .order_by(*kind["order"])
    )
    return spec, qs

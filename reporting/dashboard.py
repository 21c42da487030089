"""Reads for the manager's dashboard: its figures and the lists behind them.

Every figure is the size of one list. Each list is described once, by a :class:`ListSpec`
(its model, the condition that selects its rows, its order); the dashboard's figures are
conditional counts over the same conditions (one query per model, whatever the data size),
and a list page filters by the same condition. A figure and its list cannot disagree.

Date windows are agency dates (``core.dates.agency_today``). The queries are written so that
PostgreSQL can use the indexes behind them: ``membership_active_expiry`` (partial, active
memberships' expiry), ``membership_state_expiry``, ``revalidation_state_due``,
``actionplan_open_deadline`` (partial, open plans' deadline) and the application
``(state, state_changed_at)`` index.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.dates import agency_today, agency_tz
from core.models import AuditEvent, Role, User
from core.sql import Median
from revalidation.models import RevalidationCycle
from traders.models import Application, BusinessType, Company, Membership, Programme
from validations.models import ActionPlan

EXPIRY_WINDOWS = (30, 60, 90, 180)
REVALIDATION_HORIZON_DAYS = 180  # the scheduler opens a cycle this long before expiry
PLANS_DUE_SOON_DAYS = 7  # "due this week": today and the six days after
DECISION_MONTHS = 12
EXPIRY_CHART_MONTHS = 24

A = Application.State
PIPELINE_STAGES = (
    A.SUBMITTED,
    A.UNDER_REVIEW,
    A.INFO_REQUESTED,
    A.ELIGIBLE,
    A.VALIDATION_SCHEDULED,
    A.VALIDATED,
)
# Decisions counted per month, with the kind of object whose audit event counts (certifying
# an application also writes a "certify" event on each membership it creates: counted once).
DECISIONS = (
    ("certify", Application, _("Certifications")),
    ("deny", Application, _("Denials")),
    ("suspend", Membership, _("Suspensions")),
)


# --- Filters ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """What every list and the dashboard may be narrowed to. Empty means no filter."""

    programme: str = ""
    business_type: str = ""
    country: str = ""
    province: str = ""
    officer: int | None = None
    # The id of ``business_type``, set by the selectors (``_resolved``: one query), 0 when
    # no such type. A literal id rather than a subquery, so that PostgreSQL knows from its
    # statistics how many companies have the type when it plans the semi-join on them.
    business_type_pk: int | None = field(default=None, compare=False, repr=False)

    def as_query(self) -> dict[str, str]:
        values = {
            "programme": self.programme,
            "business_type": self.business_type,
            "country": self.country,
            "province": self.province,
            "officer": str(self.officer) if self.officer else "",
        }
        return {k: v for k, v in values.items() if v}

    @property
    def company_filtered(self) -> bool:
        return bool(self.business_type or self.country or self.province)


def _resolved(filters: Filters) -> Filters:
    """``filters`` with the business type's id (one query, only if not known yet)."""
    if not filters.business_type or filters.business_type_pk is not None:
        return filters
    pk = (
        BusinessType.objects.filter(code=filters.business_type).values_list("pk", flat=True).first()
    )
    return replace(filters, business_type_pk=pk or 0)


class _Probe(models.Exists):
    """A correlated EXISTS that PostgreSQL evaluates row by row. ``OFFSET 0`` keeps the
    planner from turning it into a join (which it then often drives from the other side:
    the 61,000 companies of a common business type, not the date window's few thousand
    rows). Each probe is one lookup in a unique index."""

    template = "EXISTS(%(subquery)s OFFSET 0)"


def _company_match(filters: Filters, path: str, copy: bool = False, through: str = "") -> models.Q:
    """The row's company (reached through ``path``) matches the company filters.

    On a row that carries a copy of its company's business types and place (``copy``: see
    ``traders.models.CompanyCopy`` and the audit events' copy), or reaches one through
    ``through`` (a cycle or a plan: ``membership__``, one join by primary key), a test on
    that copy: ``|<type id>|`` in the copy of the types, the copied country and province.
    PostgreSQL reads the date window from its index and checks each row it reads.

    Elsewhere, the place: a correlated probe, so that PostgreSQL starts from the list's own
    index and checks each row's company by its primary key (there is no index on the place).
    The business type: ``company IN (the companies of the type)``, a semi-join on the type's
    id (a literal, see ``Filters.business_type_pk``)."""
    condition = models.Q()
    if copy:
        if filters.country:
            condition &= models.Q(**{f"{through}company_country": filters.country})
        if filters.province:
            condition &= models.Q(**{f"{through}company_province": filters.province})
        if filters.business_type and filters.business_type_pk is not None:
            pk = filters.business_type_pk
            contains = {f"{through}company_business_types__contains": f"|{pk}|"}
            return condition & models.Q(**contains)
    elif filters.country or filters.province:
        companies = Company.objects.filter(pk=models.OuterRef(path))
        if filters.country:
            companies = companies.filter(country=filters.country)
        if filters.province:
            companies = companies.filter(province=filters.province)
        condition &= models.Q(_Probe(companies))
    if filters.business_type:
        links = Company.business_types.through.objects
        if filters.business_type_pk is not None:
            typed = links.filter(businesstype_id=filters.business_type_pk)
        else:  # not resolved: the type's id read by a subquery
            typed = links.filter(
                businesstype_id=models.Subquery(
                    BusinessType.objects.filter(code=filters.business_type).values("pk")[:1]
                )
            )
        condition &= models.Q(**{f"{path}__in": typed.values("company_id")})
    return condition


def _narrow(
    qs: models.QuerySet[Any],
    filters: Filters,
    *,
    company: str,
    programme: str | None,
    officer: str | None,
    programme_contains: bool = False,
    copy: bool = False,
    through: str = "",
) -> models.QuerySet[Any]:
    """Apply ``filters`` to ``qs`` through the named paths to the company, the programme and
    the assigned officer (None: the filter does not apply to this list). A row that reaches
    its copy ``through`` a membership and has none (an action plan issued before
    certification) is matched on its own company through plain joins (a few rows)."""
    if filters.company_filtered:
        link = through.removesuffix("__")
        if through and qs.model._meta.get_field(link).null:
            qs = qs.filter(
                models.Q(**{f"{link}__isnull": False})
                & _company_match(filters, company, copy, through)
                | models.Q(**{f"{link}__isnull": True}) & _company_match(filters, "company_id")
            )
        else:
            qs = qs.filter(_company_match(filters, company, copy, through))
    if filters.programme and programme is not None:
        lookup = f"{programme}__contains" if programme_contains else programme
        qs = qs.filter(**{lookup: filters.programme})
    if filters.officer and officer is not None:
        qs = qs.filter(**{officer: filters.officer})
    return qs


def filter_choices() -> dict[str, Any]:
    """The options of the filter form: programmes, business types (code, English and French
    names, id), officers (two queries)."""
    return {
        "programmes": Programme.choices,
        "business_types": list(
            BusinessType.objects.order_by("code").values_list("code", "name_en", "name_fr", "pk")
        ),
        "officers": list(
            User.objects.filter(role__in=[Role.OFFICER, Role.MANAGER], is_active=True)
            .order_by("full_name", "pk")
            .values_list("pk", "full_name")
        ),
    }


# --- The lists --------------------------------------------------------------------------


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


# --- The figures --------------------------------------------------------------------------


def dashboard_figures(*, filters: Filters) -> dict[str, Any]:
    """Every figure of the dashboard, each with the key of the list behind it. A constant
    number of queries (eight; nine with a business type not resolved yet), whatever the data
    size: two over memberships, two over applications (the pipeline, the open ones per
    officer), one each over revalidations, action plans and decisions, and the officers of
    the workload. The open cases' figures are read with their workload (per officer,
    summed here)."""
    filters = _resolved(filters)
    today = agency_today()
    now = timezone.now()
    counts, expiries = _membership_figures(filters, today)
    open_cases = {
        "revalidations": _open_cases(
            "revalidations", filters, today, "revalidations-open", ["revalidations-overdue"]
        ),
        "plans": _open_cases(
            "plans", filters, today, "plans-open", ["plans-overdue", "plans-due-soon"]
        ),
        "applications": _open_cases("applications", filters, today, "applications-open", []),
    }
    for per_officer in open_cases.values():  # the figures: summed over the officers
        for row in per_officer.values():
            for key, n in row.items():
                if key != "open":
                    counts[key] = counts.get(key, 0) + n

    stages = {
        row["state"]: row
        for row in _base("applications", filters)
        .filter(state__in=PIPELINE_STAGES)
        .order_by()
        .values("state")
        .annotate(
            count=models.Count("*"),  # "*": the (state, state_changed_at) index suffices
            oldest=models.Min("state_changed_at"),
            median=Median("state_changed_at", output_field=models.DateTimeField()),
        )
    }
    pipeline = []
    for state in PIPELINE_STAGES:
        row = stages.get(state, {})
        oldest = row.get("oldest")
        median = row.get("median")
        pipeline.append(
            {
                "key": f"applications-{state}",
                "state": state,
                "label": A(state).label,
                "count": row.get("count", 0),
                "oldest_days": (now - oldest).days if oldest else None,
                "median_days": (now - median).days if median is not None else None,
            }
        )

    return {
        "today": today,
        "expiring": [
            {"days": d, "key": f"expiring-{d}", "count": counts.get(f"expiring-{d}", 0)}
            for d in EXPIRY_WINDOWS
        ],
        "lapsed": {"key": "lapsed", "count": counts.get("lapsed", 0)},
        "revalidations_overdue": {
            "key": "revalidations-overdue",
            "count": counts.get("revalidations-overdue", 0),
        },
        "revalidations_not_started": {
            "key": "revalidations-not-started",
            "count": counts.get("revalidations-not-started", 0),
        },
        "plans_overdue": {"key": "plans-overdue", "count": counts.get("plans-overdue", 0)},
        "plans_due_soon": {"key": "plans-due-soon", "count": counts.get("plans-due-soon", 0)},
        "pipeline": pipeline,
        "workload": _workload(open_cases),
        "decisions": decisions_per_month(filters=filters, today=today),
        "expiries": expiries,
    }


def _membership_figures(
    filters: Filters, today: dt.date
) -> tuple[dict[str, int], list[dict[str, Any]]]:
    """Two queries over memberships: the size of each membership list of the dashboard, and
    the active memberships expiring per month over the next 24 months (from today).

    The active memberships expiring from today on are counted per day of expiry (an
    index-only scan of ``membership_active_expiry``, already in order; truncating 30,000
    dates to their month cost more than reading them); each expiry figure is the sum over
    the days of its list's window (``_expiring``: from today to today plus the window, both
    included), and the chart the sum per month. The lapsed memberships and the revalidations
    not started are conditional counts over their lists' own conditions."""
    months = _month_starts(today.replace(day=1), EXPIRY_CHART_MONTHS)
    end = _month_starts(months[-1], 2)[1]
    per_day = (
        _base("memberships", filters)
        .filter(state=Membership.State.ACTIVE, expires_on__gte=today, expires_on__lt=end)
        .order_by()
        .values_list("expires_on")
        .annotate(n=models.Count("*"))
    )
    counts = {f"expiring-{d}": 0 for d in EXPIRY_WINDOWS}
    last_day = {days: today + dt.timedelta(days=days) for days in EXPIRY_WINDOWS}
    per_month: dict[dt.date, int] = {}
    for expires_on, n in per_day:
        for days, last in last_day.items():
            if expires_on <= last:
                counts[f"expiring-{days}"] += n
        month = expires_on.replace(day=1)
        per_month[month] = per_month.get(month, 0) + n
    conditions = {
        key: LISTS[key].condition(today, {}) for key in ("lapsed", "revalidations-not-started")
    }
    union = conditions["lapsed"] | conditions["revalidations-not-started"]
    others = (
        _base("memberships", filters)
        .filter(union)
        .aggregate(
            **{
                key.replace("-", "_"): models.Count("pk", filter=condition)
                for key, condition in conditions.items()
            }
        )
    )
    counts |= {key: others[key.replace("-", "_")] for key in conditions}
    expiries = [{"month": m, "param": f"{m:%Y-%m}", "count": per_month.get(m, 0)} for m in months]
    return counts, expiries


def _open_cases(
    kind: str, filters: Filters, today: dt.date, open_key: str, keys: list[str]
) -> dict[int | None, dict[str, int]]:
    """One query over the open cases of ``kind`` (the list ``open_key``): per assigned officer
    (None: no officer), how many are open and how many are in each list ``keys`` (subsets of
    the open ones)."""
    # The officer of a revalidation or a plan is its membership's.
    officer_of = models.F(KINDS[kind]["paths"]["officer"])
    names = {key: f"n{i}" for i, key in enumerate(keys)}
    rows = (
        _base(kind, filters)
        .filter(LISTS[open_key].condition(today, {}))
        .annotate(officer_id=officer_of)
        .order_by()
        .values("officer_id")
        .annotate(
            open=models.Count("*"),
            **{
                names[key]: models.Count("pk", filter=LISTS[key].condition(today, {}))
                for key in keys
            },
        )
    )
    return {
        row["officer_id"]: {"open": row["open"]} | {key: row[names[key]] for key in keys}
        for row in rows
    }


WORKLOAD_KINDS = {
    "applications": "applications-open",
    "revalidations": "revalidations-open",
    "plans": "plans-open",
}


def _workload(open_cases: dict[str, dict[int | None, dict[str, int]]]) -> list[dict[str, Any]]:
    """Open cases per officer, from the per-officer counts of ``_open_cases``: applications
    in progress, revalidations in progress and open action plans assigned to them (through
    their memberships). One query (the officers). Cases with no officer are left out."""
    counts: dict[int, dict[str, int]] = {}
    for kind, per_officer in open_cases.items():
        for officer_id, row in per_officer.items():
            if officer_id is not None and row["open"]:
                counts.setdefault(officer_id, {})[kind] = row["open"]
    officers = User.objects.filter(pk__in=list(counts)).order_by("full_name", "pk")
    workload: list[dict[str, Any]] = []
    for officer in officers.only("pk", "full_name", "email"):
        own = counts[officer.pk]
        workload.append(
            {
                "officer": officer,
                "cells": [
                    {"key": key, "count": own.get(kind, 0)} for kind, key in WORKLOAD_KINDS.items()
                ],
                "total": sum(own.values()),
            }
        )
    workload.sort(key=lambda row: (-row["total"], row["officer"].full_name))
    return workload


def _month_starts(first: dt.date, count: int) -> list[dt.date]:
    months = []
    year, month = first.year, first.month
    for _i in range(count):
        months.append(dt.date(year, month, 1))
        year, month = year + month // 12, month % 12 + 1
    return months


def decisions_per_month(*, filters: Filters, today: dt.date) -> dict[str, Any]:
    """Certifications, denials and suspensions per month over the last twelve months
    (this one included), from the audit trail. One query."""
    filters = _resolved(filters)
    year, month = (
        (today.year, today.month - 11)
        if today.month > 11
        else (
            today.year - 1,
            today.month + 1,
        )
    )
    start_month = dt.date(year, month, 1)
    months = _month_starts(start_month, DECISION_MONTHS)
    tz = agency_tz()
    wanted = {
        (action, ContentType.objects.get_for_model(model).pk) for action, model, _l in DECISIONS
    }
    # The actions and the kinds as two IN lists, not an OR of pairs: PostgreSQL then reads
    # the audit_action_time_company index alone (an index-only scan, with each event's
    # company for the company filters; an OR of pairs is a bitmap scan that visits every
    # event's page). The pairs not counted (a "certify" event on a membership) are dropped
    # below.
    # Each month's count as a conditional count between the month's first instants (agency
    # time), not a DATE_TRUNC per event in the agency's time zone (30,000 conversions).
    bounds = [
        dt.datetime.combine(m, dt.time.min, tzinfo=tz)
        for m in _month_starts(start_month, DECISION_MONTHS + 1)
    ]
    rows = (
        _base("decisions", filters)
        .filter(
            action__in=sorted({action for action, _ct in wanted}),
            content_type_id__in=sorted({ct for _action, ct in wanted}),
            occurred_at__gte=bounds[0],
            occurred_at__lt=bounds[-1],
        )
        .order_by()
        .values("action", "content_type_id")
        .annotate(
            **{
                # occurred_at, not pk: the index holds it, so no event is read from the table
                f"m{i}": models.Count(
                    "occurred_at",
                    filter=models.Q(occurred_at__gte=bounds[i], occurred_at__lt=bounds[i + 1]),
                )
                for i in range(DECISION_MONTHS)
            }
        )
    )
    counts = {
        (row["action"], month): row[f"m{i}"]
        for row in rows
        if (row["action"], row["content_type_id"]) in wanted
        for i, month in enumerate(months)
    }
    series = []
    for action, _model, label in DECISIONS:
        series.append(
            {
                "action": action,
                "label": label,
                "values": [
                    {"month": m, "param": f"{m:%Y-%m}", "count": counts.get((action, m), 0)}
                    for m in months
                ],
            }
        )
    return {"months": months, "series": series}

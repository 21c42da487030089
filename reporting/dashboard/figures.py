"""The dashboard's figures: conditional counts over the lists' own conditions, the
workload per officer and the decisions per month."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from core.dates import agency_today, agency_tz
from core.models import User
from core.sql import Median
from traders.models import Membership

from .filters import (
    DECISION_MONTHS,
    DECISIONS,
    EXPIRY_CHART_MONTHS,
    EXPIRY_WINDOWS,
    PIPELINE_STAGES,
    A,
    Filters,
    _resolved,
)
from .lists import KINDS, LISTS, _base


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

"""The daily sweep: what is due today, computed from the database (nothing is scheduled
years ahead in the broker).

Each part reads its date window with one indexed query, records the reminders due in the
ledger in bulk (unique per object, kind and milestone, so a sweep run twice, two sweeps at
once, or a sweep restarted after a crash send each reminder once) and enqueues only the
ones it recorded. State changes (lapse, overdue, escalation, opening a cycle) go through
their services, one object at a time, audited, as the system (actor=None).

A milestone missed because the sweep did not run that day is still sent at the next run,
but only the nearest milestone due is sent: after three days off, a membership 88 days from
expiry gets the 90-day reminder, never the 180-day one as well.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models

from core.dates import agency_today
from core.errors import DomainError
from notifications.models import ReminderKind
from notifications.selectors import reminder_recorded_keys
from notifications.services import (
    ReminderDraft,
    reminder_milestone,
    reminders_record_and_enqueue,
    reminders_requeue_stale,
)
from traders.models import Company, InformationRequest, Membership
from traders.selectors import profile_confirmation_anchors, profile_confirmation_due_on
from traders.services import membership_lapse
from validations.models import ActionPlan, ActionPlanItem
from validations.selectors import (
    action_plan_escalation_due_list,
    action_plan_in_state_rows,
    action_plan_past_deadline_list,
)
from validations.services import action_plan_escalate, action_plan_mark_overdue

from . import selectors
from .services import revalidation_lapse, revalidation_open

logger = logging.getLogger(__name__)

SWEEPS = ("revalidation", "action_plans", "information_requests", "profile_confirmation")
# How far back the sweep looks for lapses, overdue plans and escalations to announce (one
# missed by a crashed run is announced by the next).
ANNOUNCE_DAYS = 60


def nearest_milestone(days_left: int, milestones: Iterable[int]) -> int | None:
    """The smallest milestone at or above ``days_left``: the one reminder due now."""
    due = [m for m in milestones if m >= days_left]
    return min(due) if due and days_left >= 0 else None


def _countdown_drafts(
    *,
    rows: Sequence[Mapping[str, Any]],
    date_field: str,
    model: type[models.Model],
    kind: str,
    milestones: Sequence[int],
    today: dt.date,
    recipients: Callable[[Mapping[str, Any]], Iterable[int | None]],
) -> list[ReminderDraft]:
    """Drafts for the rows whose nearest milestone is not yet recorded."""
    if not rows:
        return []
    recorded = reminder_recorded_keys(
        model=model, kind=kind, due_from=today, due_to=today + dt.timedelta(days=max(milestones))
    )
    drafts = []
    for row in rows:
        due_on = row[date_field]
        milestone = nearest_milestone((due_on - today).days, milestones)
        if milestone is None:
            continue
        if (row["pk"], reminder_milestone(due_on=due_on, days_before=milestone)) in recorded:
            continue
        drafts.append(
            ReminderDraft(
                model=model,
                object_id=row["pk"],
                kind=kind,
                due_on=due_on,
                days_before=milestone,
                recipient_ids=tuple(recipients(row)),
            )
        )
    return drafts


def _notice_drafts(
    *,
    rows: Sequence[Mapping[str, Any]],
    date_field: str,
    model: type[models.Model],
    kind: str,
    recipients: Callable[[Mapping[str, Any]], Iterable[int | None]],
    id_field: str = "pk",
) -> list[ReminderDraft]:
    """Drafts of one-off notices (lapsed, overdue, escalated) not yet recorded."""
    if not rows:
        return []
    dates = [row[date_field] for row in rows]
    recorded = reminder_recorded_keys(
        model=model, kind=kind, due_from=min(dates), due_to=max(dates)
    )
    return [
        ReminderDraft(
            model=model,
            object_id=row[id_field],
            kind=kind,
            due_on=row[date_field],
            days_before=None,
            recipient_ids=tuple(recipients(row)),
        )
        for row in rows
        if (row[id_field], row[date_field].isoformat()) not in recorded
    ]


def _with_company_users(
    drafts_rows: Sequence[Mapping[str, Any]],
) -> dict[int, list[int]]:
    return selectors.company_user_ids_by_company(company_ids=(r["company_id"] for r in drafts_rows))


def _record(drafts: list[ReminderDraft]) -> int:
    return len(reminders_record_and_enqueue(drafts=drafts))


def _run_each(items: Iterable[Any], service: Callable[[Any], Any], what: str) -> list[Any]:
    """Call a transition's service on each object; one refusal does not stop the sweep."""
    done = []
    for item in items:
        try:
            done.append(service(item))
        except DomainError as exc:
            logger.info("sweep: %s %s refused: %s", what, item.pk, exc)
    return done


# --- 1. Revalidation ----------------------------------------------------------------------


def sweep_revalidation(*, today: dt.date) -> dict[str, int]:
    milestones = sorted(settings.REVALIDATION_REMINDER_DAYS, reverse=True)
    horizon = max(milestones)

    # Past expiry without a completed revalidation: the cycle lapses, and its membership.
    lapsed_cycles = _run_each(
        selectors.revalidation_past_due_list(today=today),
        lambda c: revalidation_lapse(cycle=c, actor=None),
        "revalidation lapse",
    )
    lapsed = _run_each(
        selectors.membership_expired_unrevalidated_list(today=today),
        lambda m: membership_lapse(membership=m, actor=None),
        "membership lapse",
    )
    # The first reminder opens the cycle (before the reminder is written, which names it).
    opened = _run_each(
        selectors.revalidation_unopened_list(within_days=horizon).filter(expires_on__gte=today),
        lambda m: revalidation_open(membership=m, actor=None),
        "revalidation open",
    )

    rows = selectors.membership_expiring_rows(start=today, end=today + dt.timedelta(days=horizon))
    drafts = _countdown_drafts(
        rows=rows,
        date_field="expires_on",
        model=Membership,
        kind=ReminderKind.REVALIDATION_DUE,
        milestones=milestones,
        today=today,
        recipients=lambda row: [row["assigned_officer_id"]],
    )
    if drafts:  # the company users of the few memberships reminded today, in one query
        company_of = {r["pk"]: r["company_id"] for r in rows}
        users = selectors.company_user_ids_by_company(
            company_ids=(company_of[d.object_id] for d in drafts)
        )
        drafts = [
            replace(d, recipient_ids=(*users.get(company_of[d.object_id], []), *d.recipient_ids))
            for d in drafts
        ]
    reminded = _record(drafts)

    # The managers (and the member, and its officer) are told of each lapse.
    lapsed_rows = selectors.membership_lapsed_rows(
        start=today - dt.timedelta(days=ANNOUNCE_DAYS), end=today
    )
    managers = selectors.manager_user_ids()
    lapse_users = _with_company_users(lapsed_rows) if lapsed_rows else {}
    notices = _record(
        _notice_drafts(
            rows=lapsed_rows,
            date_field="expires_on",
            model=Membership,
            kind=ReminderKind.MEMBERSHIP_LAPSED,
            recipients=lambda row: [
                *managers,
                *lapse_users.get(row["company_id"], []),
                row["assigned_officer_id"],
            ],
        )
    )
    return {
        "cycles_lapsed": len(lapsed_cycles),
        "memberships_lapsed": len(lapsed),
        "cycles_opened": len(opened),
        "revalidation_reminders": reminded,
        "lapse_notices": notices,
    }


# --- 2. Action plans ----------------------------------------------------------------------


def action_plan_item_deadline_rows(*, start: dt.date, end: dt.date) -> list[Mapping[str, Any]]:
    """Measures the member still owes (not answered yet, or returned), of plans still open,
    due in [start, end]: the window of the item reminders. An answer awaiting review is not
    reminded. Served by the partial index on items' deadline (not accepted): the index's
    condition stays in the filter so that the planner can use it."""
    return list(
        ActionPlanItem.objects.filter(
            ~models.Q(review=ActionPlanItem.Review.ACCEPTED),
            models.Q(responded_at__isnull=True) | models.Q(review=ActionPlanItem.Review.RETURNED),
            deadline__gte=start,
            deadline__lte=end,
            plan__state__in=ActionPlan.OPEN_STATES,
        )
        .order_by()
        .values("pk", "plan_id", "deadline", company_id=models.F("plan__company_id"))
    )


def sweep_action_plans(*, today: dt.date) -> dict[str, int]:
    milestones = sorted(settings.ACTION_PLAN_REMINDER_DAYS, reverse=True)
    grace = settings.ACTION_PLAN_ESCALATION_GRACE_DAYS

    overdue = _run_each(
        action_plan_past_deadline_list(),
        lambda p: action_plan_mark_overdue(plan=p, actor=None),
        "action plan overdue",
    )
    escalated = _run_each(
        action_plan_escalation_due_list(deadline_before=today - dt.timedelta(days=grace)),
        lambda p: action_plan_escalate(plan=p, actor=None),
        "action plan escalation",
    )

    # Each measure is reminded of its own deadline (the key names the item and the date, so
    # an extension re-arms it); overdue and escalation stay with the plan as a whole.
    rows = action_plan_item_deadline_rows(
        start=today, end=today + dt.timedelta(days=max(milestones))
    )
    users = _with_company_users(rows) if rows else {}
    reminded = _record(
        _countdown_drafts(
            rows=rows,
            date_field="deadline",
            model=ActionPlanItem,
            kind=ReminderKind.ACTION_PLAN_DUE,
            milestones=milestones,
            today=today,
            recipients=lambda row: users.get(row["company_id"], []),
        )
    )

    managers = selectors.manager_user_ids()
    notices = 0
    for state, kind in (
        (ActionPlan.State.OVERDUE, ReminderKind.ACTION_PLAN_OVERDUE),
        (ActionPlan.State.ESCALATED, ReminderKind.ACTION_PLAN_ESCALATED),
    ):
        notices += _record(
            _notice_drafts(
                rows=action_plan_in_state_rows(state=state),
                date_field="deadline",
                model=ActionPlan,
                kind=kind,
                recipients=lambda row: [row["issued_by_id"], *managers],
            )
        )
    return {
        "plans_overdue": len(overdue),
        "plans_escalated": len(escalated),
        "action_plan_reminders": reminded,
        "action_plan_notices": notices,
    }


# --- 3. Information requests --------------------------------------------------------------


def sweep_information_requests(*, today: dt.date) -> dict[str, int]:
    milestones = sorted(settings.INFORMATION_REQUEST_REMINDER_DAYS, reverse=True)
    upcoming = selectors.information_request_open_rows(
        start=today, end=today + dt.timedelta(days=max(milestones))
    )
    overdue = selectors.information_request_open_rows(end=today - dt.timedelta(days=1))
    users = _with_company_users([*upcoming, *overdue]) if upcoming or overdue else {}
    reminded = _record(
        _countdown_drafts(
            rows=upcoming,
            date_field="deadline",
            model=InformationRequest,
            kind=ReminderKind.INFORMATION_REQUEST_DUE,
            milestones=milestones,
            today=today,
            recipients=lambda row: users.get(row["company_id"], []),
        )
    )
    flagged = _record(
        _notice_drafts(
            rows=overdue,
            date_field="deadline",
            model=InformationRequest,
            kind=ReminderKind.INFORMATION_REQUEST_OVERDUE,
            recipients=lambda row: [*users.get(row["company_id"], []), row["requested_by_id"]],
        )
    )
    return {"information_request_reminders": reminded, "information_requests_overdue": flagged}


# --- 4. Yearly profile confirmation -------------------------------------------------------


def sweep_profile_confirmation(*, today: dt.date) -> dict[str, int]:
    remind_after = relativedelta(months=settings.PROFILE_CONFIRMATION_REMINDER_MONTHS)
    due_after = relativedelta(months=settings.PROFILE_CONFIRMATION_DUE_MONTHS)
    # Confirmed 11 months ago or more, but not so long ago that the overdue flag (raised the
    # day after the 12 months, or at the next sweep) has already been given. The rule (the
    # anchor and the due date) is traders.selectors': the member's page shows the same date.
    rows = list(
        profile_confirmation_anchors()
        .filter(
            anchor__gte=today - due_after - dt.timedelta(days=ANNOUNCE_DAYS),
            anchor__lte=today - remind_after,
        )
        .values("company_id", "anchor", "officer_id")
    )
    for row in rows:
        row["due_on"] = profile_confirmation_due_on(row["anchor"])
    due = [r for r in rows if r["due_on"] >= today]
    overdue = [r for r in rows if r["due_on"] < today]
    users = _with_company_users(rows) if rows else {}
    reminded = _record(
        _notice_drafts(
            rows=due,
            date_field="due_on",
            model=Company,
            kind=ReminderKind.PROFILE_CONFIRMATION_DUE,
            recipients=lambda row: users.get(row["company_id"], []),
            id_field="company_id",
        )
    )
    flagged = _record(
        _notice_drafts(
            rows=overdue,
            date_field="due_on",
            model=Company,
            kind=ReminderKind.PROFILE_CONFIRMATION_OVERDUE,
            recipients=lambda row: [*users.get(row["company_id"], []), row["officer_id"]],
            id_field="company_id",
        )
    )
    return {"profile_confirmation_reminders": reminded, "profile_confirmations_overdue": flagged}


SWEEP_FUNCTIONS: dict[str, Callable[..., dict[str, int]]] = {
    "revalidation": sweep_revalidation,
    "action_plans": sweep_action_plans,
    "information_requests": sweep_information_requests,
    "profile_confirmation": sweep_profile_confirmation,
}


def daily_sweep(*, only: Sequence[str] = (), today: dt.date | None = None) -> dict[str, int]:
    """Run the sweeps (all, or those named in ``only``) for ``today`` (the agency's date),
    after enqueuing again any reminder left pending too long."""
    today = today or agency_today()
    report = {
        "reminders_requeued": reminders_requeue_stale(
            older_than=dt.timedelta(minutes=settings.REMINDER_REQUEUE_AFTER_MINUTES)
        )
    }
    for name in only or SWEEPS:
        report.update(SWEEP_FUNCTIONS[name](today=today))
    logger.info("daily sweep %s: %s", today.isoformat(), report)
    return report

"""“What you must do next”: the company's open obligations, each with its deadline and a
link to where to act, soonest first (the portal's home page). Read through the scoped
selectors of each app; a constant number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext as _

from core.dates import APPEAL_WINDOW_DAYS, agency_today
from core.roles import scope_for
from revalidation.models import RevalidationCycle
from revalidation.selectors import revalidation_window_opens
from traders.models import Company, InformationRequest, Membership
from traders.selectors import profile_confirmation_for
from validations.models import ActionPlan, ActionPlanItem
from validations.selectors import action_plan_item_list_for


@dataclass(frozen=True)
class Obligation:
    what: str
    deadline: dt.date
    link: str
    action: str

    @property
    def overdue(self) -> bool:
        return self.deadline < agency_today()


def obligation_list(
    *, user: Any, company: Company, memberships: list[Membership], cycles: list[RevalidationCycle]
) -> list[Obligation]:
    """``memberships`` and ``cycles`` (in progress) are the home page's own lists."""
    today = agency_today()
    found: list[Obligation] = []
    requests = scope_for(InformationRequest, user=user).filter(
        company=company, responded_at__isnull=True, application__isnull=False
    )
    for request in requests.select_related("application").order_by("deadline", "pk"):
        found.append(
            Obligation(
                what=_("Answer the information request on application %(reference)s")
                % {"reference": request.application.reference},
                deadline=request.deadline,
                link=reverse(
                    "portal:information_answer", args=[request.application_id, request.pk]
                ),
                action=_("Answer the request"),
            )
        )
    items = (
        action_plan_item_list_for(user=user)
        .filter(plan__company=company, plan__state__in=ActionPlan.OPEN_STATES)
        .exclude(review=ActionPlanItem.Review.ACCEPTED)
        .filter(
            models.Q(responded_at__isnull=True) | models.Q(review=ActionPlanItem.Review.RETURNED)
        )
        .order_by("deadline", "pk")
    )
    for item in items:
        found.append(
            Obligation(
                what=_("Corrective measure: %(measure)s") % {"measure": item.measure[:120]},
                deadline=item.deadline,
                link=reverse("portal:action_plan", args=[item.plan_id]),
                action=_("Respond to the action plan"),
            )
        )
    active = [m for m in memberships if m.state == Membership.State.ACTIVE]
    confirmation = profile_confirmation_for(company_id=company.pk) if active else None
    if confirmation is not None and confirmation["due"] <= today + dt.timedelta(days=60):
        found.append(
            Obligation(
                what=_("Confirm that your security profile is still accurate"),
                deadline=confirmation["due"],
                link=reverse("portal:membership", args=[active[0].pk]) + "#confirmation",
                action=_("Confirm the profile"),
            )
        )
    cycle_of = {c.membership_id: c for c in cycles}
    for membership in active:
        cycle = cycle_of.get(membership.pk)
        if cycle is not None:
            found.append(
                Obligation(
                    what=_("Complete the revalidation of membership %(number)s")
                    % {"number": membership.member_number},
                    deadline=cycle.due_on,
                    link=reverse("portal:revalidation", args=[cycle.pk]),
                    action=_("Continue the revalidation"),
                )
            )
        elif today >= revalidation_window_opens(membership=membership):
            found.append(
                Obligation(
                    what=_("Start the revalidation of membership %(number)s before it expires")
                    % {"number": membership.member_number},
                    deadline=membership.expires_on,
                    link=reverse("portal:membership", args=[membership.pk]),
                    action=_("Start the revalidation"),
                )
            )
    for membership in memberships:
        if membership.state == Membership.State.CANCELLED and membership.appeal_window_open():
            assert membership.cancelled_on is not None
            found.append(
                Obligation(
                    what=_("You may appeal the cancellation of membership %(number)s")
                    % {"number": membership.member_number},
                    deadline=membership.cancelled_on + dt.timedelta(days=APPEAL_WINDOW_DAYS),
                    link=reverse("portal:membership", args=[membership.pk]),
                    action=_("Appeal the cancellation"),
                )
            )
    return sorted(found, key=lambda o: o.deadline)

"""Action plans as a whole: issued after a visit or an incident, answered, accepted or
returned, overdue, escalated, extended (the plan-level services, for the API and for an
officer who settles a whole plan at once)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.dates import agency_today
from core.errors import DomainError
from core.inputs import require_text
from core.roles import OFFICERS, SYSTEM, TRADER_ONLY, permission_check
from core.transitions import state_label, transition_run
from traders import notices
from traders.models import Company, Membership

from ..models import ActionPlan, ActionPlanItem, Incident, SiteValidation

if TYPE_CHECKING:
    from core.models import User


def plan_items_clean(
    *, items: Sequence[Mapping[str, Any]], catalogue_id: int | None
) -> list[dict[str, Any]]:
    """Every item needs a measure and a deadline after today; all problems are reported at
    once, numbered as the officer wrote them."""
    if not items:
        raise ValidationError({"items": _("List at least one corrective measure.")})
    today = agency_today()
    cleaned: list[dict[str, Any]] = []
    errors: list[str] = []
    for number, item in enumerate(items, start=1):
        measure = (item.get("measure") or "").strip()
        deadline = item.get("deadline")
        requirement = item.get("requirement")
        if not measure:
            errors.append(_("Item %(n)s: describe the corrective measure.") % {"n": number})
        if not isinstance(deadline, dt.date) or deadline <= today:
            errors.append(_("Item %(n)s: the deadline must be a date after today.") % {"n": number})
        if (
            requirement is not None
            and catalogue_id is not None
            and requirement.area.catalogue_id != catalogue_id
        ):
            errors.append(
                _("Item %(n)s: the requirement is not part of the validation's catalogue.")
                % {"n": number}
            )
        cleaned.append({"measure": measure, "deadline": deadline, "requirement": requirement})
    if errors:
        raise ValidationError({"items": errors})
    return cleaned


def action_plan_issue(
    *,
    company: Company,
    actor: User,
    items: Sequence[Mapping[str, Any]],
    membership: Membership | None = None,
    source_validation: SiteValidation | None = None,
    source_incident: Incident | None = None,
) -> ActionPlan:
    """Issue corrective measures, each ``{"measure", "deadline", "requirement"=None}``. The
    plan's deadline is the latest item deadline. The membership defaults to the source's."""
    permission_check(actor=actor, roles=OFFICERS, action="issue_action_plan", company_id=company.pk)
    for name, source in (
        ("source_validation", source_validation),
        ("source_incident", source_incident),
    ):
        if source is not None and source.company_id != company.pk:
            raise ValidationError({name: _("Choose a record of the same company.")})
    if source_validation is not None and source_validation.state != SiteValidation.State.COMPLETED:
        raise DomainError(
            _("An action plan follows a completed site validation; this one is %(state)s.")
            % {"state": state_label(source_validation)},
            code="validation_not_completed",
        )
    if membership is None:
        source_membership_id = (
            source_validation.membership_id
            if source_validation is not None
            else source_incident.membership_id
            if source_incident is not None
            else None
        )
        if source_membership_id is not None:
            membership = Membership.objects.get(pk=source_membership_id)
    if membership is not None and membership.company_id != company.pk:
        raise ValidationError({"membership": _("Choose the company's membership.")})
    cleaned = plan_items_clean(
        items=items,
        catalogue_id=source_validation.catalogue_id if source_validation is not None else None,
    )
    with transaction.atomic():
        plan = ActionPlan.objects.create(
            company=company,
            membership=membership,
            source_validation=source_validation,
            source_incident=source_incident,
            issued_by=actor,
            issued_on=agency_today(),
            deadline=max(item["deadline"] for item in cleaned),
        )
        ActionPlanItem.objects.bulk_create(
            ActionPlanItem(
                plan=plan,
                requirement=item["requirement"],
                measure=item["measure"],
                deadline=item["deadline"],
                original_deadline=item["deadline"],
            )
            for item in cleaned
        )
        event = audit_record(
            actor=actor,
            obj=plan,
            action="issue",
            to_state=ActionPlan.State.ISSUED,
            note=_("%(count)s measure(s), due by %(date)s.")
            % {"count": len(cleaned), "date": plan.deadline.isoformat()},
        )
        notices.company_notify(
            subject=plan,
            company_id=company.pk,
            kind=notices.Kind.ACTION_PLAN_ISSUED,
            event_id=event.pk,
            link=reverse("portal:action_plan", args=[plan.pk]),
            due_on=plan.deadline,
            details={"measures": len(cleaned), "deadline": plan.deadline.isoformat()},
        )
    return plan


def action_plan_respond(
    *,
    plan: ActionPlan,
    actor: User,
    response: str,
    item_responses: Mapping[int, str] | None = None,
) -> ActionPlan:
    """The member reports what was done, overall and (optionally) per item by item id:
    the plan-level counterpart of :func:`action_plan_item_respond`, answering every measure
    not yet accepted at once."""
    response = require_text(response, "response", _("Describe the corrective action taken."))
    try:
        answers = {
            int(item_id): text.strip()
            for item_id, text in (item_responses or {}).items()
            if (text or "").strip()
        }
    except (TypeError, ValueError):
        raise ValidationError(
            {"item_responses": _("Answer only the items of this plan.")}
        ) from None
    now = timezone.now()

    def check(p: ActionPlan) -> None:
        known = set(p.items.filter(pk__in=answers).values_list("pk", flat=True))
        if set(answers) - known:
            raise ValidationError({"item_responses": _("Answer only the items of this plan.")})

    def after(p: ActionPlan) -> None:
        # The overall response answers every measure not yet accepted: all of them await
        # the officer's review again; those answered one by one also keep their text.
        for item in p.items.filter(pk__in=answers):
            item.response = answers[item.pk]
            item.responded_at = now
            item.save(update_fields=["response", "responded_at", "updated_at"])
        p.items.exclude(review=ActionPlanItem.Review.ACCEPTED).update(
            review=ActionPlanItem.Review.PENDING, updated_at=now
        )

    return transition_run(
        obj=plan,
        action="respond",
        actor=actor,
        roles=TRADER_ONLY,
        note=response,
        kwargs={"response": response, "when": now},
        fields=["response", "responded_at"],
        check=check,
        after=after,
    )


def _items_review(plan: ActionPlan, review: str, note: str) -> None:
    plan.items.exclude(review=ActionPlanItem.Review.ACCEPTED).update(
        review=review, review_note=note, updated_at=timezone.now()
    )


def action_plan_accept(*, plan: ActionPlan, actor: User, note: str = "") -> ActionPlan:
    """Accept the member's response: the plan and all its measures are closed (every
    measure not yet accepted is accepted, whatever its item-by-item review so far)."""
    note = (note or "").strip()
    return transition_run(
        obj=plan,
        action="accept",
        actor=actor,
        roles=OFFICERS,
        note=note,
        kwargs={"note": note},
        fields=["review_note"],
        after=lambda p: _items_review(p, ActionPlanItem.Review.ACCEPTED, note),
    )


def action_plan_return(*, plan: ActionPlan, actor: User, note: str) -> ActionPlan:
    """Send the response back for more work; the note says what is missing. Every measure
    not yet accepted is returned with that note."""
    note = require_text(note, "note", _("Say what the member still has to do."))
    return transition_run(
        obj=plan,
        action="return_plan",
        actor=actor,
        roles=OFFICERS,
        note=note,
        kwargs={"note": note},
        fields=["review_note"],
        after=lambda p: _items_review(p, ActionPlanItem.Review.RETURNED, note),
    )


def action_plan_mark_overdue(
    *, plan: ActionPlan, actor: User | None = None, note: str = ""
) -> ActionPlan:
    """An open plan whose deadline has passed without a response (the sweep acts as the
    system, with actor=None)."""

    def check(p: ActionPlan) -> None:
        if p.deadline >= agency_today():
            raise DomainError(
                _("This action plan is due on %(date)s; it is not overdue before then.")
                % {"date": p.deadline.isoformat()},
                code="not_overdue",
            )

    return transition_run(
        obj=plan,
        action="mark_overdue",
        actor=actor,
        roles=OFFICERS | {SYSTEM},
        note=note,
        check=check,
    )


def action_plan_escalate(
    *, plan: ActionPlan, actor: User | None = None, note: str = ""
) -> ActionPlan:
    """Hand an overdue plan to a manager, who may extend it, suspend or cancel the
    membership."""
    return transition_run(
        obj=plan,
        action="escalate",
        actor=actor,
        roles=OFFICERS | {SYSTEM},
        note=(note or "").strip(),
    )


def action_plan_extend(
    *, plan: ActionPlan, actor: User, deadline: dt.date, reason: str
) -> ActionPlan:
    """Give the member until ``deadline`` (after today and after the current deadline).

    Every measure not yet accepted that was due earlier is now due on the new deadline
    (the extension covers all the work still outstanding); ``original_deadline`` keeps the
    date first set. The plan goes back to issued.
    """
    reason = require_text(reason, "reason", _("Give the reason for the extension."))
    if deadline <= agency_today():
        raise ValidationError({"deadline": _("The new deadline must be a date after today.")})

    def check(p: ActionPlan) -> None:
        if deadline <= p.deadline:
            raise ValidationError(
                {
                    "deadline": _("The new deadline must be after the current one (%(date)s).")
                    % {"date": p.deadline.isoformat()}
                }
            )

    def after(p: ActionPlan) -> None:
        p.items.exclude(review=ActionPlanItem.Review.ACCEPTED).filter(deadline__lt=deadline).update(
            deadline=deadline, updated_at=timezone.now()
        )

    return transition_run(
        obj=plan,
        action="extend",
        actor=actor,
        roles=OFFICERS,
        note=_("Extended to %(date)s: %(reason)s")
        % {"date": deadline.isoformat(), "reason": reason},
        kwargs={"deadline": deadline},
        fields=["deadline"],
        check=check,
        after=after,
    )

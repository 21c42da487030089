"""Action plans, measure by measure.

The member answers each measure (text and files) while the plan is open; once every
measure still owed is answered, the plan moves to responded. The officer then reviews each
answer: once none awaits review, the plan is accepted if every measure is, else returned
(and the member answers the returned ones again). Each step writes an audit event on the
plan naming the measure; the plan's own transitions go through transition_run."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.dates import agency_today
from core.errors import TransitionNotAllowed
from core.inputs import require_text
from core.roles import OFFICERS, TRADER_ONLY, permission_check
from core.transitions import state_label, transition_run
from traders import services as trader_services

from ..models import ActionPlan, ActionPlanItem, ActionPlanItemEvidence

if TYPE_CHECKING:
    from core.models import User


MAX_FILES_PER_ANSWER = 5


def _item_name(item: ActionPlanItem, number: int | None = None) -> str:
    """ "Measure 2 (“Install a lock on gate 1.”)" for the audit notes: the measure's number in
    its plan (creation order, as the pages number them) and its text, shortened."""
    if number is None:
        number = ActionPlanItem.objects.filter(plan_id=item.plan_id, pk__lt=item.pk).count() + 1
    measure = " ".join(item.measure.split())
    measure = measure if len(measure) <= 80 else f"{measure[:79]}…"
    return _("Measure %(number)s (“%(measure)s”)") % {"number": number, "measure": measure}


def _item_permission_check(
    *, item: ActionPlanItem, actor: User, roles: frozenset[str], action: str
) -> None:
    """Refuse unless the actor's role may take ``action`` on a measure (a trader only on
    the plan of one of their companies)."""
    permission_check(
        actor=actor,
        roles=roles,
        action=action,
        company_id=item.plan.company_id,
        kind=str(ActionPlanItem._meta.verbose_name),
    )


# The reviews of a measure the member may still answer, or whose deadline may be extended.
ITEM_NOT_ACCEPTED = (ActionPlanItem.Review.PENDING, ActionPlanItem.Review.RETURNED)


def _item_locked(
    *,
    item: ActionPlanItem,
    action: str,
    plan_states: Sequence[str],
    plan_refusal: str,
    reviews: Sequence[str],
) -> tuple[ActionPlan, ActionPlanItem]:
    """Lock the plan, then the item (always in that order: the plan's row serializes every
    change to its measures); refuse ``action`` unless the plan is in one of ``plan_states``
    (``plan_refusal`` says when the action is taken) and the measure's review is one of
    ``reviews``. Inside the caller's transaction."""
    plan = ActionPlan.objects.select_for_update().get(pk=item.plan_id)
    locked = ActionPlanItem.objects.select_for_update().get(pk=item.pk)
    locked.plan = plan
    if plan.state not in plan_states:
        raise TransitionNotAllowed(
            obj=plan, action=action, state=state_label(plan), reason=plan_refusal
        )
    if locked.review not in reviews:
        raise TransitionNotAllowed(
            obj=locked,
            action=action,
            state=locked.get_status_display(),
            reason=_("The member has to answer it again first.")
            if locked.review == ActionPlanItem.Review.RETURNED
            else "",
        )
    return plan, locked


def _files_check(files: Sequence[UploadedFile]) -> list[str]:
    """Each file's extension, once all of them pass the evidence checks."""
    if len(files) > MAX_FILES_PER_ANSWER:
        raise ValidationError(
            {
                "files": _("Attach at most %(count)s files to one answer.")
                % {"count": MAX_FILES_PER_ANSWER}
            }
        )
    return [trader_services.evidence_check(upload=upload, field="files") for upload in files]


def action_plan_item_respond(
    *,
    item: ActionPlanItem,
    actor: User,
    response: str,
    files: Sequence[UploadedFile] = (),
) -> ActionPlanItem:
    """The member answers one measure, with files as evidence (or corrects an answer not yet
    reviewed). When no measure is left to answer, the plan moves to responded. On any
    failure nothing is saved: neither the answer, nor a row, nor a stored file."""
    _item_permission_check(item=item, actor=actor, roles=TRADER_ONLY, action="respond")
    response = require_text(response, "response", _("Describe the corrective action taken."))
    files = list(files)
    extensions = _files_check(files)
    now = timezone.now()
    stored: list[ActionPlanItemEvidence] = []
    try:
        with transaction.atomic():
            plan, locked = _item_locked(
                item=item,
                action="respond",
                plan_states=ActionPlan.OPEN_STATES,
                plan_refusal=_("Measures are answered while the plan waits for the member."),
                reviews=ITEM_NOT_ACCEPTED,
            )
            locked.response = response
            locked.responded_at = now
            locked.review = ActionPlanItem.Review.PENDING
            locked.save(update_fields=["response", "responded_at", "review", "updated_at"])
            for upload, ext in zip(files, extensions, strict=True):
                evidence = ActionPlanItemEvidence(
                    item=locked,
                    original_name=(upload.name or "")[-255:],
                    content_type=trader_services.EVIDENCE_CONTENT_TYPES[ext],
                    size=upload.size or 0,
                    uploaded_by=actor,
                )
                evidence.file.save(upload.name or f"evidence.{ext}", upload, save=False)
                stored.append(evidence)
                evidence.save()
            names = ", ".join(e.original_name for e in stored)
            audit_record(
                actor=actor,
                obj=plan,
                action="respond_item",
                note=f"{_item_name(locked)}: {response}" + (f" ({names})" if names else ""),
            )
            still_owed = (
                plan.items.exclude(review=ActionPlanItem.Review.ACCEPTED)
                .filter(
                    models.Q(review=ActionPlanItem.Review.RETURNED)
                    | models.Q(responded_at__isnull=True)
                )
                .exists()
            )
            if not still_owed:
                transition_run(
                    obj=plan,
                    action="respond",
                    actor=actor,
                    roles=TRADER_ONLY,
                    note=_("Every measure is answered."),
                    kwargs={"when": now},
                    fields=["responded_at"],
                )
    except Exception:
        for evidence in stored:  # nothing half-saved: no orphan file
            evidence.file.delete(save=False)
        raise
    return ActionPlanItem.objects.select_related("plan").get(pk=locked.pk)


def _item_review(
    *, item: ActionPlanItem, actor: User, review: str, note: str, action: str
) -> ActionPlanItem:
    _item_permission_check(item=item, actor=actor, roles=OFFICERS, action=action)
    Review = ActionPlanItem.Review
    with transaction.atomic():
        plan, locked = _item_locked(
            item=item,
            action=action,
            plan_states=[ActionPlan.State.RESPONDED],
            plan_refusal=_("Measures are reviewed once the member has answered every one."),
            reviews=[Review.PENDING],
        )
        locked.review = review
        locked.review_note = note
        locked.save(update_fields=["review", "review_note", "updated_at"])
        audit_record(
            actor=actor,
            obj=plan,
            action=f"{'accept' if review == Review.ACCEPTED else 'return'}_item",
            note=f"{_item_name(locked)}: {note}" if note else _item_name(locked),
        )
        reviews = list(plan.items.order_by("id"))
        if not any(i.review == Review.PENDING for i in reviews):
            returned = [(n, i) for n, i in enumerate(reviews, 1) if i.review == Review.RETURNED]
            if returned:
                summary = "\n".join(f"{_item_name(i, n)}: {i.review_note}" for n, i in returned)
                transition_run(
                    obj=plan,
                    action="return_plan",
                    actor=actor,
                    roles=OFFICERS,
                    note=summary,
                    kwargs={"note": summary},
                    fields=["review_note"],
                )
            else:
                summary = _("Every measure is accepted.")
                transition_run(
                    obj=plan,
                    action="accept",
                    actor=actor,
                    roles=OFFICERS,
                    note=summary,
                    kwargs={"note": summary},
                    fields=["review_note"],
                )
    return ActionPlanItem.objects.select_related("plan").get(pk=locked.pk)


def action_plan_item_accept(*, item: ActionPlanItem, actor: User, note: str = "") -> ActionPlanItem:
    """Accept the member's answer on one measure. The last review of a round closes the
    plan (every measure accepted) or returns it (some returned)."""
    return _item_review(
        item=item,
        actor=actor,
        review=ActionPlanItem.Review.ACCEPTED,
        note=(note or "").strip(),
        action="accept",
    )


def action_plan_item_return(*, item: ActionPlanItem, actor: User, note: str) -> ActionPlanItem:
    """Send one answer back for more work; the note (required) says what is missing."""
    note = require_text(note, "note", _("Say what the member still has to do."))
    return _item_review(
        item=item,
        actor=actor,
        review=ActionPlanItem.Review.RETURNED,
        note=note,
        action="return_plan",
    )


def action_plan_item_extend(
    *, item: ActionPlanItem, actor: User, deadline: dt.date, reason: str
) -> ActionPlanItem:
    """Give the member until ``deadline`` for one measure not yet accepted (after today and
    after its current deadline); ``original_deadline`` keeps the date first set. The plan's
    deadline stays the latest of its measures'; an overdue or escalated plan goes back to
    issued (through the plan's extend transition)."""
    _item_permission_check(item=item, actor=actor, roles=OFFICERS, action="extend")
    reason = require_text(reason, "reason", _("Give the reason for the extension."))
    if deadline <= agency_today():
        raise ValidationError({"deadline": _("The new deadline must be a date after today.")})
    with transaction.atomic():
        plan, locked = _item_locked(
            item=item,
            action="extend",
            plan_states=ActionPlan.OPEN_STATES,
            plan_refusal=_("Deadlines are extended while the plan waits for the member."),
            reviews=ITEM_NOT_ACCEPTED,
        )
        if deadline <= locked.deadline:
            raise ValidationError(
                {
                    "deadline": _("The new deadline must be after the current one (%(date)s).")
                    % {"date": locked.deadline.isoformat()}
                }
            )
        locked.deadline = deadline
        locked.save(update_fields=["deadline", "updated_at"])
        note = _("%(item)s: extended to %(date)s: %(reason)s") % {
            "item": _item_name(locked),
            "date": deadline.isoformat(),
            "reason": reason,
        }
        audit_record(actor=actor, obj=plan, action="extend_item", note=note)
        latest = max(plan.items.values_list("deadline", flat=True))
        if plan.state in (ActionPlan.State.OVERDUE, ActionPlan.State.ESCALATED):
            transition_run(
                obj=plan,
                action="extend",
                actor=actor,
                roles=OFFICERS,
                note=note,
                kwargs={"deadline": latest},
                fields=["deadline"],
            )
        elif latest != plan.deadline:
            plan.deadline = latest
            plan.save(update_fields=["deadline", "updated_at"])
    return ActionPlanItem.objects.select_related("plan").get(pk=locked.pk)

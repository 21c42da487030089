"""Writes for site validations and their findings, action plans and incidents.

Each lifecycle transition has one service here; it runs through
:func:`core.transitions.transition_run` (lock, permission, state check, save, audit). A
service that also moves an application or a change notice does it through the traders
services, in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.dates import agency_today
from core.errors import DomainError, Incomplete, TransitionNotAllowed
from core.inputs import require_text
from core.roles import OFFICERS, SYSTEM, TRADER_ONLY, permission_check
from core.transitions import state_label, transition_run
from traders import services as trader_services
from traders.models import (
    Application,
    CatalogueVersion,
    ChangeNotice,
    Company,
    Membership,
    Requirement,
    Site,
)
from traders.selectors import catalogue_current

from .models import (
    ActionPlan,
    ActionPlanItem,
    ActionPlanItemEvidence,
    Finding,
    FindingEvidence,
    Incident,
    SiteValidation,
)
from .selectors import validation_missing_findings

if TYPE_CHECKING:
    from core.models import User

# Memberships a visit or a plan can still concern: not ended for good.
CURRENT_MEMBERSHIP_STATES = frozenset(
    {Membership.State.ACTIVE, Membership.State.SUSPENDED, Membership.State.APPEALED}
)


# --- Site validations -------------------------------------------------------------------


def site_validation_schedule(
    *,
    company: Company,
    actor: User,
    kind: str,
    scheduled_for: dt.date,
    sites: Sequence[Site] = (),
    officers: Sequence[User] = (),
    joint_with_cbp: bool = False,
    application: Application | None = None,
    membership: Membership | None = None,
    catalogue: CatalogueVersion | None = None,
    change_notice: ChangeNotice | None = None,
) -> SiteValidation:
    """Schedule a visit; the actor leads it.

    An initial validation is for an eligible application (which moves to
    ``validation_scheduled`` in the same transaction) and is assessed against the catalogue
    of the application's security profile; it covers the application's sites unless others
    are given. Every other kind is for a current membership of the company, against the
    catalogue given or the one in force. A spot check may follow up a change notice, which
    then records the follow-up in the same transaction.
    """
    permission_check(
        actor=actor, roles=OFFICERS, action="schedule_site_validation", company_id=company.pk
    )
    Kind = SiteValidation.Kind
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Choose the kind of site validation.")})
    if scheduled_for < agency_today():
        raise ValidationError({"scheduled_for": _("The visit cannot be scheduled in the past.")})
    if kind == Kind.INITIAL:
        if application is None or application.company_id != company.pk:
            raise ValidationError(
                {"application": _("Choose the company's application to validate.")}
            )
        if membership is not None:
            raise ValidationError(
                {"membership": _("An initial validation is for an application, not a membership.")}
            )
        profile_catalogue = application.profile.catalogue
        if catalogue is not None and catalogue.pk != profile_catalogue.pk:
            raise ValidationError(
                {
                    "catalogue": _(
                        "An application is validated against the catalogue of its security "
                        "profile (%(catalogue)s)."
                    )
                    % {"catalogue": profile_catalogue}
                }
            )
        catalogue = profile_catalogue
        if not sites:
            sites = list(application.sites.all())
    else:
        if membership is None or membership.company_id != company.pk:
            raise ValidationError({"membership": _("Choose the company's membership.")})
        if application is not None:
            raise ValidationError(
                {"application": _("Only an initial validation is for an application.")}
            )
        if membership.state not in CURRENT_MEMBERSHIP_STATES:
            raise DomainError(
                _("This membership is %(state)s: its sites are no longer validated.")
                % {"state": membership.get_state_display()},
                code="membership_ended",
            )
        catalogue = catalogue or catalogue_current()
    if change_notice is not None:
        if kind != Kind.SPOT_CHECK:
            raise ValidationError(
                {"change_notice": _("Only a spot check follows up a change notice.")}
            )
        if change_notice.company_id != company.pk:
            raise ValidationError(
                {"change_notice": _("Choose a change notice of the same company.")}
            )
    if any(site.company_id != company.pk for site in sites):
        raise ValidationError({"sites": _("Choose sites of the company being validated.")})
    if any(officer.role not in OFFICERS for officer in officers):
        raise ValidationError({"officers": _("Only officers and managers can take part.")})

    with transaction.atomic():
        # The application (or notice) moves first: its row lock makes a second, concurrent
        # scheduling wait and then find it no longer eligible.
        if kind == Kind.INITIAL:
            assert application is not None
            trader_services.application_schedule_validation(application=application, actor=actor)
        if change_notice is not None:
            trader_services.change_notice_open_follow_up(
                notice=change_notice,
                actor=actor,
                follow_up="spot_check",
                note=_("Spot check scheduled for %(date)s.") % {"date": scheduled_for.isoformat()},
            )
        validation = SiteValidation.objects.create(
            company=company,
            kind=kind,
            application=application if kind == Kind.INITIAL else None,
            membership=membership if kind != Kind.INITIAL else None,
            change_notice=change_notice,
            catalogue=catalogue,
            joint_with_cbp=joint_with_cbp,
            lead_officer=actor,
            scheduled_for=scheduled_for,
        )
        validation.sites.set(sites)
        validation.officers.set({actor, *officers})
        audit_record(
            actor=actor,
            obj=validation,
            action="schedule",
            to_state=SiteValidation.State.SCHEDULED,
            note=_("%(kind)s on %(date)s.")
            % {"kind": validation.get_kind_display(), "date": scheduled_for.isoformat()},
        )
    return validation


def site_validation_start(*, validation: SiteValidation, actor: User) -> SiteValidation:
    return transition_run(
        obj=validation,
        action="start",
        actor=actor,
        roles=OFFICERS,
        kwargs={"when": timezone.now()},
        fields=["started_at"],
    )


def site_validation_complete(
    *, validation: SiteValidation, actor: User, outcome: str, recommendations: str = ""
) -> SiteValidation:
    """Close the report: every requirement of the catalogue needs a finding. Completing an
    initial validation records it on the application, in the same transaction."""
    if outcome not in SiteValidation.Outcome.values:
        raise ValidationError({"outcome": _("Choose the outcome of the validation.")})
    recommendations = (recommendations or "").strip()
    outcome_label = str(SiteValidation.Outcome(outcome).label)

    def check(v: SiteValidation) -> None:
        missing = validation_missing_findings(validation=v)
        if missing:
            raise Incomplete(
                _("The report cannot be completed yet: %(count)s requirement(s) have no finding.")
                % {"count": len(missing)},
                missing=missing,
            )

    def after(v: SiteValidation) -> None:
        if v.kind == SiteValidation.Kind.INITIAL and v.application is not None:
            trader_services.application_record_validation(
                application=v.application, actor=actor, note=outcome_label
            )

    return transition_run(
        obj=validation,
        action="complete",
        actor=actor,
        roles=OFFICERS,
        note=outcome_label,
        kwargs={"outcome": outcome, "recommendations": recommendations, "when": timezone.now()},
        fields=["outcome", "recommendations", "completed_at"],
        check=check,
        after=after,
    )


def site_validation_cancel(
    *, validation: SiteValidation, actor: User, reason: str
) -> SiteValidation:
    """Cancel a visit that has not been completed; an initial validation's application goes
    back to eligible, ready for a new one (unless the applicant has withdrawn it meanwhile:
    a withdrawn application stays withdrawn)."""
    reason = require_text(reason, "reason", _("Give the reason for cancelling the visit."))

    def after(v: SiteValidation) -> None:
        if v.kind != SiteValidation.Kind.INITIAL or v.application_id is None:
            return
        application = Application.objects.get(pk=v.application_id)
        if application.state == Application.State.VALIDATION_SCHEDULED:
            trader_services.application_unschedule_validation(
                application=application, actor=actor, note=reason
            )

    return transition_run(
        obj=validation,
        action="cancel",
        actor=actor,
        roles=OFFICERS,
        note=reason,
        kwargs={"reason": reason},
        fields=["cancel_reason"],
        after=after,
    )


def site_validations_cancel_for_withdrawal(*, application: Application) -> list[SiteValidation]:
    """Cancel the visits of a withdrawn application that are still scheduled: they will
    never take place. Called by ``traders.services.application_withdraw`` inside its
    transaction, once the application is withdrawn (so it stays withdrawn). The system
    cancels them (actor=None): a trader may not cancel a visit, and the trader's own act is
    audited on the application. A visit under way is left to its officer, who may still
    cancel it (it can no longer be completed)."""
    note = _("The applicant withdrew application %(reference)s.") % {
        "reference": application.reference
    }
    scheduled = (
        SiteValidation.objects.select_for_update()
        .filter(application_id=application.pk, state=SiteValidation.State.SCHEDULED)
        .order_by("pk")
    )
    return [
        transition_run(
            obj=validation,
            action="cancel",
            actor=None,
            roles={SYSTEM},
            note=note,
            kwargs={"reason": note},
            fields=["cancel_reason"],
        )
        for validation in scheduled
    ]


def _validation_in_progress(*, validation: SiteValidation, action: str) -> SiteValidation:
    """Lock the validation and refuse unless its report is being written."""
    locked = SiteValidation.objects.select_for_update().get(pk=validation.pk)
    if locked.state != SiteValidation.State.IN_PROGRESS:
        raise TransitionNotAllowed(
            obj=locked,
            action=action,
            state=state_label(locked),
            reason=_("Findings are recorded while the validation is in progress."),
        )
    return locked


def finding_record(
    *,
    validation: SiteValidation,
    requirement: Requirement,
    result: str,
    note: str,
    actor: User,
) -> Finding:
    """Record (or correct) the finding on one requirement while the visit is in progress."""
    permission_check(
        actor=actor, roles=OFFICERS, action="record_finding", company_id=validation.company_id
    )
    if result not in Finding.Result.values:
        raise ValidationError({"result": _("Choose the result for this requirement.")})
    note = (note or "").strip()
    if result in (Finding.Result.PARTIALLY_MEETS, Finding.Result.DOES_NOT_MEET) and not note:
        raise ValidationError(
            {"note": _("Explain what falls short of the requirement.")},
        )
    if requirement.area.catalogue_id != validation.catalogue_id:
        raise ValidationError(
            {"requirement": _("This requirement is not part of the validation's catalogue.")}
        )
    with transaction.atomic():
        locked = _validation_in_progress(validation=validation, action="record_finding")
        finding, _created = Finding.objects.update_or_create(
            validation=locked,
            requirement=requirement,
            defaults={"result": result, "note": note, "recorded_by": actor},
        )
        audit_record(
            actor=actor,
            obj=finding,
            action="record_finding",
            note=f"{requirement.code}: {finding.get_result_display()}",
            company_id=locked.company_id,
        )
    return finding


def finding_evidence_attach(
    *, finding: Finding, upload: UploadedFile, actor: User
) -> FindingEvidence:
    """Attach a picture or document to a finding, with the same checks as a trader's
    evidence. On any failure neither the row nor the stored file remains."""
    validation = finding.validation
    permission_check(
        actor=actor,
        roles=OFFICERS,
        action="attach_finding_evidence",
        company_id=validation.company_id,
    )
    ext = trader_services.evidence_check(upload=upload)
    with transaction.atomic():
        locked = _validation_in_progress(validation=validation, action="attach_finding_evidence")
        evidence = FindingEvidence(
            finding=finding,
            original_name=(upload.name or "")[-255:],
            content_type=trader_services.EVIDENCE_CONTENT_TYPES[ext],
            size=upload.size or 0,
            uploaded_by=actor,
        )
        evidence.file.save(upload.name or f"evidence.{ext}", upload, save=False)
        try:
            evidence.save()
            audit_record(
                actor=actor,
                obj=finding,
                action="attach_finding_evidence",
                note=evidence.original_name,
                company_id=locked.company_id,
            )
        except Exception:
            evidence.file.delete(save=False)  # nothing half-saved: no orphan file
            raise
    return evidence


# --- Action plans -----------------------------------------------------------------------


def _plan_items_clean(
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
    cleaned = _plan_items_clean(
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
        audit_record(
            actor=actor,
            obj=plan,
            action="issue",
            to_state=ActionPlan.State.ISSUED,
            note=_("%(count)s measure(s), due by %(date)s.")
            % {"count": len(cleaned), "date": plan.deadline.isoformat()},
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


# --- Action plans, item by item ------------------------------------------------------
#
# The member answers each measure (text and files) while the plan is open; once every
# measure still owed is answered, the plan moves to responded. The officer then reviews each
# answer: once none awaits review, the plan is accepted if every measure is, else returned
# (and the member answers the returned ones again). Each step writes an audit event on the
# plan naming the measure; the plan's own transitions go through transition_run.

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


# --- Incidents --------------------------------------------------------------------------


def incident_report(
    *,
    company: Company,
    actor: User,
    occurred_on: dt.date,
    description: str,
    membership: Membership | None = None,
) -> Incident:
    """A member (or an officer on their behalf) reports a security incident."""
    permission_check(
        actor=actor, roles=TRADER_ONLY | OFFICERS, action="report_incident", company_id=company.pk
    )
    description = require_text(description, "description", _("Describe what happened."))
    if occurred_on > agency_today():
        raise ValidationError({"occurred_on": _("An incident cannot have occurred in the future.")})
    if membership is not None and membership.company_id != company.pk:
        raise ValidationError({"membership": _("Choose the company's membership.")})
    with transaction.atomic():
        incident = Incident.objects.create(
            company=company,
            membership=membership,
            occurred_on=occurred_on,
            description=description,
            reported_by=actor,
        )
        audit_record(
            actor=actor,
            obj=incident,
            action="report",
            to_state=Incident.State.REPORTED,
            note=description,
        )
    return incident


def incident_start_analysis(*, incident: Incident, actor: User) -> Incident:
    """The actor takes up the post-incident analysis."""
    return transition_run(
        obj=incident,
        action="start_analysis",
        actor=actor,
        roles=OFFICERS,
        kwargs={"analyst": actor},
        fields=["analyst"],
    )


def incident_conclude(
    *,
    incident: Incident,
    actor: User,
    cause: str,
    mitigating_circumstances: str,
    prevention_strategy: str,
    action_items: Sequence[Mapping[str, Any]] = (),
) -> Incident:
    """Record the analysis. Action items, if any, are issued as one action plan from the
    incident in the same transaction: both happen, or neither."""
    cause = require_text(cause, "cause", _("State the cause of the incident."))
    prevention_strategy = require_text(
        prevention_strategy,
        "prevention_strategy",
        _("Describe the strategy to prevent it from happening again."),
    )
    mitigating_circumstances = (mitigating_circumstances or "").strip()

    def after(i: Incident) -> None:
        # A bad item is refused here, after the conclusion is written: the whole
        # transaction, conclusion and audit event included, is rolled back.
        if action_items:
            action_plan_issue(
                company=i.company,
                actor=actor,
                items=action_items,
                membership=i.membership,
                source_incident=i,
            )

    return transition_run(
        obj=incident,
        action="conclude",
        actor=actor,
        roles=OFFICERS,
        note=cause,
        kwargs={
            "cause": cause,
            "mitigating_circumstances": mitigating_circumstances,
            "prevention_strategy": prevention_strategy,
            "when": timezone.now(),
        },
        fields=["cause", "mitigating_circumstances", "prevention_strategy", "concluded_at"],
        after=after,
    )

"""Site validations: scheduling a visit (initial, revalidation, spot check), starting it,
completing its report and cancelling it. Moving the application or the change notice that
a visit concerns goes through the traders services, in the same transaction."""

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
from core.errors import DomainError, Incomplete
from core.inputs import require_text
from core.roles import OFFICERS, SYSTEM, permission_check
from core.transitions import state_label, transition_run
from traders import notices
from traders import services as trader_services
from traders.models import Application, CatalogueVersion, ChangeNotice, Company, Membership, Site
from traders.selectors import catalogue_current

from ..errors import OutcomeContradictsFindings
from ..models import SiteValidation
from ..selectors import validation_missing_findings, validation_outcome_conflicts
from .action_plans import action_plan_issue, plan_items_clean

if TYPE_CHECKING:
    from core.models import User


# Memberships a visit or a plan can still concern: not ended for good.
CURRENT_MEMBERSHIP_STATES = frozenset(
    {Membership.State.ACTIVE, Membership.State.SUSPENDED, Membership.State.APPEALED}
)


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
                # Said without the kind or the date: the notice's trail is the trader's to
                # read, and a spot check is unannounced (the visit's own trail has both).
                note=_("Follow-up opened by an officer."),
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
        event = audit_record(
            actor=actor,
            obj=validation,
            action="schedule",
            to_state=SiteValidation.State.SCHEDULED,
            note=_("%(kind)s on %(date)s.")
            % {"kind": validation.get_kind_display(), "date": scheduled_for.isoformat()},
        )
        if kind != Kind.SPOT_CHECK:  # a spot check is never announced
            _visit_notify(
                validation=validation, kind=notices.Kind.VISIT_SCHEDULED, event_id=event.pk
            )
    return validation


def _visit_link(validation: SiteValidation) -> str:
    if validation.application_id is not None:
        return reverse("portal:application", args=[validation.application_id])
    return reverse("portal:membership", args=[validation.membership_id])


def _visit_notify(*, validation: SiteValidation, kind: str, event_id: int) -> None:
    """Tell the company of a visit (its date) or of its report (once completed)."""
    notices.company_notify(
        subject=validation,
        company_id=validation.company_id,
        kind=kind,
        event_id=event_id,
        link=_visit_link(validation),
        due_on=validation.scheduled_for,
        details={
            "visit_kind": validation.kind,
            "scheduled_for": validation.scheduled_for.isoformat(),
            "outcome": validation.outcome,
        },
    )


def site_validation_start(*, validation: SiteValidation, actor: User) -> SiteValidation:
    return transition_run(
        obj=validation,
        action="start",
        actor=actor,
        roles=OFFICERS,
        kwargs={"when": timezone.now()},
        fields=["started_at"],
    )


def _action_plan_items_clean(
    *, validation: SiteValidation, outcome: str, items: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """The measures of the plan issued with the report: required with "meets with an action
    plan", refused with "meets" (nothing to correct), optional with "does not meet"."""
    Outcome = SiteValidation.Outcome
    if outcome == Outcome.MEETS and items:
        raise ValidationError(
            {
                "action_plan_items": _(
                    "An outcome of “meets requirements” has no corrective measures: choose "
                    "“meets with an action plan”, or leave the measures empty."
                )
            }
        )
    if not items and outcome != Outcome.MEETS_WITH_ACTION_PLAN:
        return []
    if not items:
        raise ValidationError(
            {
                "action_plan_items": _(
                    "List the corrective measures of the action plan, one for each must "
                    "requirement found short."
                )
            }
        )
    try:
        return plan_items_clean(items=items, catalogue_id=validation.catalogue_id)
    except ValidationError as error:
        raise ValidationError({"action_plan_items": error.messages}) from error


def site_validation_complete(
    *,
    validation: SiteValidation,
    actor: User,
    outcome: str,
    recommendations: str = "",
    action_plan_items: Sequence[Mapping[str, Any]] = (),
    override_reason: str = "",
) -> SiteValidation:
    """Close the report: every requirement of the catalogue needs a finding, and the outcome
    must agree with them. "Meets requirements" only when no *must* requirement does not meet
    or only partially meets; "meets with an action plan" only with a plan whose measures
    (``action_plan_items``, issued with the report in the same transaction) cover each such
    requirement; "does not meet" always. ``override_reason``, the officer's written
    justification, lets an outcome stand against the findings: it is kept on the validation
    and in the audit event. Completing an initial validation records it on the application,
    in the same transaction."""
    if outcome not in SiteValidation.Outcome.values:
        raise ValidationError({"outcome": _("Choose the outcome of the validation.")})
    recommendations = (recommendations or "").strip()
    override_reason = (override_reason or "").strip()
    items = _action_plan_items_clean(
        validation=validation, outcome=outcome, items=list(action_plan_items)
    )
    covered = {item["requirement"].pk for item in items if item["requirement"] is not None}
    outcome_label = str(SiteValidation.Outcome(outcome).label)

    with transaction.atomic():
        # Findings are recorded under this lock: they cannot change until the report closes.
        locked = SiteValidation.objects.select_for_update().get(pk=validation.pk)
        conflicts = validation_outcome_conflicts(
            validation=locked, outcome=outcome, covered_requirement_ids=covered
        )
        note = _outcome_note(
            outcome_label=outcome_label, conflicts=conflicts, override_reason=override_reason
        )

        def check(v: SiteValidation) -> None:
            missing = validation_missing_findings(validation=v)
            if missing:
                raise Incomplete(
                    _(
                        "The report cannot be completed yet: %(count)s requirement(s) have no "
                        "finding."
                    )
                    % {"count": len(missing)},
                    missing=missing,
                )
            if conflicts and not override_reason:
                raise OutcomeContradictsFindings(
                    outcome=outcome, state=state_label(v), conflicts=conflicts
                )

        def after(v: SiteValidation) -> None:
            if items:
                action_plan_issue(company=v.company, actor=actor, items=items, source_validation=v)
            if v.kind == SiteValidation.Kind.INITIAL and v.application is not None:
                trader_services.application_record_validation(
                    application=v.application, actor=actor, note=note
                )
            _visit_notify(
                validation=v,
                kind=notices.Kind.REPORT_AVAILABLE,
                event_id=notices.event_id_of(obj=v, action="complete"),
            )

        return transition_run(
            obj=locked,
            action="complete",
            actor=actor,
            roles=OFFICERS,
            note=note,
            kwargs={
                "outcome": outcome,
                "recommendations": recommendations,
                "override_reason": override_reason,
                "when": timezone.now(),
            },
            fields=["outcome", "recommendations", "outcome_override_reason", "completed_at"],
            check=check,
            after=after,
        )


def _outcome_note(
    *, outcome_label: str, conflicts: Sequence[dict[str, str]], override_reason: str
) -> str:
    """The audit note of a completed report: the outcome, and the officer's justification
    with the findings it stands against."""
    if conflicts and override_reason:
        return _(
            "%(outcome)s, against the findings on %(codes)s. Officer's justification: %(reason)s"
        ) % {
            "outcome": outcome_label,
            "codes": ", ".join(c["code"] for c in conflicts),
            "reason": override_reason,
        }
    if override_reason:
        return _("%(outcome)s. Officer's justification: %(reason)s") % {
            "outcome": outcome_label,
            "reason": override_reason,
        }
    return outcome_label


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
    never take place. Called by :func:`application_withdraw` (``withdrawal``) inside its
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

"""Reads for site validations, findings, action plans and incidents, scoped by role."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from core.dates import agency_today
from core.models import Role
from core.roles import scope_for
from traders.models import Application, ChangeNotice, Requirement
from traders.selectors import change_notice_list_for as trader_change_notice_list_for
from traders.selectors import profile_overview

from .models import (
    ActionPlan,
    ActionPlanItem,
    ActionPlanItemEvidence,
    Finding,
    FindingEvidence,
    Incident,
    SiteValidation,
)


def validation_missing_findings(*, validation: SiteValidation) -> list[dict[str, str]]:
    """Each requirement of the validation's catalogue that has no finding yet, in catalogue
    order (same shape as ``traders.selectors.profile_missing_items``)."""
    requirements = (
        Requirement.objects.filter(area__catalogue_id=validation.catalogue_id)
        .exclude(pk__in=Finding.objects.filter(validation=validation).values("requirement_id"))
        .select_related("area")
        .order_by("area__order", "order")
    )
    reason = str(_("No finding recorded."))
    return [{"code": r.code, "area": r.area.code, "reason": reason} for r in requirements]


# A *must* requirement found short: what an outcome of "meets" contradicts.
SHORTFALL_RESULTS = (Finding.Result.PARTIALLY_MEETS, Finding.Result.DOES_NOT_MEET)


def validation_outcome_conflicts(
    *,
    validation: SiteValidation,
    outcome: str,
    covered_requirement_ids: Collection[int] | None = None,
) -> list[dict[str, str]]:
    """The findings that contradict ``outcome``, in catalogue order: for "meets", every must
    requirement that does not meet or only partially meets; for "meets with an action plan",
    those of them with no measure in the plan (``covered_requirement_ids``: the requirements
    the plan's measures address; by default those of the plans issued from the validation);
    for "does not meet", none."""
    Outcome = SiteValidation.Outcome
    if outcome not in (Outcome.MEETS, Outcome.MEETS_WITH_ACTION_PLAN):
        return []
    shortfalls = (
        Finding.objects.filter(
            validation=validation,
            requirement__level=Requirement.Level.MUST,
            result__in=SHORTFALL_RESULTS,
        )
        .select_related("requirement")
        .order_by("requirement__area__order", "requirement__order", "requirement__code")
    )
    if outcome == Outcome.MEETS_WITH_ACTION_PLAN:
        if covered_requirement_ids is None:
            covered_requirement_ids = set(
                ActionPlanItem.objects.filter(
                    plan__source_validation=validation, requirement__isnull=False
                ).values_list("requirement_id", flat=True)
            )
        shortfalls = shortfalls.exclude(requirement_id__in=list(covered_requirement_ids))
    return [
        {
            "code": finding.requirement.code,
            "result": finding.result,
            "result_label": str(finding.get_result_display()),
        }
        for finding in shortfalls
    ]


def site_validation_outcome_list(
    *, application_id: int | None = None, membership_id: int | None = None
) -> list[dict[str, Any]]:
    """The completed validations of an application or a membership, latest first, each
    with the findings its outcome stands against (kept by the officer's justification):
    what the manager weighs before deciding."""
    validations = SiteValidation.objects.filter(state=SiteValidation.State.COMPLETED)
    if application_id is not None:
        validations = validations.filter(application_id=application_id)
    else:
        validations = validations.filter(membership_id=membership_id)
    return [
        {
            "validation": v,
            "conflicts": [
                c["code"] for c in validation_outcome_conflicts(validation=v, outcome=v.outcome)
            ],
        }
        for v in validations.order_by("-completed_at", "-pk")
    ]


def action_plan_past_deadline_list() -> models.QuerySet[ActionPlan]:
    """Open plans (issued or returned) whose deadline has passed: what the sweep marks
    overdue and the dashboard counts."""
    return ActionPlan.objects.filter(
        state__in=[ActionPlan.State.ISSUED, ActionPlan.State.RETURNED],
        deadline__lt=agency_today(),
    )


# One scoping function per model: every page and API reaches these objects only through them.


def site_validation_unannounced(prefix: str = "") -> models.Q:
    """Spot checks that have not started: unannounced visits, which the trader must not
    learn of before the officers arrive (a spot check is never announced; it is 'started'
    once the officer records the start of the visit). One cancelled before it started
    stays hidden: there was nothing to see."""
    return models.Q(
        **{f"{prefix}kind": SiteValidation.Kind.SPOT_CHECK, f"{prefix}started_at__isnull": True}
    )


def change_notice_list_for(*, user: Any) -> models.QuerySet[ChangeNotice]:
    """``traders.selectors.change_notice_list_for`` with, for a trader, ``follow_up_hidden``
    on each notice that a spot check not yet started follows up: the notice's follow-up
    and the officer's note are not shown until the visit starts (a spot check is never
    announced)."""
    qs = trader_change_notice_list_for(user=user)
    if getattr(user, "role", None) != Role.TRADER:
        return qs
    pending = SiteValidation.objects.filter(
        site_validation_unannounced(), change_notice=models.OuterRef("pk")
    )
    return qs.annotate(follow_up_hidden=models.Exists(pending))


def _unannounced_hidden(qs: models.QuerySet[Any], *, user: Any, prefix: str = "") -> Any:
    if getattr(user, "role", None) == Role.TRADER:
        return qs.exclude(site_validation_unannounced(prefix))
    return qs


def site_validation_list_for(*, user: Any) -> models.QuerySet[SiteValidation]:
    """Staff see every visit; a trader their company's, except spot checks not started."""
    qs = scope_for(SiteValidation, user=user).select_related("company", "lead_officer")
    return _unannounced_hidden(qs, user=user)


def finding_list_for(*, user: Any) -> models.QuerySet[Finding]:
    qs = scope_for(Finding, user=user).select_related("requirement")
    return _unannounced_hidden(qs, user=user, prefix="validation__")


def finding_evidence_list_for(*, user: Any) -> models.QuerySet[FindingEvidence]:
    return _unannounced_hidden(
        scope_for(FindingEvidence, user=user), user=user, prefix="finding__validation__"
    )


def action_plan_list_for(*, user: Any) -> models.QuerySet[ActionPlan]:
    return scope_for(ActionPlan, user=user).select_related("company")


def action_plan_item_list_for(*, user: Any) -> models.QuerySet[ActionPlanItem]:
    return scope_for(ActionPlanItem, user=user)


def action_plan_item_evidence_list_for(*, user: Any) -> models.QuerySet[ActionPlanItemEvidence]:
    return scope_for(ActionPlanItemEvidence, user=user)


def incident_list_for(*, user: Any) -> models.QuerySet[Incident]:
    return scope_for(Incident, user=user).select_related("company")


# --- What the daily sweep reads (values only: the sweep works on many rows at once) -------


def action_plan_in_state_rows(*, state: str) -> list[dict[str, Any]]:
    """Open plans in ``state`` (overdue, escalated): who must be told."""
    return list(
        ActionPlan.objects.filter(state=state, deadline__lte=agency_today())
        .order_by()
        .values("pk", "company_id", "issued_by_id", "deadline")
    )


def action_plan_escalation_due_list(*, deadline_before: Any) -> models.QuerySet[ActionPlan]:
    """Overdue plans whose deadline is older than the grace period: escalated by the sweep."""
    return ActionPlan.objects.filter(
        state=ActionPlan.State.OVERDUE, deadline__lt=deadline_before
    ).order_by("deadline", "id")


# --- The officer workbench (backoffice) -------------------------------------------------

# Applications an officer still has work on (or that wait for a manager's decision).
APPLICATION_QUEUE_STATES = (
    "submitted",
    "under_review",
    "info_requested",
    "eligible",
    "validation_scheduled",
    "validated",
)


def application_queue_rows(
    *, user: Any, who: str = "all", stage: str = "", q: str = ""
) -> models.QuerySet[Any]:
    """The applications of the work queue as rows of plain values (one query, whatever the
    page size): the columns of :data:`QUEUE_COLUMNS`, so that it can be combined (UNION)
    with the revalidation cycles' rows. ``deadline`` is the open information request's
    deadline or the date of the scheduled site validation."""
    from django.db.models.functions import Coalesce, NullIf

    from traders.models import Application, InformationRequest

    qs = scope_for(Application, user=user).filter(state__in=APPLICATION_QUEUE_STATES)
    if stage:
        qs = qs.filter(state=stage)
    if who == "mine":
        qs = qs.filter(assigned_officer=user)
    elif who == "unassigned":
        qs = qs.filter(assigned_officer__isnull=True)
    if q:
        qs = qs.filter(
            models.Q(reference__icontains=q)
            | models.Q(company__legal_name__icontains=q)
            | models.Q(company__operating_name__icontains=q)
        )
    info_deadline = (
        InformationRequest.objects.filter(
            application=models.OuterRef("pk"), responded_at__isnull=True
        )
        .order_by("deadline")
        .values("deadline")[:1]
    )
    visit_date = (
        SiteValidation.objects.filter(
            application=models.OuterRef("pk"),
            state__in=[SiteValidation.State.SCHEDULED, SiteValidation.State.IN_PROGRESS],
        )
        .order_by("scheduled_for")
        .values("scheduled_for")[:1]
    )
    return (
        qs.order_by()
        .annotate(
            row_kind=models.Value("application", output_field=models.CharField()),
            row_id=models.F("pk"),
            row_reference=models.F("reference"),
            row_company=Coalesce(
                NullIf("company__operating_name", models.Value("")), "company__legal_name"
            ),
            row_company_id=models.F("company_id"),
            row_stage=models.F("state"),
            row_since=models.F("state_changed_at"),
            row_officer_id=models.F("assigned_officer_id"),
            row_officer=Coalesce(
                NullIf("assigned_officer__full_name", models.Value("")),
                "assigned_officer__email",
                output_field=models.CharField(),
            ),
            row_deadline=Coalesce(
                models.Subquery(info_deadline, output_field=models.DateField()),
                models.Subquery(visit_date, output_field=models.DateField()),
            ),
        )
        .values(*QUEUE_COLUMNS)
    )


QUEUE_COLUMNS = (
    "row_kind",
    "row_id",
    "row_reference",
    "row_company",
    "row_company_id",
    "row_stage",
    "row_since",
    "row_officer_id",
    "row_officer",
    "row_deadline",
)


def site_validation_for_page(*, user: Any, pk: int) -> SiteValidation:
    """One site validation with what its page shows, or DoesNotExist outside the scope."""
    return (
        site_validation_list_for(user=user)
        .select_related("application", "membership", "catalogue", "change_notice")
        .prefetch_related("sites", "officers")
        .get(pk=pk)
    )


def validation_requirement_rows(*, validation: SiteValidation) -> list[dict[str, Any]]:
    """Each requirement of the validation's catalogue, in order, with its area and its
    finding (and the finding's evidence) or None. Three queries."""
    requirements = list(
        Requirement.objects.filter(area__catalogue_id=validation.catalogue_id)
        .select_related("area")
        .order_by("area__order", "order")
    )
    findings = {
        f.requirement_id: f
        for f in Finding.objects.filter(validation=validation)
        .select_related("recorded_by")
        .prefetch_related(
            models.Prefetch("evidence", queryset=FindingEvidence.objects.order_by("pk"))
        )
    }
    return [{"requirement": r, "finding": findings.get(r.pk)} for r in requirements]


def action_plan_for_page(*, user: Any, pk: int) -> ActionPlan:
    """One action plan with what its page shows, or DoesNotExist outside the scope: its
    items in the order issued (the measures' numbers), each with its requirement and the
    files the member attached. Three queries."""
    return (
        action_plan_list_for(user=user)
        .select_related("membership", "source_validation", "source_incident", "issued_by")
        .prefetch_related(
            models.Prefetch(
                "items",
                queryset=ActionPlanItem.objects.select_related("requirement")
                .prefetch_related("evidence")
                .order_by("id"),
            )
        )
        .get(pk=pk)
    )


def action_plan_work_list(*, user: Any) -> models.QuerySet[ActionPlan]:
    """Plans that need an officer: responses to review, overdue and escalated plans, and
    the plans still waiting for the member, soonest deadline first."""
    return (
        action_plan_list_for(user=user)
        .exclude(state=ActionPlan.State.ACCEPTED)
        .select_related("issued_by")
        .order_by("deadline", "id")
    )


def findings_by_validation(*, validation_ids: Any) -> dict[int, list[Finding]]:
    """The findings of each validation, in catalogue order, in one query: what a member's
    file shows under each validation (the result per requirement)."""
    findings: dict[int, list[Finding]] = {}
    for finding in (
        Finding.objects.filter(validation_id__in=list(validation_ids))
        .select_related("requirement__area")
        .order_by("validation_id", "requirement__area__order", "requirement__order")
    ):
        findings.setdefault(finding.validation_id, []).append(finding)
    return findings


# --- The evidence behind a manager's decision (issue 14) ----------------------------------


def _certification_contradictions(
    *, initial_validations: list[SiteValidation], plans: list[ActionPlan]
) -> list[dict[str, str]]:
    """What certifying would stand against: no completed initial site validation, a latest
    one that found the company does not meet the requirements, an open action plan past
    its deadline. ``initial_validations``: the application's completed initial validations,
    latest first; ``plans``: the company's plans."""
    today = agency_today()
    found: list[dict[str, str]] = []
    if not initial_validations:
        found.append(
            {
                "code": "no_completed_site_validation",
                "message": str(_("No site validation of this application is completed.")),
            }
        )
    elif initial_validations[0].outcome == SiteValidation.Outcome.DOES_NOT_MEET:
        latest = initial_validations[0]
        found.append(
            {
                "code": "site_validation_does_not_meet",
                "message": str(
                    _(
                        "The site validation of %(date)s found that the company does not "
                        "meet the requirements."
                    )
                    % {"date": latest.scheduled_for.isoformat()}
                ),
            }
        )
    for plan in plans:
        if plan.state in ActionPlan.OPEN_STATES and plan.deadline < today:
            found.append(
                {
                    "code": "action_plan_past_deadline",
                    "message": str(
                        _(
                            "The action plan issued on %(issued)s is still open past its "
                            "deadline of %(deadline)s."
                        )
                        % {
                            "issued": plan.issued_on.isoformat(),
                            "deadline": plan.deadline.isoformat(),
                        }
                    ),
                }
            )
    return found


def certification_contradictions(*, application: Any) -> list[dict[str, str]]:
    """What the evidence says against certifying ``application`` (see
    :func:`_certification_contradictions`): two queries. Each item has a stable ``code``
    and a ``message`` in the active language."""
    initial = list(
        SiteValidation.objects.filter(
            application_id=application.pk,
            kind=SiteValidation.Kind.INITIAL,
            state=SiteValidation.State.COMPLETED,
        ).order_by("-completed_at", "-pk")
    )
    plans = list(
        ActionPlan.objects.filter(
            company_id=application.company_id,
            state__in=ActionPlan.OPEN_STATES,
            deadline__lt=agency_today(),
        ).order_by("deadline", "pk")
    )
    return _certification_contradictions(initial_validations=initial, plans=plans)


def _finding_summary(findings: list[Finding]) -> list[dict[str, Any]]:
    counts = {result: 0 for result in Finding.Result.values}
    for finding in findings:
        counts[finding.result] += 1
    return [
        {"result": result, "label": str(Finding.Result(result).label), "count": counts[result]}
        for result in Finding.Result.values
    ]


def _outcome_conflicts_of(
    validation: SiteValidation, findings: list[Finding], covered: set[int]
) -> list[str]:
    """:func:`validation_outcome_conflicts` on findings already read: the codes of the must
    requirements found short that the outcome stands against."""
    Outcome = SiteValidation.Outcome
    if validation.outcome not in (Outcome.MEETS, Outcome.MEETS_WITH_ACTION_PLAN):
        return []
    return [
        f.requirement.code
        for f in findings
        if f.requirement.level == Requirement.Level.MUST
        and f.result in SHORTFALL_RESULTS
        and (validation.outcome == Outcome.MEETS or f.requirement_id not in covered)
    ]


def decision_evidence(*, application: Any = None, membership: Any = None) -> dict[str, Any]:
    """Everything a manager weighs before deciding on an application or a membership, in
    a constant number of queries whatever its size: the site validations (latest first)
    with their findings (a summary per result, the shortfalls with their notes and files),
    the officer's justification of an outcome and the findings it stands against; the
    Security Profile with its answers and evidence; the company's action plans (open, then
    closed) with their measures and files; its incidents and change notices; and, for an
    application awaiting its decision, what certifying would contradict
    (:func:`certification_contradictions`)."""
    if (application is None) == (membership is None):
        raise TypeError("decision_evidence needs an application or a membership")
    company_id = (application or membership).company_id
    if application is not None:
        subject = models.Q(application_id=application.pk)
        profile = application.profile
    else:
        subject = models.Q(membership_id=membership.pk)
        if membership.application_id:
            subject |= models.Q(application_id=membership.application_id)
        profile = membership.application.profile if membership.application_id else None
    validations = list(
        SiteValidation.objects.filter(subject)
        .select_related("lead_officer")
        .order_by(models.F("completed_at").desc(nulls_last=True), "-scheduled_for", "-pk")
    )
    findings: dict[int, list[Finding]] = {}
    for finding in (
        Finding.objects.filter(validation_id__in=[v.pk for v in validations])
        .select_related("requirement__area")
        .prefetch_related(
            models.Prefetch("evidence", queryset=FindingEvidence.objects.order_by("pk"))
        )
        .order_by("validation_id", "requirement__area__order", "requirement__order")
    ):
        findings.setdefault(finding.validation_id, []).append(finding)
    plans = list(
        ActionPlan.objects.filter(company_id=company_id)
        .select_related("source_validation", "source_incident")
        .prefetch_related(
            models.Prefetch(
                "items",
                queryset=ActionPlanItem.objects.select_related("requirement")
                .prefetch_related(
                    models.Prefetch(
                        "evidence", queryset=ActionPlanItemEvidence.objects.order_by("pk")
                    )
                )
                .order_by("id"),
            )
        )
        .order_by("deadline", "pk")
    )
    covered: dict[int, set[int]] = {}
    for plan in plans:
        if plan.source_validation_id:
            covered.setdefault(plan.source_validation_id, set()).update(
                item.requirement_id for item in plan.items.all() if item.requirement_id
            )
    today = agency_today()
    rows = []
    for validation in validations:
        own = findings.get(validation.pk, [])
        rows.append(
            {
                "validation": validation,
                "completed": validation.state == SiteValidation.State.COMPLETED,
                "summary": _finding_summary(own),
                "shortfalls": [f for f in own if f.result in SHORTFALL_RESULTS],
                "evidence_count": sum(len(f.evidence.all()) for f in own),
                "conflicts": _outcome_conflicts_of(
                    validation, own, covered.get(validation.pk, set())
                )
                if validation.state == SiteValidation.State.COMPLETED
                else [],
            }
        )
    completed = [r for r in rows if r["completed"]]
    overview = profile_overview(profile=profile) if profile is not None else None
    evidence_count = (
        sum(len(row["answer"].evidence.all()) for row in overview["requirements"] if row["answer"])
        if overview
        else 0
    )
    open_plans = [p for p in plans if p.state != ActionPlan.State.ACCEPTED]
    closed_plans = [p for p in plans if p.state == ActionPlan.State.ACCEPTED]
    for plan in plans:
        # Shown beside the plan.
        plan.past_deadline = plan.state in ActionPlan.OPEN_STATES and plan.deadline < today
    evidence: dict[str, Any] = {
        "validations": rows,
        "latest": completed[0] if completed else None,
        "overrides": [r for r in completed if r["validation"].outcome_override_reason],
        "profile": overview,
        "profile_evidence_count": evidence_count,
        "open_plans": open_plans,
        "closed_plans": closed_plans,
        "plan_groups": [
            (_("Open action plans"), open_plans),
            (_("Closed action plans"), closed_plans),
        ],
        "incidents": list(
            Incident.objects.filter(company_id=company_id).order_by("-occurred_on", "-pk")
        ),
        "change_notices": list(
            ChangeNotice.objects.filter(company_id=company_id).order_by("-created_at", "-pk")
        ),
        "contradictions": [],
    }
    if application is not None and application.state == Application.State.VALIDATED:
        evidence["contradictions"] = _certification_contradictions(
            initial_validations=[
                r["validation"]
                for r in completed
                if r["validation"].kind == SiteValidation.Kind.INITIAL
            ],
            plans=plans,
        )
    return evidence

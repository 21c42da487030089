"""Site validations, action plans and incidents in a given state, built through the services
(the state fields are protected: a factory never writes a state by hand)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import time_machine

from core.dates import agency_today, agency_tz
from core.models import AuditEvent, Role, User
from tests.factories import (
    CompanyFactory,
    SiteFactory,
    UserFactory,
    make_application,
    make_membership,
    trader_of,
)
from traders.models import Application, Company, Requirement
from validations import services
from validations.models import ActionPlan, Finding, Incident, SiteValidation

VS = SiteValidation.State
PS = ActionPlan.State
IS = Incident.State


def new_officer() -> User:
    return UserFactory(role=Role.OFFICER, is_staff=True)


def at_noon(day: dt.date) -> dt.datetime:
    """Midday in Ottawa on ``day``: a safe instant for time_machine."""
    return dt.datetime.combine(day, dt.time(12), tzinfo=agency_tz())


def record_findings(
    validation: SiteValidation,
    officer: User,
    *,
    result: str = Finding.Result.MEETS,
    skip: Sequence[str] = (),
    results: Mapping[str, str] | None = None,
) -> None:
    """A finding on every requirement of the validation's catalogue except the codes in
    ``skip``: ``result``, or the one ``results`` gives for a requirement's code."""
    for requirement in Requirement.objects.filter(
        area__catalogue_id=validation.catalogue_id
    ).select_related("area"):
        if requirement.code in skip:
            continue
        found = (results or {}).get(requirement.code, result)
        services.finding_record(
            validation=validation,
            requirement=requirement,
            result=found,
            note="" if found == Finding.Result.MEETS else f"{requirement.code} falls short.",
            actor=officer,
        )


def plan_measure(
    validation: SiteValidation, code: str | None = None, *, days: int = 30
) -> dict[str, Any]:
    """One corrective measure, on the requirement ``code`` of the validation's catalogue
    (or on none)."""
    requirement = (
        Requirement.objects.get(area__catalogue_id=validation.catalogue_id, code=code)
        if code
        else None
    )
    return {
        "measure": f"Correct {code or 'the gate'} within {days} days.",
        "deadline": agency_today() + dt.timedelta(days=days),
        "requirement": requirement,
    }


def make_site_validation(
    *,
    state: str = VS.SCHEDULED,
    kind: str = SiteValidation.Kind.INITIAL,
    company: Company | None = None,
    officer: User | None = None,
    outcome: str = SiteValidation.Outcome.MEETS,
) -> SiteValidation:
    """A site validation driven through the services to ``state``. An initial one comes
    from an eligible application; any other kind from an active membership."""
    company = company or CompanyFactory()
    officer = officer or new_officer()
    extra: dict[str, Any] = {}
    if kind == SiteValidation.Kind.INITIAL:
        extra["application"] = make_application(
            state=Application.State.ELIGIBLE, company=company, officer=officer
        )
    else:
        extra["membership"] = make_membership(company=company)
        extra["sites"] = [SiteFactory(company=company)]
    validation = services.site_validation_schedule(
        company=company,
        actor=officer,
        kind=kind,
        scheduled_for=agency_today() + dt.timedelta(days=14),
        **extra,
    )
    if state == VS.SCHEDULED:
        return validation
    if state == VS.CANCELLED:
        return services.site_validation_cancel(
            validation=validation, actor=officer, reason="The site is closed for renovation."
        )
    validation = services.site_validation_start(validation=validation, actor=officer)
    if state == VS.IN_PROGRESS:
        return validation
    if state == VS.COMPLETED:
        record_findings(validation, officer)
        # "Meets with an action plan" comes with its plan: one measure, findings all met.
        items = (
            [plan_measure(validation)]
            if outcome == SiteValidation.Outcome.MEETS_WITH_ACTION_PLAN
            else []
        )
        return services.site_validation_complete(
            validation=validation, actor=officer, outcome=outcome, action_plan_items=items
        )
    raise ValueError(state)


def plan_items(*, days: Sequence[int] = (30, 60), start: dt.date | None = None) -> list[dict]:
    start = start or agency_today()
    return [
        {"measure": f"Install a lock on gate {n}.", "deadline": start + dt.timedelta(days=d)}
        for n, d in enumerate(days, start=1)
    ]


def make_action_plan(
    *,
    state: str = PS.ISSUED,
    company: Company | None = None,
    officer: User | None = None,
    past_due: bool = False,
) -> ActionPlan:
    """An action plan driven through the services to ``state``. ``past_due`` (implied by
    overdue and escalated) issues it 90 days ago with deadlines that have since passed."""
    company = company or CompanyFactory()
    officer = officer or new_officer()
    past_due = past_due or state in (PS.OVERDUE, PS.ESCALATED)
    if past_due:
        issued_on = agency_today() - dt.timedelta(days=90)
        with time_machine.travel(at_noon(issued_on), tick=False):
            plan = services.action_plan_issue(
                company=company, actor=officer, items=plan_items(days=(30, 60))
            )
    else:
        plan = services.action_plan_issue(company=company, actor=officer, items=plan_items())
    if state == PS.ISSUED:
        return plan
    if state in (PS.OVERDUE, PS.ESCALATED):
        plan = services.action_plan_mark_overdue(plan=plan, actor=None)
        if state == PS.OVERDUE:
            return plan
        return services.action_plan_escalate(plan=plan, actor=None)
    plan = services.action_plan_respond(
        plan=plan, actor=trader_of(company), response="Locks installed on every gate."
    )
    if state == PS.RESPONDED:
        return plan
    if state == PS.ACCEPTED:
        return services.action_plan_accept(plan=plan, actor=officer, note="Verified on site.")
    if state == PS.RETURNED:
        return services.action_plan_return(
            plan=plan, actor=officer, note="Send pictures of the locks."
        )
    raise ValueError(state)


def make_incident(
    *, state: str = IS.REPORTED, company: Company | None = None, officer: User | None = None
) -> Incident:
    company = company or CompanyFactory()
    officer = officer or new_officer()
    incident = services.incident_report(
        company=company,
        actor=trader_of(company),
        occurred_on=agency_today() - dt.timedelta(days=2),
        description="A trailer seal was found broken at the yard.",
    )
    if state == IS.REPORTED:
        return incident
    incident = services.incident_start_analysis(incident=incident, actor=officer)
    if state == IS.UNDER_ANALYSIS:
        return incident
    if state == IS.CONCLUDED:
        return services.incident_conclude(
            incident=incident,
            actor=officer,
            cause="The yard gate was left open overnight.",
            mitigating_circumstances="",
            prevention_strategy="Gate checks at each shift change.",
        )
    raise ValueError(state)


# --- Assertion helpers ------------------------------------------------------------------

ALL_ACTORS = ("trader", "other_trader", "officer", "manager", "administrator", "partner", "system")


def others(*allowed: str) -> list[str]:
    """The actor names (of the ``actors`` fixture) that may not take an action."""
    return [name for name in ALL_ACTORS if name not in allowed]


def audit_events(obj: Any) -> list[AuditEvent]:
    return list(AuditEvent.objects.for_object(obj))


def reload(obj: Any) -> Any:
    return type(obj).objects.get(pk=obj.pk)


# --- Action plans answered and reviewed item by item -------------------------------------


def png_upload(name: str = "gate.png") -> Any:
    """A tiny file whose content matches its .png extension."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, "image/png")


def answer_every_item(plan: ActionPlan, actor: User, text: str = "Done.") -> ActionPlan:
    """The member answers each measure still owed, one by one: the plan becomes responded."""
    for item in plan.items.order_by("deadline", "id"):
        if item.awaits_member:
            services.action_plan_item_respond(item=item, actor=actor, response=text)
    return reload(plan)

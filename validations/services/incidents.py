"""Security incidents: reported, analysed, concluded (with an action plan when the analysis
lists measures)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.dates import agency_today
from core.inputs import require_text
from core.roles import OFFICERS, TRADER_ONLY, permission_check
from core.transitions import transition_run
from traders.models import Company, Membership

from ..models import Incident
from .action_plans import action_plan_issue

if TYPE_CHECKING:
    from core.models import User


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

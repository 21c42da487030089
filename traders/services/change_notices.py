"""Change notices: a member reports a change; an officer acknowledges it or opens a follow-up
(a spot check, an early revalidation)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.inputs import require_text
from core.roles import OFFICERS, TRADER_ONLY, permission_check
from core.transitions import transition_run

from ..models import ChangeNotice, Company, Membership

if TYPE_CHECKING:
    from core.models import User


def change_notice_submit(
    *,
    company: Company,
    actor: User,
    kind: str,
    description: str,
    effective_on: dt.date,
    membership: Membership | None = None,
) -> ChangeNotice:
    permission_check(actor=actor, roles=TRADER_ONLY, action="report_change", company_id=company.pk)
    if kind not in ChangeNotice.Kind.values:
        raise ValidationError({"kind": _("Choose the kind of change.")})
    description = require_text(description, "description", _("Describe the change."))
    if membership is not None and membership.company_id != company.pk:
        raise ValidationError({"membership": _("Choose one of your company's memberships.")})
    with transaction.atomic():
        notice = ChangeNotice.objects.create(
            company=company,
            membership=membership,
            kind=kind,
            description=description,
            effective_on=effective_on,
            reported_by=actor,
        )
        audit_record(
            actor=actor, obj=notice, action="report", to_state=notice.state, note=description
        )
    return notice


def change_notice_acknowledge(*, notice: ChangeNotice, actor: User, note: str = "") -> ChangeNotice:
    return transition_run(
        obj=notice,
        action="acknowledge",
        actor=actor,
        roles=OFFICERS,
        note=note,
        kwargs={"note": note},
        fields=["officer_note"],
    )


def change_notice_open_follow_up(
    *, notice: ChangeNotice, actor: User, follow_up: str, note: str = ""
) -> ChangeNotice:
    """Record that a spot check or an early revalidation was opened for the notice (called
    by the service that opens it, in its transaction)."""
    if follow_up not in ("spot_check", "revalidation"):
        raise ValidationError({"follow_up": _("Choose a spot check or an early revalidation.")})
    return transition_run(
        obj=notice,
        action="open_follow_up",
        actor=actor,
        roles=OFFICERS,
        note=note,
        kwargs={"follow_up": follow_up, "note": note},
        fields=["follow_up", "officer_note"],
    )

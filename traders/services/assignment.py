"""Who handles a case: the officer of an application, of a membership."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.errors import DomainError, NotPermitted
from core.models import Role
from core.roles import MANAGERS, OFFICERS, permission_check

from ..models import Application, Membership

if TYPE_CHECKING:
    from core.models import User


def membership_assign_officer(*, membership: Membership, officer: User, actor: User) -> Membership:
    permission_check(
        actor=actor, roles=MANAGERS, action="assign_officer", company_id=membership.company_id
    )
    if officer.role not in (Role.OFFICER, Role.MANAGER):
        raise ValidationError({"officer": _("Choose an officer.")})
    with transaction.atomic():
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        locked.assigned_officer = officer
        locked.save(update_fields=["assigned_officer", "updated_at"])
        audit_record(actor=actor, obj=locked, action="assign_officer", note=str(officer))
    return locked


def application_assign_officer(
    *, application: Application, officer: User, actor: User
) -> Application:
    """An officer takes a case (officer = themselves), or a manager assigns it to an
    officer, in any state before the decision."""
    permission_check(
        actor=actor, roles=OFFICERS, action="assign_officer", company_id=application.company_id
    )
    if officer.role not in (Role.OFFICER, Role.MANAGER) or not officer.is_active:
        raise ValidationError({"officer": _("Choose an active officer.")})
    if actor.role != Role.MANAGER and officer.pk != actor.pk:
        raise NotPermitted(action="assign_officer", role=str(Role(actor.role).label))
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if (
            locked.state not in Application.BEFORE_DECISION
            or locked.state == Application.State.DRAFT
        ):
            raise DomainError(
                _(
                    "A case can be assigned between its submission and the decision; this one is %(state)s."
                )
                % {"state": locked.get_state_display()},
                code="not_assignable",
            )
        if locked.assigned_officer_id != officer.pk:
            locked.assigned_officer = officer
            locked.save(update_fields=["assigned_officer", "updated_at"])
            audit_record(actor=actor, obj=locked, action="assign_officer", note=str(officer))
    return locked

"""Who handles a case: the officer of an application, of a membership.

An application changes hands through one write (:func:`_application_reassign`): the
officer is set, an audit event names the previous officer and the new one, and each
previous officer is told in the app, once however many of their cases moved."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.audit import audit_record
from core.errors import AlreadyAssigned, DomainError, NotPermitted
from core.models import Role
from core.roles import MANAGERS, OFFICERS, permission_check
from notifications.in_app import notifications_send

from ..models import Application, Membership
from .applications import application_start_review

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


def _officer_check(officer: User) -> None:
    if officer.role not in (Role.OFFICER, Role.MANAGER) or not officer.is_active:
        raise ValidationError({"officer": _("Choose an active officer.")})


def _assignable_check(application: Application) -> None:
    if (
        application.state not in Application.BEFORE_DECISION
        or application.state == Application.State.DRAFT
    ):
        raise DomainError(
            _(
                "A case can be assigned between its submission and the decision; this one is %(state)s."
            )
            % {"state": application.get_state_display()},
            code="not_assignable",
        )


def _taking_over_check(*, application: Application, officer: User, confirm: bool) -> None:
    """An officer who takes a case another officer has confirms it first."""
    previous = application.assigned_officer
    if previous is None or previous.pk == officer.pk or confirm:
        return
    raise AlreadyAssigned(
        _("%(reference)s is assigned to %(officer)s. Confirm to take it over.")
        % {"reference": application.reference, "officer": previous},
        details={"officer": previous.pk, "officer_name": str(previous)},
    )


def _application_reassign(
    *, locked: Sequence[Application], officer: User, actor: User
) -> list[Application]:
    """Give the locked applications to ``officer``; an audit event per case names both
    officers, and each previous officer gets one notification listing their cases."""
    changed = []
    taken_from: dict[int, list[Application]] = defaultdict(list)
    previous_officers: dict[int, User] = {}
    for app in locked:
        previous = app.assigned_officer
        if previous is not None and previous.pk == officer.pk:
            continue
        app.assigned_officer = officer
        app.save(update_fields=["assigned_officer", "updated_at"])
        note = (
            _("Reassigned from %(previous)s to %(officer)s.")
            % {"previous": previous, "officer": officer}
            if previous is not None
            else str(officer)
        )
        audit_record(actor=actor, obj=app, action="assign_officer", note=note)
        changed.append(app)
        if previous is not None and previous.pk != actor.pk:
            taken_from[previous.pk].append(app)
            previous_officers[previous.pk] = previous

    def render(user: User) -> tuple[str, str, str]:
        cases = taken_from[user.pk]
        references = ", ".join(app.reference for app in cases)
        subject = ngettext(
            "%(references)s is now assigned to %(officer)s",
            "%(count)s of your cases are now assigned to %(officer)s: %(references)s",
            len(cases),
        ) % {"references": references, "count": len(cases), "officer": officer}
        body = _("%(actor)s assigned %(references)s to %(officer)s; you no longer have it.") % {
            "actor": actor,
            "references": references,
            "officer": officer,
        }
        link = reverse("backoffice:application", args=[cases[0].pk]) if len(cases) == 1 else ""
        return subject, body, link or reverse("backoffice:workbench")

    notifications_send(users=previous_officers.values(), render=render)
    return changed


def _locked(pk: int) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("assigned_officer")
        .get(pk=pk)
    )


def application_assign_officer(
    *, application: Application, officer: User, actor: User, confirm: bool = False
) -> Application:
    """An officer takes a case (officer = themselves), or a manager assigns it to an
    officer, in any state before the decision. Taking a case another officer has needs
    ``confirm``; the previous officer is told."""
    permission_check(
        actor=actor, roles=OFFICERS, action="assign_officer", company_id=application.company_id
    )
    _officer_check(officer)
    if actor.role != Role.MANAGER and officer.pk != actor.pk:
        raise NotPermitted(action="assign_officer", role=str(Role(actor.role).label))
    with transaction.atomic():
        locked = _locked(application.pk)
        _assignable_check(locked)
        if officer.pk == actor.pk:
            _taking_over_check(application=locked, officer=officer, confirm=confirm)
        _application_reassign(locked=[locked], officer=officer, actor=actor)
    return locked


def application_take(
    *, application: Application, actor: User, confirm: bool = False
) -> Application:
    """An officer takes a case for themselves: a submitted application's review starts
    (assigned to them), any other before the decision is assigned to them. A case another
    officer has is taken only with ``confirm``; that officer is told."""
    permission_check(
        actor=actor, roles=OFFICERS, action="assign_officer", company_id=application.company_id
    )
    with transaction.atomic():
        locked = _locked(application.pk)
        _assignable_check(locked)
        _taking_over_check(application=locked, officer=actor, confirm=confirm)
        if locked.state == Application.State.SUBMITTED:
            application_start_review(application=locked, actor=actor)
            locked = _locked(locked.pk)
        _application_reassign(locked=[locked], officer=actor, actor=actor)
    return locked


def application_reassign_bulk(
    *, applications: Sequence[Application], officer: User, actor: User
) -> list[Application]:
    """A manager gives several cases to one officer at once: all of them or none (a case
    decided meanwhile refuses the lot, naming it). Each change is audited; each previous
    officer is told once. Returns the cases that changed hands."""
    permission_check(actor=actor, roles=MANAGERS, action="assign_officer", company_id=None)
    _officer_check(officer)
    if not applications:
        raise ValidationError({"applications": _("Choose at least one case.")})
    with transaction.atomic():
        locked = list(
            Application.objects.select_for_update(of=("self",))
            .select_related("assigned_officer")
            .filter(pk__in=[app.pk for app in applications])
            .order_by("pk")
        )
        for app in locked:
            try:
                _assignable_check(app)
            except DomainError as error:
                raise DomainError(
                    _("%(reference)s: %(reason)s Nothing was reassigned.")
                    % {"reference": app.reference, "reason": error.message},
                    code=error.code,
                ) from None
        return _application_reassign(locked=locked, officer=officer, actor=actor)

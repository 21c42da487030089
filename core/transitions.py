"""The one way a state changes: lock, check, transition, save, audit, all in one transaction.

Each lifecycle service (``application_submit``, ``membership_suspend``...) calls
:func:`transition_run` with its own rules; nothing else assigns a state.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models, transaction
from django.utils import timezone
from django_fsm import can_proceed

from .audit import audit_record
from .errors import TransitionNotAllowed
from .roles import permission_check

if TYPE_CHECKING:
    from .models import User

M = TypeVar("M", bound=models.Model)


def state_label(obj: models.Model, field: str = "state") -> str:
    display = getattr(obj, f"get_{field}_display", None)
    return str(display()) if display else str(getattr(obj, field))


def transition_run(
    *,
    obj: M,
    action: str,
    actor: User | None,
    roles: Collection[str],
    note: str = "",
    method: str | None = None,
    kwargs: dict[str, Any] | None = None,
    fields: Iterable[str] = (),
    check: Callable[[M], None] | None = None,
    after: Callable[[M], object] | None = None,
    field: str = "state",
) -> M:
    """Run transition ``method`` (default: ``action``) on a locked copy of ``obj``.

    ``check`` may raise a DomainError after the state check (e.g. completeness); ``after``
    runs inside the transaction once the state is saved (related rows, on_commit hooks).
    Returns the saved, locked instance; ``obj`` itself is left as it was.
    """
    model = type(obj)
    with transaction.atomic():
        locked = model._default_manager.select_for_update().get(pk=obj.pk)
        permission_check(
            actor=actor,
            roles=roles,
            action=action,
            company_id=getattr(locked, "company_id", None),
            kind=str(model._meta.verbose_name),
        )
        bound = getattr(locked, method or action)
        from_state = str(getattr(locked, field))
        if not can_proceed(bound):
            raise TransitionNotAllowed(obj=locked, action=action, state=state_label(locked, field))
        if check is not None:
            check(locked)
        bound(**(kwargs or {}))
        update_fields = {field, *fields}
        concrete = {f.name for f in model._meta.concrete_fields}
        if "updated_at" in concrete:
            update_fields.add("updated_at")
        if "state_changed_at" in concrete and str(getattr(locked, field)) != from_state:
            locked.state_changed_at = timezone.now()  # type: ignore[attr-defined]  # checked above
            update_fields.add("state_changed_at")
        locked.save(update_fields=sorted(update_fields))
        audit_record(
            actor=actor,
            obj=locked,
            action=action,
            from_state=from_state,
            to_state=str(getattr(locked, field)),
            note=note,
        )
        if after is not None:
            after(locked)
    return locked

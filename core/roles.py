"""Who may do what, and what each user may see.

Every page and API reaches lifecycle objects through :func:`scope_for`: agency staff see
everything, a trader user sees only what belongs to the companies they are a user of, anyone
else sees nothing. Each scoped model names the path to its company in
``SCOPE_COMPANY_FIELD``.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models

from .errors import NotPermitted
from .models import Role

if TYPE_CHECKING:
    from .models import User

SYSTEM = "system"  # the scheduler acting on its own (actor=None)
STAFF_ROLES = frozenset({Role.OFFICER, Role.MANAGER, Role.ADMINISTRATOR})
TRADER_ONLY = frozenset({Role.TRADER})
OFFICERS = frozenset({Role.OFFICER, Role.MANAGER})  # managers may do an officer's work
MANAGERS = frozenset({Role.MANAGER})

M = TypeVar("M", bound=models.Model)


def role_of(actor: User | None) -> str:
    return SYSTEM if actor is None else str(actor.role)


def trader_company_ids(user: Any) -> models.QuerySet[Any]:
    """The ids of the companies a trader user belongs to, as a subquery."""
    return user.company_links.values("company_id")


def scope_for(model_or_qs: type[M] | models.QuerySet[M], *, user: Any) -> models.QuerySet[M]:
    qs = (
        model_or_qs
        if isinstance(model_or_qs, models.QuerySet)
        else model_or_qs._default_manager.all()
    )
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.none()
    if user.role in STAFF_ROLES:
        return qs
    if user.role == Role.TRADER:
        field = qs.model.SCOPE_COMPANY_FIELD  # type: ignore[attr-defined]  # declared per model
        return qs.filter(**{f"{field}__in": trader_company_ids(user)})
    return qs.none()


def permission_check(
    *,
    actor: User | None,
    roles: Collection[str],
    action: str,
    company_id: int | None,
    kind: str | None = None,
) -> None:
    """Refuse unless the actor's role may take ``action``; a trader only for their company.
    ``kind`` names the object in the refusal ("... may not certify this application.")."""
    role = role_of(actor)
    refusal = NotPermitted(action=action, role=_role_label(role), kind=kind)
    if role not in roles:
        raise refusal
    if role == Role.TRADER:
        assert actor is not None
        if (
            company_id is None
            or not actor.is_active
            or not actor.company_links.filter(company_id=company_id).exists()
        ):
            raise refusal
    elif actor is not None and not actor.is_active:
        raise refusal


def _role_label(role: str) -> str:
    if role == SYSTEM:
        return SYSTEM
    return str(Role(role).label)

"""Who may open a page: role checks for the portal's and the back office's views.

The wrong role gets a 404, never a 403, so that a page's existence tells an outsider nothing
(traders never learn which staff pages exist); an anonymous visitor is sent to sign in and
comes back afterwards.

    from core.access import staff_required, trader_required
    from core.roles import MANAGERS, OFFICERS

    @trader_required
    def application_list(request): ...

    @staff_required(roles=MANAGERS)
    def dashboard(request): ...

    class QueueView(StaffRequiredMixin, ListView):
        allowed_roles = OFFICERS

What an allowed user may *see* is still decided by ``core.roles.scope_for``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from functools import wraps
from typing import Any, TypeVar, overload

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase

from .models import Role, User
from .roles import STAFF_ROLES

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


class AuthenticatedHttpRequest(HttpRequest):
    """The request a role-checked view receives: ``user`` is a signed-in ``User``.

    Only for type checking: annotate views decorated with ``trader_required`` or
    ``staff_required`` (or behind ``RoleRequiredMixin``) with it, since the role check has
    already turned anonymous visitors away.
    """

    user: User


def role_allowed(user: Any, roles: Collection[str]) -> bool:
    """An active, signed-in user whose role is one of ``roles``."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and str(user.role) in {str(role) for role in roles}
    )


def role_check(request: HttpRequest, roles: Collection[str]) -> HttpResponse | None:
    """None when the request may go on; otherwise the answer: sign in first, or 404."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not role_allowed(request.user, roles):
        raise Http404
    return None


def role_required(*roles: str) -> Callable[[View], View]:
    """Decorate a view function: only users whose role is one of ``roles`` may open it."""
    allowed = frozenset(roles)

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            refusal = role_check(request, allowed)
            if refusal is not None:
                return refusal
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]  # same signature as the view

    return decorator


trader_required = role_required(Role.TRADER)
"""Trader users only (a company's representatives)."""


@overload
def staff_required(view: View) -> View: ...
@overload
def staff_required(
    view: None = None, *, roles: Collection[str] = STAFF_ROLES
) -> Callable[[View], View]: ...
def staff_required(
    view: View | None = None, *, roles: Collection[str] = STAFF_ROLES
) -> View | Callable[[View], View]:
    """Agency staff only: ``@staff_required`` (officers, managers, administrators) or
    ``@staff_required(roles=OFFICERS)`` / ``roles=MANAGERS`` (see core.roles)."""
    decorator = role_required(*roles)
    return decorator(view) if view is not None else decorator


class RoleRequiredMixin:
    """For class-based views: set ``allowed_roles``. Put it first among the bases."""

    allowed_roles: Collection[str] = ()

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        refusal = role_check(request, self.allowed_roles)
        if refusal is not None:
            return refusal
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]  # a View


class StaffRequiredMixin(RoleRequiredMixin):
    """Staff by default; narrow with ``allowed_roles = OFFICERS`` or ``MANAGERS``."""

    allowed_roles = STAFF_ROLES

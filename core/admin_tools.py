"""Admin helpers: state fields are read-only; transitions run through the services."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from .errors import DomainError

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise


def service_action(
    service: Callable[..., Any], *, param: str, description: _StrOrPromise, **extra: Any
) -> Callable[[admin.ModelAdmin[Any], HttpRequest, QuerySet[Any]], None]:
    """An admin action that calls ``service(<param>=obj, actor=request.user, **extra)`` for
    each selected object and reports each refusal by name."""

    @admin.action(description=description)
    def action(
        modeladmin: admin.ModelAdmin[Any], request: HttpRequest, queryset: QuerySet[Any]
    ) -> None:
        done = 0
        for obj in queryset:
            try:
                service(**{param: obj}, actor=request.user, **extra)
                done += 1
            except (DomainError, ValidationError) as exc:
                text = exc.message if isinstance(exc, DomainError) else "; ".join(exc.messages)
                modeladmin.message_user(request, f"{obj}: {text}", messages.ERROR)
        if done:
            modeladmin.message_user(
                request, _("%(count)s done.") % {"count": done}, messages.SUCCESS
            )

    action.__name__ = f"action_{service.__name__}"
    return action


class StateReadOnlyAdmin(admin.ModelAdmin):
    """State and state-derived fields are shown, never edited."""

    state_fields: tuple[str, ...] = ("state",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return (*super().get_readonly_fields(request, obj), *self.state_fields)

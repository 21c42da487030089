"""The one domain error type, and its variants.

Business rules raise :class:`DomainError`; invalid input raises Django's ``ValidationError``.
Interfaces turn a DomainError into a message for a person or a 409/403 for a client.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _


class DomainError(Exception):
    """A business rule refused the action. ``code`` is stable, ``message`` is for people."""

    code = "domain_error"

    def __init__(self, message: str, *, code: str | None = None, details: object = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details

    def __str__(self) -> str:
        return str(self.message)


class TransitionNotAllowed(DomainError):
    """The action is not allowed in the object's current state (HTTP 409)."""

    code = "transition_not_allowed"

    def __init__(self, *, obj: object, action: str, state: str, reason: str = "") -> None:
        label = getattr(obj, "_meta", None)
        kind = str(label.verbose_name) if label else type(obj).__name__
        message = _("Cannot %(action)s this %(kind)s: it is %(state)s.") % {
            "action": action.replace("_", " "),
            "kind": kind,
            "state": state,
        }
        if reason:
            message = f"{message} {reason}"
        super().__init__(message, details={"state": state, "action": action})
        self.state = state
        self.action = action


class NotPermitted(DomainError):
    """The actor's role may not take this action (HTTP 403)."""

    code = "not_permitted"

    def __init__(self, *, action: str, role: str) -> None:
        message = _("Your role (%(role)s) may not %(action)s.") % {
            "role": role,
            "action": action.replace("_", " "),
        }
        super().__init__(message, details={"action": action, "role": role})


class Incomplete(DomainError):
    """An action was refused because items are missing; ``missing`` lists them."""

    code = "incomplete"

    def __init__(self, message: str, *, missing: Sequence[object]) -> None:
        super().__init__(message, details={"missing": list(missing)})
        self.missing = list(missing)

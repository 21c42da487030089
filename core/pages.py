"""How a page calls a service and shows its refusal, the same way on every interface with
pages (the trader's portal, the staff's back office).

A service refuses with a ``ValidationError`` (the input) or a :class:`~core.errors.DomainError`
(a business rule: a wrong state, a missing permission). :func:`run_service` calls one service
and shows the refusal where the person looks: beside the form's fields, at the top of the form,
or as an error message on the next page. The view then chooses what to answer from the
:class:`Outcome`: a redirect when it is done, the form again (with :attr:`Outcome.status`)
when it is not.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from .errors import DomainError, Incomplete

T = TypeVar("T")

Refusal = ValidationError | DomainError

INVALID = 422  # the input was refused: the page comes back with the reasons
CONFLICT = 409  # the object's state does not allow the action


def refusal_status(error: Exception) -> int:
    """The status a page answers with when it comes back with ``error``."""
    return INVALID if isinstance(error, ValidationError | Incomplete) else CONFLICT


def form_refusal(
    form: forms.BaseForm, error: Exception, *, fields: dict[str, str] | None = None
) -> None:
    """Show a service's refusal on ``form``: a field's error beside the field (``fields`` maps
    the service's field names to the form's), a business rule about one field (a
    DomainError with a ``field``) beside it too, anything else (a wrong state, a missing
    permission, an error on a field the form lacks) at the top."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        fields = fields or {}
        for name, errors in error.error_dict.items():
            target = fields.get(name, name)
            for message in errors:
                form.add_error(target if target in form.fields else None, message)
        return
    if isinstance(error, ValidationError):
        form.add_error(None, error)
        return
    # A business rule about one input (``field`` on the error) is said beside that input;
    # the error keeps its code, the same one the API answers with.
    field = getattr(error, "field", None)
    code = getattr(error, "code", None)
    form.add_error(field if field in form.fields else None, ValidationError(str(error), code=code))


def message_refusal(request: HttpRequest, error: Exception) -> None:
    """Show a service's refusal as error messages on the next page."""
    if isinstance(error, ValidationError):
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.error(request, str(error))


class Outcome(Generic[T]):
    """What came of a service call: its result, or the refusal (already shown)."""

    __slots__ = ("_result", "error")

    def __init__(self, result: T | None = None, error: Refusal | None = None) -> None:
        self._result = result
        self.error = error

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def result(self) -> T:
        """The service's result; read it only when the call is ``ok``."""
        if self.error is not None:
            raise self.error  # a refusal the view did not look at: as if never caught
        return self._result  # type: ignore[return-value]  # the service's own result, None included

    @property
    def status(self) -> int:
        """The status to answer with when the page comes back (200 when done)."""
        return 200 if self.error is None else refusal_status(self.error)


def run_service(
    action: Callable[[], T],
    *,
    form: forms.BaseForm | None = None,
    request: HttpRequest | None = None,
    fields: dict[str, str] | None = None,
) -> Outcome[T]:
    """Call ``action`` (one service call) and show its refusal, if any:

    - with ``form`` only: every refusal on the form (:func:`form_refusal`, with ``fields``);
    - with ``request`` only: every refusal as an error message on the next page;
    - with both: invalid input on the form, a business rule's refusal as a message (the page
      redirects, since the form cannot help).
    """
    if form is None and request is None:
        raise TypeError("run_service needs a form or a request to show a refusal on")
    try:
        return Outcome(action())
    except (ValidationError, DomainError) as error:
        if form is not None and (request is None or isinstance(error, ValidationError)):
            form_refusal(form, error, fields=fields)
        else:
            assert request is not None
            message_refusal(request, error)
        return Outcome(error=error)

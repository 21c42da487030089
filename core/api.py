"""One error shape for the API: ``{"code", "message", "details"}``.

Domain refusals become 409 (wrong state, incomplete) or 403 (role); Django's ValidationError
becomes 400 with the field messages; everything DRF raises keeps its status in the same shape.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import DomainError, NotPermitted


def _body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"code": code, "message": message, "details": details or {}}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, NotPermitted):
        return Response(_body(exc.code, exc.message, exc.details), status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, DomainError):
        return Response(_body(exc.code, exc.message, exc.details), status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        details = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        return Response(
            _body("invalid", _("The input is not valid."), details),
            status=status.HTTP_400_BAD_REQUEST,
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = _body("invalid", _("The input is not valid."), response.data)
    elif isinstance(exc, (Http404, exceptions.NotFound)):
        response.data = _body("not_found", _("Not found."))
    elif isinstance(exc, exceptions.APIException):
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        response.data = _body(str(exc.get_codes()), str(detail))
    return response

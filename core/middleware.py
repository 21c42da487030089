"""Middleware of the whole site."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


class DatabaseUnavailableMiddleware:
    """The database unreachable (or its connection lost, or a lock or statement timing out)
    while a request is handled: 503 with ``Retry-After``, not a 500. Pages get the bilingual
    503 page (rendered without a request, so without the database); the API gets its error
    shape (core.api) with the code ``service_unavailable``, in the caller's language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.error(
            "database unavailable while handling %s %s: %r",
            request.method,
            request.path,
            exception,
            exc_info=exception,
        )
        response: HttpResponse
        if request.path.startswith("/api/"):
            response = JsonResponse(
                {
                    "code": "service_unavailable",
                    "message": _(
                        "The service is unavailable for a moment. Try again in %(seconds)s seconds."
                    )
                    % {"seconds": RETRY_AFTER_SECONDS},
                    "details": {},
                },
                status=503,
            )
        else:
            response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

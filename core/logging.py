"""Structured logs: one JSON object per line (``LOG_FORMAT=json``, production's default) or
plain text, each carrying the request id of the request or task it was written in, and the
user's id and role once the request knows them.

- :class:`RequestLogMiddleware` takes the caller's ``X-Request-ID`` (when it is a short
  token) or makes one, returns it in the response's ``X-Request-ID``, and writes one line per
  request: method, path (never the query string, which may carry a token), status, outcome,
  duration, user and role.
- The Celery app (config/celery_app.py) connects :func:`task_publish_add_request_id` and
  :func:`task_prerun_bind` / :func:`task_postrun_log`: a task sent while a request is handled
  carries its request id in the message headers, and the worker's lines for that task carry
  it too, with one line per task run (name, id, outcome, duration).
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

REQUEST_ID_HEADER = "X-Request-ID"
_ACCEPTED_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "log_request", default=None
)
_task_started: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "task_started", default=None
)

request_logger = logging.getLogger("trusted_trader.request")
task_logger = logging.getLogger("trusted_trader.task")


def current_request_id() -> str | None:
    return _request_id.get()


def new_request_id() -> str:
    return uuid.uuid4().hex


@contextmanager
def request_id_bound(request_id: str | None) -> Iterator[str]:
    """Every line written inside carries ``request_id`` (a new one when ``None``)."""
    bound = request_id or new_request_id()
    token = _request_id.set(bound)
    try:
        yield bound
    finally:
        _request_id.reset(token)


def _known_user(request: HttpRequest | None) -> Any:
    """The request's user if something has already loaded it, else ``None``: a log line must
    never be the one that queries the session (the database may be the thing failing)."""
    if request is None:
        return None
    user = request.__dict__.get("user")
    if isinstance(user, SimpleLazyObject):
        user = request.__dict__.get("_cached_user")
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user


class ContextFilter(logging.Filter):
    """Adds ``request_id``, ``user_id`` and ``role`` to every record (empty when unknown), so
    that both formats can name them."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _request_id.get() or "-"
        if not hasattr(record, "user_id"):
            user = _known_user(_request.get())
            record.user_id = user.pk if user is not None else None
            record.role = str(user.role) if user is not None else None
        return True


def _outcome(status: int) -> str:
    if status >= 500:
        return "server_error"
    if status >= 400:
        return "client_error"
    return "ok"


class RequestLogMiddleware:
    """Outermost middleware: binds the request id for everything the request logs, and logs
    the request once it is answered."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get(REQUEST_ID_HEADER, "")
        started = time.monotonic()
        with request_id_bound(given if _ACCEPTED_ID.match(given) else None) as request_id:
            token = _request.set(request)
            try:
                request.request_id = request_id  # type: ignore[attr-defined]
                response = self.get_response(request)
                response[REQUEST_ID_HEADER] = request_id
                user = _known_user(request)
                request_logger.info(
                    "%s %s %s",
                    request.method,
                    request.path,
                    response.status_code,
                    extra={
                        "method": request.method,
                        "path": request.path,
                        "status": response.status_code,
                        "outcome": _outcome(response.status_code),
                        "duration_ms": round((time.monotonic() - started) * 1000, 1),
                        "user_id": user.pk if user is not None else None,
                        "role": str(user.role) if user is not None else None,
                    },
                )
                return response
            finally:
                _request.reset(token)


# --- Celery ---------------------------------------------------------------------------------


def task_publish_add_request_id(headers: dict[str, Any] | None = None, **_: Any) -> None:
    """``before_task_publish``: the message carries the sender's request id."""
    request_id = _request_id.get()
    if headers is not None and request_id and "request_id" not in headers:
        headers["request_id"] = request_id


def _header_request_id(task: Any) -> str | None:
    request = getattr(task, "request", None)
    if request is None:
        return None
    # Protocol 2 puts custom headers on the request itself; eager runs keep them in .headers.
    value = getattr(request, "request_id", None) or (getattr(request, "headers", None) or {}).get(
        "request_id"
    )
    return str(value) if value else None


def task_prerun_bind(task: Any = None, **_: Any) -> None:
    """``task_prerun``: the worker's lines for this task carry its sender's request id (or a
    new one for a task beat sent)."""
    _request_id.set(_header_request_id(task) or new_request_id())
    _task_started.set(time.monotonic())


def task_postrun_log(
    task: Any = None, task_id: str | None = None, state: str | None = None, **_: Any
) -> None:
    """``task_postrun``: one line per task run, with its outcome and duration."""
    started = _task_started.get()
    task_logger.info(
        "task %s %s",
        getattr(task, "name", "?"),
        state,
        extra={
            "task": getattr(task, "name", None),
            "task_id": task_id,
            "outcome": "ok" if state == "SUCCESS" else str(state or "").lower(),
            "duration_ms": round((time.monotonic() - started) * 1000, 1) if started else None,
        },
    )
    _request_id.set(None)
    _task_started.set(None)


def logging_config(*, fmt: str, level: str) -> dict[str, Any]:
    """The ``LOGGING`` setting: JSON lines or text, both with the request id."""
    formatters: dict[str, Any] = {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        },
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "core.logging.ContextFilter"}},
        "formatters": formatters,
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": fmt,
                "filters": ["context"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        # WeasyPrint reports each rendering step at INFO: keep its warnings only.
        "loggers": {
            "weasyprint": {"level": "WARNING"},
            "weasyprint.progress": {"level": "WARNING"},
            "fontTools": {"level": "WARNING"},
        },
    }

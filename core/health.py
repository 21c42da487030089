"""Readiness: what /readyz/ asks before saying that this process can serve.

Each check answers "ok" or a short reason; the full error goes to the log. The cache is not
asked: the site works without it (api.throttling), so its loss must not take the web
processes out of service."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from kombu import Connection

logger = logging.getLogger(__name__)

BROKER_TIMEOUT_SECONDS = 2


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _broker() -> str:
    with Connection(
        settings.CELERY_BROKER_URL,
        connect_timeout=BROKER_TIMEOUT_SECONDS,
        transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
    ) as broker:
        broker.ensure_connection(
            max_retries=1, interval_start=0, interval_step=0, timeout=BROKER_TIMEOUT_SECONDS
        )
    return "ok"


def _migrations() -> str:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        return "pending: " + ", ".join(f"{m.app_label}.{m.name}" for m, _backwards in plan)
    return "ok"


CHECKS: dict[str, Callable[[], str]] = {
    "database": _database,
    "broker": _broker,
    "migrations": _migrations,
}


def readiness_check() -> dict[str, str]:
    """Every check's answer, by name. A check that raises is "unavailable" (its exception's
    class named) and logged; the migrations are not asked while the database is down."""
    results: dict[str, str] = {}
    for name, check in CHECKS.items():
        if name == "migrations" and results.get("database") != "ok":
            results[name] = "unknown: the database is unavailable"
            continue
        try:
            results[name] = check()
        except Exception as error:  # any failure means "not ready", never a 500
            logger.warning("readiness: %s is unavailable: %r", name, error)
            results[name] = f"unavailable: {type(error).__name__}"
    return results

"""/healthz/ says the process lives (no dependency asked); /readyz/ says whether it can serve:
the database answers, the broker (Redis) answers and every migration is applied, each part
named in JSON, 503 when one fails. PostgreSQL down: tests/core/test_database_down.py."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

REDIS = "redis://127.0.0.1:6379/14"
CLOSED_PORT = "redis://127.0.0.1:1/14"


@pytest.fixture
def redis_broker(settings):
    settings.CELERY_BROKER_URL = REDIS
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}


def test_healthz_answers_without_asking_any_dependency(client, settings):
    """No database access is allowed here (no django_db mark), and Redis is down."""
    settings.CELERY_BROKER_URL = CLOSED_PORT
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CLOSED_PORT,
        }
    }
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_readyz_with_every_part_ok(client, redis_broker):
    response = client.get("/readyz/")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "broker": "ok", "migrations": "ok"},
    }


@pytest.mark.django_db
def test_readyz_names_the_broker_when_redis_is_down(client, settings):
    settings.CELERY_BROKER_URL = CLOSED_PORT
    response = client.get("/readyz/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "ok" and body["checks"]["migrations"] == "ok"
    assert body["checks"]["broker"].startswith("unavailable")


@pytest.mark.django_db
def test_readyz_names_the_migrations_not_applied(client, redis_broker):
    applied = MigrationRecorder.Migration.objects.filter(app="core").order_by("-id").first()
    assert applied is not None
    applied.delete()  # as if the latest core migration had not run (rolled back after)
    response = client.get("/readyz/")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"] == "ok" and checks["broker"] == "ok"
    assert checks["migrations"] == f"pending: core.{applied.name}"
    assert connection.is_usable()

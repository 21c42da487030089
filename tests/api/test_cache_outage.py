"""The API with its cache down (Redis stopped: the cache points at a closed port). Throttle
counters live in the cache; without it each process counts in its own memory and says so in
the log, so calls are answered (and still throttled), never a 500."""

from __future__ import annotations

import logging

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.module_loading import import_string
from rest_framework.throttling import SimpleRateThrottle

from api.throttling import FALLBACK_CACHE, OutageTolerantThrottle, _SharedCacheOutage

pytestmark = pytest.mark.django_db

V1 = "/api/v1"
CLOSED_PORT = "redis://127.0.0.1:1/14"
REDIS = "redis://127.0.0.1:6379/14"


@pytest.fixture
def cache_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CLOSED_PORT,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    FALLBACK_CACHE.clear()
    _SharedCacheOutage.end()
    yield
    FALLBACK_CACHE.clear()
    _SharedCacheOutage.end()


def _warned(caplog) -> bool:
    return any(
        record.levelno == logging.WARNING and "cache is unreachable" in record.getMessage()
        for record in caplog.records
    )


def test_an_authenticated_list_is_answered(api, trader, cache_down, caplog):
    with caplog.at_level(logging.WARNING, logger="api.throttling"):
        response = api(trader).get(f"{V1}/companies/")
    assert response.status_code == 200, response.content
    assert _warned(caplog)


def test_a_token_is_given_and_bad_credentials_refused(api, trader, cache_down, caplog):
    client = api(None)
    with caplog.at_level(logging.WARNING, logger="api.throttling"):
        good = client.post(
            f"{V1}/auth/token/",
            {"username": trader.email, "password": "pass-word-123"},
            format="json",
        )
        bad = client.post(
            f"{V1}/auth/token/", {"username": trader.email, "password": "nope"}, format="json"
        )
    assert good.status_code == 200 and good.json()["token"]
    assert bad.status_code == 400 and bad.json()["code"] == "invalid"
    assert _warned(caplog)


def test_registration_is_answered_and_still_throttled(
    api, cache_down, caplog, monkeypatch, django_capture_on_commit_callbacks
):
    rates = {**SimpleRateThrottle.THROTTLE_RATES, "register": "2/hour"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    client = api(None)

    def register(n: int):
        data = {
            "email": f"new.trader{n}@example.test",
            "full_name": "Alex Martin",
            "password": "Harbour-gate-2026",
            "preferred_language": "en",
        }
        return client.post(f"{V1}/auth/register/", data, format="json")

    with caplog.at_level(logging.WARNING, logger="api.throttling"):
        with django_capture_on_commit_callbacks(execute=True):
            answers = [register(n).status_code for n in range(3)]
    assert answers == [201, 201, 429]
    assert _warned(caplog)


def test_the_shared_cache_is_used_again_once_back(api, trader, cache_down, settings, caplog):
    with caplog.at_level(logging.WARNING, logger="api.throttling"):
        assert api(trader).get(f"{V1}/companies/").status_code == 200
    assert _warned(caplog) and _SharedCacheOutage.ongoing()
    _SharedCacheOutage.until = 0.0  # the retry delay has passed
    redis_back = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS}
    settings.CACHES = {"default": redis_back}
    caplog.clear()
    try:
        assert api(trader).get(f"{V1}/companies/").status_code == 200
        assert not _warned(caplog) and not _SharedCacheOutage.ongoing()
        assert cache.get(f"throttle_user_{trader.pk}")  # counted in Redis again
    finally:
        cache.clear()


def _api_views(patterns=None):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from _api_views(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            view = getattr(pattern.callback, "cls", None)
            if view is not None and hasattr(view, "throttle_classes"):
                yield view


def test_every_throttle_of_the_project_survives_a_cache_outage():
    defaults = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]
    classes = {import_string(name) for name in defaults}
    views = list(_api_views())
    assert views
    for view in views:
        classes.update(view.throttle_classes)
    weak = sorted(c.__name__ for c in classes if not issubclass(c, OutageTolerantThrottle))
    assert not weak, f"throttles that answer 500 when the cache is down: {weak}"

"""The API's throttles: DRF's, counted in the shared cache (Redis in production, so every
gunicorn worker counts together), and kept working when that cache is down.

Without the cache each process counts in its own memory (a limit per process instead of one
for the site) and logs a warning: calls are still answered, and still throttled, rather
than failing with a 500. Once the cache has failed, the process leaves it alone for
``RETRY_SHARED_CACHE_AFTER`` seconds, so that a cache that does not answer at all (its
host unreachable) costs one connection timeout per process in that time, not one per call. Every throttle of the project derives from
:class:`OutageTolerantThrottle` (a test walks the URLs to check)."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.cache.backends.locmem import LocMemCache
from redis.exceptions import RedisError
from rest_framework import throttling
from rest_framework.request import Request

logger = logging.getLogger(__name__)

# What a cache backend raises when its server is unreachable or stops answering.
CACHE_ERRORS: tuple[type[Exception], ...] = (RedisError, OSError)

# This process's own counters, used while the shared cache is unreachable.
FALLBACK_CACHE = LocMemCache("api-throttle-fallback", {"OPTIONS": {"MAX_ENTRIES": 10_000}})
RETRY_SHARED_CACHE_AFTER = 30.0


class _SharedCacheOutage:
    """Until when (time.monotonic) this process counts in FALLBACK_CACHE."""

    until = 0.0

    @classmethod
    def ongoing(cls) -> bool:
        return time.monotonic() < cls.until

    @classmethod
    def begin(cls) -> None:
        cls.until = time.monotonic() + RETRY_SHARED_CACHE_AFTER

    @classmethod
    def end(cls) -> None:
        cls.until = 0.0


class OutageTolerantThrottle(throttling.SimpleRateThrottle):
    def allow_request(self, request: Request, view: Any) -> bool:
        if not _SharedCacheOutage.ongoing():
            try:
                return super().allow_request(request, view)
            except CACHE_ERRORS as error:
                _SharedCacheOutage.begin()
                logger.warning(
                    "API throttle %s: the cache is unreachable (%s: %s); counting in this "
                    "process's memory for %d s before trying it again",
                    type(self).__name__,
                    type(error).__name__,
                    error,
                    RETRY_SHARED_CACHE_AFTER,
                )
        self.cache = FALLBACK_CACHE
        return super().allow_request(request, view)


class AnonRateThrottle(OutageTolerantThrottle, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(OutageTolerantThrottle, throttling.UserRateThrottle):
    pass


class ScopedRateThrottle(OutageTolerantThrottle, throttling.ScopedRateThrottle):
    pass

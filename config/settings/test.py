"""Tests run against a real PostgreSQL (127.0.0.1) unless DATABASE_URL says otherwise."""

from .base import *  # noqa: F403
from .base import VAR_DIR, database_from_env, env

DATABASES = {
    "default": database_from_env(default="postgres://postgres@127.0.0.1:5432/trusted_trader"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory: a real Celery worker (tests/browser/test_embedded_journey.py) opens
    # the test database from another process, as bin/start's worker opens var/db.sqlite3.
    DATABASES["default"]["TEST"] = {"NAME": f"{DATABASES['default']['NAME']}.test"}
# The demo data set: its tests, the benchmarks and the tests that seed with it.
INSTALLED_APPS = [*INSTALLED_APPS, "demo"]  # noqa: F405
DEMO_DATA_ALLOWED = True
# Static files are not collected for tests: serve none through WhiteNoise.
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = VAR_DIR / "test-uploads"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CELERY_TASK_ALWAYS_EAGER = False
# Tasks enqueued by committed test transactions stay in memory; tests that run a real worker
# point it (and their own producer) at Redis or a temporary folder themselves.
CELERY_BROKER_URL = "memory://"
CELERY_BROKER_TRANSPORT_OPTIONS = {}
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/15")
# Django's live server (browser tests) cannot start with MEDIA_URL None (base): give it a
# prefix nothing links to. Pages still serve uploads only through views that check scope.
MEDIA_URL = "/_test-media-not-linked/"

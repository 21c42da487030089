"""Production: PostgreSQL, Redis, SMTP. Refuses to start without SECRET_KEY and ALLOWED_HOSTS."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import database_from_env, env, logging_config

DEBUG = False
try:
    SECRET_KEY = env.str("SECRET_KEY")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
except ImproperlyConfigured as exc:
    raise ImproperlyConfigured(
        f"Production settings need SECRET_KEY and ALLOWED_HOSTS in the environment: {exc}"
    ) from exc
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Production settings need a non-empty ALLOWED_HOSTS.")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long in production.")

# JSON lines with the request id, user and role (core.logging), for the log collector.
LOGGING = logging_config(
    fmt=env.str("LOG_FORMAT", default="json"), level=env.str("LOG_LEVEL", default="INFO")
)

DATABASES = {"default": database_from_env(default="postgres://postgres@postgres:5432/tt")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT compilation costs more than it saves on the dashboard's short queries.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="redis://redis:6379/0")
# A task a killed worker leaves unacknowledged goes back to the queue after this long: past
# the longest task's time limit and every retry's countdown (base), minutes not an hour.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT_SECONDS", default=15 * 60)
}
# A shared cache, so API throttling counts across every gunicorn worker. Short socket
# timeouts: a cache host that does not answer costs a request one second, after which the
# throttles count in memory for a while (api.throttling).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env.str("CACHE_URL", default="redis://redis:6379/1"),
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

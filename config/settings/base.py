"""Settings shared by every environment.

Everything comes from the environment; the defaults make a fresh checkout run with no
environment at all: an SQLite file and Celery over kombu's filesystem transport.
"""

from pathlib import Path
from typing import Any

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from core.logging import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

SECRET_KEY = env.str("SECRET_KEY", default="insecure-local-only-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS: list[str] = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",  # its widget templates, for FORM_RENDERER below
    "django_htmx",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files served locally, never from a CDN
    "django_fsm",
    "core",
    "traders",
    "validations",
    "revalidation",
    "notifications",
    "reporting",
    "portal",
    "backoffice",
    "api",
]
# The demo data set (the demo app, manage.py seed_demo): its users share a published password,
# so only the local and test settings install the app and allow it; production does neither.
DEMO_DATA_ALLOWED = False

MIDDLEWARE = [
    # First: every line a request logs carries its request id, and the request is logged.
    "core.logging.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so that it sees a view's database error first: 503 with Retry-After, not 500.
    "core.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "notifications.context_processors.unread_notifications",
            ],
        },
    },
]


def database_from_env(*, default: str) -> dict[str, Any]:
    """The default database from DATABASE_URL. SQLite (the embedded default) serves a web
    server, a Celery worker and beat at once: readers never wait for the writer (WAL), a
    writer waits its turn for up to 20 s instead of failing at once, and a transaction takes
    the write lock when it begins (IMMEDIATE), so two transactions that read then write
    cannot both hold a read lock and fail on "database is locked" when each tries to write."""
    database: dict[str, Any] = env.db("DATABASE_URL", default=default)
    database["ATOMIC_REQUESTS"] = False
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("OPTIONS", {}).update(
            {
                "timeout": env.int("SQLITE_BUSY_TIMEOUT_SECONDS", default=20),
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
            }
        )
    return database


DATABASES = {"default": database_from_env(default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
# A task that meets a busy database tries again within this many seconds at most.
DATABASE_RETRY_MAX_SECONDS = env.int("DATABASE_RETRY_MAX_SECONDS", default=30)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:landing"  # sends each role to its home page
LOGOUT_REDIRECT_URL = "core:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalization: Canada's federal services are bilingual.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
# Deadlines and expiry dates are dates in the agency's time zone (see core.dates).
AGENCY_TIME_ZONE = "America/Toronto"
# Timestamps are stored in UTC (USE_TZ); pages, e-mails and PDFs show them in agency time,
# and the database truncates them to dates and months (TruncDate, __date) in agency time.
TIME_ZONE = AGENCY_TIME_ZONE

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# static/vendor/ holds the npm packages' files, copied there by bin/_setup (git-ignored).
STATICFILES_DIRS = [BASE_DIR / "static"]
# Forms render through templates/django/forms/ (label, hint, error beside each field, and an
# error summary): every form of the site looks and behaves the same.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# Uploads live outside the web root and are served only by views that check scope.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "uploads")))
MEDIA_URL: str | None = None  # never served directly
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024)

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="trusted-trader@localhost")

# Celery: a real worker and beat. With no broker configured, kombu's filesystem transport
# carries the messages through folders under var/, so nothing but Python is needed.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "celery" / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
# Every task is idempotent (a ledger or a unique constraint), so it is acknowledged only
# once it has run and requeued when its worker dies; a worker reserves one task at a time,
# so a killed worker holds back one task, not a prefetched batch.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The longest task (the daily sweep: about 13 s for 160,000 companies, docs/performance.md)
# is stopped well before the broker's visibility timeout (production), so Redis never hands
# a task still running to a second worker.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT_SECONDS", default=540)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT_SECONDS", default=600)
CELERY_TIMEZONE = AGENCY_TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "heartbeat": {"task": "core.tasks.heartbeat", "schedule": 300.0},
    # Once a day, early morning in the agency's time zone (CELERY_TIMEZONE).
    "daily-sweep": {
        "task": "revalidation.tasks.daily_sweep",
        "schedule": crontab(hour=env.int("DAILY_SWEEP_HOUR", default=2), minute=0),
    },
    # The dashboard's copies of each company on its applications and memberships, checked
    # against the companies (traders.reporting) and rewritten where they drifted.
    "reporting-check": {
        "task": "traders.reporting_check",
        "schedule": crontab(hour=env.int("DAILY_SWEEP_HOUR", default=2), minute=30),
    },
}

# Reminders and deadlines (revalidation.sweeps, notifications). Days before the date.
REVALIDATION_REMINDER_DAYS = env.list(
    "REVALIDATION_REMINDER_DAYS", cast=int, default=[180, 90, 60, 30, 7]
)
ACTION_PLAN_REMINDER_DAYS = env.list("ACTION_PLAN_REMINDER_DAYS", cast=int, default=[14, 7, 1])
ACTION_PLAN_ESCALATION_GRACE_DAYS = env.int("ACTION_PLAN_ESCALATION_GRACE_DAYS", default=14)
INFORMATION_REQUEST_REMINDER_DAYS = env.list(
    "INFORMATION_REQUEST_REMINDER_DAYS", cast=int, default=[7, 1]
)
PROFILE_CONFIRMATION_REMINDER_MONTHS = env.int("PROFILE_CONFIRMATION_REMINDER_MONTHS", default=11)
PROFILE_CONFIRMATION_DUE_MONTHS = env.int("PROFILE_CONFIRMATION_DUE_MONTHS", default=12)
# The service standard the trader's submission receipt states: the eligibility review is
# done within this many calendar days of the submission. The domain reference gives none;
# 30 days is this project's assumption, to be replaced by the programme's published figure.
APPLICATION_REVIEW_STANDARD_DAYS = env.int("APPLICATION_REVIEW_STANDARD_DAYS", default=30)
# A failing delivery is retried for about an hour (60, 120, 240, 480, then every 600 s).
# No countdown may reach the broker's visibility timeout (15 min in production): Redis would
# hand the waiting task to a second worker.
REMINDER_MAX_RETRIES = env.int("REMINDER_MAX_RETRIES", default=8)
REMINDER_RETRY_BACKOFF_SECONDS = env.int("REMINDER_RETRY_BACKOFF_SECONDS", default=60)
REMINDER_RETRY_BACKOFF_MAX_SECONDS = env.int("REMINDER_RETRY_BACKOFF_MAX_SECONDS", default=600)
# Pending this long after being enqueued, a reminder is enqueued again by the next sweep.
REMINDER_REQUEUE_AFTER_MINUTES = env.int("REMINDER_REQUEUE_AFTER_MINUTES", default=360)
SITE_URL = env.str("SITE_URL", default="http://localhost:8000")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        # DRF's throttles, answering (counted per process) when the cache is down.
        "api.throttling.AnonRateThrottle",
        "api.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="60/min"),
        "user": env.str("API_THROTTLE_USER", default="600/min"),
        "partner": env.str("API_THROTTLE_PARTNER", default="120/min"),
        # Registration sends an e-mail: per address (IP), far below the anonymous rate.
        "register": env.str("API_THROTTLE_REGISTER", default="20/hour"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Trusted Trader API",
    "DESCRIPTION": "Partners in Protection and Customs Self-Assessment memberships.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Logs: plain text here (LOG_FORMAT=json for JSON lines, production's default), each line
# with its request id (core.logging). The worker keeps this configuration rather than its own.
LOGGING = logging_config(
    fmt=env.str("LOG_FORMAT", default="text"), level=env.str("LOG_LEVEL", default="INFO")
)
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

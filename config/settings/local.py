"""Local development: the embedded defaults (SQLite, filesystem broker, console e-mail)."""

from .base import *  # noqa: F403

DEBUG = env.bool("DEBUG", default=True)  # noqa: F405

# The demo data set (manage.py seed_demo, run by bin/start), never installed in production.
INSTALLED_APPS = [*INSTALLED_APPS, "demo"]  # noqa: F405
DEMO_DATA_ALLOWED = True

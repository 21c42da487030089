"""Local development: the embedded defaults (SQLite, filesystem broker, console e-mail)."""

from .base import *  # noqa: F403

DEBUG = env.bool("DEBUG", default=True)  # noqa: F405

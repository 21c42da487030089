"""Settings as each environment loads them, in a fresh process with a controlled environment:
production refuses to start half-configured and passes Django's deployment checks; local
needs no environment at all."""

from __future__ import annotations

import json
import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SECRET_KEY_60 = "".join(
    secrets.choice(string.ascii_letters + string.digits + "!@#%^&*(-_=+)") for _ in range(60)
)

PRINT_SETTINGS = """
import json
from django.conf import settings
from config.celery_app import app
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "name": str(settings.DATABASES["default"]["NAME"]),
    "broker": settings.CELERY_BROKER_URL,
    "app_broker": app.conf.broker_url,
    "debug": settings.DEBUG,
}))
"""


def manage(*args: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Run manage.py with exactly ``env`` (plus PATH), nothing inherited from this process."""
    full_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", **env}
    full_env.setdefault("VAR_DIR", str(tmp_path / "var"))
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DATABASE_URL": "postgres://tt:tt@127.0.0.1:5432/tt",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
}


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without(missing: str, tmp_path: Path) -> None:
    env = {**PRODUCTION, "SECRET_KEY": SECRET_KEY_60, "ALLOWED_HOSTS": "tt.example.org"}
    del env[missing]
    result = manage("check", env=env, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    last_line = result.stderr.strip().splitlines()[-1]
    assert "need SECRET_KEY and ALLOWED_HOSTS in the environment" in last_line, result.stderr
    assert f"Set the {missing} environment variable" in last_line


def test_production_refuses_an_empty_allowed_hosts(tmp_path: Path) -> None:
    env = {**PRODUCTION, "SECRET_KEY": SECRET_KEY_60, "ALLOWED_HOSTS": ""}
    result = manage("check", env=env, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr.splitlines()[-1], result.stderr[-2000:]


def test_production_refuses_a_short_secret_key(tmp_path: Path) -> None:
    env = {**PRODUCTION, "SECRET_KEY": "too-short", "ALLOWED_HOSTS": "tt.example.org"}
    result = manage("check", env=env, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY must be at least 50 characters" in result.stderr


def test_production_passes_the_deployment_checks(tmp_path: Path) -> None:
    env = {**PRODUCTION, "SECRET_KEY": SECRET_KEY_60, "ALLOWED_HOSTS": "tt.example.org"}
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env, tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_loads_its_services_from_the_environment(tmp_path: Path) -> None:
    env = {**PRODUCTION, "SECRET_KEY": SECRET_KEY_60, "ALLOWED_HOSTS": "tt.example.org"}
    result = manage("shell", "-c", PRINT_SETTINGS, env=env, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded["engine"] == "django.db.backends.postgresql"
    assert loaded["broker"] == loaded["app_broker"] == "redis://127.0.0.1:6379/0"
    assert loaded["debug"] is False


def test_local_needs_no_environment_sqlite_and_filesystem_broker(tmp_path: Path) -> None:
    env = {"DJANGO_SETTINGS_MODULE": "config.settings.local"}
    full_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **env}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", PRINT_SETTINGS],
        cwd=ROOT,
        env=full_env,  # no VAR_DIR, no DATABASE_URL, no CELERY_BROKER_URL
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded["engine"] == "django.db.backends.sqlite3"
    assert Path(loaded["name"]) == ROOT / "var" / "db.sqlite3"
    assert loaded["broker"] == loaded["app_broker"] == "filesystem://"
    assert loaded["debug"] is True

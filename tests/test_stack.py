"""The production stack (docker-compose.yml, Dockerfile), checked without a Docker engine: the
services exist and are health-checked, and the modules their commands name are real."""

from __future__ import annotations

import importlib
import re
import shlex
from pathlib import Path

import pytest
import yaml
from celery import Celery
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SERVICES = {"web", "worker", "beat", "postgres", "redis"}
APP_SERVICES = ("web", "worker", "beat")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def services(compose: dict) -> dict:
    return compose["services"]


def command_words(service: dict) -> list[str]:
    command = service.get("command")
    assert command, "service has no command"
    if isinstance(command, str):
        return shlex.split(command)
    if command[:2] == ["sh", "-c"]:
        return shlex.split(command[2])
    return list(command)


def healthcheck_text(service: dict) -> str:
    test = service["healthcheck"]["test"]
    return test if isinstance(test, str) else " ".join(test)


def test_the_five_services_exist(services: dict) -> None:
    assert SERVICES <= set(services)


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_each_service_has_a_healthcheck(services: dict, name: str) -> None:
    healthcheck = services[name].get("healthcheck")
    assert healthcheck, f"{name} has no healthcheck"
    test = healthcheck["test"]
    assert isinstance(test, list) and test[0] in {"CMD", "CMD-SHELL"}, test
    assert len(test) > 1 and all(part.strip() for part in test[1:])


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_run_production_settings_with_secrets_from_the_environment(
    services: dict, name: str
) -> None:
    env = services[name]["environment"]
    assert env["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    assert env["CELERY_BROKER_URL"] == "redis://redis:6379/0"
    assert (
        env["DATABASE_URL"].startswith("postgres://") and "@postgres:5432/" in env["DATABASE_URL"]
    )
    # ${VAR:?message}: compose refuses to start when the variable is missing.
    assert re.fullmatch(r"\$\{SECRET_KEY:\?[^}]+\}", env["SECRET_KEY"])
    assert re.fullmatch(r"\$\{ALLOWED_HOSTS:\?[^}]+\}", env["ALLOWED_HOSTS"])


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_wait_for_healthy_dependencies(services: dict, name: str) -> None:
    depends_on = services[name]["depends_on"]
    assert isinstance(depends_on, dict) and depends_on
    assert "redis" in depends_on
    for dependency, condition in depends_on.items():
        assert dependency in services
        assert condition == {"condition": "service_healthy"}, (name, dependency)


def test_uploads_live_in_a_volume_outside_the_web_root(compose: dict, services: dict) -> None:
    for name in ("web", "worker"):
        media_root = services[name]["environment"]["MEDIA_ROOT"]
        mounts = {v.split(":")[1]: v.split(":")[0] for v in services[name]["volumes"]}
        assert media_root in mounts, f"{name}: MEDIA_ROOT {media_root} is not a mounted volume"
        assert mounts[media_root] in compose["volumes"], "uploads must be a named volume"
        assert not media_root.startswith("/app"), "uploads must not sit beside the code"


def test_web_runs_the_wsgi_application_gunicorn_is_told(services: dict) -> None:
    words = command_words(services["web"])
    gunicorn = words[words.index("gunicorn") + 1 :]
    target = next(word for word in gunicorn if not word.startswith("-"))
    module_name, _, attribute = target.partition(":")
    assert (module_name, attribute) == ("config.wsgi", "application")
    application = getattr(importlib.import_module(module_name), attribute)
    assert callable(application)


def test_web_healthcheck_asks_readyz_and_is_valid_python(services: dict) -> None:
    """Worker and beat wait for web to be healthy: ready, its migrations applied."""
    test = services["web"]["healthcheck"]["test"]
    assert test[:3] == ["CMD", "python", "-c"]
    assert "http://127.0.0.1:8000/readyz/" in test[3]
    assert "['status'] == 'ok'" in test[3]
    compile(test[3], "web-healthcheck", "exec")


@pytest.mark.django_db
def test_readyz_answers_ok(client, settings) -> None:
    settings.CELERY_BROKER_URL = "memory://"
    response = client.get("/readyz/")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


@pytest.mark.parametrize(("name", "subcommand"), [("worker", "worker"), ("beat", "beat")])
def test_celery_services_name_the_real_celery_app(
    services: dict, name: str, subcommand: str
) -> None:
    words = command_words(services[name])
    assert words[0] == "celery"
    module_name = words[words.index("-A") + 1]
    assert module_name == "config.celery_app"
    assert subcommand in words[words.index("-A") + 2 :]
    app = importlib.import_module(module_name).app
    assert isinstance(app, Celery)
    app.loader.import_default_modules()  # what the worker does at start: autodiscovery
    assert "core.tasks.heartbeat" in app.tasks
    # The healthcheck pings this very node.
    node = "celery@" if name == "worker" else "celerybeat@"
    assert f"inspect ping -d {node}$$HOSTNAME" in healthcheck_text(services[name])
    if name == "beat":
        assert "--enable-remote-control" in words


def test_dockerfile_builds_on_python_311_and_runs_as_a_non_root_user() -> None:
    lines = [
        line.strip()
        for line in (ROOT / "Dockerfile").read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    base = [line.split()[1] for line in lines if line.upper().startswith("FROM ")]
    assert base, "no FROM line"
    assert re.fullmatch(r"python:3\.11(\.\d+)?(-slim(-\w+)?)?", base[-1]), base[-1]
    users = [line.split()[1] for line in lines if line.upper().startswith("USER ")]
    assert users and users[-1] not in {"root", "0"}
    text = "\n".join(lines)
    assert "pip install -r requirements.lock" in text
    for needed in ("libharfbuzz-subset0", "libpango-1.0-0", "gettext"):
        assert needed in text
    assert "collectstatic" in text and "compilemessages" in text


def test_dockerignore_keeps_local_state_out_of_the_image() -> None:
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".git", ".venv", "var"} <= ignored

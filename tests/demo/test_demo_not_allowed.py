"""Demo data only where the settings allow it: its users share a published password and one of
them is a superuser. Production neither installs the demo app (no ``seed_demo`` command) nor
allows the seeder to run from a shell; a refusal writes nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command

from core.models import User
from demo.services import DemoDataNotAllowed, demo_seed
from traders.models import Company

ROOT = Path(django_settings.BASE_DIR)


@pytest.fixture(params=["false", "missing"])
def demo_not_allowed(request, settings):
    if request.param == "false":
        settings.DEMO_DATA_ALLOWED = False
    else:
        del settings.DEMO_DATA_ALLOWED


def test_the_seeder_refuses_and_writes_nothing(db, demo_not_allowed):
    with pytest.raises(DemoDataNotAllowed, match="DEMO_DATA_ALLOWED"):
        demo_seed(companies=1)
    assert not User.objects.exists()
    assert not Company.objects.exists()


@pytest.mark.parametrize("options", [{}, {"skip_if_seeded": True}])
def test_the_command_refuses_and_writes_nothing(db, demo_not_allowed, options):
    with pytest.raises(CommandError, match="Demo data is not allowed with these settings"):
        call_command("seed_demo", companies=1, **options)
    assert not User.objects.exists()
    assert not Company.objects.exists()


def test_production_has_no_demo_app_and_refuses_the_seeder(tmp_path):
    database = tmp_path / "prod.sqlite3"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "tt.example.org",
        "DATABASE_URL": f"sqlite:///{database}",
        "VAR_DIR": str(tmp_path / "var"),
    }

    def manage(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    command = manage("seed_demo", "--companies", "1")
    assert command.returncode != 0
    assert "Unknown command: 'seed_demo'" in command.stderr, command.stderr

    shell = manage(
        "shell",
        "-c",
        "from django.conf import settings\n"
        "from demo.services import demo_seed\n"
        "print('installed' if 'demo' in settings.INSTALLED_APPS else 'not installed')\n"
        "demo_seed(companies=1)\n",
    )
    assert shell.returncode != 0
    assert shell.stdout.strip().splitlines()[-1] == "not installed"
    assert "DemoDataNotAllowed" in shell.stderr, shell.stderr
    assert not database.exists()  # refused before the database was even opened

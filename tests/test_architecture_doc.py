"""docs/architecture.md stays true to the code: the picture of the apps names every app of
the project (the local settings' INSTALLED_APPS that live in this repository, the demo app
included), and every folder it names exists."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "architecture.md"


def _picture() -> list[str]:
    """The folders named at the start of each line of the first code block."""
    text = DOC.read_text(encoding="utf-8")
    block = text.split("```", 2)[1]
    return re.findall(r"^([a-z_]+)/", block, flags=re.MULTILINE)


def _project_apps() -> set[str]:
    apps = set(settings.INSTALLED_APPS) | {"demo"}  # demo: local and test settings only
    return {app for app in apps if "." not in app and (ROOT / app / "apps.py").exists()}


def test_the_picture_names_every_app() -> None:
    missing = _project_apps() - set(_picture())
    assert not missing, f"docs/architecture.md does not name: {sorted(missing)}"


def test_every_folder_the_picture_names_exists() -> None:
    absent = [name for name in _picture() if not (ROOT / name).is_dir()]
    assert not absent, f"docs/architecture.md names folders that do not exist: {absent}"
    assert len(_picture()) >= 12

"""docs/api.md cannot rot: every ``/api/v1/...`` address it names exists in the live OpenAPI
description (or is the schema or Swagger UI itself), every operation of the description is
named in it, and its throttling table gives the rates the settings give."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

GUIDE = Path(settings.BASE_DIR) / "docs" / "api.md"
V1 = "/api/v1/"
# Addresses that are not operations of the API: the description and its browser UI.
NOT_OPERATIONS = {"/api/v1/schema/", "/api/v1/docs/"}
ADDRESS = re.compile(r"/api/v1/[A-Za-z0-9_\-/{}<>$]*")
PLACEHOLDER = re.compile(r"^(\{\w+\}|\d+|\$\{?\w+\}?)$")  # {id}, 42, $ID


def _normalised(path: str) -> str:
    """Each id segment as ``{}``: ``{pk}``, ``{id}``, ``42`` and ``$ID`` are all one."""
    return "/".join("{}" if PLACEHOLDER.match(part) else part for part in path.split("/"))


def _pattern(path: str) -> re.Pattern[str]:
    """A generic address (``/api/v1/<resource>/{id}/<action>/``): ``<...>`` is any one
    segment."""
    parts = (
        "[^/]+" if part.startswith("<") and part.endswith(">") else re.escape(part)
        for part in _normalised(path).split("/")
    )
    return re.compile("/".join(parts) + "$")


@pytest.fixture(scope="module")
def guide() -> str:
    return GUIDE.read_text(encoding="utf-8")


@pytest.fixture
def schema_paths(client, officer) -> set[str]:
    client.force_login(officer)
    response = client.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    return {_normalised(path) for path in response.json()["paths"]}


def test_every_address_in_the_guide_exists(guide, schema_paths, client):
    named = set(ADDRESS.findall(guide))
    assert len(named) > 50, "the guide names the API's addresses"
    missing = []
    for path in sorted(named):
        if path == V1:  # the base URL
            continue
        if path in NOT_OPERATIONS:
            assert client.get(path).status_code == 200, path
            continue
        if "<" in path:
            if not any(_pattern(path).match(known) for known in schema_paths):
                missing.append(path)
        elif _normalised(path) not in schema_paths:
            missing.append(path)
    assert missing == [], f"docs/api.md names addresses the API does not have: {missing}"


def test_every_operation_is_in_the_guide(guide, schema_paths):
    named = {_normalised(path) for path in ADDRESS.findall(guide) if "<" not in path}
    undocumented = sorted(schema_paths - named)
    assert undocumented == [], f"add these to docs/api.md: {undocumented}"


def test_the_throttling_table_gives_the_settings_rates(guide):
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert rates
    for scope, rate in rates.items():
        row = re.search(rf"^\| `{re.escape(scope)}` \|.*$", guide, flags=re.MULTILINE)
        assert row is not None, f"the guide's throttling table lacks the {scope} scope"
        number, period = rate.split("/")
        assert f"{number}/{period}" in row.group(0), (scope, rate, row.group(0))

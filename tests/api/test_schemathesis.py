"""Schemathesis against the live schema, in process (WSGI): every GET operation and the
creating POSTs as an officer (the dashboard as a manager), and every PATCH and PUT as a
trader on their own objects; a bounded number of examples each. No server error, and every
response conforms to the schema (status code, content type, body)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.test import override_settings
from hypothesis import HealthCheck, Phase, settings
from pytest_django import DjangoDbBlocker
from rest_framework.authtoken.models import Token
from rest_framework.throttling import SimpleRateThrottle
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from core.models import Role
from tests.conftest import ensure_reference_data
from tests.factories import (
    CompanyUserFactory,
    SiteFactory,
    UserFactory,
    make_application,
    make_membership,
)
from tests.revalidation.factories import make_cycle

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# GETs, and the POSTs that create (each parses a body of several fields).
OPERATIONS = (
    r"^GET /api/v1/(?!docs/|schema/)"
    r"|^POST /api/v1/(companies|applications|site-validations|action-plans|change-notices"
    r"|incidents)/$"
    r"|^POST /api/v1/applications/\{id\}/request-info/$"
)

# The updates (PATCH and PUT), each on a real object of the caller (a trader of the company)
# so that the generated bodies reach the service rather than a 404.
UPDATES = r"^(PATCH|PUT) /api/v1/"

live = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())
schema = live.include(name_regex=OPERATIONS)
updates = live.include(name_regex=UPDATES)


def _headers(user) -> dict[str, str]:
    token, _created = Token.objects.get_or_create(user=user)
    return {"Authorization": f"Token {token.key}"}


@pytest.fixture(scope="module")
def _module_media_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("schemathesis-media")


@pytest.fixture(autouse=True)
def _isolated_media_root(settings: Any, _module_media_root: Path) -> Path:
    """Overrides the API tests' folder per test: the shared data's evidence files (built
    once for the module, below) are in the module's folder, and every test reads there."""
    settings.MEDIA_ROOT = _module_media_root
    return _module_media_root


@pytest.fixture(scope="module", autouse=True)
def _keep_test_connection() -> Iterator[None]:
    """The raw WSGI handler closes the database connection after each request, which would
    end the test's transaction and the module's (``shared``); Django's own test client
    disconnects this hook too."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def shared(
    django_db_setup: None,
    django_db_blocker: DjangoDbBlocker,
    _keep_test_connection: None,
    _module_media_root: Path,
) -> Iterator[dict[str, Any]]:
    """What every operation reads, built once for the module (schemathesis makes one test
    per operation) inside a transaction that is rolled back once the module is done:
    nothing is committed, so nothing reaches the other test files. Each test runs in a
    savepoint inside it (pytest-django's ``db``), so what one test writes is gone before
    the next: the shared data is as the test found it."""
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=_module_media_root),
        transaction.atomic(),
    ):
        ensure_reference_data()  # an earlier transactional test may have emptied it
        make_membership()  # something to list and to find
        officer = UserFactory(role=Role.OFFICER, is_staff=True)
        manager = UserFactory(role=Role.MANAGER, is_staff=True)
        link = CompanyUserFactory()  # a trader of a company, for the updates
        yield {
            "officer_headers": _headers(officer),
            "manager_headers": _headers(manager),
            "company": link.company,
            "trader_headers": _headers(link.user),
        }
        transaction.set_rollback(True)


@pytest.fixture
def own(shared: dict[str, Any]) -> dict[str, Any]:
    """A trader of a company, and the objects of that company each update changes, built
    on first use (once per operation: the examples of one operation share them; the
    test's rollback removes them, hence a fresh dict per test)."""
    return {"company": shared["company"], "headers": shared["trader_headers"]}


def _target(path: str, own: dict) -> dict[str, int]:
    company = own["company"]
    if path == "/api/v1/companies/{id}/":
        return {"id": company.pk}
    if path == "/api/v1/companies/{id}/sites/{site_id}/":
        if "site" not in own:
            own["site"] = SiteFactory(company=company).pk
        return {"id": company.pk, "site_id": own["site"]}
    if path == "/api/v1/applications/{id}/security-profile/":
        if "application" not in own:
            own["application"] = make_application(company=company).pk  # a draft
        return {"id": own["application"]}
    if path == "/api/v1/revalidations/{id}/security-profile/":
        if "cycle" not in own:
            own["cycle"] = make_cycle(membership=make_membership(company=company)).pk  # open
        return {"id": own["cycle"]}
    raise AssertionError(f"No object to update for {path}: add it here.")


@pytest.fixture(autouse=True)
def _no_throttling(monkeypatch):
    rates = {scope: "100000/min" for scope in SimpleRateThrottle.THROTTLE_RATES}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.django_db
def test_api_conforms_to_its_schema(case, shared):
    # The dashboard is the managers' (an officer would only ever see its 403).
    manager = case.path.startswith("/api/v1/dashboard/")
    headers = shared["manager_headers"] if manager else shared["officer_headers"]
    case.call_and_validate(headers=headers, checks=CHECKS)


@updates.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.django_db
def test_updates_conform_to_the_schema(case, own):
    """PATCH and PUT with generated bodies, on the caller's own objects: a 200 or a 400
    naming the fields, never a server error nor a body the schema does not describe."""
    case.path_parameters = _target(case.path, own)
    case.call_and_validate(headers=own["headers"], checks=CHECKS)

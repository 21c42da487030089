"""Schemathesis against the live schema, in process (WSGI): every GET operation and the
creating POSTs as an officer (the dashboard as a manager), and every PATCH and PUT as a
trader on their own objects; a bounded number of examples each. No server error, and every
response conforms to the schema (status code, content type, body)."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from rest_framework.authtoken.models import Token
from rest_framework.throttling import SimpleRateThrottle
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories import SiteFactory, make_application, make_membership
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


@pytest.fixture
def officer_headers(officer):
    make_membership()  # something to list and to find
    return _headers(officer)


@pytest.fixture
def manager_headers(manager):
    return _headers(manager)


@pytest.fixture
def own(company, trader):
    """A trader of a company, and the objects of that company each update changes, built
    on first use (once per operation: the examples of one operation share them)."""
    return {"company": company, "headers": _headers(trader)}


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
def _keep_test_connection():
    """The raw WSGI handler closes the database connection after each request, which would
    end the test's transaction; Django's own test client disconnects this hook too."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


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
def test_api_conforms_to_its_schema(case, officer_headers, manager_headers):
    # The dashboard is the managers' (an officer would only ever see its 403).
    headers = manager_headers if case.path.startswith("/api/v1/dashboard/") else officer_headers
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

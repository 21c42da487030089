"""Schemathesis against the live schema, in process (WSGI), as an officer: every GET
operation and a few POSTs, a bounded number of examples each. No server error, and every
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

from tests.factories import make_membership

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

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application()).include(
    name_regex=OPERATIONS
)


@pytest.fixture
def officer_headers(officer):
    make_membership()  # something to list and to find
    token, _created = Token.objects.get_or_create(user=officer)
    return {"Authorization": f"Token {token.key}"}


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
def test_api_conforms_to_its_schema(case, officer_headers):
    case.call_and_validate(headers=officer_headers, checks=CHECKS)

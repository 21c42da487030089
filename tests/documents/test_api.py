"""The document endpoints: PDFs for those who may see the object, the API's answers for
everyone else."""

from __future__ import annotations

import pytest

from tests.api.conftest import token_client
from tests.factories import make_membership
from tests.validations.factories import make_site_validation
from traders.models import Membership, MembershipCertificate
from validations.models import SiteValidation

from .conftest import pdf_text

pytestmark = pytest.mark.django_db

V1 = "/api/v1"


@pytest.fixture(autouse=True)
def _fresh_throttles():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def _assert_pdf(response, filename_start: str) -> bytes:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith(f'attachment; filename="{filename_start}')
    assert disposition.endswith('.pdf"')
    return response.content


@pytest.fixture
def membership(company):
    return make_membership(company=company)


@pytest.mark.parametrize("who", ["trader", "officer", "manager", "administrator"])
def test_the_member_and_staff_download_the_certificate(actors, membership, who):
    response = token_client(actors[who]).get(f"{V1}/memberships/{membership.pk}/certificate/")
    pdf = _assert_pdf(response, f"certificate-{membership.member_number}-")
    assert membership.member_number in pdf_text(pdf)


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [("other_trader", 404, "not_found"), ("partner", 403, "permission_denied"), (None, 401, None)],
)
def test_no_certificate_for_anyone_else(actors, membership, who, status, code):
    client = token_client(actors[who] if who else None)
    response = client.get(f"{V1}/memberships/{membership.pk}/certificate/")
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    if code:
        assert response.json()["code"] == code
    assert not MembershipCertificate.objects.exists()


def test_a_seeded_membership_gets_its_certificate_once(trader, membership):
    """No certificate stored yet (seeded data): the first download issues it, the next ones
    serve the stored file."""
    assert not MembershipCertificate.objects.exists()
    client = token_client(trader)
    first = client.get(f"{V1}/memberships/{membership.pk}/certificate/")
    second = client.get(f"{V1}/memberships/{membership.pk}/certificate/")
    _assert_pdf(first, "certificate-")
    assert second.content == first.content
    [certificate] = MembershipCertificate.objects.all()
    assert certificate.reason == "certification"
    assert certificate.expires_on == membership.expires_on


def test_a_client_may_ask_for_a_pdf_and_still_gets_errors_as_json(trader, other_trader, membership):
    url = f"{V1}/memberships/{membership.pk}/certificate/"
    _assert_pdf(token_client(trader).get(url, HTTP_ACCEPT="application/pdf"), "certificate-")
    refused = token_client(other_trader).get(url, HTTP_ACCEPT="application/pdf")
    assert refused.status_code == 404
    assert refused.json()["code"] == "not_found"


def test_a_suspended_membership_has_no_certificate(trader, company):
    suspended = make_membership(company=company, state=Membership.State.SUSPENDED)
    response = token_client(trader).get(f"{V1}/memberships/{suspended.pk}/certificate/")
    assert response.status_code == 409
    assert response.json()["code"] == "membership_not_active"


@pytest.fixture
def completed(company):
    return make_site_validation(state=SiteValidation.State.COMPLETED, company=company)


@pytest.mark.parametrize("who", ["trader", "officer", "manager", "administrator"])
def test_the_company_and_staff_download_the_report(actors, completed, who):
    response = token_client(actors[who]).get(f"{V1}/site-validations/{completed.pk}/report/")
    pdf = _assert_pdf(response, f"site-validation-report-{completed.pk}-")
    assert "Rapport de validation de site" in pdf_text(pdf)


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [("other_trader", 404, "not_found"), ("partner", 403, "permission_denied"), (None, 401, None)],
)
def test_no_report_for_anyone_else(actors, completed, who, status, code):
    client = token_client(actors[who] if who else None)
    response = client.get(f"{V1}/site-validations/{completed.pk}/report/")
    assert response.status_code == status
    if code:
        assert response.json()["code"] == code


def test_a_report_before_completion_is_a_conflict(actors, company):
    validation = make_site_validation(state=SiteValidation.State.IN_PROGRESS, company=company)
    for who in ("trader", "officer"):
        response = token_client(actors[who]).get(f"{V1}/site-validations/{validation.pk}/report/")
        assert response.status_code == 409
        body = response.json()
        assert body["code"] == "report_not_available"
        assert body["details"] == {"state": "in_progress"}

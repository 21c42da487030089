"""A partner customs agency verifies members under a mutual recognition arrangement: only
the members who consented, and throttled (429 in the one error shape)."""

from __future__ import annotations

from rest_framework.throttling import SimpleRateThrottle

from tests.factories import make_membership

V1 = "/api/v1"


def test_mra_verify_only_members_who_consented(api, partner, company, other_company):
    company.mra_sharing_consent = True
    company.save(update_fields=["mra_sharing_consent"])
    shared = make_membership(company=company)
    private = make_membership(company=other_company)
    client = api(partner)
    response = client.get(f"{V1}/mra/verify/", {"member_number": shared.member_number.lower()})
    assert response.status_code == 200
    assert response.json() == {
        "member_number": shared.member_number,
        "company_name": company.legal_name,
        "programme": "PIP",
        "status": "active",
        "certified_on": str(shared.certified_on),
        "expires_on": str(shared.expires_on),
    }
    not_shared = client.get(f"{V1}/mra/verify/", {"member_number": private.member_number})
    unknown = client.get(f"{V1}/mra/verify/", {"member_number": "PIP9999999"})
    assert not_shared.status_code == unknown.status_code == 404
    assert not_shared.json() == unknown.json()
    assert client.get(f"{V1}/mra/verify/").status_code == 400
    assert client.get(f"{V1}/memberships/").status_code == 403


def test_partner_verification_is_throttled(api, partner, monkeypatch):
    rates = {**SimpleRateThrottle.THROTTLE_RATES, "partner": "2/min"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    client = api(partner)
    statuses = [
        client.get(f"{V1}/mra/verify/", {"member_number": "PIP0000001"}).status_code
        for _ in range(3)
    ]
    assert statuses == [404, 404, 429]
    throttled = client.get(f"{V1}/mra/verify/", {"member_number": "PIP0000001"})
    assert throttled.status_code == 429
    assert throttled.json()["code"] == "throttled"
    assert set(throttled.json()) == {"code", "message", "details"}

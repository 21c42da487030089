"""The whole lifecycle driven through the API alone: application, review, site validation,
certification, membership, revalidation."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from core.dates import add_years, agency_today
from core.models import Role
from tests.factories import UserFactory

V1 = "/api/v1"


def _ok(response, status=200):
    assert response.status_code == status, response.json()
    return response.json()


def _token(email: str) -> APIClient:
    anonymous = APIClient()
    body = _ok(
        anonymous.post(
            f"{V1}/auth/token/", {"username": email, "password": "pass-word-123"}, format="json"
        )
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    return client


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n% evidence\n%%EOF\n", "application/pdf")


def _answer_whole_profile(client: APIClient, base: str) -> None:
    profile = _ok(client.get(f"{base}/security-profile/"))
    requirements = profile["requirements"]
    assert requirements and profile["completeness"]["percent"] < 100
    answers = [
        {
            "requirement": r["id"],
            "implementation": "implemented",
            "description": f"Our written procedure covers {r['code']}.",
        }
        for r in requirements
    ]
    _ok(client.put(f"{base}/security-profile/", {"answers": answers}, format="json"))
    for r in requirements:
        if r["evidence_required"]:
            _ok(
                client.post(
                    f"{base}/security-profile/evidence/",
                    {"requirement": r["id"], "file": _pdf(f"{r['code']}.pdf")},
                    format="multipart",
                ),
                201,
            )


def _run_visit(officer: APIClient, validation_id: int, requirement_ids: list[int]) -> dict:
    base = f"{V1}/site-validations/{validation_id}"
    assert _ok(officer.post(f"{base}/start/", format="json"))["state"] == "in_progress"
    for requirement_id in requirement_ids:
        _ok(
            officer.post(
                f"{base}/findings/",
                {"requirement": requirement_id, "result": "meets", "note": ""},
                format="json",
            ),
            201,
        )
    done = _ok(
        officer.post(
            f"{base}/complete/",
            {"outcome": "meets", "recommendations": "Log visitor badges."},
            format="json",
        )
    )
    assert done["state"] == "completed"
    assert len(done["findings"]) == len(requirement_ids)
    return done


def test_application_to_certification_to_revalidation(db):
    trader_user = UserFactory(role=Role.TRADER, email="owner@acme.test")
    officer_user = UserFactory(role=Role.OFFICER, is_staff=True, email="officer@cbsa.test")
    UserFactory(role=Role.MANAGER, is_staff=True, email="manager@cbsa.test")
    trader = _token(trader_user.email)
    officer = _token(officer_user.email)
    manager = _token("manager@cbsa.test")
    today = agency_today()

    # The trader registers the company, its sites and an application.
    company = _ok(
        trader.post(
            f"{V1}/companies/",
            {"legal_name": "Acme Freight Inc.", "business_number": "987654321RM0001"},
            format="json",
        ),
        201,
    )
    sites = [
        _ok(
            trader.post(
                f"{V1}/companies/{company['id']}/sites/",
                {"name": name, "street_address": "1 Dock Road", "city": "Windsor"},
                format="json",
            ),
            201,
        )
        for name in ("Head office", "Cross-dock")
    ]
    application = _ok(
        trader.post(
            f"{V1}/applications/",
            {"company": company["id"], "programme": "PIP", "sites": [s["id"] for s in sites]},
            format="json",
        ),
        201,
    )
    assert application["state"] == "draft"
    app = f"{V1}/applications/{application['id']}"

    # The whole security profile, requirements listed by the API, with evidence.
    _answer_whole_profile(trader, app)
    profile = _ok(trader.get(f"{app}/security-profile/"))
    assert profile["missing"] == []
    assert profile["completeness"]["percent"] == 100
    requirement_ids = [r["id"] for r in profile["requirements"]]
    assert _ok(trader.post(f"{app}/submit/", format="json"))["state"] == "submitted"

    # Eligibility review with an information request.
    assert _ok(officer.post(f"{app}/start-review/", format="json"))["state"] == "under_review"
    asked = _ok(
        officer.post(
            f"{app}/request-info/",
            {"message": "Send your fleet list.", "deadline": str(today + dt.timedelta(days=30))},
            format="json",
        )
    )
    assert asked["state"] == "info_requested"
    answered = _ok(
        trader.post(f"{app}/answer-info/", {"response": "Attached: 12 trucks."}, format="json")
    )
    assert answered["state"] == "under_review"
    assert answered["information_requests"][0]["response"] == "Attached: 12 trucks."
    assert _ok(officer.post(f"{app}/mark-eligible/", {}, format="json"))["state"] == "eligible"

    # The initial site validation: scheduled, run, a finding per requirement, completed.
    validation = _ok(
        officer.post(
            f"{V1}/site-validations/",
            {
                "company": company["id"],
                "kind": "initial",
                "application": application["id"],
                "scheduled_for": str(today + dt.timedelta(days=7)),
            },
            format="json",
        ),
        201,
    )
    assert sorted(validation["sites"]) == sorted(s["id"] for s in sites)
    assert _ok(officer.get(f"{app}/"))["state"] == "validation_scheduled"
    _run_visit(officer, validation["id"], requirement_ids)
    assert _ok(officer.get(f"{app}/"))["state"] == "validated"

    # The manager certifies: a membership for four years.
    assert _ok(manager.post(f"{app}/certify/", {"note": "Meets."}, format="json"))["state"] == (
        "certified"
    )
    memberships = _ok(trader.get(f"{V1}/memberships/", {"programme": "PIP"}))
    assert memberships["count"] == 1
    membership = memberships["results"][0]
    assert membership["state"] == "active"
    assert membership["certified_on"] == str(today)
    first_expiry = add_years(today, 4)
    assert membership["expires_on"] == str(first_expiry)
    assert membership["member_number"].startswith("PIP")

    # Revalidation: opened by an officer, the pre-filled profile submitted by the trader.
    cycle = _ok(
        officer.post(f"{V1}/memberships/{membership['id']}/open-revalidation/", format="json"),
        201,
    )
    assert cycle["state"] == "open"
    cycle_url = f"{V1}/revalidations/{cycle['id']}"
    prefilled = _ok(trader.get(f"{cycle_url}/security-profile/"))
    assert prefilled["missing"] == []
    assert prefilled["id"] != profile["id"]
    submitted = _ok(trader.post(f"{cycle_url}/submit-profile/", format="json"))
    assert submitted["state"] == "profile_submitted"
    scheduled = _ok(
        officer.post(
            f"{cycle_url}/schedule-validation/",
            {"scheduled_for": str(today + dt.timedelta(days=10))},
            format="json",
        )
    )
    assert scheduled["state"] == "validation_scheduled"
    revisit = _ok(officer.get(f"{V1}/site-validations/{scheduled['site_validation']}/"))
    assert revisit["kind"] == "revalidation"
    _run_visit(officer, revisit["id"], [r["id"] for r in prefilled["requirements"]])
    completed = _ok(officer.post(f"{cycle_url}/complete/", {}, format="json"))
    assert completed["state"] == "completed"

    renewed = _ok(trader.get(f"{V1}/memberships/{membership['id']}/"))
    assert renewed["certified_on"] == str(today)
    assert renewed["expires_on"] == str(add_years(first_expiry, 4))

    # Every step is in the audit trail, readable by the trader.
    trail = _ok(trader.get(f"{app}/audit-events/"))
    actions = [event["action"] for event in trail["results"]]
    for expected in ("create", "submit", "start_review", "request_info", "answer_info"):
        assert expected in actions
    assert {"mark_eligible", "schedule_validation", "record_validation", "certify"} <= set(actions)
    membership_trail = _ok(officer.get(f"{V1}/memberships/{membership['id']}/audit-events/"))
    assert [e["action"] for e in membership_trail["results"]].count("renew") == 1

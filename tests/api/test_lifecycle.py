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


def _run_visit(
    officer: APIClient,
    validation_id: int,
    requirement_ids: list[int],
    *,
    shortfall: int | None = None,
) -> dict:
    """Start the visit, record a finding per requirement (``shortfall`` partially meets,
    with a photo), complete it."""
    base = f"{V1}/site-validations/{validation_id}"
    assert _ok(officer.post(f"{base}/start/", format="json"))["state"] == "in_progress"
    for requirement_id in requirement_ids:
        result = "partially_meets" if requirement_id == shortfall else "meets"
        finding = _ok(
            officer.post(
                f"{base}/findings/",
                {
                    "requirement": requirement_id,
                    "result": result,
                    "note": "The yard gate has no lock." if requirement_id == shortfall else "",
                },
                format="json",
            ),
            201,
        )
        if requirement_id == shortfall:
            photo = SimpleUploadedFile("gate.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, "image/png")
            evidence = f"{base}/findings/{finding['id']}/evidence/"
            _ok(officer.post(evidence, {"file": photo}, format="multipart"), 201)
            (listed,) = _ok(officer.get(evidence))["results"]
            download = officer.get(f"{evidence}{listed['id']}/")
            assert download.status_code == 200 and download["Content-Type"] == "image/png"
    body: dict = {"outcome": "meets", "recommendations": "Log visitor badges."}
    if shortfall:
        # A must requirement only partially met: "meets" is refused, a plan is needed.
        refused = officer.post(f"{base}/complete/", body, format="json")
        assert refused.status_code == 409
        assert refused.json()["code"] == "outcome_contradicts_findings"
        body["outcome"] = "meets_with_action_plan"
        body["action_plan_items"] = [
            {
                "measure": "Fit a lock to the yard gate.",
                "deadline": str(agency_today() + dt.timedelta(days=30)),
                "requirement": shortfall,
            }
        ]
    done = _ok(officer.post(f"{base}/complete/", body, format="json"))
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
    submitted = _ok(trader.post(f"{app}/submit/", {"declaration": True}, format="json"))
    assert submitted["state"] == "submitted"

    # The case waits, unassigned, in the officers' work queue; starting the review takes it.
    waiting = _ok(officer.get(f"{V1}/work-queue/", {"who": "unassigned"}))["results"]
    assert [(r["kind"], r["id"], r["stage"]) for r in waiting] == [
        ("application", application["id"], "submitted")
    ]
    assert _ok(officer.post(f"{app}/start-review/", format="json"))["state"] == "under_review"
    (mine,) = _ok(officer.get(f"{V1}/work-queue/", {"who": "mine"}))["results"]
    assert (mine["id"], mine["stage"], mine["is_mine"]) == (
        application["id"],
        "under_review",
        True,
    )
    asked = _ok(
        officer.post(
            f"{app}/request-info/",
            {"message": "Send your fleet list.", "deadline": str(today + dt.timedelta(days=30))},
            format="json",
        )
    )
    assert asked["state"] == "info_requested"
    answered = _ok(
        trader.post(
            f"{app}/answer-info/",
            {"response": "Attached: 12 trucks.", "files": [_pdf("fleet.pdf")]},
            format="multipart",
        )
    )
    (info,) = answered["information_requests"]
    (fleet,) = info["files"]
    assert fleet["original_name"] == "fleet.pdf"
    download = officer.get(f"{app}/information-requests/{info['id']}/files/{fleet['id']}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert answered["information_requests"][0]["response"] == "Attached: 12 trucks."
    assert (
        _ok(officer.get(f"{V1}/work-queue/", {"who": "mine"}))["results"][0]["next_deadline"]
        is None
    )  # the request is answered: no deadline left
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
    shortfall = requirement_ids[0]
    done = _run_visit(officer, validation["id"], requirement_ids, shortfall=shortfall)
    assert done["outcome"] == "meets_with_action_plan"
    assert _ok(officer.get(f"{app}/"))["state"] == "validated"
    report = officer.get(f"{V1}/site-validations/{validation['id']}/report/")
    assert report.status_code == 200 and report.content.startswith(b"%PDF")

    # The shortfall's action plan, issued with the report: answered, returned once,
    # answered again, accepted.
    (plan,) = _ok(officer.get(f"{V1}/action-plans/", {"company": company["id"]}))["results"]
    assert plan["source_validation"] == validation["id"]
    assert [item["requirement"] for item in plan["items"]] == [shortfall]
    plan_url = f"{V1}/action-plans/{plan['id']}"
    assert plan["state"] == "issued"
    responded = _ok(
        trader.post(f"{plan_url}/respond/", {"response": "Lock ordered."}, format="json")
    )
    assert responded["state"] == "responded"
    returned = _ok(
        officer.post(
            f"{plan_url}/return/", {"note": "Send the invoice of the fitted lock."}, format="json"
        )
    )
    assert returned["state"] == "returned"
    assert returned["items"][0]["review"] == "returned"
    _ok(
        trader.post(
            f"{plan_url}/respond/", {"response": "Lock fitted; invoice sent."}, format="json"
        )
    )
    accepted = _ok(officer.post(f"{plan_url}/accept/", {"note": "Seen."}, format="json"))
    assert accepted["state"] == "accepted"
    assert accepted["items"][0]["review"] == "accepted"

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

    # The certificate, and the decision on the manager's dashboard.
    certificate = trader.get(f"{V1}/memberships/{membership['id']}/certificate/")
    assert certificate.status_code == 200
    assert certificate["Content-Type"] == "application/pdf"
    assert certificate.content.startswith(b"%PDF")
    dashboard = _ok(manager.get(f"{V1}/dashboard/"))
    certified = next(s for s in dashboard["decisions"]["series"] if s["action"] == "certify")
    assert certified["values"][-1]["count"] == 1
    (decision,) = _ok(manager.get(certified["values"][-1]["list"]))["results"]
    assert (decision["object_type"], decision["object_id"]) == ("application", application["id"])

    # A change notice, followed up with a spot check of the sites.
    notice = _ok(
        trader.post(
            f"{V1}/change-notices/",
            {
                "company": company["id"],
                "membership": membership["id"],
                "kind": "locations",
                "description": "A new cross-dock in Sarnia.",
                "effective_on": str(today),
            },
            format="json",
        ),
        201,
    )
    assert notice["state"] == "submitted"
    spot_check = _ok(
        officer.post(
            f"{V1}/change-notices/{notice['id']}/open-spot-check/",
            {"scheduled_for": str(today + dt.timedelta(days=5))},
            format="json",
        ),
        201,
    )
    assert spot_check["kind"] == "spot_check" and spot_check["change_notice"] == notice["id"]
    followed = _ok(trader.get(f"{V1}/change-notices/{notice['id']}/"))
    # Followed up, but not said how until the officers arrive (an unannounced visit).
    assert followed["state"] == "follow_up" and followed["follow_up"] == ""
    _run_visit(officer, spot_check["id"], requirement_ids)
    assert _ok(trader.get(f"{V1}/change-notices/{notice['id']}/"))["follow_up"] == "spot_check"

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
    # Renewed today on today's visit: four years from today, the old term not stacked on.
    assert renewed["last_renewed_on"] == str(today)
    assert renewed["expires_on"] == str(add_years(today, 4))

    # Every step is in the audit trail, readable by the trader.
    trail = _ok(trader.get(f"{app}/audit-events/"))
    actions = [event["action"] for event in trail["results"]]
    for expected in ("create", "submit", "start_review", "request_info", "answer_info"):
        assert expected in actions
    assert {"mark_eligible", "schedule_validation", "record_validation", "certify"} <= set(actions)
    membership_trail = _ok(officer.get(f"{V1}/memberships/{membership['id']}/audit-events/"))
    assert [e["action"] for e in membership_trail["results"]].count("renew") == 1

"""The API refuses a certification the evidence speaks against with the code the pages use,
and records the manager's reason to certify all the same (issue 14)."""

from __future__ import annotations

from core.audit import audit_history
from tests.backoffice.test_decision_evidence import _validated
from validations.models import SiteValidation

V1 = "/api/v1"


def test_the_api_refuses_with_the_same_code_and_records_the_override(api, manager):
    app, _validation, _ = _validated(outcome=SiteValidation.Outcome.DOES_NOT_MEET)
    client = api(manager)
    refused = client.post(f"{V1}/applications/{app.pk}/certify/", {"note": "Meets."}, "json")
    assert refused.status_code == 409
    body = refused.json()
    assert body["code"] == "certification_contradicts_evidence"
    assert body["details"]["contradictions"] == ["site_validation_does_not_meet"]
    done = client.post(
        f"{V1}/applications/{app.pk}/certify/",
        {"note": "Meets.", "override_reason": "Closed since."},
        "json",
    )
    assert done.status_code == 200, done.content
    assert done.json()["state"] == "certified"
    assert "Closed since." in audit_history(obj=app).last().note

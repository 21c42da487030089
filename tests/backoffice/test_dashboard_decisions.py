"""Decisions from the manager's pages: a reason (where the service needs one), a
confirmation step, the error beside the field, and the decision in the audit trail."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.audit import audit_history
from tests.factories import make_application, make_membership
from tests.validations.factories import make_site_validation
from traders.models import Application, Membership
from validations.models import SiteValidation

A = Application.State
M = Membership.State


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


def decide(client, url: str, reason: str) -> object:
    """The two steps: the reason, then the confirmation."""
    first = client.post(url, {"reason": reason})
    assert first.status_code == 200
    assert b'name="confirm" value="yes"' in first.content  # the confirmation step
    return client.post(url, {"reason": reason, "confirm": "yes"})


CASES = [
    ("application", A.VALIDATED, "certify", A.CERTIFIED),
    ("application", A.VALIDATED, "deny", A.DENIED),
    ("membership", M.ACTIVE, "suspend", M.SUSPENDED),
    ("membership", M.SUSPENDED, "reinstate", M.ACTIVE),
    ("membership", M.ACTIVE, "cancel", M.CANCELLED),
    ("membership", M.APPEALED, "allow-appeal", M.ACTIVE),
    ("membership", M.APPEALED, "uphold", M.UPHELD),
]


def make(kind: str, state: str, manager) -> Application | Membership:
    if kind == "application" and state == A.VALIDATED:
        return validated_application()
    if kind == "application":
        return make_application(state=state, manager=manager)
    return make_membership(state=state, manager=manager)


def validated_application(outcome: str = SiteValidation.Outcome.MEETS) -> Application:
    """An application validated by a completed initial site validation (what certifying
    stands on)."""
    validation = make_site_validation(state=SiteValidation.State.COMPLETED, outcome=outcome)
    return Application.objects.get(pk=validation.application_id)


@pytest.mark.parametrize(("kind", "state", "action", "target"), CASES)
def test_manager_decides_with_a_reason_and_it_is_audited(
    manager_client, manager, kind, state, action, target
):
    record = make(kind, state, manager)
    detail = reverse(f"backoffice:dashboard_{kind}", args=[record.pk])
    url = reverse(f"backoffice:dashboard_{kind}_decide", args=[record.pk, action])
    assert url.encode() in manager_client.get(detail).content  # offered on the record's page

    # Nothing happens before the confirmation.
    manager_client.post(url, {"reason": "Checked on site."})
    record.refresh_from_db()
    assert record.state == state

    response = decide(manager_client, url, "Checked on site.")
    assert response.status_code == 302
    assert response["Location"] == detail
    record.refresh_from_db()
    assert record.state == target
    event = audit_history(obj=record).last()
    assert event.actor == manager
    assert event.to_state == target
    assert event.note == "Checked on site."
    page = manager_client.get(detail).content.decode()
    assert "Checked on site." in page  # the audit trail on the record's page
    assert "Decision recorded" in page


@pytest.mark.parametrize(
    ("kind", "state", "action"),
    [(k, s, a) for k, s, a, _t in CASES if a != "certify"],
)
def test_the_reason_is_required_beside_the_field(manager_client, manager, kind, state, action):
    record = make(kind, state, manager)
    url = reverse(f"backoffice:dashboard_{kind}_decide", args=[record.pk, action])
    for data in ({"reason": "   "}, {"reason": "", "confirm": "yes"}):
        response = manager_client.post(url, data)
        body = response.content.decode()
        assert 'id="id_reason_error"' in body  # beside the field
        assert "gc-error-summary" in body  # and in the summary
        assert 'name="confirm" value="yes"' not in body
    record.refresh_from_db()
    assert record.state == state


def test_certify_needs_no_reason(manager_client, manager):
    app = validated_application()
    url = reverse("backoffice:dashboard_application_decide", args=[app.pk, "certify"])
    assert decide(manager_client, url, "").status_code == 302
    app.refresh_from_db()
    assert app.state == A.CERTIFIED
    assert Membership.objects.filter(application=app, state=M.ACTIVE).count() == 1


def test_change_the_reason_goes_back_to_the_field(manager_client, manager):
    membership = make_membership(manager=manager)
    url = reverse("backoffice:dashboard_membership_decide", args=[membership.pk, "suspend"])
    response = manager_client.post(url, {"reason": "First draft", "confirm": "edit"})
    body = response.content.decode()
    assert "<textarea" in body and "First draft" in body
    assert 'name="confirm" value="yes"' not in body


def test_wrong_state_is_refused_with_a_message(manager_client, manager):
    membership = make_membership(state=M.SUSPENDED, manager=manager)
    # Not offered on the page...
    page = manager_client.get(reverse("backoffice:dashboard_membership", args=[membership.pk]))
    assert b"/suspend/" not in page.content
    # ...and refused if posted anyway.
    url = reverse("backoffice:dashboard_membership_decide", args=[membership.pk, "suspend"])
    response = decide(manager_client, url, "Again.")
    assert response.status_code == 200
    assert "Cannot suspend this membership" in response.content.decode()
    membership.refresh_from_db()
    assert membership.state == M.SUSPENDED


def test_unknown_decision_is_404(manager_client, manager):
    membership = make_membership(manager=manager)
    url = reverse("backoffice:dashboard_membership_decide", args=[membership.pk, "certify"])
    assert manager_client.get(url).status_code == 404


def test_manager_downloads_the_certificate_of_an_active_membership(manager_client, manager):
    membership = make_membership(manager=manager)
    url = reverse("backoffice:dashboard_membership_certificate", args=[membership.pk])
    response = manager_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    suspended = make_membership(state=M.SUSPENDED, manager=manager)
    url = reverse("backoffice:dashboard_membership_certificate", args=[suspended.pk])
    response = manager_client.get(url)
    assert response.status_code == 302

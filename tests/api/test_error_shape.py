"""The API's one error shape, seen through the handler every API view uses."""

from django.core.exceptions import ValidationError
from rest_framework import exceptions

from core.api import exception_handler
from core.errors import DomainError, NotPermitted, TransitionNotAllowed
from traders.models import Application


def _handle(exc):
    response = exception_handler(exc, {})
    return response.status_code, response.data


def test_wrong_state_is_409_naming_the_state():
    app = Application(reference="APP-1")
    status, body = _handle(TransitionNotAllowed(obj=app, action="certify", state="Draft"))
    assert status == 409
    assert body["code"] == "transition_not_allowed"
    assert "Draft" in body["message"]
    assert body["details"] == {"state": "Draft", "action": "certify"}


def test_role_refusal_is_403():
    status, body = _handle(NotPermitted(action="certify", role="Officer"))
    assert status == 403
    assert body["code"] == "not_permitted"


def test_other_domain_refusal_is_409():
    status, body = _handle(DomainError("Profile frozen", code="profile_submitted"))
    assert (status, body["code"], body["message"]) == (409, "profile_submitted", "Profile frozen")


def test_field_errors_are_400_with_details():
    status, body = _handle(ValidationError({"reasons": ["Give the reasons."]}))
    assert status == 400
    assert body["details"] == {"reasons": ["Give the reasons."]}


def test_drf_errors_keep_their_status_in_the_same_shape():
    status, body = _handle(exceptions.Throttled(wait=3))
    assert status == 429
    assert set(body) == {"code", "message", "details"}
    status, body = _handle(exceptions.NotFound())
    assert (status, body["code"]) == (404, "not_found")

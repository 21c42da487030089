"""Role × endpoint: the expected status of every cell, written out by hand.

Columns: anonymous, trader of company A (the object's company), trader of company B,
officer, manager, partner administration. Refusals change nothing, so they all run on one
object; each role expected to succeed gets a fresh object in the same state.

A body naming another company's object (trader B creating for company A) is 400: the
reference does not exist for that caller, exactly as an unknown id.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core.dates import agency_today
from core.services import email_verification_token
from notifications.models import Notification, Reminder, ReminderKind
from tests.factories import (
    SiteFactory,
    UserFactory,
    complete_profile,
    make_application,
    make_membership,
    pdf_upload,
    trader_of,
)
from tests.revalidation.factories import make_cycle
from tests.validations.factories import (
    make_action_plan,
    make_incident,
    make_site_validation,
    png_upload,
    record_findings,
)
from traders import services as trader_services
from traders.models import Application, ChangeNotice, EvidenceFile, Membership, Requirement
from validations import services as validation_services
from validations.models import ActionPlan, Incident, SiteValidation

ROLES = ("anonymous", "trader_a", "trader_b", "officer", "manager", "partner")
V1 = "/api/v1"


_numbers = itertools.count(1)


def _later(days: int) -> str:
    return str(agency_today() + dt.timedelta(days=days))


# Builders: each returns the object the row acts on (``obj``) and what its URL and body need.


def _none(c: dict) -> dict:
    return {}


def _company(c: dict) -> dict:
    return {"obj": c["company"]}


def _app(state: str, *, complete: bool = False) -> Callable[[dict], dict]:
    def build(c: dict) -> dict:
        app = make_application(
            state=state, company=c["company"], officer=c["officer"], manager=c["manager"]
        )
        if complete:
            complete_profile(app, trader_of(c["company"]))
        first = Requirement.objects.filter(area__catalogue=app.profile.catalogue).first()
        return {"obj": app, "requirement": first.pk, "site": app.sites.first().pk}

    return build


def _membership(state: str = Membership.State.ACTIVE, consent: bool = False):
    def build(c: dict) -> dict:
        if consent:
            c["company"].mra_sharing_consent = True
            c["company"].save(update_fields=["mra_sharing_consent"])
        membership = make_membership(company=c["company"], state=state, manager=c["manager"])
        return {"obj": membership, "number": membership.member_number}

    return build


def _validation(state: str, *, findings: bool = False):
    def build(c: dict) -> dict:
        validation = make_site_validation(state=state, company=c["company"], officer=c["officer"])
        if findings:
            record_findings(validation, c["officer"])
        first = Requirement.objects.filter(area__catalogue=validation.catalogue).first()
        return {"obj": validation, "requirement": first.pk}

    return build


def _plan(state: str, *, past_due: bool = False):
    def build(c: dict) -> dict:
        return {
            "obj": make_action_plan(
                state=state, company=c["company"], officer=c["officer"], past_due=past_due
            )
        }

    return build


def _incident(state: str):
    def build(c: dict) -> dict:
        return {"obj": make_incident(state=state, company=c["company"], officer=c["officer"])}

    return build


def _cycle(state: str, **kwargs: Any):
    def build(c: dict) -> dict:
        membership = make_membership(company=c["company"], manager=c["manager"])
        return {
            "obj": make_cycle(state=state, membership=membership, officer=c["officer"], **kwargs)
        }

    return build


def _notice(c: dict) -> dict:
    notice = trader_services.change_notice_submit(
        company=c["company"],
        actor=trader_of(c["company"]),
        kind=ChangeNotice.Kind.CONTACTS,
        description="New security manager.",
        effective_on=agency_today(),
    )
    return {"obj": notice}


def _eligible_app(c: dict) -> dict:
    return _app(Application.State.ELIGIBLE)(c)


def _site(c: dict) -> dict:
    return {"obj": c["company"], "site": SiteFactory(company=c["company"]).pk}


def _app_evidence(c: dict) -> dict:
    built = _app(AS.DRAFT, complete=True)(c)
    built["evidence"] = EvidenceFile.objects.filter(answer__profile=built["obj"].profile)[0].pk
    return built


def _finding(c: dict) -> dict:
    built = _validation(VS.IN_PROGRESS, findings=True)(c)
    built["finding"] = built["obj"].findings.first().pk
    return built


def _member_notice(c: dict) -> dict:
    membership = make_membership(company=c["company"], manager=c["manager"])
    notice = trader_services.change_notice_submit(
        company=c["company"],
        actor=trader_of(c["company"]),
        kind=ChangeNotice.Kind.LOCATIONS,
        description="New yard.",
        effective_on=agency_today(),
        membership=membership,
    )
    return {"obj": notice}


def _finding_file(c: dict) -> dict:
    built = _finding(c)
    finding = built["obj"].findings.get(pk=built["finding"])
    built["evidence"] = validation_services.finding_evidence_attach(
        finding=finding, upload=png_upload(), actor=c["officer"]
    ).pk
    return built


def _plan_item(state: str, *, answered_with_file: bool = False):
    def build(c: dict) -> dict:
        plan = make_action_plan(state=state, company=c["company"], officer=c["officer"])
        item = plan.items.order_by("deadline", "pk").first()
        built = {"obj": plan, "item": item.pk}
        if answered_with_file:
            validation_services.action_plan_item_respond(
                item=item, actor=trader_of(c["company"]), response="Done.", files=[pdf_upload()]
            )
            built["evidence"] = item.evidence.get().pk
        return built

    return build


def _answer_file(c: dict) -> dict:
    built = _app(AS.INFO_REQUESTED)(c)
    app = trader_services.application_answer_info(
        application=built["obj"],
        actor=trader_of(c["company"]),
        response="Fleet list attached.",
        uploads=[pdf_upload("fleet.pdf")],
    )
    info = app.information_requests.get()
    return {**built, "request": info.pk, "file": info.files.get().pk}


def _notification(c: dict) -> dict:
    """A notification of trader A: nobody else's."""
    return {"obj": Notification.objects.create(user=trader_of(c["company"]), subject="Due soon")}


def _failed_reminder(c: dict) -> dict:
    """A reminder about company A that could not be delivered."""
    return {
        "obj": Reminder.objects.create(
            content_type=ContentType.objects.get_for_model(c["company"]),
            object_id=c["company"].pk,
            kind=ReminderKind.PROFILE_CONFIRMATION_DUE,
            milestone=f"matrix/{next(_numbers)}",
            due_on=dt.date(2027, 3, 1),
            status=Reminder.Status.FAILED,
            last_error="SMTPServerDisconnected: gone",
        )
    }


def _unverified(c: dict) -> dict:
    """A registered account waiting for its e-mail link: the link's two parts."""
    user = UserFactory(email=f"waiting{next(_numbers)}@example.com", is_active=False)
    return {
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": email_verification_token.make_token(user),
    }


def _registrant(x: dict) -> dict:
    return {
        "email": f"registrant{next(_numbers)}@example.com",
        "full_name": "New Trader",
        "password": "Harbour-gate-2026",
    }


def _invitee(x: dict) -> dict:
    return {"email": f"invitee{next(_numbers)}@example.com", "full_name": "Invitee"}


def _photo(x: dict) -> dict:
    return {"file": SimpleUploadedFile("gate.pdf", b"%PDF-1.4\n% gate\n%%EOF\n", "application/pdf")}


# (row id, builder, method, path, body(ctx) or None,
#  expected: anonymous, trader_a, trader_b, officer, manager, partner)
AS = Application.State
VS = SiteValidation.State
PS = ActionPlan.State
MS = Membership.State
ROWS: list[tuple[str, Callable, str, str, Callable | None, tuple[int, ...]]] = [
    # Companies and sites
    ("companies.list", _none, "get", "/companies/", None, (401, 200, 200, 200, 200, 403)),
    (
        "companies.retrieve",
        _company,
        "get",
        "/companies/{id}/",
        None,
        (401, 200, 404, 200, 200, 403),
    ),
    (
        "companies.create",
        _none,
        "post",
        "/companies/",
        lambda x: {"legal_name": "New Co", "business_number": f"55566{next(_numbers):04d}"},
        (401, 201, 201, 201, 201, 403),
    ),
    (
        "companies.sites",
        _company,
        "get",
        "/companies/{id}/sites/",
        None,
        (401, 200, 404, 200, 200, 403),
    ),
    (
        "companies.sites.create",
        _company,
        "post",
        "/companies/{id}/sites/",
        lambda x: {"name": "Yard", "street_address": "2 Rail St", "city": "Sarnia"},
        (401, 201, 404, 201, 201, 403),
    ),
    (
        "companies.update",
        _company,
        "patch",
        "/companies/{id}/",
        lambda x: {"phone": "613-555-0100", "business_types": []},
        (401, 200, 404, 200, 200, 403),
    ),
    (
        "companies.site",
        _site,
        "get",
        "/companies/{id}/sites/{site}/",
        None,
        (401, 200, 404, 200, 200, 403),
    ),
    (
        "companies.site.update",
        _site,
        "patch",
        "/companies/{id}/sites/{site}/",
        lambda x: {"name": "North yard", "is_active": False},
        (401, 200, 404, 200, 200, 403),
    ),
    (
        "companies.users",
        _company,
        "get",
        "/companies/{id}/users/",
        None,
        (401, 200, 404, 200, 200, 403),
    ),
    (
        "companies.users.add",
        _company,
        "post",
        "/companies/{id}/users/",
        lambda x: {"email": UserFactory().email, "company_role": "contributor"},
        (401, 201, 404, 201, 201, 403),
    ),
    (
        "companies.audit",
        _company,
        "get",
        "/companies/{id}/audit-events/",
        None,
        (401, 200, 404, 200, 200, 403),
    ),
    # Applications
    ("applications.list", _none, "get", "/applications/", None, (401, 200, 200, 200, 200, 403)),
    (
        "applications.retrieve",
        _app(AS.DRAFT),
        "get",
        "/applications/{id}/",
        None,
        (401, 200, 404, 200, 200, 403),
    ),
    (
        "applications.create",
        _app(AS.DRAFT),
        "post",
        "/applications/",
        lambda x: {"company": x["obj"].company_id, "programme": "PIP", "sites": [x["site"]]},
        (401, 201, 400, 403, 403, 403),
    ),
    (
        "applications.profile",
        _app(AS.DRAFT),
        "get",
        "/applications/{id}/security-profile/",
        None,
        (401, 200, 404, 200, 200, 403),
    ),
    (
        "applications.profile.save",
        _app(AS.DRAFT),
        "put",
        "/applications/{id}/security-profile/",
        lambda x: {
            "answers": [
                {
                    "requirement": x["requirement"],
                    "implementation": "implemented",
                    "description": "Yes.",
                }
            ]
        },
        (401, 200, 404, 403, 403, 403),
    ),
    (
        "applications.evidence.download",
        _app_evidence,
        "get",
        "/applications/{id}/security-profile/evidence/{evidence}/",
        None,
        (401, 200, 404, 200, 200, 403),
    ),
    # An officer takes the case (the body names the officer); the manager assigns it.
    (
        "applications.assign-officer",
        _app(AS.SUBMITTED),
        "post",
        "/applications/{id}/assign-officer/",
        lambda x: {"officer": x["officer_id"]},
        (401, 403, 404, 200, 200, 403),
    ),
    (
        "applications.audit",
        _app(AS.DRAFT),
        "get",
        "/applications/{id}/audit-events/",
        None,
        (401, 200, 404, 200, 200, 403),
    ),
    (
        "applications.submit",
        _app(AS.DRAFT, complete=True),
        "post",
        "/applications/{id}/submit/",
        lambda x: {"declaration": True},
        (401, 200, 404, 403, 403, 403),
    ),
    (
        "applications.start-review",
        _app(AS.SUBMITTED),
        "post",
        "/applications/{id}/start-review/",
        None,
        (401, 403, 404, 200, 200, 403),
    ),
    (
        "applications.request-info",
        _app(AS.UNDER_REVIEW),
        "post",
        "/applications/{id}/request-info/",
        lambda x: {"message": "Send the fleet list.", "deadline": _later(20)},
        (401, 403, 404, 200, 200, 403),
    ),
    (
        "applications.answer-info",
        _app(AS.INFO_REQUESTED),
        "post",
        "/applications/{id}/answer-info/",
        lambda x: {"response": "Attached."},
        (401, 200, 404, 403, 403, 403),
    ),
    (
        "applications.mark-eligible",
        _app(AS.UNDER_REVIEW),
        "post",
        "/applications/{id}/mark-eligible/",
        None,
        (401, 403, 404, 200, 200, 403),
    ),
    (
        "applications.mark-ineligible",
        _app(AS.UNDER_REVIEW),
        "post",
        "/applications/{id}/mark-ineligible/",
        lambda x: {"reasons": "Not an eligible business type."},
        (401, 403, 404, 200, 200, 403),
    ),
    (
        "applications.certify",
        _app(AS.VALIDATED),
        "post",
        "/applications/{id}/certify/",
        # A factory's validated application has no site validation behind it: the
        # manager's reason to certify all the same (tests/api/test_certify_evidence.py).
        lambda x: {"override_reason": "The visit report is on paper."},
        (401, 403, 404, 403, 200, 403),
    ),
    (
        "applications.deny",
        _app(AS.VALIDATED),
        "post",
        "/applications/{id}/deny/",
        lambda x: {"reasons": "Seals are not controlled."},
        (401, 403, 404, 403, 200, 403),
    ),
    (
        "applications.withdraw",
        _app(AS.DRAFT),
        "post",
        "/applications/{id}/withdraw/",
        None,
        (401, 200, 404, 403, 403, 403),
    ),
    # Site validations
    (
        "site-validations.list",
        _none,
        "get",
        "/site-validations/",
        None,
        (401, 200, 200, 200, 200, 403),
    ),
    (
        "site-validations.retrieve",
        _validation(VS.SCHEDULED),
        "get",
        "/site-validations/{id}/",
        None,
        (401, 200, 404, 200, 200, 403),
    ),
    (
        "site-validations.schedule",
        _eligible_app,
        "post",
        "/site-validations/",
        lambda x: {
            "company": x["obj"].company_id,
            "kind": "initial",
            "application": x["obj"].pk,
            "scheduled_for": _later(7),
        },
        (401, 403, 400, 201, 201, 403),
    ),
    (
        "site-validations.start",
        _validation(VS.SCHEDULED),
        "post",
        "/site-validations/{id}/start/",
        None,
        (401, 403, 404, 200, 200, 403),
    ),
    (
        "site-validations.findings",
        _validation(VS.IN_PROGRESS),
        "post",
        "/site-validations/{id}/findings/",
        lambda x: {"requirement": x["requirement"], "result": "meets"},
        (401, 403, 404, 201, 201, 403),
    ),
    (
        "site-validations.finding-evidence",
        _finding,
        "post",
        "/site-validations/{id}/findings/{finding}/evidence/",
        _photo,
        (401, 403, 404, 201, 201, 403),
    ),
    (
        "site-validations.complete",
        _validation(VS.IN_PROGRESS, findings=True),
        "post",
        "/site-validations/{id}/complete/",
        lambda x: {"outcome": "meets"},
        (401, 403, 404, 200, 200, 403),
    ),
    (
        "site-validations.cancel",
        _validation(VS.SCHEDULED),
        "post",
        "/site-validations/{id}/cancel/",
        lambda x: {"reason": "Site closed."},
        (401, 403, 404, 200, 200, 403),
    ),
    (
        "site-validations.audit",
        _validation(VS.SCHEDULED),
        "get",
        "/site-validations/{id}/audit-events/",
        None,
        (401, 200, 404, 200, 200, 403),
    ),
    # Memberships
    ("memberships.list", _none, "get", "/memberships/", None, (401, 200, 200, 200, 200, 403)),
    (
        "memberships.retrieve",
        _membership(),
        "get",
        "/memberships/{id}/",
        None,
        (401, 200, 404, 200, 200, 403),
    ),
    (
        "memberships.audit",
        _membership(),
        "get",
        "/memberships/{id}/audit-events/",
        None,
        (401, 200, 404, 200, 200, 403),
    ),
    (
        "memberships.suspend",
        _membership(),
        "post",
        "/memberships/{id}/suspend/",
        lambda x: {"reason": "Audit."},
        (401, 403, 404, 403, 200, 403),
    ),
    (
        "memberships.reinstate",
        _membership(MS.SUSPENDED),
        "post",
        "/memberships/{id}/reinstate/",
        lambda x: {"reason": "Fixed."},
        (401, 403, 404, 403, 200, 403),
    ),
    (
        "memberships.cancel",
        _membership(),
        "post",
        "/memberships/{id}/cancel/",
        lambda x: {"reason": "Breach."},
        (401, 403, 404, 403, 200, 403),
    ),
    (
        "memberships.appeal",
        _membership(MS.CANCELLED),
        "post",
        "/memberships/{id}/appeal/",
        lambda x: {"grounds": "Unfair."},
        (401, 200, 404, 403, 403, 403),
    ),
    (
        "memberships.allow-appeal",
        _membership(MS.APPEALED),
        "post",
        "/memberships/{id}/allow-appeal/",
        lambda x: {"reason": "Agreed."},
        (401, 403, 404, 403, 200, 403),
    ),
    (
        "memberships.uphold-cancellation",
        _membership(MS.APPEALED),
        "post",
        "/memberships/{id}/uphold-cancellation/",
        lambda x: {"reason": "Confirmed."},
        (401, 403, 404, 403, 200, 403),
    ),
    (
        "memberships.assign-officer",
        _membership(),
        "post",
        "/memberships/{id}/assign-officer/",
        lambda x: {"officer": x["officer_id"]},
        (401, 403, 404, 403, 200, 403),
    ),
    # The member's own trader may open its regular revalidation (not an early one), from
    # the first reminder on: this membership expires in four years, so not yet (409).
    (
        "memberships.open-revalidation",
        _membership(),
        "post",
        "/memberships/{id}/open-revalidation/",
        None,
        (401, 409, 404, 201, 201, 403),
    ),
    (
        "memberships.confirm-profile",
        _membership(),
        "post",
        "/memberships/{id}/confirm-profile/",
        None,
        (401, 200, 404, 403, 403, 403),
    ),
    # Action plans
    ("action-plans.list", _none, "get", "/action-plans/", None, (401, 200, 200, 200, 200, 403)),
    (
        "action-plans.retrieve",
        _plan(PS.ISSUED),
        "get",
        "/action-plans/{id}/",
        None,
        (401, 200, 404, 200, 200, 403),
    ),
    (
        "action-plans.issue",
        _company,
        "post",
        "/action-plans/",
        lambda x: {
            "company": x["obj"].pk,
            "items": [{"measure": "Fix the gate.", "deadline": _later(30)}],
        },
        (401, 403, 400, 201, 201, 403),
    ),
    (
        "action-plans.respond",
        _plan(PS.ISSUED),
        "post",
        "/action-plans/{id}/respond/",
        lambda x: {"response": "Done."},
        (401, 200, 404, 403, 403, 403),
    ),
    (
        "action-plans.accept",
        _plan(PS.RESPONDED),
        "post",
        "/action-plans/{id}/accept/",
        None,
        (401, 403, 404, 200, 200, 403),
    ),
    (
        "action-plans.return",
        _plan(PS.RESPONDED),
        "post",
        "/action-plans/{id}/return/",
        lambda x: {"note": "Photos."},
        (401, 403, 404, 200, 200, 403),
    ),
    (
        "action-plans.extend",
        _plan(PS.ISSUED),
        "post",
        "/action-plans/{id}/extend/",
        lambda x: {"deadline": _later(200), "reason": "Parts on order."},
        (401, 403, 404, 200, 200, 403),
    ),
    (
        "action-plans.mark-overdue",
        _plan(PS.ISSUED, past_due=True),
        "post",
        "/action-plans/{id}/mark-overdue/",
        None,
        (401, 403, 404, 200, 200, 403),
    ),
    (
        "action-plans.escalate",
        _plan(PS.OVERDUE),
        "post",
        "/action-plans/{id}/escalate/",
        None,
        (401, 403, 404, 200, 200, 403),
    ),
    (
        "action-plans.audit",
        _plan(PS.ISSUED),
        "get",
        "/action-plans/{id}/audit-events/",
        None,
        (401, 200, 404, 200, 200, 403),
    ),
    # Revalidations
    ("revalidations.list", _none, "get", "/revalidations/", None, (401, 200, 200, 200, 200, 403)),
    (
        "revalidations.retrieve",
        _cycle("open"),
        "get",
        "/revalidations/{id}/",
        None,
        (401, 200, 404, 200, 200, 403),
    ),
    (
        "revalidations.profile",
        _cycle("open"),
        "get",
        "/revalidations/{id}/security-profile/",
        None,
        (401, 200, 404, 200, 200, 403),
    ),
    (
        "revalidations.submit-profile",
        _cycle("open"),
        "post",
        "/revalidations/{id}/submit-profile/",
        None,
        (401, 200, 404, 403, 403, 403),
    ),
    (
        "revalidations.schedule-validation",
        _cycle("profile_submitted"),
        "post",
        "/revalidations/{id}/schedule-validation/",
        lambda x: {"scheduled_for": _later(14)},
        (401, 403, 404, 200, 200, 403),
    ),
    (
        "revalidations.complete",
        _cycle("validation_scheduled", validation_outcome="meets"),
        "post",
        "/revalidations/{id}/complete/",
        None,
        (401, 403, 404, 200, 200, 403),
    ),
    # Not due yet: the manager may act but the state refuses (409); the officer may not.
    (
        "revalidations.lapse",
        _cycle("open"),
        "post",
        "/revalidations/{id}/lapse/",
        None,
        (401, 403, 404, 403, 409, 403),
    ),
    (
        "revalidations.audit",
        _cycle("open"),
        "get",
        "/revalidations/{id}/audit-events/",
        None,
        (401, 200, 404, 200, 200, 403),
    ),
    # Change notices
    ("change-notices.list", _none, "get", "/change-notices/", None, (401, 200, 200, 200, 200, 403)),
    (
        "change-notices.retrieve",
        _notice,
        "get",
        "/change-notices/{id}/",
        None,
        (401, 200, 404, 200, 200, 403),
    ),
    (
        "change-notices.submit",
        _company,
        "post",
        "/change-notices/",
        lambda x: {
            "company": x["obj"].pk,
            "kind": "locations",
            "description": "New yard.",
            "effective_on": _later(0),
        },
        (401, 201, 400, 403, 403, 403),
    ),
    (
        "change-notices.acknowledge",
        _notice,
        "post",
        "/change-notices/{id}/acknowledge/",
        None,
        (401, 403, 404, 200, 200, 403),
    ),
    (
        "change-notices.open-spot-check",
        _member_notice,
        "post",
        "/change-notices/{id}/open-spot-check/",
        lambda x: {"scheduled_for": _later(10)},
        (401, 403, 404, 201, 201, 403),
    ),
    (
        "change-notices.open-revalidation",
        _member_notice,
        "post",
        "/change-notices/{id}/open-revalidation/",
        None,
        (401, 403, 404, 201, 201, 403),
    ),
    (
        "change-notices.audit",
        _notice,
        "get",
        "/change-notices/{id}/audit-events/",
        None,
        (401, 200, 404, 200, 200, 403),
    ),
    # Incidents
    ("incidents.list", _none, "get", "/incidents/", None, (401, 200, 200, 200, 200, 403)),
    (
        "incidents.retrieve",
        _incident(Incident.State.REPORTED),
        "get",
        "/incidents/{id}/",
        None,
        (401, 200, 404, 200, 200, 403),
    ),
    (
        "incidents.report",
        _company,
        "post",
        "/incidents/",
        lambda x: {
            "company": x["obj"].pk,
            "occurred_on": _later(-1),
            "description": "Seal broken.",
        },
        (401, 201, 400, 201, 201, 403),
    ),
    (
        "incidents.start-analysis",
        _incident(Incident.State.REPORTED),
        "post",
        "/incidents/{id}/start-analysis/",
        None,
        (401, 403, 404, 200, 200, 403),
    ),
    (
        "incidents.conclude",
        _incident(Incident.State.UNDER_ANALYSIS),
        "post",
        "/incidents/{id}/conclude/",
        lambda x: {"cause": "Gate left open.", "prevention_strategy": "Gate checks."},
        (401, 403, 404, 200, 200, 403),
    ),
    (
        "incidents.audit",
        _incident(Incident.State.REPORTED),
        "get",
        "/incidents/{id}/audit-events/",
        None,
        (401, 200, 404, 200, 200, 403),
    ),
    (
        "applications.information-file.download",
        _answer_file,
        "get",
        "/applications/{id}/information-requests/{request}/files/{file}/",
        None,
        (401, 200, 404, 200, 200, 403),
    ),
    # Action plans, measure by measure
    (
        "action-plans.item-respond",
        _plan_item(PS.ISSUED),
        "post",
        "/action-plans/{id}/items/{item}/respond/",
        lambda x: {"response": "Lock fitted."},
        (401, 200, 404, 403, 403, 403),
    ),
    (
        "action-plans.item-accept",
        _plan_item(PS.RESPONDED),
        "post",
        "/action-plans/{id}/items/{item}/accept/",
        None,
        (401, 403, 404, 200, 200, 403),
    ),
    (
        "action-plans.item-return",
        _plan_item(PS.RESPONDED),
        "post",
        "/action-plans/{id}/items/{item}/return/",
        lambda x: {"note": "Send a picture."},
        (401, 403, 404, 200, 200, 403),
    ),
    (
        "action-plans.item-extend",
        _plan_item(PS.ISSUED),
        "post",
        "/action-plans/{id}/items/{item}/extend/",
        lambda x: {"deadline": _later(90), "reason": "Parts on order."},
        (401, 403, 404, 200, 200, 403),
    ),
    (
        "action-plans.item-evidence.download",
        _plan_item(PS.ISSUED, answered_with_file=True),
        "get",
        "/action-plans/{id}/items/{item}/evidence/{evidence}/",
        None,
        (401, 200, 404, 200, 200, 403),
    ),
    # A finding's pictures and documents: staff only
    (
        "site-validations.finding-evidence.list",
        _finding_file,
        "get",
        "/site-validations/{id}/findings/{finding}/evidence/",
        None,
        (401, 403, 404, 200, 200, 403),
    ),
    (
        "site-validations.finding-evidence.download",
        _finding_file,
        "get",
        "/site-validations/{id}/findings/{finding}/evidence/{evidence}/",
        None,
        (401, 403, 404, 200, 200, 403),
    ),
    # Invitations (trader A is the company's signing authority)
    (
        "companies.invitations",
        _company,
        "post",
        "/companies/{id}/invitations/",
        _invitee,
        (401, 201, 404, 201, 201, 403),
    ),
    # The manager's dashboard and the officer's work queue
    ("dashboard", _none, "get", "/dashboard/", None, (401, 403, 403, 403, 200, 403)),
    (
        "dashboard.list",
        _none,
        "get",
        "/dashboard/lists/applications-open/",
        None,
        (401, 403, 403, 403, 200, 403),
    ),
    ("work-queue", _none, "get", "/work-queue/", None, (401, 403, 403, 200, 200, 403)),
    # Each user's own notifications
    ("notifications.list", _none, "get", "/notifications/", None, (401, 200, 200, 200, 200, 403)),
    (
        "notifications.unread-count",
        _none,
        "get",
        "/notifications/unread-count/",
        None,
        (401, 200, 200, 200, 200, 403),
    ),
    (
        "notifications.read",
        _notification,
        "post",
        "/notifications/{id}/read/",
        None,
        (401, 200, 404, 404, 404, 403),
    ),
    (
        "notifications.read-all",
        _none,
        "post",
        "/notifications/read-all/",
        None,
        (401, 200, 200, 200, 200, 403),
    ),
    # The reminders' ledger (agency staff)
    ("reminders.list", _none, "get", "/reminders/", None, (401, 403, 403, 200, 200, 403)),
    (
        "reminders.retry",
        _failed_reminder,
        "post",
        "/reminders/{id}/retry/",
        None,
        (401, 403, 403, 200, 200, 403),
    ),
    # Partner verification (the member consented to share)
    (
        "mra.verify",
        _membership(consent=True),
        "get",
        "/mra/verify/?member_number={number}",
        None,
        (401, 403, 403, 200, 200, 200),
    ),
    # Registration: no credentials needed, none used (a token is ignored, not refused)
    ("auth.register", _none, "post", "/auth/register/", _registrant, (201,) * 6),
    (
        "auth.verify-email",
        _unverified,
        "post",
        "/auth/verify-email/",
        lambda x: {"uid": x["uid"], "token": x["token"]},
        (200,) * 6,
    ),
]


@pytest.mark.parametrize(
    ("builder", "method", "path", "body", "expected"),
    [pytest.param(*row[1:], id=row[0]) for row in ROWS],
)
def test_role_endpoint_matrix(actors, api, company, builder, method, path, body, expected):
    users = {
        "anonymous": None,
        "trader_a": actors["trader"],
        "trader_b": actors["other_trader"],
        "officer": actors["officer"],
        "manager": actors["manager"],
        "partner": actors["partner"],
    }
    context = {"company": company, "officer": actors["officer"], "manager": actors["manager"]}

    def fresh() -> dict:
        built = builder(context)
        built["officer_id"] = actors["officer"].pk
        obj = built.get("obj")
        url = V1 + path.format(**{**built, "id": getattr(obj, "pk", "")})
        return {"url": url, "data": body(built) if body else None}

    def call(role: str, target: dict) -> int:
        client = api(users[role])
        data = target["data"]
        files = [v for v in (data or {}).values() if hasattr(v, "seek")]
        for upload in files:  # the refusals share one target: every call reads from 0
            upload.seek(0)
        fmt = "multipart" if files else "json"
        response = getattr(client, method)(target["url"], data, format=fmt)
        if response.status_code >= 400:
            assert set(response.json()) == {"code", "message", "details"}, (role, response.json())
        return response.status_code

    cells = dict(zip(ROLES, expected, strict=True))
    target = fresh()
    got = {role: call(role, target) for role, status in cells.items() if status >= 400}
    reuse = True
    for role, status in cells.items():
        if status < 400:
            if not reuse:
                target = fresh()
            reuse = method == "get"  # a read leaves the object as it was
            got[role] = call(role, target)
    assert {role: got[role] for role in ROLES} == cells

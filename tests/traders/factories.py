"""Helpers for the traders tests: objects in every state, reached through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django.db import models

from core.dates import agency_tz
from core.models import AuditEvent, User
from tests.factories import complete_profile, make_application, make_membership, trader_of
from traders import services
from traders.models import (
    Application,
    ChangeNotice,
    Company,
    InformationRequest,
    Membership,
    ProfileAnswer,
    SecurityProfile,
)

ACTOR_NAMES = ("trader", "other_trader", "officer", "manager", "administrator", "partner", "system")


def agency_noon(day: dt.date) -> dt.datetime:
    """Midday in Ottawa on ``day``: unambiguous whatever the server's zone."""
    return dt.datetime.combine(day, dt.time(12, 0), tzinfo=agency_tz())


def after_expiry(membership: Membership) -> dt.datetime:
    return agency_noon(membership.expires_on + dt.timedelta(days=1))


def application_in(state: str, *, company: Company, officer: User, manager: User) -> Application:
    """An application in ``state``; a draft comes with a complete profile, ready to submit."""
    app = make_application(state=state, company=company, officer=officer, manager=manager)
    if state == Application.State.DRAFT:
        complete_profile(app, trader_of(company))
    return app


def membership_in(state: str, *, company: Company, manager: User) -> Membership:
    """A membership in ``state``; a lapsed one lapses through the system's sweep after expiry."""
    if state == Membership.State.LAPSED:
        membership = make_membership(company=company, manager=manager)
        with time_machine.travel(after_expiry(membership), tick=False):
            return services.membership_lapse(membership=membership, actor=None)
    return make_membership(company=company, state=state, manager=manager)


def change_notice_in(state: str, *, company: Company, officer: User) -> ChangeNotice:
    notice = services.change_notice_submit(
        company=company,
        actor=trader_of(company),
        kind=ChangeNotice.Kind.LOCATIONS,
        description="We moved our warehouse to 200 Harbour Street.",
        effective_on=dt.date(2026, 1, 15),
    )
    if state == ChangeNotice.State.SUBMITTED:
        return notice
    if state == ChangeNotice.State.ACKNOWLEDGED:
        return services.change_notice_acknowledge(notice=notice, actor=officer, note="Noted.")
    if state == ChangeNotice.State.FOLLOW_UP:
        return services.change_notice_open_follow_up(
            notice=notice, actor=officer, follow_up="spot_check", note="Visit the new site."
        )
    raise ValueError(state)


def audit_events_for(obj: models.Model) -> list[AuditEvent]:
    return list(AuditEvent.objects.for_object(obj).order_by("id"))


def world(obj: models.Model) -> dict[str, Any]:
    """Everything a refused action could have touched: the object's row, the audit trail and
    the rows services create beside a transition (memberships, requests, profiles, answers)."""
    return {
        "row": type(obj)._default_manager.filter(pk=obj.pk).values().get(),
        "audit_events": list(AuditEvent.objects.order_by("id").values()),
        "memberships": list(Membership.objects.order_by("id").values()),
        "information_requests": list(InformationRequest.objects.order_by("id").values()),
        "profiles": list(SecurityProfile.objects.order_by("id").values()),
        "answers": list(ProfileAnswer.objects.order_by("id").values()),
    }


def _requirement(code: str, *, level: str = "must", evidence: bool = False) -> dict[str, Any]:
    return {
        "code": code,
        "text_en": f"Requirement {code}.",
        "text_fr": f"Exigence {code}.",
        "level": level,
        "evidence_required": evidence,
        "ctpat_category": "physical_security",
        "wco_condition": "premises_security",
    }


def small_catalogue_load(*, version: str = "lifecycle", effective_from: str = "2024-06-01"):
    """A two-requirement PIP catalogue that supersedes the 2024 one: for tests about the
    lifecycle, where the size of the security profile does not matter."""
    return services.catalogue_load(
        data={
            "programme": "PIP",
            "version": version,
            "effective_from": effective_from,
            "title_en": "Lifecycle test catalogue",
            "title_fr": "Catalogue d'essai",
            "areas": [
                {
                    "code": "PS",
                    "name_en": "Physical security",
                    "name_fr": "Sécurité physique",
                    "requirements": [
                        _requirement("PS-01"),
                        _requirement("PS-02", evidence=True),
                    ],
                }
            ],
        }
    )

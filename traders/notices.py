"""What the member is told of each event in their file: the notice of the event (in-app and
e-mailed to every user of the company, in their language) and, for a decision, its letter.

The one place that turns an event into a notice (``notifications.services.
member_notice_record``): the services that take a decision call :func:`member_notify`
inside their transaction, once the audit event is written; the notice is keyed by that event,
so it is recorded (and e-mailed) once, and delivered after commit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.urls import reverse

from core.dates import APPEAL_WINDOW_DAYS, agency_today
from core.models import AuditEvent
from core.pdf import date_in_both_languages, in_both_languages
from notifications.models import LETTER_KINDS, Reminder, ReminderKind
from notifications.services import LetterDraft, member_notice_record

from .models import Application, CompanyUser, Membership, Programme

Kind = ReminderKind

# The decision letters' titles.
LETTER_TITLES: dict[str, dict[str, str]] = {
    ReminderKind.CERTIFIED: {"en": "Certification decision", "fr": "Décision de certification"},
    ReminderKind.APPLICATION_DENIED: {
        "en": "Decision on your application: denied",
        "fr": "Décision sur votre demande : refus",
    },
    ReminderKind.MEMBERSHIP_SUSPENDED: {
        "en": "Suspension of your membership",
        "fr": "Suspension de votre adhésion",
    },
    ReminderKind.MEMBERSHIP_CANCELLED: {
        "en": "Cancellation of your membership",
        "fr": "Annulation de votre adhésion",
    },
    ReminderKind.APPEAL_DECIDED: {
        "en": "Decision on your appeal",
        "fr": "Décision sur votre appel",
    },
}


def company_recipient_ids(*, company_id: int) -> list[int]:
    """Every active user of the company (its signing authority and contributors)."""
    return list(
        CompanyUser.objects.filter(company_id=company_id, user__is_active=True)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )


def event_id_of(*, obj: models.Model, action: str) -> int:
    """The audit event just written for ``action`` on ``obj`` (in this transaction)."""
    return int(
        AuditEvent.objects.for_object(obj)
        .filter(action=action)
        .order_by("-pk")
        .values_list("pk", flat=True)[0]
    )


def _reference(obj: models.Model) -> dict[str, str]:
    if isinstance(obj, Membership):
        return {
            "label_en": "Member number",
            "label_fr": "Numéro de membre",
            "value": obj.member_number,
        }
    assert isinstance(obj, Application)
    return {"label_en": "Application", "label_fr": "Demande", "value": obj.reference}


def _letter(
    *, obj: Application | Membership, kind: str, decided_on: dt.date, reasons: str, **extra: Any
) -> LetterDraft:
    company = obj.company
    reference = _reference(obj)
    return LetterDraft(
        decided_on=decided_on,
        reference=reference["value"],
        context={
            "title": LETTER_TITLES[kind],
            "company_name": company.legal_name,
            "business_number": company.business_number,
            "reference": reference,
            "decided_on": date_in_both_languages(decided_on),
            "reasons": reasons,
            **extra,
        },
    )


def member_notify(
    *,
    obj: Application | Membership,
    kind: str,
    action: str,
    reasons: str = "",
    due_on: dt.date | None = None,
    details: dict[str, Any] | None = None,
    link: str = "",
    event_id: int | None = None,
) -> Reminder | None:
    """Record the notice of ``action`` just taken on an application or a membership (or on
    one of their visits and plans: ``link``, ``details`` and ``event_id`` then say which)."""
    today = agency_today()
    if isinstance(obj, Membership):
        link = link or reverse("portal:membership", args=[obj.pk])
        values: dict[str, Any] = {"member_number": obj.member_number}
    else:
        link = link or reverse("portal:application", args=[obj.pk])
        values = {"reference": obj.reference}
    values.update(link=link, reasons=reasons, decided_on=today.isoformat(), **(details or {}))
    letter = None
    extra: dict[str, Any] = {}
    if kind == ReminderKind.MEMBERSHIP_CANCELLED:
        assert isinstance(obj, Membership)
        cancelled_on = obj.cancelled_on or today
        deadline = cancelled_on + dt.timedelta(days=APPEAL_WINDOW_DAYS)
        due_on = deadline
        values["appeal_deadline"] = deadline.isoformat()
        extra["appeal_deadline"] = date_in_both_languages(deadline)
    if kind == ReminderKind.CERTIFIED:
        assert isinstance(obj, Application)
        memberships = list(Membership.objects.filter(application=obj).order_by("programme"))
        values["member_numbers"] = [m.member_number for m in memberships]
        extra["memberships"] = [
            {
                "programme": in_both_languages(Programme(m.programme).label),
                "member_number": m.member_number,
                "certified_on": date_in_both_languages(m.certified_on),
                "expires_on": date_in_both_languages(m.expires_on),
            }
            for m in memberships
        ]
    if kind == ReminderKind.APPEAL_DECIDED:
        extra["outcome"] = values.get("outcome", "")
    if kind in LETTER_KINDS:
        letter = _letter(obj=obj, kind=kind, decided_on=today, reasons=reasons, **extra)
    return member_notice_record(
        obj=obj,
        kind=kind,
        event_id=event_id if event_id is not None else event_id_of(obj=obj, action=action),
        company_id=obj.company_id,
        due_on=due_on or today,
        recipient_ids=company_recipient_ids(company_id=obj.company_id),
        details=values,
        letter=letter,
    )


def company_notify(
    *,
    subject: models.Model,
    company_id: int,
    kind: str,
    event_id: int,
    link: str,
    due_on: dt.date | None = None,
    details: dict[str, Any] | None = None,
) -> Reminder | None:
    """The notice of an event on another record of the company's file (a visit, a report,
    an action plan: the validations app's), to every user of the company."""
    return member_notice_record(
        obj=subject,
        kind=kind,
        event_id=event_id,
        company_id=company_id,
        due_on=due_on or agency_today(),
        recipient_ids=company_recipient_ids(company_id=company_id),
        details={"link": link, **(details or {})},
    )

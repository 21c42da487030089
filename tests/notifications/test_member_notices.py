"""Every event in a member's file is told to the company's users, once: an in-app notice and
an e-mail in each user's language, with the decision letter attached for a decision."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from pypdf import PdfReader

from core.dates import agency_today
from core.models import Role
from notifications import services as notification_services
from notifications.models import Letter, Notification, Reminder, ReminderKind
from tests.factories import (
    CompanyFactory,
    CompanyUserFactory,
    UserFactory,
    make_application,
    make_membership,
    trader_of,
)
from traders import services
from traders.models import Application, Membership

pytestmark = pytest.mark.django_db


def letter_text(message) -> str:
    (name, content, mimetype) = message.attachments[0]
    assert mimetype == "application/pdf" and name.endswith(".pdf")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def notices(kind):
    return Reminder.objects.filter(kind=kind)


@pytest.fixture
def manager():
    return UserFactory(role=Role.MANAGER, is_staff=True)


def test_cancellation_is_told_once_with_its_letter_and_appeal_deadline(
    manager, django_capture_on_commit_callbacks
):
    membership = make_membership(manager=manager)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = services.membership_cancel(
            membership=membership, actor=manager, reason="Seals were not controlled."
        )
    reminder = notices(ReminderKind.MEMBERSHIP_CANCELLED).get()
    deadline = cancelled.cancelled_on + dt.timedelta(days=30)
    assert reminder.due_on == deadline
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [trader_of(membership.company).email]
    assert deadline.strftime("%B") in message.subject or str(deadline.day) in message.subject
    text = letter_text(message)
    assert "Seals were not controlled." in text
    assert "appeal" in text.lower() and str(deadline.year) in text
    assert Notification.objects.filter(reminder=reminder).count() == 1

    notification_services.reminder_deliver(reminder_id=reminder.pk)  # a retry: nothing more
    assert len(mail.outbox) == 1


def _officer():
    return UserFactory(role=Role.OFFICER, is_staff=True)


def _application(state, **kw):
    return make_application(state=state, **kw)


def _renew(manager):
    membership = make_membership(manager=manager)
    return lambda: services.membership_renew(
        membership=membership, actor=_officer(), validated_on=agency_today()
    )


def _site_validation_actions():
    from tests.validations.factories import make_site_validation, plan_items, record_findings
    from validations import services as validation_services

    def schedule():
        app = _application(Application.State.ELIGIBLE)
        officer = _officer()
        return lambda: validation_services.site_validation_schedule(
            company=app.company,
            actor=officer,
            kind="initial",
            scheduled_for=agency_today() + dt.timedelta(days=10),
            application=app,
        )

    def complete():
        officer = _officer()
        validation = make_site_validation(state="in_progress", officer=officer)
        record_findings(validation, officer)
        return lambda: validation_services.site_validation_complete(
            validation=validation, actor=officer, outcome="meets"
        )

    def plan():
        company = CompanyFactory()
        trader_of(company)
        officer = _officer()
        return lambda: validation_services.action_plan_issue(
            company=company, actor=officer, items=plan_items()
        )

    return {"visit_scheduled": schedule, "report_available": complete, "action_plan_issued": plan}


def _actions(manager):
    """For each kind: a function that sets the stage and returns the decision to take."""
    officer = _officer()
    S = Application.State

    def submit():
        app = _application(S.DRAFT)
        from tests.factories import complete_profile

        complete_profile(app, trader_of(app.company))
        return lambda: services.application_submit(
            application=app, actor=trader_of(app.company), declared=True
        )

    def on_app(state, call):
        app = _application(state, officer=officer, manager=manager)
        return lambda: call(app)

    def on_membership(state, call):
        membership = make_membership(state=state, manager=manager)
        return lambda: call(membership)

    actions = {
        "application_received": submit,
        "information_requested": lambda: on_app(
            S.UNDER_REVIEW,
            lambda a: services.application_request_info(
                application=a,
                actor=officer,
                message="Send your fleet list.",
                deadline=agency_today() + dt.timedelta(days=20),
            ),
        ),
        "application_eligible": lambda: on_app(
            S.UNDER_REVIEW,
            lambda a: services.application_mark_eligible(application=a, actor=officer),
        ),
        "application_ineligible": lambda: on_app(
            S.UNDER_REVIEW,
            lambda a: services.application_mark_ineligible(
                application=a, actor=officer, reasons="Not an eligible business type."
            ),
        ),
        "certified": lambda: on_app(
            S.VALIDATED, lambda a: services.application_certify(application=a, actor=manager)
        ),
        "application_denied": lambda: on_app(
            S.VALIDATED,
            lambda a: services.application_deny(
                application=a, actor=manager, reasons="Perimeter fence missing."
            ),
        ),
        "membership_suspended": lambda: on_membership(
            Membership.State.ACTIVE,
            lambda m: services.membership_suspend(membership=m, actor=manager, reason="Audit."),
        ),
        "membership_reinstated": lambda: on_membership(
            Membership.State.SUSPENDED,
            lambda m: services.membership_reinstate(membership=m, actor=manager, reason="Fixed."),
        ),
        "membership_cancelled": lambda: on_membership(
            Membership.State.ACTIVE,
            lambda m: services.membership_cancel(membership=m, actor=manager, reason="Breach."),
        ),
        "appeal_decided": lambda: on_membership(
            Membership.State.APPEALED,
            lambda m: services.membership_uphold_cancellation(
                membership=m, actor=manager, reason="Confirmed."
            ),
        ),
        "membership_renewed": lambda: _renew(manager),
        **_site_validation_actions(),
    }
    return actions


@pytest.mark.parametrize(
    "kind",
    [
        k
        for k in ReminderKind.values
        if not k.endswith(("_due", "_overdue", "_escalated", "_lapsed"))
    ],
)
def test_each_event_records_one_notice_and_e_mails_once(
    kind, manager, django_capture_on_commit_callbacks
):
    decide = _actions(manager)[kind]()
    mail.outbox.clear()
    Reminder.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        decide()
    reminder = Reminder.objects.get(kind=kind)
    assert reminder.status == Reminder.Status.SENT
    assert len(mail.outbox) == len(reminder.recipient_ids) >= 1
    assert Notification.objects.filter(reminder=reminder).count() == len(reminder.recipient_ids)
    has_letter = Letter.objects.filter(reminder=reminder).exists()
    assert all(bool(m.attachments) == has_letter for m in mail.outbox)

    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        notification_services.reminder_deliver(reminder_id=reminder.pk)  # a redelivery
    assert len(mail.outbox) == sent
    assert Reminder.objects.filter(kind=kind).count() == 1


def test_a_second_call_for_the_same_event_records_and_sends_nothing(
    manager, django_capture_on_commit_callbacks
):
    from traders import notices

    membership = make_membership(manager=manager)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = services.membership_cancel(membership=membership, actor=manager, reason="X.")
        again = notices.member_notify(
            obj=cancelled, kind=ReminderKind.MEMBERSHIP_CANCELLED, action="cancel", reasons="X."
        )
    assert again is None
    assert notices_count(ReminderKind.MEMBERSHIP_CANCELLED) == 1 and len(mail.outbox) == 1
    with pytest.raises(Exception, match="ancel"):  # the decision itself cannot be taken twice
        services.membership_cancel(membership=cancelled, actor=manager, reason="X.")
    assert notices_count(ReminderKind.MEMBERSHIP_CANCELLED) == 1


def notices_count(kind) -> int:
    return Reminder.objects.filter(kind=kind).count()


def test_the_e_mail_is_in_the_recipients_language(manager, django_capture_on_commit_callbacks):
    company = CompanyFactory()
    french = CompanyUserFactory(company=company, user__preferred_language="fr").user
    app = make_application(state=Application.State.VALIDATED, company=company, manager=manager)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.application_deny(application=app, actor=manager, reasons="Clôture absente.")
    message = next(m for m in mail.outbox if m.to == [french.email])
    assert message.subject == f"Demande {app.reference} refusée"
    assert "Bonjour" in message.body and "Motifs : Clôture absente." in message.body
    assert "examen informel" in message.body
    text = letter_text(message)
    assert "Clôture absente." in text and "Motifs de la décision" in text  # bilingual letter
    assert "Reasons for the decision" in text
    notice = Notification.objects.get(user=french)
    assert notice.subject == message.subject and notice.link.endswith(f"/applications/{app.pk}/")


def test_the_certification_letter_names_the_member_number_and_dates(
    manager, django_capture_on_commit_callbacks
):
    app = make_application(state=Application.State.VALIDATED, manager=manager)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.application_certify(application=app, actor=manager)
    membership = Membership.objects.get(application=app)
    message = mail.outbox[0]
    assert membership.member_number in message.subject
    text = letter_text(message)
    assert membership.member_number in text
    assert str(membership.expires_on.year) in text
    letter = Letter.objects.get(company_id=app.company_id)
    assert letter.file  # rendered once, kept for the portal's download


def test_an_unannounced_spot_check_tells_the_trader_nothing_before_it_starts(
    django_capture_on_commit_callbacks,
):
    from validations import services as validation_services

    membership = make_membership()
    officer = _officer()
    mail.outbox.clear()
    Reminder.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        visit = validation_services.site_validation_schedule(
            company=membership.company,
            actor=officer,
            kind="spot_check",
            scheduled_for=agency_today() + dt.timedelta(days=3),
            membership=membership,
        )
        validation_services.site_validation_start(validation=visit, actor=officer)
    assert not Reminder.objects.exists()
    assert mail.outbox == []
    assert not Notification.objects.filter(user=trader_of(membership.company)).exists()

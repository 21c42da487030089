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

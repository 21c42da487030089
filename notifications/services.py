"""Writes for reminders and notifications.

A reminder is recorded in the ledger first (unique per object, kind and milestone), then,
once that is committed, a task delivers it: e-mail to each recipient in their preferred
language, and an in-app notification. Delivery is idempotent: a sent reminder is not sent
again, and a recipient already e-mailed is not e-mailed again when a later one fails.

Calls go one way, tasks to services: the tasks (``notifications.tasks``) take ids and call
:func:`reminder_deliver` and :func:`reminder_mark_failed`; the Celery plumbing (one message
per reminder, batches fanned out, inline delivery) is there too, in
``tasks.reminders_enqueue``. The one call back is :func:`_enqueue_on_commit`: a recorded
reminder has to be handed to the workers after commit, and only the task module can do
that. It imports the task module when it runs, not at import time, because the task module
imports this one to call its services.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import logging
import smtplib
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from core.errors import DomainError
from core.roles import permission_check

from .models import LETTER_KINDS, Letter, Notification, Reminder

if TYPE_CHECKING:
    from core.models import User

logger = logging.getLogger(__name__)

# Failures worth another try later: the mail server or the network is down or refusing.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    smtplib.SMTPException,
    ConnectionError,
    OSError,
)

_deliver_inline: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "reminders_deliver_inline", default=False
)


@contextmanager
def deliveries_inline() -> Iterator[None]:
    """Deliver reminders recorded inside this block in this process (``run_sweep --sync``:
    for the embedded default, or an operator without a worker) instead of through the
    broker."""
    token = _deliver_inline.set(True)
    try:
        yield
    finally:
        _deliver_inline.reset(token)


@dataclass(frozen=True)
class ReminderDraft:
    """A reminder a sweep found due: what it is about, why, and for whom."""

    model: type[models.Model]
    object_id: int
    kind: str
    due_on: dt.date
    days_before: int | None
    recipient_ids: tuple[int | None, ...]  # None (no officer assigned) is dropped on record

    @property
    def milestone(self) -> str:
        return reminder_milestone(due_on=self.due_on, days_before=self.days_before)


def reminder_milestone(*, due_on: dt.date, days_before: int | None) -> str:
    if days_before is None:
        return due_on.isoformat()
    return f"{due_on.isoformat()}/{days_before}"


def _unique_ids(ids: Iterable[int | None]) -> list[int]:
    return sorted({i for i in ids if i is not None})


def deliveries_are_inline() -> bool:
    """Inside :func:`deliveries_inline`: reminders are delivered in this process."""
    return _deliver_inline.get()


def _enqueue_on_commit(*, reminder_ids: Sequence[int]) -> None:
    """Hand the reminders to the workers once the transaction commits (see the module's
    docstring for why the task module is imported here)."""
    from .tasks import reminders_enqueue

    transaction.on_commit(partial(reminders_enqueue, reminder_ids=list(reminder_ids)))


def reminder_record_and_enqueue(
    *,
    obj: models.Model,
    kind: str,
    due_on: dt.date,
    days_before: int | None = None,
    recipient_ids: Iterable[int | None],
) -> Reminder | None:
    """Record one reminder and deliver it after commit; ``None`` if it was already recorded
    (by this sweep yesterday, or by another one running at the same time)."""
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(
                content_type=ContentType.objects.get_for_model(type(obj)),
                object_id=obj.pk,
                kind=kind,
                milestone=reminder_milestone(due_on=due_on, days_before=days_before),
                due_on=due_on,
                days_before=days_before,
                recipient_ids=_unique_ids(recipient_ids),
                enqueued_at=timezone.now(),
            )
    except IntegrityError:
        return None
    _enqueue_on_commit(reminder_ids=[reminder.pk])
    return reminder


@dataclass(frozen=True)
class LetterDraft:
    """The decision letter a notice carries: the decision's date, the reference it is about
    and what it says (plain values, both languages, as ``pdf/decision_letter.html`` reads
    them)."""

    decided_on: dt.date
    reference: str
    context: dict[str, Any]


def event_milestone(*, event_id: int) -> str:
    return f"event/{event_id}"


def member_notice_record(
    *,
    obj: models.Model,
    kind: str,
    event_id: int,
    company_id: int,
    due_on: dt.date,
    recipient_ids: Iterable[int | None],
    details: dict[str, Any] | None = None,
    letter: LetterDraft | None = None,
) -> Reminder | None:
    """Record the notice of one event in a member's file (the audit event ``event_id``),
    with its decision letter for the kinds that have one, and deliver it after commit.
    Called inside the transaction of the decision; ``None`` if this event's notice was
    already recorded (a retried or doubled call e-mails nobody twice)."""
    if kind in LETTER_KINDS and letter is None:
        raise ValueError(f"A {kind} notice carries its decision letter.")
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(
                content_type=ContentType.objects.get_for_model(type(obj)),
                object_id=obj.pk,
                kind=kind,
                milestone=event_milestone(event_id=event_id),
                due_on=due_on,
                recipient_ids=_unique_ids(recipient_ids),
                details=details or {},
                enqueued_at=timezone.now(),
            )
            if letter is not None:
                Letter.objects.create(
                    reminder=reminder,
                    company_id=company_id,
                    kind=kind,
                    decided_on=letter.decided_on,
                    reference=letter.reference[:60],
                    context=letter.context,
                )
    except IntegrityError:
        return None
    _enqueue_on_commit(reminder_ids=[reminder.pk])
    return reminder


def letter_file_ensure(*, letter: Letter) -> Letter:
    """The letter with its PDF, rendered and stored the first time it is needed (on
    delivery, or a download before it). The row is locked meanwhile: rendered once."""
    if letter.file:
        return letter
    from .letters import letter_render  # lazy: keeps WeasyPrint out of the services' import

    with transaction.atomic():
        locked = Letter.objects.select_for_update().get(pk=letter.pk)
        if not locked.file:
            locked.file.save("letter.pdf", ContentFile(letter_render(letter=locked)), save=False)
            locked.save(update_fields=["file"])
    return locked


def reminders_record_and_enqueue(
    *, drafts: Sequence[ReminderDraft], batch_size: int = 2000
) -> list[int]:
    """Record many reminders at once and deliver the new ones after commit.

    Rows are inserted with ``ON CONFLICT DO NOTHING``, each marked with this call's run id;
    the rows that carry it afterwards are exactly the ones this call created, so two sweeps
    running at once each enqueue only their own (the second waits on the first's inserted
    keys and then skips them). Returns the new reminders' ids.
    """
    if not drafts:
        return []
    run = uuid.uuid4()
    now = timezone.now()
    rows = [
        Reminder(
            content_type=ContentType.objects.get_for_model(d.model),
            object_id=d.object_id,
            kind=d.kind,
            milestone=d.milestone,
            due_on=d.due_on,
            days_before=d.days_before,
            recipient_ids=_unique_ids(d.recipient_ids),
            run=run,
            created_at=now,
            enqueued_at=now,
        )
        for d in drafts
    ]
    with transaction.atomic():
        Reminder.objects.bulk_create(rows, batch_size=batch_size, ignore_conflicts=True)
        created = list(Reminder.objects.filter(run=run).values_list("pk", flat=True))
        _enqueue_on_commit(reminder_ids=created)
    return created


def reminders_requeue_stale(*, older_than: dt.timedelta) -> int:
    """Enqueue again the reminders still pending long after they were last enqueued (the
    process died between commit and enqueue, or the broker lost the message). Delivery is
    idempotent, so a reminder enqueued twice is still sent once."""
    now = timezone.now()
    with transaction.atomic():
        stale = list(
            Reminder.objects.select_for_update(skip_locked=True)
            .filter(status=Reminder.Status.PENDING, enqueued_at__lt=now - older_than)
            .values_list("pk", flat=True)
        )
        if stale:
            Reminder.objects.filter(pk__in=stale).update(enqueued_at=now)
            _enqueue_on_commit(reminder_ids=stale)
    return len(stale)


def _link(reminder: Reminder) -> str:
    return str(reminder.details.get("link") or "") or reverse("notifications:list")


def _letter_of(reminder: Reminder) -> Letter | None:
    try:
        return reminder.letter
    except Letter.DoesNotExist:
        return None


def _render(
    *, reminder: Reminder, obj: Any, user: User, letter: Letter | None = None
) -> tuple[str, str, str, str]:
    """Subject, text, HTML and in-app link of one reminder, in the user's language."""
    language = user.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        link = _link(reminder)
        context = {
            "reminder": reminder,
            "details": reminder.details,
            "letter": letter,
            "object": obj,
            "recipient": user,
            "days": reminder.days_before,
            "due_on": reminder.due_on,
            "lang": translation.get_language(),
            "link": link,
            "url": settings.SITE_URL.rstrip("/") + link,
        }
        subject = render_to_string(f"email/{reminder.kind}.subject.txt", context)
        text = render_to_string(f"email/{reminder.kind}.txt", context)
        html = render_to_string(f"email/{reminder.kind}.html", context)
    return " ".join(subject.split())[:200], text.strip() + "\n", html, link


def reminder_deliver(*, reminder_id: int) -> Reminder:
    """E-mail each recipient not yet e-mailed and give each an in-app notification, then
    mark the reminder sent. The row is locked meanwhile: a second delivery of the same
    reminder (a redelivered message) waits, then finds it sent and does nothing. A transient
    failure is recorded (attempts, error, who was already e-mailed) and raised again for
    the task to retry."""
    user_model = get_user_model()
    failure: BaseException | None = None
    with transaction.atomic():
        reminder = Reminder.objects.select_for_update().get(pk=reminder_id)
        if reminder.status == Reminder.Status.SENT:
            return reminder
        obj = reminder.subject_object
        recipients = list(
            user_model.objects.filter(pk__in=reminder.recipient_ids, is_active=True).order_by("pk")
        )
        letter = _letter_of(reminder)
        attachment: tuple[str, bytes, str] | None = None
        if letter is not None and recipients:
            letter = letter_file_ensure(letter=letter)
            with letter.file.open("rb") as handle:
                attachment = (letter.filename, handle.read(), "application/pdf")
        rendered = {
            u.pk: _render(reminder=reminder, obj=obj, user=u, letter=letter) for u in recipients
        }
        Notification.objects.bulk_create(
            [
                Notification(
                    user=u,
                    reminder=reminder,
                    subject=rendered[u.pk][0],
                    body=rendered[u.pk][1],
                    link=rendered[u.pk][3],
                )
                for u in recipients
            ],
            ignore_conflicts=True,
        )
        reminder.attempts += 1
        delivered = list(reminder.delivered_to)
        try:
            with get_connection(fail_silently=False) as connection:
                for user in recipients:
                    if user.pk in delivered:
                        continue
                    subject, text, html, _link_path = rendered[user.pk]
                    message = EmailMultiAlternatives(
                        subject=subject,
                        body=text,
                        from_email=settings.DEFAULT_FROM_EMAIL,
                        to=[user.email],
                        connection=connection,
                        headers={"X-Reminder": f"{reminder.pk}"},
                    )
                    message.attach_alternative(html, "text/html")
                    if attachment is not None:
                        message.attach(*attachment)
                    message.send()
                    delivered.append(user.pk)
        except TRANSIENT_ERRORS as exc:
            failure = exc
            reminder.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        else:
            reminder.status = Reminder.Status.SENT
            reminder.sent_at = timezone.now()
            reminder.last_error = ""
        reminder.delivered_to = delivered
        reminder.save(update_fields=["attempts", "delivered_to", "last_error", "status", "sent_at"])
    if failure is not None:
        raise failure
    return reminder


def reminder_mark_failed(*, reminder_id: int, error: BaseException | str) -> Reminder:
    """The retries are exhausted (or the failure is not transient): the reminder is marked
    failed for an operator to see (the staff page of reminders, or ``reminders_report
    --failed``) and send again."""
    with transaction.atomic():
        reminder = Reminder.objects.select_for_update().get(pk=reminder_id)
        if reminder.status != Reminder.Status.SENT:
            reminder.status = Reminder.Status.FAILED
            text = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
            reminder.last_error = text[:2000]
            reminder.save(update_fields=["status", "last_error"])
            logger.error("reminder %s failed: %s", reminder.pk, reminder.last_error)
    return reminder


def reminder_retry(*, reminder: Reminder, actor: User) -> Reminder:
    """An operator sends a failed reminder again."""
    permission_check(
        actor=actor,
        roles={"administrator", "manager", "officer"},
        action="retry_reminder",
        company_id=None,
    )
    with transaction.atomic():
        locked = Reminder.objects.select_for_update().get(pk=reminder.pk)
        if locked.status != Reminder.Status.FAILED:
            raise DomainError(
                translation.gettext("Only a failed reminder can be sent again."),
                code="reminder_not_failed",
            )
        locked.status = Reminder.Status.PENDING
        locked.enqueued_at = timezone.now()
        locked.save(update_fields=["status", "enqueued_at"])
        _enqueue_on_commit(reminder_ids=[locked.pk])
    return locked


def notification_mark_read(*, user: User, notification_id: int) -> int:
    """Mark one of the user's own notifications read; another user's is left alone."""
    return Notification.objects.filter(pk=notification_id, user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def notifications_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )

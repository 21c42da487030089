"""Celery tasks of the notifications: they take ids and call a service.

Also the plumbing that hands reminders to the workers (:func:`reminders_enqueue`), which the
services schedule after commit."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from .models import Reminder
from .services import (
    TRANSIENT_ERRORS,
    deliveries_are_inline,
    reminder_deliver,
    reminder_mark_failed,
)

logger = logging.getLogger(__name__)


def retry_delay(retries: int) -> int:
    """Exponential backoff: base, 2 x base, 4 x base... capped."""
    base = settings.REMINDER_RETRY_BACKOFF_SECONDS
    return int(min(base * (2**retries), settings.REMINDER_RETRY_BACKOFF_MAX_SECONDS))


def database_retry_delay(retries: int) -> int:
    """A database that is busy (SQLite's "database is locked" once its busy timeout has
    passed, a PostgreSQL deadlock or lost connection) is tried again within seconds: 1, 2,
    4... capped at DATABASE_RETRY_MAX_SECONDS."""
    return int(min(2**retries, settings.DATABASE_RETRY_MAX_SECONDS))


@shared_task(
    bind=True,
    name="notifications.deliver_reminder",
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=settings.REMINDER_MAX_RETRIES,
)
def deliver_reminder(self, reminder_id: int) -> str:  # bound task
    """Deliver one reminder. Transient failures (SMTP, network) are retried with exponential
    backoff; once the retries are spent, or on any other error, the reminder is marked
    failed: never silently dropped."""
    try:
        reminder = reminder_deliver(reminder_id=reminder_id)
    except Reminder.DoesNotExist:
        logger.warning("reminder %s no longer exists", reminder_id)
        return "missing"
    except OperationalError as exc:
        # Nothing was written (the delivery's transaction rolled back): the same delivery
        # again, soon. Spent retries leave the reminder pending for the sweep's requeue
        # rather than marking it failed through the database that just failed.
        logger.warning("reminder %s: database busy (%s); retrying", reminder_id, exc)
        raise self.retry(exc=exc, countdown=database_retry_delay(self.request.retries)) from exc
    except TRANSIENT_ERRORS as exc:
        if self.request.retries >= self.max_retries:
            reminder_mark_failed(reminder_id=reminder_id, error=exc)
            return Reminder.Status.FAILED
        raise self.retry(exc=exc, countdown=retry_delay(self.request.retries)) from exc
    except Exception as exc:
        reminder_mark_failed(reminder_id=reminder_id, error=exc)
        raise
    return reminder.status


@shared_task(
    name="notifications.enqueue_reminders",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=1,
    retry_backoff_max=30,
    max_retries=8,
)
def enqueue_reminders(reminder_ids: list[int]) -> int:
    """Fan a batch out into one delivery task per reminder (redelivered after a crash, a
    reminder enqueued twice is still delivered once)."""
    reminders_enqueue(reminder_ids=reminder_ids)
    return len(reminder_ids)


# Above this many, the sweep sends one message per batch and a worker fans the batch out
# into one delivery task per reminder: a catch-up of 50,000 reminders does not hold the
# sweep for a minute of broker round trips.
FAN_OUT_BATCH = 500


def reminders_enqueue(*, reminder_ids: Sequence[int]) -> None:
    """Hand reminders to the workers (called after commit): one delivery task each, so each
    retries on its own. Inline in ``services.deliveries_inline``."""
    if not reminder_ids:
        return
    if deliveries_are_inline() or deliver_reminder.app.conf.task_always_eager:
        for reminder_id in reminder_ids:
            deliver_reminder.apply(args=(reminder_id,))
        return
    ids = list(reminder_ids)
    with deliver_reminder.app.producer_or_acquire() as producer:
        if len(ids) <= FAN_OUT_BATCH:
            for reminder_id in ids:
                deliver_reminder.apply_async(args=(reminder_id,), producer=producer)
            return
        for start in range(0, len(ids), FAN_OUT_BATCH):
            enqueue_reminders.apply_async(
                args=(ids[start : start + FAN_OUT_BATCH],), producer=producer
            )

"""Celery tasks of the notifications: they take ids and call a service."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings

from .models import Reminder
from .services import (
    TRANSIENT_ERRORS,
    reminder_deliver,
    reminder_mark_failed,
    reminders_enqueue,
)

logger = logging.getLogger(__name__)


def retry_delay(retries: int) -> int:
    """Exponential backoff: base, 2 x base, 4 x base... capped."""
    base = settings.REMINDER_RETRY_BACKOFF_SECONDS
    return int(min(base * (2**retries), settings.REMINDER_RETRY_BACKOFF_MAX_SECONDS))


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
    except TRANSIENT_ERRORS as exc:
        if self.request.retries >= self.max_retries:
            reminder_mark_failed(reminder_id=reminder_id, error=exc)
            return Reminder.Status.FAILED
        raise self.retry(exc=exc, countdown=retry_delay(self.request.retries)) from exc
    except Exception as exc:
        reminder_mark_failed(reminder_id=reminder_id, error=exc)
        raise
    return reminder.status


@shared_task(name="notifications.enqueue_reminders", acks_late=True, reject_on_worker_lost=True)
def enqueue_reminders(reminder_ids: list[int]) -> int:
    """Fan a batch out into one delivery task per reminder (redelivered after a crash, a
    reminder enqueued twice is still delivered once)."""
    reminders_enqueue(reminder_ids=reminder_ids)
    return len(reminder_ids)

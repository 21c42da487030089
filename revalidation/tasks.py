"""Celery tasks of the revalidation app: the daily sweep, run by beat once a day."""

from __future__ import annotations

from celery import shared_task

from . import sweeps


@shared_task(name="revalidation.tasks.daily_sweep", acks_late=True, reject_on_worker_lost=True)
def daily_sweep(only: list[str] | None = None) -> dict[str, int]:
    """Idempotent: run twice, or redelivered after a worker died mid-sweep, it records and
    sends nothing twice (the reminders' ledger) and changes no state twice (the services
    refuse a transition already taken)."""
    return sweeps.daily_sweep(only=only or ())

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from notifications.services import deliveries_inline
from revalidation import sweeps
from revalidation.tasks import daily_sweep


class Command(BaseCommand):
    help = (
        "Run the daily sweep now: revalidation reminders and lapses, action plan reminders, "
        "overdue plans and escalations, information requests, yearly profile confirmations. "
        "By default the sweep is handed to the Celery workers; with --sync it runs here and "
        "the reminders it records are delivered here too."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--only",
            action="append",
            choices=sweeps.SWEEPS,
            help="Run only this sweep (may be given more than once).",
        )
        parser.add_argument(
            "--sync",
            action="store_true",
            help="Run in this process and deliver the reminders here, without a worker.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        only = options["only"] or []
        if not options["sync"]:
            result = daily_sweep.delay(only=only)
            self.stdout.write(f"Sweep enqueued (task {result.id}).")
            return
        with deliveries_inline():
            report = sweeps.daily_sweep(only=only)
        for name, count in report.items():
            self.stdout.write(f"{name}: {count}")

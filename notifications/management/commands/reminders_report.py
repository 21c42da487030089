from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.dates import agency_tz
from notifications.selectors import reminder_report_counts, reminder_report_list


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--since takes a date such as 2026-11-01, not {value!r}.") from exc


class Command(BaseCommand):
    help = "List the reminders recorded: counts by kind and status, then each one (or each failed one)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--failed", action="store_true", help="Only the failed reminders.")
        parser.add_argument("--since", type=_date, help="Recorded on or after this date.")
        parser.add_argument(
            "--limit", type=int, default=200, help="List at most this many (default 200)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        since = None
        if options["since"] is not None:
            since = dt.datetime.combine(options["since"], dt.time(), tzinfo=agency_tz())
        failed = options["failed"]
        counts = reminder_report_counts(failed_only=failed, since=since)
        if not counts:
            self.stdout.write("No reminders.")
            return
        self.stdout.write(f"{'kind':32} {'status':8} {'count':>8}")
        for row in counts:
            self.stdout.write(f"{row['kind']:32} {row['status']:8} {row['count']:>8}")
        self.stdout.write("")
        reminders = reminder_report_list(failed_only=failed, since=since)
        for reminder in reminders[: options["limit"]]:
            when = reminder.sent_at or reminder.created_at
            line = (
                f"#{reminder.pk} {when:%Y-%m-%d %H:%M} {reminder.status:7} {reminder.kind} "
                f"{reminder.content_type.model} {reminder.object_id} {reminder.milestone} "
                f"recipients={len(reminder.recipient_ids)} attempts={reminder.attempts}"
            )
            if reminder.last_error:
                line += f" error={reminder.last_error!r}"
            self.stdout.write(line)

"""Time the daily sweep over a large data set.

    createdb -h 127.0.0.1 -U postgres tt_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tt_bench \\
        .venv/bin/python benchmarks/sweep.py --companies 160000
    dropdb -h 127.0.0.1 -U postgres tt_bench

Migrates the database named by DATABASE_URL, seeds it with ``manage.py seed_demo`` (bulk
writes, about 0.65 active memberships per company) unless it already holds memberships,
then times three sweeps: the first on the seeded data (nothing recorded yet: the catch-up of
every reminder and notice already due), the same day again (everything already recorded),
and the next day (a normal day). The deliveries are enqueued to the Redis at REDIS_URL under
a key prefix of their own (deleted afterwards); no worker runs, so this measures the sweep.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
os.environ.setdefault("CELERY_BROKER_URL", REDIS_URL)
KEY_PREFIX = f"tt-bench-{uuid.uuid4().hex[:8]}:"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=160_000)
    args = parser.parse_args()

    import django

    django.setup()
    import time_machine
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from config.celery_app import app
    from core.dates import agency_today, agency_tz
    from notifications.models import Reminder
    from notifications.services import reminders_requeue_stale
    from revalidation import sweeps
    from traders.models import Membership

    stale = dt.timedelta(minutes=settings.REMINDER_REQUEUE_AFTER_MINUTES)

    app.conf.broker_transport_options = {"global_keyprefix": KEY_PREFIX}
    call_command("migrate", verbosity=0)
    if not Membership.objects.exists():
        started = time.perf_counter()
        call_command("seed_demo", companies=args.companies, verbosity=0)
        print(f"seeded {args.companies:,} companies in {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    active = Membership.objects.filter(state=Membership.State.ACTIVE).count()
    print(f"memberships: {Membership.objects.count():,} ({active:,} active)")

    today = agency_today()
    runs = [("first sweep (catch-up)", today), ("same day again", today)]
    runs.append(("next day", today + dt.timedelta(days=1)))
    parts: list[tuple[str, Callable[..., Any]]] = [  # each called with today=
        ("requeue", lambda today: reminders_requeue_stale(older_than=stale))
    ]
    parts += [(name, sweeps.SWEEP_FUNCTIONS[name]) for name in sweeps.SWEEPS]
    try:
        for label, day in runs:
            moment = dt.datetime.combine(day, dt.time(2), tzinfo=agency_tz())
            timings = []
            with time_machine.travel(moment, tick=True), CaptureQueriesContext(connection) as q:
                before = Reminder.objects.count()
                started = time.perf_counter()
                for name, part in parts:
                    part_started = time.perf_counter()
                    part(today=day)
                    timings.append(f"{name} {time.perf_counter() - part_started:.2f}")
                elapsed = time.perf_counter() - started
            recorded = Reminder.objects.count() - before
            print(
                f"{label:24} {elapsed:6.2f} s  {len(q.captured_queries):6,} queries  "
                f"{recorded:7,} reminders recorded  ({', '.join(timings)})"
            )
            by_kind = (
                Reminder.objects.filter(status=Reminder.Status.PENDING)
                .values_list("kind")
                .annotate(n=Count("id"))
            )
            print(f"{'':24} recorded by kind: {dict(by_kind)}")
            # What the workers would do meanwhile: deliver them (bench only, not through
            # the service: no worker runs here).
            Reminder.objects.filter(status=Reminder.Status.PENDING).update(
                status=Reminder.Status.SENT, sent_at=timezone.now()
            )
    finally:
        import redis

        client = redis.Redis.from_url(REDIS_URL)
        keys = list(client.scan_iter(match=f"{KEY_PREFIX}*"))
        if keys:
            client.delete(*keys)
    pg_version = getattr(connection, "pg_version", 0)  # PostgreSQL's backend only
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"PostgreSQL {pg_version // 10000}, Python {platform.python_version()}"
    )


if __name__ == "__main__":
    main()

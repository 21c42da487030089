"""Time the manager's dashboard and the 90-day expiring list at programme scale (issue 5:
dashboard p95 <= 150 ms, list p95 <= 80 ms).

    createdb -h 127.0.0.1 -U postgres tt_bench_dash
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tt_bench_dash \\
        .venv/bin/python benchmarks/dashboard.py --companies 100000 --runs 30
    dropdb -h 127.0.0.1 -U postgres tt_bench_dash

Also times the dashboard with one filter at a time (a common and a rare business type, the
PIP programme, a province, an officer). Migrates the database named by DATABASE_URL and seeds it with ``manage.py seed_demo
--companies N`` unless it is already seeded (about 2.5 to 8 minutes for 100,000 companies),
runs VACUUM ANALYZE (the state autovacuum keeps a live database in: statistics, hint bits,
the visibility map that index-only scans need; a fresh bulk load has none of them), then requests each page in-process with Django's test Client, signed in as the
demo manager: a few warm-up requests, then ``--runs`` timed ones. Prints p50 and p95 of the
server time in milliseconds and the number of queries per request.

The connection runs with JIT off, as production's settings have it (``-c jit=off``);
``--jit`` leaves the server's default. ``--profile`` also prints each query of one request
with its time, slowest first.

``--compare`` times each page two ways in the same run, request by request in turn so that
both meet the same load: ``copies``, the selectors as they are (the copies of the company's
business types and place on applications and memberships, ``traders.reporting``; a cycle or
a plan reads its membership's), and ``joins``, the same selectors reading the company
through plain joins and the plain indexes instead (:func:`plain_joins`: the copies are not
read; the audit events' copy, written once by ``core.audit``, is kept by both). Prints p50
and p95 of the request and the median of its time in SQL, per variant.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class _Recorder:
    """Records the queries of one request, with their time in milliseconds."""

    def __init__(self, into: list[tuple[float, str]]) -> None:
        self.into = into

    def __call__(  # Django's execute_wrapper protocol
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.into.append(((time.perf_counter() - started) * 1000, sql))


@contextmanager
def plain_joins() -> Iterator[None]:
    """The dashboard's selectors with every copy of the company replaced by a join: the
    business type by ``company_id IN (the type's companies)`` (the index
    ``company_business_types_by_type``), the place by a probe of the company by its primary
    key. The audit events' copy stays (a decision counts under the company's types at the
    time)."""
    from reporting import dashboard

    saved = {kind: dict(spec) for kind, spec in dashboard.KINDS.items()}
    try:
        for kind in ("memberships", "revalidations", "plans", "applications"):
            dashboard.KINDS[kind]["copy"] = False
            dashboard.KINDS[kind]["through"] = ""
        yield
    finally:
        for kind, spec in saved.items():
            dashboard.KINDS[kind].clear()
            dashboard.KINDS[kind].update(spec)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warm-up", type=int, default=3)
    parser.add_argument("--jit", action="store_true", help="leave PostgreSQL's JIT on")
    parser.add_argument("--profile", action="store_true", help="time each query once")
    parser.add_argument(
        "--compare", action="store_true", help="time the copies and plain joins side by side"
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a scratch PostgreSQL database.")
    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False
    if not args.jit:  # as config/settings/production.py
        connection.close()
        connection.settings_dict.setdefault("OPTIONS", {})["options"] = "-c jit=off"

    call_command("migrate", verbosity=0)
    from core.models import User
    from demo.selectors import demo_is_seeded
    from traders.models import Company, Membership

    if not demo_is_seeded() or Company.objects.count() < args.companies:
        started = time.monotonic()
        call_command("seed_demo", companies=args.companies)
        print(f"Seeded {args.companies:,} companies in {time.monotonic() - started:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")

    client = Client()
    client.force_login(User.objects.get(email="manager@demo.test"))
    officer = User.objects.filter(role="officer").order_by("pk").first()
    assert officer is not None, "the demo data has officers"
    pages = {
        "dashboard": reverse("backoffice:dashboard"),
        "expiring list (90 days)": reverse("backoffice:dashboard_list", args=["expiring-90"]),
        "expiring list (90 days, PIP, ON)": reverse(
            "backoffice:dashboard_list", args=["expiring-90"]
        )
        + "?programme=PIP&province=ON",
        "dashboard (PIP, highway carriers)": reverse("backoffice:dashboard")
        + "?programme=PIP&business_type=highway_carrier",
        # One filter at a time: a common and a rare business type, a place, an officer.
        "dashboard (highway carriers)": reverse("backoffice:dashboard")
        + "?business_type=highway_carrier",
        "dashboard (rail carriers)": reverse("backoffice:dashboard")
        + "?business_type=rail_carrier",
        "dashboard (PIP)": reverse("backoffice:dashboard") + "?programme=PIP",
        "dashboard (ON)": reverse("backoffice:dashboard") + "?province=ON",
        "dashboard (officer)": reverse("backoffice:dashboard") + f"?officer={officer.pk}",
    }
    print(
        f"Data: {Company.objects.count():,} companies, {Membership.objects.count():,} "
        f"memberships ({Membership.objects.filter(state='active').count():,} active)"
    )
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        jit = cursor.fetchone()[0]
    print(
        f"Machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f}, jit {jit}"
    )
    variants: dict[str, Callable[[], Any]] = {"copies": nullcontext}
    if args.compare:
        variants["joins"] = plain_joins
    print(
        f"{'page':<36} {'variant':>7} {'p50 ms':>8} {'p95 ms':>8} {'SQL ms':>7} "
        f"{'queries':>8} {'load':>5}"
    )
    for name, url in pages.items():
        queries: dict[str, list[tuple[float, str]]] = {v: [] for v in variants}
        for variant, context in variants.items():
            with context():
                for _i in range(args.warm_up):
                    assert client.get(url).status_code == 200
                with connection.execute_wrapper(_Recorder(queries[variant])):
                    client.get(url)
        timings: dict[str, list[float]] = {v: [] for v in variants}
        sql: dict[str, list[float]] = {v: [] for v in variants}
        for _i in range(args.runs):
            for variant, context in variants.items():  # in turn: both meet the same load
                recorded: list[tuple[float, str]] = []
                with context(), connection.execute_wrapper(_Recorder(recorded)):
                    started = time.perf_counter()
                    response = client.get(url)
                    timings[variant].append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200
                sql[variant].append(sum(ms for ms, _sql in recorded))
        for variant in variants:
            print(
                f"{name:<36} {variant:>7} {statistics.median(timings[variant]):8.1f} "
                f"{percentile(timings[variant], 0.95):8.1f} "
                f"{statistics.median(sql[variant]):7.1f} {len(queries[variant]):8d} "
                f"{os.getloadavg()[0]:5.1f}",
                flush=True,
            )
            if args.profile:
                for ms, statement in sorted(queries[variant], reverse=True):
                    print(f"    {ms:7.1f} ms  {statement[:150]}")


if __name__ == "__main__":
    main()

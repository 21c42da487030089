"""Time the membership certificate PDF (issue 5: one-page certificate p95 <= 300 ms).

    .venv/bin/python benchmarks/certificate.py --runs 50
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tt_bench \\
        .venv/bin/python benchmarks/certificate.py --runs 50 --from-database

Renders the certificate ``--runs`` times in one process, as a web or Celery worker does
(the first rendering, which parses the stylesheets and loads the fonts, is timed apart), and
prints p50 and p95 in milliseconds. By default the membership is built in memory (no
database needed); with ``--from-database`` it is the first active membership of the
database named by DATABASE_URL, loaded on each run as the download endpoint does. Nothing
is stored.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--from-database", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    from traders.documents import certificate_render
    from traders.models import Company, Membership

    if args.from_database:
        pk = Membership.objects.filter(state=Membership.State.ACTIVE).values_list("pk", flat=True)
        first = pk.first()
        if first is None:
            sys.exit("No active membership in the database: seed it or drop --from-database.")

        def load() -> Membership:
            return Membership.objects.select_related("company").get(pk=first)
    else:
        company = Company(
            legal_name="Érable Freight Forwarding and Logistics Ltée",
            business_number="123456789RM0001",
        )
        sample = Membership(
            company=company,
            programme="PIP",
            member_number="PIP0001234",
            certified_on=dt.date(2026, 3, 12),
            expires_on=dt.date(2030, 3, 12),
        )

        def load() -> Membership:
            return sample

    started = time.perf_counter()
    pdf = certificate_render(membership=load())
    first_ms = (time.perf_counter() - started) * 1000

    timings = []
    for _ in range(args.runs):
        started = time.perf_counter()
        certificate_render(membership=load())
        timings.append((time.perf_counter() - started) * 1000)

    print(
        f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} CPU(s), "
        f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.2f}"
    )
    print(f"certificate PDF: {len(pdf) / 1024:.0f} KiB, first rendering {first_ms:.0f} ms")
    print(
        f"{args.runs} renderings: p50 {statistics.median(timings):.0f} ms, "
        f"p95 {percentile(timings, 0.95):.0f} ms, max {max(timings):.0f} ms "
        f"(target p95 <= 300 ms)"
    )


if __name__ == "__main__":
    main()

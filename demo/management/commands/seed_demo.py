"""``manage.py seed_demo``: demo users and companies in every state of every lifecycle."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from demo.accounts import DEMO_PASSWORD, EXTRA_OFFICERS
from demo.selectors import demo_credentials, demo_is_seeded
from demo.services import DemoDataNotAllowed, demo_data_allowed_check, demo_seed


def _at_least(minimum: int) -> Callable[[str], int]:
    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
        if number < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, not {number}")
        return number

    return parse


class Command(BaseCommand):
    help = (
        "Load a demo data set: one user per role (password "
        f"{DEMO_PASSWORD!r}, printed at the end), {len(EXTRA_OFFICERS)} more "
        "officers, and N companies with their sites, users, applications, security profiles, "
        "memberships, site validations and findings, action plans, incidents, change notices "
        "and revalidation cycles, in every state of every lifecycle (the first companies "
        "take the states in turn, so 40 companies cover them all; later ones are drawn with "
        "realistic weights), with the audit events that led there. The demo trader "
        "(trader@demo.test) signs for an active PIP member with a CSA application in draft. "
        "Reproducible: the same --seed and --companies on the same day give the same data. "
        "Security profile answers (50 per profile) and a finding per requirement are written "
        "only for the first --full-profiles companies; later companies keep their profiles "
        "(submitted dates included) without answers, and only the findings that fall short. "
        "Running it again adds N more companies (new business numbers, e-mails, references "
        "and member numbers; the demo users are reused), unless --skip-if-seeded. Each batch "
        "is one transaction; on PostgreSQL rows are written with COPY (100,000 companies in "
        "about three minutes). The lifecycle services are bypassed for speed: demo data only, "
        "never on a production database (refused unless the settings allow demo data)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--companies",
            type=_at_least(0),
            default=60,
            help="How many companies to add (default 60).",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=2026,
            help="Random seed, for a reproducible data set (default 2026).",
        )
        parser.add_argument(
            "--skip-if-seeded",
            action="store_true",
            help="If the demo users already exist, print their credentials and change nothing.",
        )
        parser.add_argument(
            "--batch-size",
            type=_at_least(1),
            default=2000,
            help="Companies written per transaction (default 2000).",
        )
        parser.add_argument(
            "--full-profiles",
            type=_at_least(0),
            default=1000,
            help=(
                "How many of the companies get full security profile answers, with evidence, "
                "and a finding per requirement in each completed site validation (default "
                "1000); the others get profiles without answers."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            demo_data_allowed_check()
        except DemoDataNotAllowed as exc:  # before anything is read or written
            raise CommandError(str(exc)) from exc
        if options["skip_if_seeded"] and demo_is_seeded():
            self.stdout.write("Demo data already loaded; nothing changed.")
            self._credentials()
            return
        companies = options["companies"]
        self.stdout.write(
            f"Seeding {companies:,} companies (seed {options['seed']}, "
            f"{options['batch_size']:,} per batch, full profiles for the first "
            f"{min(companies, options['full_profiles']):,})..."
        )
        try:
            report = demo_seed(
                companies=companies,
                seed=options["seed"],
                batch_size=options["batch_size"],
                full_profiles=options["full_profiles"],
                progress=self.stdout.write,
            )
        except Exception as exc:  # a clear message; the failed batch was rolled back
            raise CommandError(f"Seeding failed ({type(exc).__name__}: {exc}).") from exc

        self.stdout.write("")
        self.stdout.write(f"Rows written in {report.seconds:.1f} s:")
        width = max((len(label) for label in report.rows), default=10)
        for label, count in sorted(report.rows.items()):
            self.stdout.write(f"  {label:<{width}}  {count:>12,}")
        self.stdout.write(f"  {'total':<{width}}  {sum(report.rows.values()):>12,}")
        users = "created" if report.created_demo_users else "already there, reused"
        self.stdout.write(
            self.style.SUCCESS(f"Added {report.companies:,} companies; demo users {users}.")
        )
        self._credentials()

    def _credentials(self) -> None:
        rows = [("E-mail", "Password", "Role", "To try")] + demo_credentials()
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        self.stdout.write("")
        self.stdout.write("Demo users:")
        for number, row in enumerate(rows):
            line = "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))
            self.stdout.write(("  " + line).rstrip())
            if number == 0:
                self.stdout.write("  " + "  ".join("-" * w for w in widths))

"""Check the dashboard's copies of each company on its applications and memberships."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from traders.reporting import copies_drift


class Command(BaseCommand):
    help = (
        "List the applications and memberships whose copy of their company's business types "
        "or place differs from the company (exit status 1 if any). Changes nothing: "
        "manage.py reporting_rebuild rewrites them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--company", type=int, action="append", help="Only this company id.")

    def handle(self, *args: Any, **options: Any) -> None:
        drift = copies_drift(company_ids=options["company"])
        for row in drift:
            self.stdout.write(str(row))
        if drift:
            raise CommandError(
                f"{len(drift)} copies differ from their company: run manage.py reporting_rebuild."
            )
        self.stdout.write("Every copy matches its company.")

"""Rewrite the dashboard's copies of each company on its applications and memberships."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from traders.models import Company
from traders.reporting import copies_rebuild


class Command(BaseCommand):
    help = (
        "Rewrite each application's and membership's copy of its company's business types "
        "and place from the company (after a bulk write, loaddata or a data migration)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--company", type=int, action="append", help="Only this company id.")

    def handle(self, *args: Any, **options: Any) -> None:
        ids = options["company"]
        with transaction.atomic():
            companies = Company.objects.select_for_update().order_by("pk")
            if ids:
                companies = companies.filter(pk__in=ids)
            locked = list(companies.values_list("pk", flat=True))
            changed = copies_rebuild(company_ids=locked if ids else None)
        self.stdout.write(f"{changed} rows rewritten.")

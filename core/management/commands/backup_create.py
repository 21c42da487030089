"""manage.py backup_create FOLDER: the database and the uploads, with a manifest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.backups import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database and the uploads into a new folder (docs/operations.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path, help="A new or empty folder.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup_create(to=options["folder"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"Backed up {manifest['database']} ({manifest['vendor']}): {rows} rows, "
            f"{manifest['audit']['events']} audit events, {len(manifest['uploads'])} uploads "
            f"into {options['folder']}"
        )

"""manage.py backup_verify FOLDER: compare the database and the uploads with a backup's
manifest (exit status 1 on any difference)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.backups import BackupError, backup_verify


class Command(BaseCommand):
    help = "List every difference between the database and uploads and a backup's manifest."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path, help="A folder written by backup_create.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup_verify(source=options["folder"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        for difference in result.differences:
            self.stderr.write(difference)
        if not result.ok:
            raise CommandError(f"{len(result.differences)} differences from the manifest.")
        self.stdout.write("Rows, audit trail and uploads match the manifest.")

"""manage.py backup_restore FOLDER: load a backup into an empty database and uploads folder,
then check it against its manifest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.backups import BackupError, backup_restore, backup_verify


class Command(BaseCommand):
    help = "Restore a backup into the configured (empty) database and MEDIA_ROOT, then verify it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path, help="A folder written by backup_create.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            backup_restore(source=options["folder"])
            result = backup_verify(source=options["folder"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        for difference in result.differences:
            self.stderr.write(difference)
        if not result.ok:
            raise CommandError(
                f"Restored, but {len(result.differences)} differences from the manifest."
            )
        self.stdout.write("Restored; rows, audit trail and uploads match the manifest.")

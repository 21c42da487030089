"""Backups of the database and the uploads, restored and verified against their manifest.

A backup is a folder:

- ``database.dump`` (PostgreSQL, ``pg_dump --format=custom``: schema, rows, the audit trail's
  append-only trigger) or ``database.sqlite3`` (SQLite's online backup, consistent while the
  application runs);
- ``uploads.tar.gz``: every file under ``MEDIA_ROOT``;
- ``manifest.json``: when, from which database, the row count of every table, each upload's
  size and SHA-256, and a digest of the audit trail (each event's id, time, object, action,
  states and note, in order).

:func:`backup_restore` loads a backup into an *empty* database and an empty uploads folder
(it refuses otherwise: a restore never mixes with live data); :func:`backup_verify` compares
what the database and the uploads hold with the manifest and lists every difference.
Operations: docs/operations.md.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from core.models import AuditEvent

MANIFEST = "manifest.json"
PG_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
UPLOADS = "uploads.tar.gz"


class BackupError(Exception):
    """A backup or restore that cannot go on, with what to do about it."""


@dataclass
class Verification:
    differences: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences


def _pg_command(tool: str, *args: str) -> tuple[list[str], dict[str, str]]:
    db = connection.settings_dict
    command = [tool, "--no-password", "-h", db.get("HOST") or "127.0.0.1"]
    if db.get("PORT"):
        command += ["-p", str(db["PORT"])]
    if db.get("USER"):
        command += ["-U", db["USER"]]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return [*command, *args, "-d", db["NAME"]], env


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=3600)
    except FileNotFoundError as exc:
        raise BackupError(
            f"{command[0]} is not installed (Debian: apt-get install postgresql-client)."
        ) from exc
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()}")


def _row_counts() -> dict[str, int]:
    """The row count of every table in the database (the schema's, not the app registry's:
    a backup holds every table, whichever app or library made it)."""
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def _audit_digest() -> dict[str, Any]:
    digest = hashlib.sha256()
    count = 0
    rows = AuditEvent.objects.order_by("id").values_list(
        "id",
        "occurred_at",
        "content_type__app_label",
        "content_type__model",
        "object_id",
        "action",
        "from_state",
        "to_state",
        "note",
        "actor_id",
    )
    for row in rows.iterator(chunk_size=5000):
        digest.update(json.dumps(row, default=str).encode() + b"\n")
        count += 1
    return {"events": count, "sha256": digest.hexdigest()}


def _uploads() -> dict[str, dict[str, Any]]:
    root = Path(settings.MEDIA_ROOT)
    files: dict[str, dict[str, Any]] = {}
    if not root.is_dir():
        return files
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        sha = hashlib.sha256()
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                sha.update(chunk)
        files[path.relative_to(root).as_posix()] = {
            "size": path.stat().st_size,
            "sha256": sha.hexdigest(),
        }
    return files


def _state() -> dict[str, Any]:
    return {"tables": _row_counts(), "audit": _audit_digest(), "uploads": _uploads()}


def backup_create(*, to: Path) -> dict[str, Any]:
    """Write a backup of the database and the uploads into the new folder ``to``.

    The manifest's counts are those of the dump itself: on PostgreSQL, ``pg_dump`` reads the
    snapshot of the transaction that counts (``pg_export_snapshot``), so rows committed
    meanwhile are in neither; on SQLite the copy and the counts are read in one transaction.
    Only the uploads listed in the manifest go into the archive (uploads are written once)."""
    to = Path(to)
    if to.exists() and any(to.iterdir()):
        raise BackupError(f"{to} is not empty: give a new folder for each backup.")
    to.mkdir(parents=True, exist_ok=True)
    vendor = connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        raise BackupError(f"No backup for a {vendor} database.")
    with transaction.atomic():
        if vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
            command, env = _pg_command(
                "pg_dump",
                "--format=custom",
                "--no-owner",
                f"--snapshot={snapshot}",
                "-f",
                str(to / PG_DUMP),
            )
            _run(command, env)
            state = _state()
        else:
            state = _state()
    if vendor == "sqlite":
        # SQLite's online backup, through its own connection (it copies a consistent
        # snapshot; uploads and counts were read just before, writes since are not counted).
        source = sqlite3.connect(connection.settings_dict["NAME"])
        target = sqlite3.connect(to / SQLITE_COPY)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    root = Path(settings.MEDIA_ROOT)
    with tarfile.open(to / UPLOADS, "w:gz") as archive:
        for name in state["uploads"]:
            archive.add(root / name, arcname=name)
    manifest = {
        "created_at": timezone.now().isoformat(),
        "vendor": vendor,
        "database": str(connection.settings_dict["NAME"]),
        **state,
    }
    (to / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


def _manifest(source: Path) -> dict[str, Any]:
    try:
        manifest: dict[str, Any] = json.loads((Path(source) / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"{source} has no readable {MANIFEST}: is it a backup folder?") from exc
    return manifest


def backup_restore(*, source: Path) -> None:
    """Load the backup in ``source`` into the configured database and ``MEDIA_ROOT``, both
    empty (a restore never mixes with live data)."""
    source = Path(source)
    manifest = _manifest(source)
    vendor = connection.vendor
    if manifest["vendor"] != vendor:
        raise BackupError(
            f"The backup is of a {manifest['vendor']} database; this one is {vendor}."
        )
    if connection.introspection.table_names():
        raise BackupError(
            f"The database {connection.settings_dict['NAME']} already has tables: restore into "
            "a new, empty database."
        )
    root = Path(settings.MEDIA_ROOT)
    if root.is_dir() and any(root.iterdir()):
        raise BackupError(f"The uploads folder {root} is not empty: restore into an empty one.")
    if vendor == "postgresql":
        command, env = _pg_command(
            "pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", str(source / PG_DUMP)
        )
        _run(command, env)
    else:
        connection.close()
        shutil.copyfile(source / SQLITE_COPY, connection.settings_dict["NAME"])
    root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source / UPLOADS, "r:gz") as archive:
        archive.extractall(root, filter="data")
    connection.close()  # the next query sees the restored schema


def backup_verify(*, source: Path) -> Verification:
    """Every difference between the manifest in ``source`` and what the database and the
    uploads hold now: row counts, the audit trail's digest, each file's size and checksum."""
    manifest = _manifest(Path(source))
    now = _state()
    result = Verification()
    for table, count in manifest["tables"].items():
        have = now["tables"].get(table)
        if have != count:
            result.differences.append(f"{table}: {count} rows backed up, {have} now")
    if now["audit"] != manifest["audit"]:
        result.differences.append(
            f"audit trail: {manifest['audit']['events']} events backed up "
            f"(sha256 {manifest['audit']['sha256'][:12]}), {now['audit']['events']} now "
            f"(sha256 {now['audit']['sha256'][:12]})"
        )
    for name, meta in manifest["uploads"].items():
        if name not in now["uploads"]:
            result.differences.append(f"upload {name}: missing")
        elif now["uploads"][name] != meta:
            result.differences.append(f"upload {name}: size or checksum differs")
    return result

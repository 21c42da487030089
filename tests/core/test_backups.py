"""Backups (core.backups, docs/operations.md): a backup restored into a new database and an
empty uploads folder, by the commands an operator runs, holds the same rows, the same files
and the same audit trail, still append-only; a restore never mixes with live data, and a
restored copy that lost a file or rows is caught."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from core.models import AuditEvent
from tests.factories import make_membership

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(settings.BASE_DIR)


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def new_database(tmp_path: Path):
    """The URL of a new, empty database of the same kind as the test database."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    db = connection.settings_dict
    name = f"tt_restore_{uuid.uuid4().hex[:10]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    yield f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{name}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restored_into_a_new_database_has_the_same_rows_files_and_audit_trail(
    tmp_path: Path, settings, new_database
) -> None:
    settings.MEDIA_ROOT = tmp_path / "uploads"
    membership = make_membership()
    events = AuditEvent.objects.count()
    backup = tmp_path / "backup"

    call_command("backup_create", str(backup))

    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["tables"]["traders_membership"] == 1
    assert manifest["audit"]["events"] == events > 0
    uploaded = sorted(p for p in (tmp_path / "uploads").rglob("*") if p.is_file())
    assert uploaded and len(manifest["uploads"]) == len(uploaded)

    restored_var = tmp_path / "restored-var"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": new_database,
        "VAR_DIR": str(restored_var),
    }
    restored = _manage(env, "backup_restore", str(backup))
    assert restored.returncode == 0, restored.stderr
    assert "match the manifest" in restored.stdout

    # Read back independently of the manifest: the member, its files, its trail.
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, json; django.setup()\n"
            "from django.db import DatabaseError, connection, transaction\n"
            "from core.models import AuditEvent\n"
            "from traders.models import Membership, EvidenceFile\n"
            "m = Membership.objects.get()\n"
            "refused = None\n"
            "if connection.vendor == 'postgresql':\n"
            "    try:\n"
            "        with transaction.atomic(), connection.cursor() as c:\n"
            "            c.execute(\"UPDATE core_auditevent SET note = 'forged'\")\n"
            "        refused = False\n"
            "    except DatabaseError:\n"
            "        refused = True\n"
            "print(json.dumps({'number': m.member_number, 'expires': str(m.expires_on),\n"
            "    'events': AuditEvent.objects.count(),\n"
            "    'files': [f.file.open('rb').read()[:4].decode('latin-1')\n"
            "              for f in EvidenceFile.objects.all()[:3]],\n"
            "    'trigger_refuses_update': refused}))",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert probe.returncode == 0, probe.stderr
    seen = json.loads(probe.stdout.strip().splitlines()[-1])
    assert seen["number"] == membership.member_number
    assert seen["expires"] == str(membership.expires_on)
    assert seen["events"] == events
    assert seen["files"] and all(head == "%PDF" for head in seen["files"])
    if connection.vendor == "postgresql":
        assert seen["trigger_refuses_update"] is True

    # A restored copy that lost a file is caught, naming the file.
    lost = next((restored_var / "test-uploads").rglob("*.pdf"))
    lost.unlink()
    verified = _manage(env, "backup_verify", str(backup))
    assert verified.returncode == 1
    assert lost.name in verified.stderr and "missing" in verified.stderr

    # A second restore over the restored data is refused: nothing is mixed or overwritten.
    again = _manage(env, "backup_restore", str(backup))
    assert again.returncode == 1
    assert "already has tables" in again.stderr


def test_a_backup_goes_into_a_new_folder_only(tmp_path: Path, settings) -> None:
    settings.MEDIA_ROOT = tmp_path / "uploads"
    folder = tmp_path / "used"
    folder.mkdir()
    (folder / "manifest.json").write_text("{}")
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup_create", str(folder))
    assert (folder / "manifest.json").read_text() == "{}"

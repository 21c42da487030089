"""A real Celery worker against the Redis on 127.0.0.1 (settings.REDIS_URL): the daily
sweep, enqueued as an operator would (``manage.py run_sweep``), records a reminder and the
worker delivers it end to end; a worker killed in the middle of a delivery and started
again sends nothing twice and misses nothing.

CI must run these: they skip only where no Redis answers and CI is not set."""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.db import connection

from core.dates import add_years, agency_today
from notifications.models import Reminder, ReminderKind
from revalidation.models import RevalidationCycle
from tests.factories import make_membership, trader_of
from tests.revalidation.helpers import at_noon
from tests.test_celery_worker import stop, wait_for
from tests.traders.factories import small_catalogue_load

ROOT = Path(settings.BASE_DIR)
WAIT_SECONDS = 90

pytestmark = [
    pytest.mark.worker,
    pytest.mark.postgres("the worker's processes meet at row locks (FOR UPDATE SKIP LOCKED)"),
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data_back_afterwards", "reference_data"),
]


@pytest.fixture
def redis_url() -> str:
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as exc:
        if os.environ.get("CI"):
            pytest.fail(f"No Redis at {settings.REDIS_URL} ({exc}); CI must run this test.")
        pytest.skip(f"no Redis at {settings.REDIS_URL}")
    return settings.REDIS_URL


@pytest.fixture
def worker_env(redis_url, tmp_path):
    prefix = f"tt-test-{uuid.uuid4().hex[:12]}:"
    db = connection.settings_dict
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "tests.revalidation.worker_settings",
        "VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "CELERY_BROKER_URL": redis_url,
        "TT_TEST_KEY_PREFIX": prefix,
        "TT_TEST_QUEUE": f"{prefix}celery",
        "TT_TEST_MAIL_DIR": str(tmp_path / "mail"),
        "TT_TEST_BLOCK_FLAG": str(tmp_path / "block"),
    }
    (tmp_path / "mail").mkdir()
    yield env
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"{prefix}*"))
    if keys:
        client.delete(*keys)


def start_worker(env: dict[str, str], log: Path, name: str) -> subprocess.Popen:
    with log.open("w") as out:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config.celery_app",
                "worker",
                "--loglevel=INFO",
                "--concurrency=1",
                "--without-gossip",
                "--without-mingle",
                f"--hostname={name}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    wait_for(rf"{name}@\S+ ready\.", log, worker, time.monotonic() + WAIT_SECONDS)
    return worker


def kill(worker: subprocess.Popen) -> None:
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=15)


def run_sweep(env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "manage.py", "run_sweep", "--only", "revalidation"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=WAIT_SECONDS,
    )
    assert done.returncode == 0, done.stderr
    assert "Sweep enqueued" in done.stdout


def member_due_for_a_reminder():
    """A membership certified four years ago less 100 days: it expires in about 100 days."""
    certified = add_years(agency_today(), -4) + dt.timedelta(days=100)
    small_catalogue_load(version="scheduling", effective_from="2020-01-01")
    with time_machine.travel(at_noon(certified), tick=False):
        membership = make_membership()
    assert 90 < (membership.expires_on - agency_today()).days <= 180
    return membership


def wait_until(condition, what: str, logs: list[Path]) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    raise AssertionError(f"{what} never happened:\n" + "\n".join(p.read_text() for p in logs))


def mails_written(mail_dir: Path) -> Counter[tuple[int, str]]:
    """(reminder id, address) of each message the worker wrote."""
    counts: Counter[tuple[int, str]] = Counter()
    for path in mail_dir.iterdir():
        for message in path.read_text().split("-" * 79):
            reminder = re.search(r"^X-Reminder: (\d+)$", message, re.M)
            to = re.search(r"^To: (\S+)$", message, re.M)
            if reminder and to:
                counts[(int(reminder.group(1)), to.group(1))] += 1
    return counts


def reminder_sent() -> bool:
    return Reminder.objects.filter(
        kind=ReminderKind.REVALIDATION_DUE, status=Reminder.Status.SENT
    ).exists()


def test_a_real_worker_runs_the_sweep_and_delivers_the_reminder(worker_env, tmp_path):
    membership = member_due_for_a_reminder()
    log = tmp_path / "worker.log"
    worker = start_worker(worker_env, log, "sweep-worker")
    try:
        assert "transport:   redis://" in log.read_text()
        run_sweep(worker_env)
        wait_until(reminder_sent, "the reminder's delivery", [log])
    finally:
        stop(worker)
    reminder = Reminder.objects.get(kind=ReminderKind.REVALIDATION_DUE)
    assert reminder.object_id == membership.pk and reminder.days_before == 180
    assert reminder.attempts == 1
    assert RevalidationCycle.objects.filter(membership=membership).exists()
    assert mails_written(tmp_path / "mail") == Counter(
        {
            (reminder.pk, trader_of(membership.company).email): 1,
            (reminder.pk, membership.assigned_officer.email): 1,
        }
    )


def test_a_worker_killed_mid_delivery_sends_nothing_twice_and_misses_nothing(worker_env, tmp_path):
    membership = member_due_for_a_reminder()
    flag = Path(worker_env["TT_TEST_BLOCK_FLAG"])
    flag.touch()
    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
    worker = start_worker(worker_env, first_log, "doomed-worker")
    try:
        run_sweep(worker_env)
        wait_until(Path(f"{flag}.started").exists, "the delivery's start", [first_log])
    finally:
        kill(worker)
    reminder = Reminder.objects.get(kind=ReminderKind.REVALIDATION_DUE)
    assert reminder.status == Reminder.Status.PENDING  # the killed attempt was rolled back
    assert not mails_written(tmp_path / "mail")

    flag.unlink()
    worker = start_worker(worker_env, second_log, "second-worker")
    try:
        wait_until(reminder_sent, "the redelivery", [first_log, second_log])
        # The sweep, redelivered or run again, records nothing more.
        run_sweep(worker_env)
        time.sleep(3)
    finally:
        stop(worker)
    reminder.refresh_from_db()
    assert reminder.attempts == 1
    assert Reminder.objects.count() == Reminder.objects.filter(status="sent").count()
    assert Reminder.objects.filter(kind=ReminderKind.REVALIDATION_DUE).count() == 1
    assert mails_written(tmp_path / "mail") == Counter(
        {
            (reminder.pk, trader_of(membership.company).email): 1,
            (reminder.pk, membership.assigned_officer.email): 1,
        }
    )

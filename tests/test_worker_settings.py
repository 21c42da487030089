"""The Celery settings production runs with, read in a fresh process: they are sized for real
faults. A killed worker's unacknowledged tasks come back after the broker's visibility
timeout (minutes, not an hour); that timeout outlasts the longest task (its time limit) and
every retry's countdown, so Redis never hands a task still running, or still waiting for its
retry, to a second worker; tasks are acknowledged after they run and requeued when their
worker dies (every task is idempotent), and a worker reserves one task at a time."""

from __future__ import annotations

import json

import pytest

from tests.test_settings import PRODUCTION, SECRET_KEY_60, manage

READ_CELERY = """
import json
from django.conf import settings
from config.celery_app import app
from notifications.tasks import retry_delay
app.loader.import_default_modules()
conf = app.conf
tasks = {
    name: {
        "acks_late": task.acks_late,
        "reject_on_worker_lost": task.reject_on_worker_lost,
        "retry_backoff_max": getattr(task, "retry_backoff_max", None)
        if getattr(task, "retry_backoff", False) else None,
    }
    for name, task in app.tasks.items()
    if not name.startswith("celery.")
}
print(json.dumps({
    "visibility_timeout": conf.broker_transport_options.get("visibility_timeout"),
    "acks_late": conf.task_acks_late,
    "reject_on_worker_lost": conf.task_reject_on_worker_lost,
    "prefetch_multiplier": conf.worker_prefetch_multiplier,
    "time_limit": conf.task_time_limit,
    "soft_time_limit": conf.task_soft_time_limit,
    "reminder_longest_countdown": max(
        retry_delay(n) for n in range(settings.REMINDER_MAX_RETRIES + 1)
    ),
    "tasks": tasks,
}))
"""


@pytest.fixture(scope="module")
def production_celery(tmp_path_factory) -> dict:
    env = {**PRODUCTION, "SECRET_KEY": SECRET_KEY_60, "ALLOWED_HOSTS": "tt.example.org"}
    result = manage("shell", "-c", READ_CELERY, env=env, tmp_path=tmp_path_factory.mktemp("p"))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_killed_workers_tasks_come_back_within_minutes(production_celery):
    assert production_celery["visibility_timeout"] == 15 * 60


def test_the_visibility_timeout_outlasts_the_longest_task(production_celery):
    soft, hard = production_celery["soft_time_limit"], production_celery["time_limit"]
    assert soft is not None and hard is not None
    assert soft < hard < production_celery["visibility_timeout"]


def test_no_retry_waits_longer_than_the_visibility_timeout(production_celery):
    timeout = production_celery["visibility_timeout"]
    assert production_celery["reminder_longest_countdown"] < timeout
    backoffs = [t["retry_backoff_max"] for t in production_celery["tasks"].values()]
    assert all(backoff < timeout for backoff in backoffs if backoff is not None)


def test_tasks_are_acknowledged_after_they_run_and_requeued_if_their_worker_dies(
    production_celery,
):
    assert production_celery["acks_late"] is True
    assert production_celery["reject_on_worker_lost"] is True
    assert production_celery["prefetch_multiplier"] == 1
    tasks = production_celery["tasks"]
    for expected in (
        "notifications.deliver_reminder",
        "notifications.enqueue_reminders",
        "revalidation.tasks.daily_sweep",
        "traders.issue_certificate",
        "core.tasks.heartbeat",
    ):
        assert expected in tasks
    for name, task in tasks.items():
        assert task["acks_late"] and task["reject_on_worker_lost"], name

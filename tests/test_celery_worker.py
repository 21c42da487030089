"""A real Celery worker, started as bin/start starts it (local settings, kombu's filesystem
transport), receives core.tasks.heartbeat sent through the project's own Celery app and runs it."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.worker

ROOT = Path(settings.BASE_DIR)
WAIT_SECONDS = 60


def local_env(var_dir: Path) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "VAR_DIR": str(var_dir),
        "DATABASE_URL": f"sqlite:///{var_dir / 'db.sqlite3'}",
    }


def wait_for(pattern: str, log: Path, worker: subprocess.Popen, deadline: float) -> re.Match:
    while time.monotonic() < deadline:
        match = re.search(pattern, log.read_text(errors="replace"))
        if match:
            return match
        if worker.poll() is not None:
            break
        time.sleep(0.2)
    raise AssertionError(
        f"worker log never matched {pattern!r} (exit code {worker.poll()}):\n{log.read_text()}"
    )


def start_worker(env: dict[str, str], log: Path, *, hostname: str) -> subprocess.Popen:
    """A real worker of the project's Celery app, as bin/start starts it, leading its own
    process group (see :func:`stop`), its output in ``log``."""
    with log.open("w") as out:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config.celery_app",
                "worker",
                "--loglevel=INFO",
                "--concurrency=1",
                f"--hostname={hostname}",
            ],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop(worker: subprocess.Popen) -> None:
    """The worker leads its own process group: end it and its pool processes, always."""
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(worker.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    worker.wait(timeout=15)


def test_a_real_worker_runs_the_heartbeat_task(tmp_path: Path) -> None:
    var_dir = tmp_path / "var"
    celery_dir = var_dir / "celery"
    for folder in ("broker", "processed"):
        (celery_dir / folder).mkdir(parents=True)  # kombu's filesystem transport needs them
    env = local_env(var_dir)
    log = tmp_path / "worker.log"
    deadline = time.monotonic() + WAIT_SECONDS

    worker = start_worker(env, log, hostname="test-worker@%h")
    try:
        wait_for(r"test-worker@\S+ ready\.", log, worker, deadline)
        assert "transport:   filesystem://" in log.read_text()
        # The exchange table goes under VAR_DIR too, not into the working directory.
        assert (celery_dir / "control" / "celery.pidbox.exchange").is_file()

        sent = subprocess.run(
            [
                sys.executable,
                "-c",
                "import django; django.setup()\n"
                "from core.tasks import heartbeat\n"
                "print(heartbeat.delay().id)",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=WAIT_SECONDS,
        )
        assert sent.returncode == 0, sent.stderr
        task_id = sent.stdout.strip().splitlines()[-1]
        assert re.fullmatch(r"[0-9a-f-]{36}", task_id)

        wait_for(rf"Task core\.tasks\.heartbeat\[{task_id}\] received", log, worker, deadline)
        done = wait_for(
            rf"Task core\.tasks\.heartbeat\[{task_id}\] succeeded in [0-9.e-]+s: '([^']+)'",
            log,
            worker,
            deadline,
        )
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+\+00:00", done.group(1))
        assert f"heartbeat {done.group(1)}" in log.read_text()
        assert not list((celery_dir / "broker").iterdir()), "the message was not consumed"
    finally:
        stop(worker)
    assert worker.returncode is not None

"""Structured logs (core.logging): every request answered with an X-Request-ID and logged once
with its outcome, duration, user and role; every line it writes carries its request id; JSON
lines in production; a task sent from a request carries the request id into the worker."""

from __future__ import annotations

import json
import logging
import logging.config
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from core.logging import ContextFilter, logging_config, request_id_bound
from tests.factories import CompanyFactory, trader_of
from tests.test_celery_worker import (
    ROOT,
    WAIT_SECONDS,
    local_env,
    start_worker,
    stop,
    wait_for,
)

pytestmark = pytest.mark.django_db


def _request_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "trusted_trader.request"]


def test_a_request_is_answered_with_its_id_and_logged_once_with_outcome_and_user(
    client, caplog
) -> None:
    trader = trader_of(CompanyFactory())
    client.force_login(trader)
    with caplog.at_level(logging.INFO, logger="trusted_trader.request"):
        response = client.get(
            reverse("portal:home") + "?token=secret", HTTP_X_REQUEST_ID="ops-1234abcd"
        )
    assert response.status_code == 200
    assert response["X-Request-ID"] == "ops-1234abcd"
    [record] = _request_records(caplog)
    assert record.request_id == "ops-1234abcd"
    assert record.status == 200 and record.outcome == "ok"
    assert record.method == "GET"
    assert record.path == reverse("portal:home")  # the query string (a token) is never logged
    assert "secret" not in record.getMessage()
    assert record.duration_ms >= 0
    assert record.user_id == trader.pk and record.role == "trader"


@pytest.mark.parametrize("given", ["", "short", "has spaces in it", "x" * 65, "a;rm -rf /"])
def test_a_missing_or_unusable_request_id_is_replaced_by_a_new_one(client, caplog, given) -> None:
    with caplog.at_level(logging.INFO, logger="trusted_trader.request"):
        response = client.get(reverse("core:home"), HTTP_X_REQUEST_ID=given)
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    [record] = _request_records(caplog)
    assert record.request_id == response["X-Request-ID"]
    assert record.user_id is None and record.role is None


def test_an_api_caller_signed_in_by_token_is_named_and_a_refusal_is_a_client_error(
    client, caplog
) -> None:
    trader = trader_of(CompanyFactory())
    token = Token.objects.create(user=trader)
    with caplog.at_level(logging.INFO, logger="trusted_trader.request"):
        ok = client.get("/api/v1/companies/", HTTP_AUTHORIZATION=f"Token {token.key}")
        missing = client.get("/api/v1/companies/999999/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert ok.status_code == 200 and missing.status_code == 404
    first, second = _request_records(caplog)
    assert first.user_id == trader.pk and first.role == "trader" and first.outcome == "ok"
    assert second.status == 404 and second.outcome == "client_error"


def test_production_lines_are_json_objects_with_the_request_id_user_and_fields() -> None:
    config = logging_config(fmt="json", level="INFO")
    formatter = logging.config.DictConfigurator(config).configure_custom(
        dict(config["formatters"]["json"])
    )
    record = logging.LogRecord(
        "trusted_trader.request", logging.INFO, __file__, 1, "GET / 200", (), None
    )
    record.status = 200
    record.duration_ms = 3.5
    with request_id_bound("req-0000aaaa"):
        ContextFilter().filter(record)
    line = json.loads(formatter.format(record))
    assert line["message"] == "GET / 200"
    assert line["level"] == "INFO" and line["logger"] == "trusted_trader.request"
    assert line["request_id"] == "req-0000aaaa"
    assert line["status"] == 200 and line["duration_ms"] == 3.5
    assert "time" in line and "user_id" in line


@pytest.mark.worker
def test_a_task_sent_during_a_request_carries_its_request_id_into_the_worker(
    tmp_path: Path,
) -> None:
    var_dir = tmp_path / "var"
    celery_dir = var_dir / "celery"
    for folder in ("broker", "processed"):
        (celery_dir / folder).mkdir(parents=True)
    env = {**local_env(var_dir), "LOG_FORMAT": "json"}
    log = tmp_path / "worker.log"
    deadline = time.monotonic() + WAIT_SECONDS
    worker = start_worker(env, log, hostname="log-worker@%h")
    try:
        wait_for(r"log-worker@\S+ ready\.", log, worker, deadline)
        sent = subprocess.run(
            [
                sys.executable,
                "-c",
                "import django; django.setup()\n"
                "from core.logging import request_id_bound\n"
                "from core.tasks import heartbeat\n"
                "with request_id_bound('req-from-a-page-42'):\n"
                "    print(heartbeat.delay().id)",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=WAIT_SECONDS,
        )
        assert sent.returncode == 0, sent.stderr
        task_id = sent.stdout.strip().splitlines()[-1]
        wait_for(r'"task": "core\.tasks\.heartbeat"', log, worker, deadline)
    finally:
        stop(worker)
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    beat = [line for line in lines if line["message"].startswith("heartbeat ")]
    assert beat and beat[0]["request_id"] == "req-from-a-page-42"
    [run] = [line for line in lines if line.get("task_id") == task_id and "task" in line]
    assert run["request_id"] == "req-from-a-page-42"
    assert run["outcome"] == "ok" and run["duration_ms"] >= 0

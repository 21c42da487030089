"""The embedded default's journey, as bin/start runs it: a trader registers, starts an
application (the same start form twice: one draft), fills it and submits it in Chromium,
while a real Celery worker (local settings, kombu's filesystem transport, the same database)
delivers the reminders that two sweeps at once record, and the web server goes on serving.
On SQLite (CI runs it so, after the PostgreSQL suite) this is the product's first
impression: no "database is locked", no PostgreSQL-only SQL."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core import mail
from django.db import connection
from playwright.sync_api import expect

from core.dates import agency_today
from core.models import User
from notifications.models import Notification, Reminder
from tests.factories import UserFactory, complete_profile
from tests.test_celery_worker import ROOT, local_env, stop, wait_for
from traders import services
from traders.models import Application, CatalogueVersion

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

PASSWORD = "Harbour-gate-2026"
CATALOGUE = Path(services.__file__).resolve().parents[1] / "catalogue_data" / "pip_2024.json"
WAIT_SECONDS = 90


def _database_url() -> str:
    """The test database, as the worker's DATABASE_URL (a file on SQLite: see the test
    settings; the test server on PostgreSQL)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        name = db["NAME"]
        assert name and "memory" not in str(name), "the worker needs the test database in a file"
        return f"sqlite:///{name}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def stack(tmp_path: Path):
    """A Celery worker as bin/start starts it, on this test's database; yields the
    environment a producer (manage.py run_sweep) needs to reach it, and the worker's log."""
    var_dir = tmp_path / "var"
    for folder in ("broker", "processed", "control"):
        (var_dir / "celery" / folder).mkdir(parents=True)
    env = {**local_env(var_dir), "DATABASE_URL": _database_url()}
    log = tmp_path / "worker.log"
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
                "--concurrency=2",
                "--hostname=journey-worker@%h",
            ],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for(r"journey-worker@\S+ ready\.", log, worker, time.monotonic() + WAIT_SECONDS)
        yield env, log, worker
    finally:
        stop(worker)


def _catalogue() -> None:
    if not CatalogueVersion.objects.filter(programme="PIP").exists():
        services.catalogue_load(data=json.loads(CATALOGUE.read_text(encoding="utf-8")))


def test_a_trader_applies_on_the_embedded_default(page, live_server, sign_in, stack):
    env, worker_log, worker = stack
    _catalogue()
    main = page.get_by_role("main")

    # Register and confirm the address (the web process sends that e-mail itself).
    page.goto("/en/portal/register/")
    page.get_by_label("Full name").fill("Alex Martin")
    page.get_by_label("E-mail address").fill("alex@maple-freight.test")
    page.locator("#id_password1").fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_label("English").check()
    main.get_by_role("button", name="Create the account").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    link = re.search(r"https?://\S+/en/portal/verify/\S+/", mail.outbox[0].body).group(0)
    page.goto(link)
    main.get_by_role("button", name="Confirm my e-mail address").click()
    expect(page.get_by_text("Your e-mail address is confirmed.")).to_be_visible()
    user = User.objects.get(email="alex@maple-freight.test")

    sign_in(page, user, password=PASSWORD)
    main.get_by_role("link", name="Register your company").click()
    page.locator("#id_legal_name").fill("Maple Freight Inc.")
    page.locator("#id_business_number").fill("123456789RM0001")
    main.get_by_role("button", name="Register the company").click()
    page.locator("#id_name").fill("Halifax yard")
    page.get_by_label("Street address").fill("1 Dock Road")
    page.locator("#id_city").fill("Halifax")
    main.get_by_role("button", name="Add the site").click()
    expect(main.get_by_role("cell", name="Halifax yard")).to_be_visible()

    # Start the application, then send the very same form again (back and resubmit, a
    # double click reaching the server twice): one draft, and the trader is told so.
    main.get_by_role("link", name="Start an application").click()
    page.locator("#id_programme_0").check()
    page.get_by_label("Halifax yard").check()
    form = page.locator("form.gc-form")
    fields = {
        "csrfmiddlewaretoken": form.locator('[name="csrfmiddlewaretoken"]').input_value(),
        "form_token": form.locator('[name="form_token"]').input_value(),
        "programme": "PIP",
        "sites": page.get_by_label("Halifax yard").get_attribute("value"),
    }
    start_url = page.url
    main.get_by_role("button", name="Start the application").click()
    application = Application.objects.get(company__legal_name="Maple Freight Inc.")
    expect(page.get_by_role("heading", name=f"Application {application.reference}")).to_be_visible()
    again = page.request.post(start_url, form=fields, headers={"Referer": start_url})
    # The second answer leads to the same draft, and says so.
    assert again.ok and again.url.endswith(f"/en/portal/applications/{application.pk}/")
    assert "This application was already started; nothing was created twice." in again.text()
    assert Application.objects.filter(company=application.company).count() == 1

    # Fill the Security Profile (through the services: the profile's pages have their own
    # journey) and submit it in the browser.
    complete_profile(application, user)
    page.reload()
    # Review every answer, make the signing authority's declaration, then submit.
    main.get_by_role("link", name="Review and submit").click()
    main.get_by_role("button", name="Submit the application").click()
    expect(
        page.get_by_text("Tick the declaration to submit the application.", exact=True)
    ).to_be_visible()
    main.get_by_role("checkbox").check()
    main.get_by_role("button", name="Submit the application").click()
    expect(page.get_by_text("is submitted")).to_be_visible()
    expect(main.get_by_role("heading", name="Submission receipt")).to_be_visible()
    main.get_by_role("link", name="Back to the application").click()
    application.refresh_from_db()
    assert application.state == Application.State.SUBMITTED

    # The officer asks for information due in a week; two sweeps run at once through the
    # worker, which records the reminder once and e-mails it, while the trader browses.
    officer = UserFactory(role="officer", is_staff=True, full_name="Officer Tremblay")
    services.application_start_review(application=application, actor=officer)
    services.application_request_info(
        application=application,
        actor=officer,
        message="Send the list of your drivers.",
        deadline=agency_today() + dt.timedelta(days=7),
    )
    sweeps = [
        subprocess.Popen(
            [sys.executable, "manage.py", "run_sweep", "--only", "information_requests"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(2)
    ]
    # The sweep's reminder (the member's own notices of each event are recorded beside it).
    due = Reminder.objects.filter(kind="information_request_due")
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        page.goto("/en/portal/")  # the web server keeps answering meanwhile
        expect(main).to_be_visible()
        if due.filter(status=Reminder.Status.SENT).exists():
            break
        time.sleep(0.5)
    for sweep in sweeps:
        output, _ = sweep.communicate(timeout=WAIT_SECONDS)
        assert sweep.returncode == 0, output
    (reminder,) = due
    assert reminder.status == Reminder.Status.SENT, (reminder.last_error, worker_log.read_text())
    assert reminder.kind == "information_request_due" and reminder.days_before == 7
    assert Notification.objects.filter(user=user, reminder=reminder).count() == 1
    text = worker_log.read_text(errors="replace")
    assert "database is locked" not in text
    assert re.search(r"To: alex@maple-freight\.test", text), text
    assert worker.poll() is None, "the worker is still running"

    # The trader sees the reminder in the portal.
    page.goto("/en/notifications/")
    expect(main.get_by_text(reminder.notifications.get().subject)).to_be_visible()

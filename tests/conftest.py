"""Shared fixtures. Tests run against the real database named by the test settings
(PostgreSQL on 127.0.0.1 by default). In CI (CI=true) a test marked ``postgres`` fails
rather than skips when the database is not PostgreSQL.

In parallel (pytest-xdist, ``bin/test`` runs ``-n 2 --dist loadgroup`` by default) each
worker has its own test database (pytest-django adds ``_gw0``, ``_gw1``... to its name, to
the SQLite file's too) and its own upload folder (``MEDIA_ROOT``, below). Tests that drive
Chromium are marked ``browser`` (any test using the ``browser`` fixture), tests that start
real Celery workers are marked ``worker`` in their modules; each kind runs on one xdist
worker at a time (``xdist_group``), so that two browsers or two Celery workers never share
the two cores. The worker tests isolate themselves in Redis with a key prefix and queue of
their own (tests/revalidation/test_sweep_on_a_real_worker.py)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from importlib import import_module
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import translation

from tests.factories import (
    CompanyFactory,
    CompanyUserFactory,
    UserFactory,
)


@pytest.hookimpl(tryfirst=True)  # before -m deselects and xdist's loadgroup reads groups
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
        for kind in ("browser", "worker"):
            if item.get_closest_marker(kind) and not item.get_closest_marker("xdist_group"):
                item.add_marker(pytest.mark.xdist_group(kind))
        if marker := item.get_closest_marker("postgres"):
            if not marker.args:
                raise pytest.UsageError(
                    f"{item.nodeid}: say why it needs PostgreSQL: postgres(why)"
                )
            item.fixturenames.append("_require_postgres")


def _serialized_rollback(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("serialized_rollback")) or (
        "django_db_serialized_rollback" in getattr(item, "fixturenames", ())
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    """A test with serialized rollback starts by loading the snapshot of the test database
    taken when it was set up, content types included. A transactional test without it ends
    with a flush that re-creates the content types under new ids (post_migrate), and the
    snapshot's rows then collide with them (IntegrityError on django_content_type). So
    empty the database first, without post_migrate, as Django's own flush after a
    serialized-rollback test does."""
    if _serialized_rollback(item):
        _flush_for_the_snapshot(item.config)
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """A test with serialized rollback ends with a flush without post_migrate: no content
    types are left, yet the cache (shared by the whole process) still holds their ids, and
    the next test would link rows to ids that no longer exist. Put them back as the flush
    after any other transactional test does."""
    try:
        return (yield)
    finally:
        if _serialized_rollback(item):
            _with_test_databases(item.config, _recreate_content_types)


def _flush_for_the_snapshot(config: pytest.Config) -> None:
    from django.contrib.contenttypes.models import ContentType

    def flush(alias: str) -> None:
        from django.core.management import call_command

        call_command(
            "flush",
            verbosity=0,
            interactive=False,
            database=alias,
            reset_sequences=False,
            inhibit_post_migrate=True,
        )

    _with_test_databases(config, flush)
    ContentType.objects.clear_cache()  # the ids will be the snapshot's


def _recreate_content_types(alias: str) -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.core.management.sql import emit_post_migrate_signal

    ContentType.objects.clear_cache()
    emit_post_migrate_signal(verbosity=0, interactive=False, db=alias)


def _with_test_databases(config: pytest.Config, action: Callable[[str], None]) -> None:
    """``action(alias)`` on each test database set up with a snapshot (none before the
    session's first database test: the database is then as its migrations left it)."""
    from django.db import connections
    from pytest_django.plugin import blocking_manager_key

    with config.stash[blocking_manager_key].unblock():
        for alias in connections:
            if hasattr(connections[alias], "_test_serialized_contents"):
                action(alias)


@pytest.fixture(scope="session", autouse=True)
def _media_root_of_this_worker() -> Iterator[None]:
    """Uploads of tests that keep the settings' MEDIA_ROOT go to a folder of this xdist
    worker's own (``var/test-uploads/gw0``...), never one another worker writes too."""
    worker_id = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker_id:  # not in parallel: the settings' folder as it is
        yield
        return
    from django.test.utils import override_settings

    with override_settings(MEDIA_ROOT=Path(settings.MEDIA_ROOT) / worker_id):
        yield


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in the default language: a page rendered or a service called in
    French by an earlier test leaves French active in this thread (Django's translation
    state is per thread), and ``reverse`` would then build /fr/ addresses."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


def _database_access(request: pytest.FixtureRequest) -> bool:
    """Whether the test reaches the database; through a fixture rather than the marker, the
    fixture is set up first (so that it is torn down after the caller)."""
    if request.node.get_closest_marker("django_db") is None:
        names = set(request.fixturenames)
        if names & {"transactional_db", "live_server"}:
            request.getfixturevalue("transactional_db")
        elif "db" in names:
            request.getfixturevalue("db")
        else:
            return False
    return True


@pytest.fixture(autouse=True)
def _reference_data(request: pytest.FixtureRequest) -> None:
    """Transactional tests (browser, concurrency, real workers) end by emptying the
    database, the reference data loaded by migrations included (business types, the PIP
    2024 catalogue). Put it back for any test with database access that finds it gone."""
    if _database_access(request):
        ensure_reference_data()


@pytest.fixture(autouse=True)
def _reporting_copies_in_step(request: pytest.FixtureRequest) -> Iterator[None]:
    """After every test that writes through any path (the services, the admin, the seed,
    a fixture, a bulk write), each application's and membership's copy of its company is
    the company's (``traders.reporting``): a write path that leaves a copy behind fails
    the test that takes it. A test that makes copies drift on purpose, to show the check
    finds it, is marked ``reporting_drift`` and must put them back itself."""
    if not _database_access(request) or request.node.get_closest_marker("reporting_drift"):
        yield
        return
    yield
    from traders.reporting import copies_drift

    drift = copies_drift()
    assert not drift, "Copies of their company out of step after this test:\n" + "\n".join(
        map(str, drift[:20])
    )


def ensure_reference_data() -> None:
    """Load the reference data of the migrations (business types, the PIP 2024 catalogue)
    if a transactional test emptied the database."""
    from django.apps import apps as django_apps

    from traders.models import BusinessType, CatalogueVersion

    if CatalogueVersion.objects.filter(programme="PIP", version="2024").exists() and (
        BusinessType.objects.exists()
    ):
        return
    import_module("traders.migrations.0002_reference_data").forwards(django_apps, None)


@pytest.fixture
def _require_postgres(request: pytest.FixtureRequest) -> None:
    """A test marked ``postgres("why")`` skips on another database, saying why; in CI it
    fails instead (CI's SQLite run deselects these tests by name: ``-m "not postgres"``)."""
    if connection.vendor != "postgresql":
        marker = request.node.get_closest_marker("postgres")
        why = marker.args[0] if marker and marker.args else "needs PostgreSQL"
        if os.environ.get("CI"):
            pytest.fail(f"This test needs PostgreSQL ({why}), and CI must run it (DATABASE_URL).")
        pytest.skip(f"PostgreSQL only: {why} (set DATABASE_URL to a PostgreSQL server)")


@pytest.fixture
def company(db):
    return CompanyFactory()


@pytest.fixture
def other_company(db):
    return CompanyFactory()


@pytest.fixture
def trader(company):
    return CompanyUserFactory(company=company).user


@pytest.fixture
def other_trader(other_company):
    return CompanyUserFactory(company=other_company).user


@pytest.fixture
def officer(db):
    return UserFactory(role="officer", is_staff=True)


@pytest.fixture
def manager(db):
    return UserFactory(role="manager", is_staff=True)


@pytest.fixture
def administrator(db):
    return UserFactory(role="administrator", is_staff=True, is_superuser=True)


@pytest.fixture
def partner(db):
    return UserFactory(role="partner")


@pytest.fixture
def actors(trader, other_trader, officer, manager, administrator, partner):
    """Every kind of actor, by name, for permission matrices."""
    return {
        "trader": trader,
        "other_trader": other_trader,
        "officer": officer,
        "manager": manager,
        "administrator": administrator,
        "partner": partner,
        "system": None,
    }

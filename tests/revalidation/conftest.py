from __future__ import annotations

from collections.abc import Iterator

import pytest

from config.celery_app import app


@pytest.fixture(autouse=True)
def celery_eager() -> Iterator[None]:
    """Tasks enqueued after commit run in the test's process (the broker is tested with a
    real worker in tests/revalidation/test_sweep_on_a_real_worker.py)."""
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _isolated_media_root(settings, tmp_path):
    """Evidence uploaded by the factories goes to a fresh folder per test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _load_reference_data() -> None:
    from importlib import import_module

    from django.apps import apps as django_apps

    from traders.models import CatalogueVersion

    if not CatalogueVersion.objects.exists():
        import_module("traders.migrations.0002_reference_data").forwards(django_apps, None)


@pytest.fixture
def reference_data(transactional_db) -> None:
    """A transactional test starts from whatever the previous one left (an emptied
    database): load the business types and the PIP catalogue it needs."""
    _load_reference_data()


@pytest.fixture(scope="module")
def reference_data_back_afterwards(django_db_setup, django_db_blocker):
    """A transactional test ends by emptying the database: put the reference data back once
    the module is done, for the tests that follow (and --reuse-db)."""
    yield
    with django_db_blocker.unblock():
        _load_reference_data()

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

"""Fixtures of the document tests: tasks run eagerly in the test's process, uploads go to a
fresh folder, and PDF text is read back with pypdf."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from pypdf import PdfReader

from config.celery_app import app


@pytest.fixture(autouse=True)
def celery_eager() -> Iterator[None]:
    """Tasks enqueued on commit run here, not through the broker."""
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _isolated_media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def pdf_reader(data: bytes) -> PdfReader:
    assert data.startswith(b"%PDF-"), data[:20]
    return PdfReader(io.BytesIO(data))


def pdf_text(data: bytes) -> str:
    """The text of every page, with line breaks folded into spaces (a name may wrap)."""
    text = "\n".join(page.extract_text() for page in pdf_reader(data).pages)
    return " ".join(text.split())


def pdf_fonts(data: bytes) -> set[str]:
    fonts = set()
    for page in pdf_reader(data).pages:
        for ref in page["/Resources"]["/Font"].values():
            fonts.add(str(ref.get_object()["/BaseFont"]).split("+", 1)[-1])
    return fonts

"""Uploaded and generated files: where they are stored, and how a page sends one.

Stored outside the web root, under a folder per company, with a random name (the uploader's
file name is kept in the row, never used on disk). Sent only as an attachment that no cache
keeps and no browser reinterprets (:func:`file_attachment`, :func:`content_attachment`).
"""

from __future__ import annotations

import uuid
from typing import Any, Protocol

from django.core.files import File
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header


def upload_name(*, folder: str, company_id: int, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"{folder}/{company_id}/{uuid.uuid4().hex}.{ext}"


class StoredFile(Protocol):
    """A row that keeps an uploaded file: evidence, an answer's file, a measure's file."""

    @property
    def file(self) -> Any: ...  # a FieldFile
    @property
    def original_name(self) -> str: ...
    @property
    def content_type(self) -> str: ...


def _private(response: HttpResponse | FileResponse) -> None:
    # Neither a shared cache nor the browser's keeps a member's file; the browser saves it
    # with the type given rather than guessing one from its bytes.
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"


def file_attachment(file: File[Any], *, filename: str, content_type: str) -> FileResponse:
    """A stored file (a FieldFile) sent as an attachment named ``filename``; 404 when the
    storage no longer has it."""
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    _private(response)
    return response


def stored_file_response(stored: StoredFile) -> FileResponse:
    """An uploaded file, as an attachment under the uploader's file name."""
    return file_attachment(
        stored.file, filename=stored.original_name, content_type=stored.content_type
    )


def content_attachment(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    """Generated content (a PDF report) sent as an attachment named ``filename``."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    _private(response)
    return response


def pdf_attachment(content: bytes, *, filename: str) -> HttpResponse:
    """A generated PDF (a certificate, a report) sent as an attachment named ``filename``."""
    return content_attachment(content, filename=filename, content_type="application/pdf")

"""Rendering Django templates to PDF with WeasyPrint, offline.

A PDF may load only the project's own static files (the fonts, stylesheet and images under
``static/pdf/``): :class:`StaticOnlyFetcher` resolves them through the staticfiles finders
and refuses everything else (http, https, ftp, files outside the static folders), so a
rendering never touches the network nor depends on the fonts installed on the machine.

Templates refer to their resources relative to the static root (``href="pdf/pdf.css"``) or
by absolute path (``/static/pdf/pdf.css``); both resolve under :data:`PDF_BASE_URL`, an
origin in the reserved ``.invalid`` domain that no resolver will ever answer.
"""

from __future__ import annotations

import logging
import mimetypes
import posixpath
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

# WeasyPrint logs each step of every rendering at INFO: keep its warnings, not its progress.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

PDF_ORIGIN = "https://pdf.trusted-trader.invalid"
STATIC_PREFIX = "/static/"
PDF_BASE_URL = f"{PDF_ORIGIN}{STATIC_PREFIX}"


class PdfResourceRefused(ValueError):
    """A PDF template asked for a resource that is not one of the project's static files."""


class PdfRenderError(RuntimeError):
    """The PDF could not be rendered (a resource was refused or is missing)."""


def static_path_for(url: str) -> Path:
    """The file under the project's static folders that ``url`` names, or PdfResourceRefused.

    ``url`` is ``<PDF_ORIGIN>/static/<path>`` (what relative and ``/static/`` references
    become once joined to :data:`PDF_BASE_URL`)."""
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != PDF_ORIGIN or not parts.path.startswith(STATIC_PREFIX):
        raise PdfResourceRefused(f"PDF rendering may only load the project's static files: {url}")
    relative = unquote(parts.path[len(STATIC_PREFIX) :])
    normalized = posixpath.normpath(relative)
    if not relative or normalized.startswith(("..", "/")) or "\\" in relative or "\x00" in relative:
        raise PdfResourceRefused(f"Not a static file path: {url}")
    try:
        found = finders.find(normalized)
    except SuspiciousFileOperation as exc:
        raise PdfResourceRefused(f"Not a static file path: {url}") from exc
    if not found:
        raise PdfResourceRefused(f"No such static file: {url}")
    path = Path(found if isinstance(found, str) else found[0])
    if not path.is_file():
        raise PdfResourceRefused(f"No such static file: {url}")
    return path


class StaticOnlyFetcher(URLFetcher):
    """Serves the project's static files and ``data:`` URLs; refuses everything else.

    With ``fail_on_errors`` (the default here) a refused or missing resource stops the
    rendering instead of silently producing a PDF without its font or stylesheet."""

    def __init__(self, *, fail_on_errors: bool = True) -> None:
        super().__init__(allowed_protocols=("data",), fail_on_errors=fail_on_errors)

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)  # decoded in memory, no I/O
        path = static_path_for(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if path.suffix == ".woff":
            content_type = "font/woff"
        return URLFetcherResponse(
            url, body=path.read_bytes(), headers={"Content-Type": content_type}
        )


BASE_STYLESHEETS = ("pdf/pdf.css",)

_per_thread = threading.local()


def _prepared(stylesheets: Sequence[str]) -> tuple[FontConfiguration, list[CSS], dict[str, Any]]:
    """The parsed stylesheets, their fonts and the image cache, kept per thread: parsing the
    CSS and loading the @font-face fonts is a third of a one-page rendering. (WeasyPrint's
    font configuration is not meant to be shared between threads.)"""
    key = tuple(stylesheets)
    prepared = getattr(_per_thread, "prepared", None)
    if prepared is None:
        prepared = _per_thread.prepared = {}
    if key not in prepared:
        font_config = FontConfiguration()
        fetcher = StaticOnlyFetcher()
        sheets = [
            CSS(url=f"{PDF_BASE_URL}{name}", url_fetcher=fetcher, font_config=font_config)
            for name in key
        ]
        prepared[key] = (font_config, sheets, {})
    return prepared[key]


def pdf_render(
    *,
    template: str,
    context: dict[str, Any],
    language: str | None = None,
    stylesheets: Sequence[str] = (),
) -> bytes:
    """Render ``template`` with ``context`` to PDF bytes, in ``language`` if given (else the
    active language), styled by ``pdf/pdf.css`` and then ``stylesheets`` (paths under the
    static root). Raises PdfRenderError if a resource is refused or missing."""
    with translation.override(language or translation.get_language() or "en"):
        html = render_to_string(template, context)
    try:
        font_config, sheets, image_cache = _prepared((*BASE_STYLESHEETS, *stylesheets))
        document = HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=StaticOnlyFetcher())
        pdf = document.write_pdf(stylesheets=sheets, font_config=font_config, cache=image_cache)
    except FatalURLFetchingError as exc:  # a BaseException: keep it from escaping as one
        raise PdfRenderError(str(exc.__cause__ or exc)) from exc.__cause__
    assert pdf is not None
    return pdf


# --- Bilingual values for the templates ------------------------------------------------

PDF_LANGUAGES = ("en", "fr")
LONG_DATE_FORMATS = {"en": "F j, Y", "fr": "j F Y"}


def in_both_languages(value: Any) -> dict[str, str]:
    """A translatable value (a choice label, a lazy string) as ``{"en": ..., "fr": ...}``."""
    result = {}
    for language in PDF_LANGUAGES:
        with translation.override(language):
            result[language] = str(value)
    return result


def date_in_both_languages(day: Any) -> dict[str, str]:
    """A date written out in each language: ``March 12, 2026`` / ``12 mars 2026``."""
    from django.utils.dateformat import format as date_format

    result = {}
    for language in PDF_LANGUAGES:
        with translation.override(language):
            result[language] = date_format(day, LONG_DATE_FORMATS[language])
    return result

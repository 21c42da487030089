"""core.pdf: resources come only from the project's static files, never from the network or
the rest of the file system."""

from __future__ import annotations

import socket

import pytest
from weasyprint import HTML

from core.pdf import (
    PDF_BASE_URL,
    PDF_ORIGIN,
    PdfRenderError,
    PdfResourceRefused,
    StaticOnlyFetcher,
    pdf_render,
)

from .conftest import pdf_text


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection fails the test loudly."""
    attempts: list[object] = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise AssertionError(f"network access while rendering: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/",
        "https://example.com/style.css",
        "ftp://example.com/file",
        "file:///etc/passwd",
        f"{PDF_ORIGIN}/etc/passwd",
        f"{PDF_ORIGIN}/static/../../../../etc/passwd",
        f"{PDF_ORIGIN}/static/%2e%2e/%2e%2e/config/settings/base.py",
        f"{PDF_ORIGIN}/static//etc/passwd",
        f"{PDF_ORIGIN}/static/pdf/no-such-file.css",
        "http://pdf.trusted-trader.invalid/static/pdf/pdf.css",  # not our origin's scheme
    ],
)
def test_the_fetcher_refuses_anything_but_static_files(url, no_network):
    with pytest.raises(PdfResourceRefused):
        StaticOnlyFetcher().fetch(url)
    assert no_network == []


@pytest.mark.parametrize(
    "url", [f"{PDF_BASE_URL}pdf/pdf.css", f"{PDF_ORIGIN}/static/pdf/fonts/gcds-lato.woff"]
)
def test_the_fetcher_serves_the_projects_static_files(url, no_network):
    response = StaticOnlyFetcher().fetch(url)
    body = response.read()
    response.close()
    if url.endswith(".css"):
        assert b"@font-face" in body
        assert response.content_type == "text/css"
    else:
        assert body.startswith(b"wOFF")
        assert response.content_type == "font/woff"


def test_data_urls_are_allowed():
    response = StaticOnlyFetcher().fetch("data:text/plain;base64,aGVsbG8=")
    assert response.read() == b"hello"


def test_a_template_referring_to_the_network_or_a_file_does_not_render(
    settings, tmp_path, no_network
):
    (tmp_path / "pdf").mkdir()
    (tmp_path / "pdf" / "leaky.html").write_text(
        '<html><body><p>Hello</p><img src="http://example.com/tracker.png">'
        '<link rel="attachment" href="file:///etc/passwd"></body></html>'
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    with pytest.raises(PdfRenderError, match=r"example\.com|/etc/passwd"):
        pdf_render(template="pdf/leaky.html", context={})
    assert no_network == []


def test_without_failing_a_refused_resource_is_simply_absent(no_network):
    """Even when a refusal does not stop the rendering, nothing is fetched: the password
    file is not attached and no request leaves the machine."""
    html = (
        "<html><body><p>Hello</p>"
        '<img src="http://example.com/tracker.png">'
        '<a rel="attachment" href="file:///etc/passwd">passwd</a>'
        '<link rel="attachment" href="file:///etc/passwd">'
        "</body></html>"
    )
    fetched: list[str] = []

    class Spy(StaticOnlyFetcher):
        def fetch(self, url, headers=None):
            fetched.append(url)
            return super().fetch(url, headers)

    pdf = HTML(
        string=html, base_url=PDF_BASE_URL, url_fetcher=Spy(fail_on_errors=False)
    ).write_pdf()
    assert b"root:" not in pdf
    assert b"/EmbeddedFile" not in pdf
    assert "Hello" in pdf_text(pdf)
    assert "http://example.com/tracker.png" in fetched  # asked for, and refused
    assert no_network == []

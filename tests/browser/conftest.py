"""Browser tests: Playwright for Python driving Debian's Chromium against pytest-django's
live server, with axe-core (npm) for accessibility.

    @pytest.mark.django_db(transaction=True)
    def test_something(page, live_server, axe_check, screenshot, sign_in): ...

- ``page``: a fresh browser context and page. Requests to any other host than the live server
  are refused and fail the test: nothing may load from a CDN.
- ``sign_in(page, user, lang="en")``: through the sign-in form, as a person would.
- ``axe_check(page)``: runs axe-core on the page; fails on serious or critical violations.
- ``screenshot(page, name)``: a full-page PNG in test-artifacts/browser/ (git-ignored).

Chromium is Debian's package (``apt-get install chromium``; .ci/run installs it): without it
these tests skip, except in CI (``CI`` set), where they fail.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts" / "browser"
PASSWORD = "pass-word-123"  # tests.factories.UserFactory
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# What axe-core checks: WCAG 2.0 and 2.1, levels A and AA, and its best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
FAILING_IMPACTS = {"serious", "critical"}


def _chromium() -> str | None:
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or None


def _missing(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} CI must run the browser tests.", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    executable = _chromium()
    if executable is None:
        _missing("Chromium is not installed (Debian: apt-get install chromium).")
    if not AXE.exists():
        _missing(f"{AXE.relative_to(ROOT)} is missing: run bin/_setup's npm step (bin/test does).")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright is not installed (pip install -r requirements.lock).")
    # Playwright's sync API runs an event loop in this thread; the tests still call the ORM
    # from it, between page actions, never concurrently.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def browser_context_options() -> dict[str, Any]:
    """Override in a test module for other contexts (e.g. ``java_script_enabled=False``)."""
    return {"viewport": {"width": 1280, "height": 900}, "locale": "en-CA"}


@pytest.fixture
def page(browser: Any, live_server: Any, browser_context_options: dict[str, Any]) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url, **browser_context_options)
    # Generous: a cold live server on a loaded 2-core machine (CI shares it) took ~9 s for
    # its first page. A real hang still fails, at 30 s.
    context.set_default_timeout(30_000)
    own_host = urlsplit(live_server.url).netloc
    elsewhere: list[str] = []

    def only_the_live_server(route: Any) -> None:
        url = route.request.url
        if url.startswith(("data:", "blob:")) or urlsplit(url).netloc == own_host:
            route.continue_()
        else:
            elsewhere.append(url)
            route.abort()

    context.route("**/*", only_the_live_server)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not elsewhere, f"The pages tried to load from other hosts: {elsewhere}"
    assert not errors, f"JavaScript errors: {errors}"


@pytest.fixture
def sign_in() -> Callable[..., None]:
    def sign_in(page: Any, user: Any, *, lang: str = "en", password: str = PASSWORD) -> None:
        page.goto(f"/{lang}/sign-in/")
        email, secret, button = {
            "en": ("E-mail address", "Password", "Sign in"),
            "fr": ("Adresse courriel", "Mot de passe", "Se connecter"),
        }[lang]
        page.get_by_label(email).fill(user.email)
        page.get_by_label(secret).fill(password)
        page.get_by_role("main").get_by_role("button", name=button).click()
        page.wait_for_load_state()

    return sign_in


def _describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"[{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})"
        )
        for node in violation["nodes"][:5]:
            lines.append(f"    {' '.join(node['target'])}: {node['failureSummary']}")
    return "\n".join(lines)


def run_axe(page: Any) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
        ".violations",
        AXE_TAGS,
    )


@pytest.fixture
def axe_check() -> Callable[[Any], list[dict[str, Any]]]:
    def axe_check(page: Any) -> list[dict[str, Any]]:
        violations = run_axe(page)
        failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
        assert not failing, (
            f"axe-core: serious or critical violations on {page.url}:\n{_describe(failing)}"
        )
        return violations

    return axe_check


@pytest.fixture
def screenshot() -> Callable[[Any, str], Path]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def screenshot(page: Any, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return screenshot

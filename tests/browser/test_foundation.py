"""The site's frame in real Chromium: signing in, the language toggle, keyboard access and
axe-core on every page of the foundation, in English and in French."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_public_pages_are_accessible(page, axe_check, screenshot, lang: str) -> None:
    page.goto(f"/{lang}/")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    axe_check(page)
    screenshot(page, f"home-{lang}")

    page.goto(f"/{lang}/sign-in/")
    axe_check(page)
    screenshot(page, f"sign-in-{lang}")

    page.goto(f"/{lang}/password-reset/")
    axe_check(page)

    page.goto(f"/{lang}/no-such-page/")
    axe_check(page)
    screenshot(page, "not-found")


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("en", "The e-mail address or the password is not correct."),
        ("fr", "L’adresse courriel ou le mot de passe est incorrect."),
    ],
)
def test_a_wrong_password_is_announced_and_focused(
    page, axe_check, screenshot, sign_in, lang: str, message: str
) -> None:
    trader = UserFactory(role="trader")
    sign_in(page, trader, lang=lang, password="wrong")
    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text(message)
    expect(summary).to_be_focused()
    axe_check(page)
    screenshot(page, f"sign-in-error-{lang}")

    # Empty fields: each error sits next to its field, and the summary's links reach them.
    page.get_by_role("main").get_by_role("textbox").first.fill("")
    page.locator("form.gc-form button[type=submit]").click()
    field = page.locator("#id_username")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_attribute("aria-describedby", "id_username_error")
    summary.get_by_role("link").first.click()
    expect(field).to_be_focused()
    axe_check(page)


@pytest.mark.parametrize(
    ("role", "home_en", "heading_en", "heading_fr"),
    [
        ("trader", "/en/portal/", "Your applications and memberships", "Vos demandes et adhésions"),
        ("officer", "/en/staff/", "Work queue", "File de travail"),
        ("manager", "/en/staff/dashboard/", "Programme dashboard", "Tableau de bord du programme"),
        ("partner", "/en/api-access/", "API access", "Accès à l’API"),
    ],
)
def test_each_role_signs_in_to_its_home_and_toggles_language(
    page, axe_check, screenshot, sign_in, role, home_en, heading_en, heading_fr
) -> None:
    user = UserFactory(role=role, is_staff=role != "trader", full_name="Alex Tremblay")
    sign_in(page, user)
    expect(page).to_have_url(re.compile(re.escape(home_en) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(heading_en)
    expect(page.locator(".gc-account")).to_contain_text("Signed in as Alex Tremblay")
    axe_check(page)
    screenshot(page, f"{role}-home-en")

    page.get_by_role("button", name="Français").click()
    home_fr = home_en.replace("/en/", "/fr/", 1)
    expect(page).to_have_url(re.compile(re.escape(home_fr) + "$"))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading_fr)
    expect(page.locator(".gc-account")).to_contain_text("Connecté en tant que Alex Tremblay")
    axe_check(page)
    screenshot(page, f"{role}-home-fr")

    page.get_by_role("button", name="English").click()
    expect(page).to_have_url(re.compile(re.escape(home_en) + "$"))

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/en/$"))
    expect(page.get_by_role("status")).to_contain_text("You have signed out.")


def test_staff_pages_are_not_found_for_a_trader(page, sign_in) -> None:
    sign_in(page, UserFactory(role="trader"))
    response = page.goto("/en/staff/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1).first).to_have_text("We could not find that page")


def test_keyboard_reaches_the_skip_link_first_and_it_moves_to_main(page) -> None:
    page.goto("/en/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#main$"))


def test_fonts_come_from_this_site(page) -> None:
    page.goto("/fr/sign-in/")
    page.evaluate("() => document.fonts.ready")
    loaded = page.evaluate(
        "() => [...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)"
    )
    assert {'"Noto Sans"', '"Lato"'} <= set(loaded) or {"Noto Sans", "Lato"} <= set(loaded)


class TestWithoutJavaScript:
    @pytest.fixture
    def browser_context_options(self):
        return {"java_script_enabled": False, "locale": "fr-CA"}

    def test_sign_in_and_language_toggle_work_without_javascript(self, page, sign_in) -> None:
        officer = UserFactory(role="officer", is_staff=True)
        sign_in(page, officer, lang="fr")
        expect(page).to_have_url(re.compile(r"/fr/staff/$"))
        page.get_by_role("button", name="English").click()
        expect(page).to_have_url(re.compile(r"/en/staff/$"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Work queue")

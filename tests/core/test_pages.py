"""The site's frame as a user meets it: home, sign-in and out, password reset, each role's
landing page and placeholders, the language toggle and the error pages."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user
from django.core import mail
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.views.generic import TemplateView

from core.access import StaffRequiredMixin
from core.roles import MANAGERS
from tests.factories import UserFactory

PASSWORD = "pass-word-123"  # tests.factories.UserFactory

pytestmark = pytest.mark.django_db


def _toggle_next(html: str) -> str:
    match = re.search(r'<input type="hidden" name="next" value="([^"]*)">', html)
    assert match, "no language toggle on the page"
    return match.group(1).replace("&amp;", "&")


@pytest.mark.parametrize(
    ("lang", "heading", "toggle"),
    [
        ("en", "Trusted Trader programmes", 'lang="fr">Français</button>'),
        ("fr", "Programmes des négociants dignes de confiance", 'lang="en">English</button>'),
    ],
)
def test_home_in_each_language(client: Client, lang: str, heading: str, toggle: str) -> None:
    response = client.get(f"/{lang}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in html
    assert heading in html
    assert toggle in html
    assert 'href="#main"' in html and 'id="main"' in html
    assert f'href="/{lang}/sign-in/"' in html
    assert "<title>" in html and "Canada.ca</title>" in html


def test_pages_load_nothing_from_another_host(client: Client) -> None:
    html = client.get("/en/").content.decode()
    for tag, attribute in re.findall(
        r"<(script|link|img)\b[^>]*?\b(?:src|href)=\"([^\"]+)\"", html
    ):
        assert attribute.startswith("/"), f"<{tag}> loads {attribute} from another host"
    assert "/static/vendor/gcds/gcds.css" in html
    assert "/static/django_htmx/htmx-2.min.js" in html or "htmx" in html


def test_sign_in_with_the_right_password_goes_to_the_role_home(client: Client, trader) -> None:
    response = client.post("/en/sign-in/", {"username": trader.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/en/welcome/"
    response = client.get(response["Location"])
    assert response["Location"] == "/en/portal/"
    assert get_user(client).pk == trader.pk


def test_sign_in_ignores_the_case_of_the_address(client: Client, trader) -> None:
    client.post("/en/sign-in/", {"username": trader.email.upper(), "password": PASSWORD})
    assert get_user(client).pk == trader.pk


def test_sign_in_follows_next(client: Client, officer) -> None:
    response = client.post(
        "/en/sign-in/?next=/en/staff/",
        {"username": officer.email, "password": PASSWORD, "next": "/en/staff/"},
    )
    assert response["Location"] == "/en/staff/"


@pytest.mark.parametrize(
    ("lang", "message", "summary"),
    [
        ("en", "The e-mail address or the password is not correct.", "There was a problem"),
        ("fr", "L’adresse courriel ou le mot de passe est incorrect.", "Un problème est survenu"),
    ],
)
def test_sign_in_with_a_wrong_password_says_so_in_the_page_language(
    client: Client, trader, lang: str, message: str, summary: str
) -> None:
    response = client.post(f"/{lang}/sign-in/", {"username": trader.email, "password": "nope"})
    html = response.content.decode()
    assert response.status_code == 200
    assert not get_user(client).is_authenticated
    assert message in html
    assert summary in html
    assert 'role="alert"' in html
    # The form comes back with the address filled in, above the sign-in button.
    assert html.index(message) < html.index('type="submit" class="gc-button"')
    assert f'value="{trader.email}"' in html


@pytest.mark.parametrize(
    ("lang", "required"), [("en", "This field is required."), ("fr", "Ce champ est obligatoire.")]
)
def test_missing_fields_are_flagged_next_to_each_field(
    client: Client, lang: str, required: str
) -> None:
    html = client.post(f"/{lang}/sign-in/", {"username": "", "password": ""}).content.decode()
    for field in ("id_username", "id_password"):
        widget = re.search(rf"<input [^>]*id=\"{field}\"[^>]*>", html)
        assert widget, field
        assert 'aria-invalid="true"' in widget.group(0)
        assert f'aria-describedby="{field}_error"' in widget.group(0)
        assert f'<p class="gc-error-message" id="{field}_error"><span>{required}</span></p>' in html
        # The summary links to the field.
        assert f'href="#{field}"' in html


def test_sign_out_is_a_post_and_says_so(client: Client, trader) -> None:
    client.force_login(trader)
    assert client.get("/en/sign-out/").status_code == 405
    response = client.post("/en/sign-out/", follow=True)
    assert response.redirect_chain[-1][0] == "/en/"
    assert not get_user(client).is_authenticated
    assert "You have signed out." in response.content.decode()


def test_signed_in_pages_show_who_and_role_and_a_sign_out_button(client: Client, officer) -> None:
    client.force_login(officer)
    html = client.get("/fr/staff/").content.decode()
    assert "Connecté en tant que" in html
    assert "(Agent)" in html
    assert 'action="/fr/sign-out/" method="post"' in html
    assert "Se déconnecter" in html


def test_password_reset_sends_a_bilingual_mail_whose_link_works(client: Client, trader) -> None:
    response = client.post("/fr/password-reset/", {"email": trader.email.upper()})
    assert response["Location"] == "/fr/password-reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [trader.email]
    assert "Reset your Trusted Trader password" in message.subject
    assert "Réinitialisez votre mot de passe" in message.subject
    assert "To choose a new password, open this link" in message.body
    assert "Pour choisir un nouveau mot de passe, ouvrez ce lien" in message.body
    links = re.findall(r"http://testserver(/\w\w/password-reset/[^/\s]+/[^/\s]+/)", message.body)
    assert [link[:4] for link in links] == ["/en/", "/fr/"]

    response = client.get(links[1], follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "a-new-long-password", "new_password2": "a-new-long-password"}
    )
    assert response["Location"] == "/fr/password-reset/done/"
    assert client.login(username=trader.email, password="a-new-long-password")


def test_password_reset_for_an_unknown_address_sends_nothing_and_tells_nothing(
    client: Client,
) -> None:
    response = client.post("/en/password-reset/", {"email": "nobody@example.test"})
    assert response["Location"] == "/en/password-reset/sent/"
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("role", "home"),
    [
        ("trader", "/en/portal/"),
        ("officer", "/en/staff/"),
        ("manager", "/en/staff/dashboard/"),
        ("administrator", "/en/admin/"),
        ("partner", "/en/api-access/"),
    ],
)
def test_landing_sends_each_role_home(client: Client, actors, role: str, home: str) -> None:
    client.force_login(actors[role])
    response = client.get("/en/welcome/")
    assert response.status_code == 302
    assert response["Location"] == home
    assert client.get(home).status_code == 200


def test_landing_needs_sign_in(client: Client) -> None:
    response = client.get("/en/welcome/")
    assert response["Location"] == "/en/sign-in/?next=/en/welcome/"


PAGES = {
    "/en/portal/": {"trader"},
    "/en/staff/": {"officer", "manager"},
    "/en/staff/dashboard/": {"manager"},
    "/en/api-access/": {"partner"},
}


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("role", ["trader", "officer", "manager", "administrator", "partner"])
def test_each_role_sees_only_its_own_pages(client: Client, actors, path: str, role: str) -> None:
    client.force_login(actors[role])
    response = client.get(path)
    assert response.status_code == (200 if role in PAGES[path] else 404)


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/en/sign-in/?next={path}"


def test_an_inactive_user_gets_nothing(client: Client) -> None:
    officer = UserFactory(role="officer", is_active=False)
    client.force_login(officer)
    assert client.get("/en/staff/").status_code in (302, 404)


def test_the_staff_mixin_answers_404_to_other_roles(rf: RequestFactory, officer, manager) -> None:
    class Page(StaffRequiredMixin, TemplateView):
        allowed_roles = MANAGERS
        template_name = "core/home.html"

    request = rf.get("/en/x/")
    request.user = officer
    with pytest.raises(Exception) as refused:
        Page.as_view()(request)
    assert type(refused.value).__name__ == "Http404"
    request.user = manager
    assert Page.as_view()(request).status_code == 200


@pytest.mark.parametrize(
    ("role", "path"),
    [("trader", "/en/portal/"), ("officer", "/en/staff/"), ("manager", "/en/staff/dashboard/")],
)
def test_nav_shows_the_role_s_pages_and_marks_the_current_one(
    client: Client, actors, role: str, path: str
) -> None:
    client.force_login(actors[role])
    html = client.get(path).content.decode()
    assert f'<a href="{path}" aria-current="page">' in html
    if role == "trader":
        assert "/en/staff/" not in html
    if role == "officer":
        assert "/en/staff/dashboard/" not in html


@pytest.mark.parametrize(
    ("path", "other"),
    [
        ("/en/", "/fr/"),
        ("/fr/notifications/?page=2", "/en/notifications/?page=2"),
        ("/en/staff/dashboard/", "/fr/staff/dashboard/"),
    ],
)
def test_language_toggle_keeps_the_page(client: Client, manager, path: str, other: str) -> None:
    client.force_login(manager)
    html = client.get(path).content.decode()
    assert _toggle_next(html) == other
    lang = other[1:3]
    response = client.post("/i18n/setlang/", {"language": lang, "next": _toggle_next(html)})
    assert response.status_code == 302
    assert response["Location"] == other
    assert f'<html lang="{lang}">' in client.get(other).content.decode()


def test_language_toggle_works_against_the_language_cookie(client: Client) -> None:
    """The cookie says French, the page is English (a shared link): toggling still works."""
    client.cookies["django_language"] = "fr"
    html = client.get("/fr/sign-in/").content.decode()
    response = client.post("/i18n/setlang/", {"language": "en", "next": _toggle_next(html)})
    assert response["Location"] == "/en/sign-in/"


def test_unknown_page_is_a_bilingual_404(client: Client) -> None:
    response = client.get("/fr/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "We could not find that page" in html
    assert "Nous ne trouvons pas cette page" in html


@pytest.mark.parametrize("name", ["400.html", "403.html", "403_csrf.html", "500.html", "503.html"])
def test_error_pages_render_without_a_request_in_both_languages(name: str) -> None:
    html = render_to_string(name)
    assert '<section lang="en">' in html and '<section lang="fr">' in html
    assert "Go to the Trusted Trader home page" in html
    assert "Aller à la page d’accueil des négociants dignes de confiance" in html


def test_home_and_sign_in_lead_to_registration(client: Client) -> None:
    for path in ("/en/", "/en/sign-in/"):
        assert 'href="/en/portal/register/"' in client.get(path).content.decode()

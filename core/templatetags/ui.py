"""Template helpers of the page layout (templates/base.html): ``{% load ui %}``."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def language_toggle(context: template.Context) -> dict[str, str]:
    """The other language: its code, its name in itself, and this same page's address in it.

    ``{% language_toggle as toggle %}``; the address keeps the query string.
    """
    current = translation.get_language() or settings.LANGUAGE_CODE
    other = next(code for code, _name in settings.LANGUAGES if code != current)
    request = context.get("request")
    path = request.get_full_path() if request is not None else "/"
    target = translate_url(path, other)
    if target == path:
        # Not a page Django can resolve (a 404): swap the language prefix by hand.
        prefix = f"/{current}/"
        target = f"/{other}/{path[len(prefix) :]}" if path.startswith(prefix) else f"/{other}/"
    return {
        "code": other,
        "name": translation.get_language_info(other)["name_local"].capitalize(),
        "next": target,
    }


@register.simple_tag(takes_context=True)
def current_if(context: template.Context, *view_names: str) -> SafeString:
    """``aria-current="page"`` on a navigation link when the page is one of ``view_names``."""
    request: Any = context.get("request")
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name in view_names:
        return mark_safe('aria-current="page"')
    return mark_safe("")

"""The declaration a signing authority makes on submitting an application.

Its wording is versioned: the application records the version its signer ticked
(``Application.declaration_version``), and the submit audit event keeps the text as they read
it. Any change to the wording, in either language, gets a new version."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .models import Company

SUBMIT_DECLARATION_VERSION = "2026-1"


def submit_declaration_text(*, company: Company) -> str:
    """The declaration, in the active language, naming the company by its legal name."""
    return _(
        "I declare, as a signing authority of %(company)s, that the information in this "
        "application is true and complete."
    ) % {"company": company.legal_name}

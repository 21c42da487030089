"""The decision letter's PDF (WeasyPrint, through core.pdf), from what the notice recorded."""

from __future__ import annotations

from core.dates import APPEAL_WINDOW_DAYS
from core.pdf import pdf_render

from .models import Letter

LETTER_TEMPLATE = "pdf/decision_letter.html"


def letter_render(*, letter: Letter) -> bytes:
    """The bilingual letter (English, then French), as PDF bytes."""
    return pdf_render(
        template=LETTER_TEMPLATE,
        context={**letter.context, "kind": letter.kind, "appeal_days": APPEAL_WINDOW_DAYS},
        language="en",
        stylesheets=["pdf/letter.css"],
    )

"""Checks of what people type, shared by every app's services."""

from django.core.exceptions import ValidationError


def require_text(value: str, field: str, message: str) -> str:
    """The text without surrounding blanks; a ValidationError on ``field`` when empty."""
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value

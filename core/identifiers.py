"""Every identifier the agency issues is generated here, never typed by hand."""

from __future__ import annotations

from django.db import transaction

from .models import IdentifierSequence


def identifier_reserve(*, name: str, count: int = 1) -> range:
    """Reserve ``count`` consecutive numbers of sequence ``name`` (row-locked, gap-free)."""
    if count < 1:
        raise ValueError("count must be positive")
    with transaction.atomic():
        IdentifierSequence.objects.get_or_create(name=name)
        seq = IdentifierSequence.objects.select_for_update().get(name=name)
        start = seq.last_value + 1
        seq.last_value += count
        seq.save(update_fields=["last_value"])
    return range(start, start + count)


def member_number_format(*, programme: str, value: int) -> str:
    return f"{programme}{value:07d}"


def member_number_next(*, programme: str) -> str:
    (value,) = identifier_reserve(name=f"member:{programme}")
    return member_number_format(programme=programme, value=value)


def application_reference_format(*, year: int, value: int) -> str:
    return f"APP-{year}-{value:06d}"


def application_reference_next(*, year: int) -> str:
    (value,) = identifier_reserve(name=f"application:{year}")
    return application_reference_format(year=year, value=value)

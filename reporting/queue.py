"""The officer's work queue: the applications and the revalidation cycles in progress, as
rows of plain values in the same columns (:data:`validations.selectors.QUEUE_COLUMNS`),
combined in one query and sorted. Read by the workbench page and by the API's work queue."""

from __future__ import annotations

from typing import Any

from django.db import models

from revalidation.selectors import revalidation_queue_rows
from validations.selectors import application_queue_rows

# The queue's sort orders, by the name the page and the API take; each ends on the row's
# kind and id so that a page never repeats or skips a row. Rows without a deadline come last
# on every database (PostgreSQL sorts NULL last, SQLite first, unless told).
QUEUE_SORTS: dict[str, tuple[str | models.OrderBy, ...]] = {
    "oldest": ("row_since", "row_kind", "row_id"),
    "newest": ("-row_since", "row_kind", "row_id"),
    "deadline": (
        models.F("row_deadline").asc(nulls_last=True),
        "row_since",
        "row_kind",
        "row_id",
    ),
    "reference": ("row_reference", "row_kind", "row_id"),
    "company": ("row_company", "row_reference", "row_kind", "row_id"),
}
QUEUE_KINDS = ("application", "revalidation")


def work_queue_rows(
    *,
    user: Any,
    kind: str = "",
    who: str = "all",
    stage: str = "",
    q: str = "",
    sort: str = "oldest",
) -> models.QuerySet[Any]:
    """The work queue's rows within the user's scope: of one ``kind`` (an entry of
    :data:`QUEUE_KINDS`) or of both (""), filtered by ``who``, ``stage`` and ``q`` as
    :func:`validations.selectors.application_queue_rows` and
    :func:`revalidation.selectors.revalidation_queue_rows` are, in the order ``sort`` (a key
    of :data:`QUEUE_SORTS`). One query per page, whatever the page size."""
    if kind and kind not in QUEUE_KINDS:
        raise ValueError(f"Unknown kind of work queue row: {kind!r}")
    selection = {"who": who, "stage": stage, "q": q}
    parts = []
    if kind in ("", "application"):
        parts.append(application_queue_rows(user=user, **selection))
    if kind in ("", "revalidation"):
        parts.append(revalidation_queue_rows(user=user, **selection))
    rows = parts[0] if len(parts) == 1 else parts[0].union(parts[1], all=True)
    return rows.order_by(*QUEUE_SORTS[sort])

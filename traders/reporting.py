"""The copies of each company's business types and place on its applications and memberships
(``traders.models.CompanyCopy``), which let the manager's dashboard filter its figures by a
business type or a place without joining every company of that type or place (see
``docs/performance.md``: plain joins miss the dashboard's target at 100,000 companies).

This module owns them. They are derived data, written only here:

- :func:`company_copy_values` gives the values for a new row; the services that create an
  application or a membership call it under the company's row lock;
- :func:`company_copies_write` rewrites a company's rows; the services that change a
  company's place or business types call it under the same lock (``company_update``,
  ``business_type_delete``, the admin through them);
- :func:`copies_rebuild` rewrites every company's rows (``manage.py reporting_rebuild``,
  after a bulk write such as ``seed_demo`` or a fixture);
- :func:`copies_drift` lists every row whose copy differs from its company
  (``manage.py reporting_check``, daily through ``traders.tasks``, and after every test).

No signal writes them, and no other app's rows carry them: a revalidation cycle or an action
plan is filtered through its membership's copy."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.db import models

from .models import Application, Company, Membership, business_types_key

CHUNK = 900  # ids per IN list (SQLite's older limit on parameters is 999)

# The models that carry a copy of their company (the rows traders owns).
COPY_MODELS: tuple[type[models.Model], ...] = (Application, Membership)


@dataclass(frozen=True)
class Drift:
    """One row whose copy of its company is not the company's."""

    model: str  # app_label.ModelName
    pk: int
    company_id: int
    field: str
    stored: str
    expected: str

    def __str__(self) -> str:
        return (
            f"{self.model} {self.pk} (company {self.company_id}): {self.field} is "
            f"{self.stored!r}, the company's is {self.expected!r}"
        )


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _expected(ids: Sequence[int]) -> dict[int, dict[str, str]]:
    """What each company's rows should carry: its business types' key, country, province.
    Two queries per chunk of companies, whatever the number of rows."""
    expected: dict[int, dict[str, str]] = {}
    types: dict[int, set[int]] = defaultdict(set)
    links = Company.business_types.through.objects
    for chunk in _chunks(ids):
        for pk, country, province in Company.objects.filter(pk__in=chunk).values_list(
            "pk", "country", "province"
        ):
            expected[pk] = {
                "company_business_types": "",
                "company_country": country,
                "company_province": province,
            }
        for company_id, type_id in links.filter(company_id__in=chunk).values_list(
            "company_id", "businesstype_id"
        ):
            types[company_id].add(type_id)
    for company_id, type_ids in types.items():
        if company_id in expected:
            expected[company_id]["company_business_types"] = business_types_key(type_ids)
    return expected


def company_copy_values(*, company_id: int) -> dict[str, str]:
    """The copy a new application or membership of the company carries. Call it under the
    company's row lock (``Company.objects.select_for_update()``), so that a change of the
    company's types or place cannot come between the read and the row's insert."""
    return _expected([company_id]).get(
        company_id,
        {"company_business_types": "", "company_country": "", "company_province": ""},
    )


def company_copies_write(*, company_ids: Iterable[int]) -> int:
    """Rewrite the copies on the rows of these companies where they differ from the company:
    per model, one UPDATE per distinct copy (a handful) and chunk of companies. Returns the
    number of rows changed. Call it in the transaction that changed the companies, under
    their row locks."""
    ids = sorted(set(company_ids))
    by_copy: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for company_id, values in _expected(ids).items():
        key = (
            values["company_business_types"],
            values["company_country"],
            values["company_province"],
        )
        by_copy[key].append(company_id)
    changed = 0
    for model in COPY_MODELS:
        for (types, country, province), companies in by_copy.items():
            for chunk in _chunks(companies):
                changed += (
                    model._default_manager.filter(company_id__in=chunk)
                    .exclude(
                        company_business_types=types,
                        company_country=country,
                        company_province=province,
                    )
                    .update(
                        company_business_types=types,
                        company_country=country,
                        company_province=province,
                    )
                )
    return changed


def _company_ids() -> list[int]:
    ids: set[int] = set()
    for model in COPY_MODELS:
        ids.update(model._default_manager.values_list("company_id", flat=True).distinct())
    return sorted(ids)


def copies_drift(*, company_ids: Iterable[int] | None = None) -> list[Drift]:
    """Every row whose copy is not its company's (of these companies, or of all), in the
    order of model, company and row."""
    ids = sorted(set(company_ids)) if company_ids is not None else _company_ids()
    expected = _expected(ids)
    fields = ("company_business_types", "company_country", "company_province")
    found: list[Drift] = []
    for model in COPY_MODELS:
        label = model._meta.label
        for chunk in _chunks(ids):
            rows = (
                model._default_manager.filter(company_id__in=chunk)
                .order_by("company_id", "pk")
                .values_list("pk", "company_id", *fields)
            )
            for pk, company_id, *stored in rows:
                want = expected.get(company_id, {})
                for field, value in zip(fields, stored, strict=True):
                    if value != want.get(field, ""):
                        found.append(
                            Drift(label, pk, company_id, field, value, want.get(field, ""))
                        )
    return found


def copies_rebuild(*, company_ids: Iterable[int] | None = None) -> int:
    """Rewrite the copies of these companies (or of all) from the companies; returns the
    number of rows changed. What a bulk write (``seed_demo``, ``loaddata``, a
    ``QuerySet.update`` in a shell or a data migration) must be followed by."""
    ids = list(company_ids) if company_ids is not None else _company_ids()
    return company_copies_write(company_ids=ids)

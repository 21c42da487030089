"""Keeps the copies on the rows the dashboard counts in step with what they copy:

- each company's business types and place (``CompanyCopy``): whenever
  ``Company.business_types`` changes or a company is saved;
- each membership's officer and programme (``MembershipCopy``): whenever a membership is
  saved with a new officer or programme;

whoever does it (the services, the admin, the shell), in the same transaction.
``QuerySet.update`` and bulk writes send no signal: call ``company_copies_sync`` or
``membership_copies_sync`` after one (``seed_demo`` does)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from .models import Company, CompanyCopy, Membership, MembershipCopy, business_types_key

CHUNK = 900  # ids per IN list (SQLite's older limit on parameters is 999)


def company_copies() -> list[type[models.Model]]:
    """The models that carry a copy of their company's business types and place."""
    return [
        model
        for model in apps.get_models()
        if issubclass(model, CompanyCopy) and not model._meta.abstract
    ]


def membership_copies() -> list[type[models.Model]]:
    """The models that carry a copy of their membership's officer and programme."""
    return [
        model
        for model in apps.get_models()
        if issubclass(model, MembershipCopy) and not model._meta.abstract
    ]


def membership_copies_sync(*, membership_ids: Iterable[int]) -> None:
    """Write each membership's officer and programme onto its rows (one UPDATE per model
    and chunk of memberships, read from the membership by a subquery)."""
    ids = sorted(set(membership_ids))
    membership = Membership.objects.filter(pk=models.OuterRef("membership_id"))
    for model in membership_copies():
        for chunk in _chunks(ids):
            model._default_manager.filter(membership_id__in=chunk).update(
                membership_officer_id=models.Subquery(membership.values("assigned_officer_id")[:1]),
                membership_programme=models.Subquery(membership.values("programme")[:1]),
            )


@receiver(post_save, sender=Membership)
def _membership_saved(
    sender: Any,  # noqa: ANN401
    instance: Membership,
    created: bool,
    **kwargs: Any,
) -> None:
    update_fields = kwargs.get("update_fields")
    if created or (
        update_fields is not None
        and not {"assigned_officer", "assigned_officer_id", "programme"} & set(update_fields)
    ):
        return
    for model in membership_copies():
        model._default_manager.filter(membership_id=instance.pk).exclude(
            membership_officer_id=instance.assigned_officer_id,
            membership_programme=instance.programme,
        ).update(
            membership_officer_id=instance.assigned_officer_id,
            membership_programme=instance.programme,
        )


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def company_copies_sync(*, company_ids: Iterable[int]) -> None:
    """Write each company's current business types and place onto its rows (after a bulk
    write): the types as ``_company_types_sync`` does, and per model one UPDATE per chunk
    of companies for the place (read from the company by a subquery)."""
    ids = sorted(set(company_ids))
    _company_types_sync(ids)
    company = Company.objects.filter(pk=models.OuterRef("company_id"))
    for model in company_copies():
        for chunk in _chunks(ids):
            model._default_manager.filter(company_id__in=chunk).update(
                company_country=models.Subquery(company.values("country")[:1]),
                company_province=models.Subquery(company.values("province")[:1]),
            )


def _company_types_sync(ids: Sequence[int]) -> None:
    """Each company's business types onto its rows: per model, one UPDATE per distinct set
    of types (a handful, whatever the number of companies), only where they differ."""
    types: dict[int, set[int]] = {pk: set() for pk in ids}
    links = Company.business_types.through.objects
    for chunk in _chunks(ids):
        for company_id, type_id in links.filter(company_id__in=chunk).values_list(
            "company_id", "businesstype_id"
        ):
            types[company_id].add(type_id)
    by_key: dict[str, list[int]] = defaultdict(list)
    for company_id, type_ids in types.items():
        by_key[business_types_key(type_ids)].append(company_id)
    for model in company_copies():
        for key, companies in by_key.items():
            for chunk in _chunks(companies):
                model._default_manager.filter(company_id__in=chunk).exclude(
                    company_business_types=key
                ).update(company_business_types=key)


def _company_place_sync(company: Company) -> None:
    for model in company_copies():
        model._default_manager.filter(company_id=company.pk).exclude(
            company_country=company.country, company_province=company.province
        ).update(company_country=company.country, company_province=company.province)


@receiver(post_save, sender=Company)
def _company_saved(sender: Any, instance: Company, created: bool, **kwargs: Any) -> None:  # noqa: ANN401
    update_fields = kwargs.get("update_fields")
    if created or (update_fields is not None and not {"country", "province"} & set(update_fields)):
        return
    _company_place_sync(instance)


@receiver(m2m_changed, sender=Company.business_types.through)
def _business_types_changed(
    sender: Any,  # noqa: ANN401
    instance: Any,  # noqa: ANN401
    action: str,
    reverse: bool,
    pk_set: set[int] | None,
    **kwargs: Any,
) -> None:
    if not reverse:  # a company's types changed
        if action in ("post_add", "post_remove", "post_clear"):
            _company_types_sync([instance.pk])
        return
    # A business type's companies changed (``business_type.companies.add(...)``).
    if action == "pre_clear":
        instance._companies_cleared = list(instance.companies.values_list("pk", flat=True))
    elif action in ("post_add", "post_remove"):
        _company_types_sync(sorted(pk_set or ()))
    elif action == "post_clear":
        _company_types_sync(getattr(instance, "_companies_cleared", []))

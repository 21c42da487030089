"""The dashboard's filters (programme, place, business type, officer) and how each list's
rows are matched to a company, on the copies (traders.reporting) or through a join."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import Role, User
from traders.models import Application, BusinessType, Company, Membership, Programme

EXPIRY_WINDOWS = (30, 60, 90, 180)
REVALIDATION_HORIZON_DAYS = 180  # the scheduler opens a cycle this long before expiry
PLANS_DUE_SOON_DAYS = 7  # "due this week": today and the six days after
DECISION_MONTHS = 12
EXPIRY_CHART_MONTHS = 24

A = Application.State
PIPELINE_STAGES = (
    A.SUBMITTED,
    A.UNDER_REVIEW,
    A.INFO_REQUESTED,
    A.ELIGIBLE,
    A.VALIDATION_SCHEDULED,
    A.VALIDATED,
)
# Decisions counted per month, with the kind of object whose audit event counts (certifying
# an application also writes a "certify" event on each membership it creates: counted once).
DECISIONS = (
    ("certify", Application, _("Certifications")),
    ("deny", Application, _("Denials")),
    ("suspend", Membership, _("Suspensions")),
)


@dataclass(frozen=True)
class Filters:
    """What every list and the dashboard may be narrowed to. Empty means no filter."""

    programme: str = ""
    business_type: str = ""
    country: str = ""
    province: str = ""
    officer: int | None = None
    # The id of ``business_type``, set by the selectors (``_resolved``: one query), 0 when
    # no such type. A literal id rather than a subquery, so that PostgreSQL knows from its
    # statistics how many companies have the type when it plans the semi-join on them.
    business_type_pk: int | None = field(default=None, compare=False, repr=False)

    def as_query(self) -> dict[str, str]:
        values = {
            "programme": self.programme,
            "business_type": self.business_type,
            "country": self.country,
            "province": self.province,
            "officer": str(self.officer) if self.officer else "",
        }
        return {k: v for k, v in values.items() if v}

    @property
    def company_filtered(self) -> bool:
        return bool(self.business_type or self.country or self.province)


def _resolved(filters: Filters) -> Filters:
    """``filters`` with the business type's id (one query, only if not known yet)."""
    if not filters.business_type or filters.business_type_pk is not None:
        return filters
    pk = (
        BusinessType.objects.filter(code=filters.business_type).values_list("pk", flat=True).first()
    )
    return replace(filters, business_type_pk=pk or 0)


class _Probe(models.Exists):
    """A correlated EXISTS that PostgreSQL evaluates row by row. ``OFFSET 0`` keeps the
    planner from turning it into a join (which it then often drives from the other side:
    the 61,000 companies of a common business type, not the date window's few thousand
    rows). Each probe is one lookup in a unique index."""

    template = "EXISTS(%(subquery)s OFFSET 0)"


def _company_match(filters: Filters, path: str, copy: bool = False, through: str = "") -> models.Q:
    """The row's company (reached through ``path``) matches the company filters.

    On a row that carries a copy of its company's business types and place (``copy``: see
    ``traders.models.CompanyCopy`` and the audit events' copy), or reaches one through
    ``through`` (a cycle or a plan: ``membership__``, one join by primary key), a test on
    that copy: ``|<type id>|`` in the copy of the types, the copied country and province.
    PostgreSQL reads the date window from its index and checks each row it reads.

    Elsewhere, the place: a correlated probe, so that PostgreSQL starts from the list's own
    index and checks each row's company by its primary key (there is no index on the place).
    The business type: ``company IN (the companies of the type)``, a semi-join on the type's
    id (a literal, see ``Filters.business_type_pk``)."""
    condition = models.Q()
    if copy:
        if filters.country:
            condition &= models.Q(**{f"{through}company_country": filters.country})
        if filters.province:
            condition &= models.Q(**{f"{through}company_province": filters.province})
        if filters.business_type and filters.business_type_pk is not None:
            pk = filters.business_type_pk
            contains = {f"{through}company_business_types__contains": f"|{pk}|"}
            return condition & models.Q(**contains)
    elif filters.country or filters.province:
        companies = Company.objects.filter(pk=models.OuterRef(path))
        if filters.country:
            companies = companies.filter(country=filters.country)
        if filters.province:
            companies = companies.filter(province=filters.province)
        condition &= models.Q(_Probe(companies))
    if filters.business_type:
        links = Company.business_types.through.objects
        if filters.business_type_pk is not None:
            typed = links.filter(businesstype_id=filters.business_type_pk)
        else:  # not resolved: the type's id read by a subquery
            typed = links.filter(
                businesstype_id=models.Subquery(
                    BusinessType.objects.filter(code=filters.business_type).values("pk")[:1]
                )
            )
        condition &= models.Q(**{f"{path}__in": typed.values("company_id")})
    return condition


def _narrow(
    qs: models.QuerySet[Any],
    filters: Filters,
    *,
    company: str,
    programme: str | None,
    officer: str | None,
    programme_contains: bool = False,
    copy: bool = False,
    through: str = "",
) -> models.QuerySet[Any]:
    """Apply ``filters`` to ``qs`` through the named paths to the company, the programme and
    the assigned officer (None: the filter does not apply to this list). A row that reaches
    its copy ``through`` a membership and has none (an action plan issued before
    certification) is matched on its own company through plain joins (a few rows)."""
    if filters.company_filtered:
        link = through.removesuffix("__")
        if through and qs.model._meta.get_field(link).null:
            qs = qs.filter(
                models.Q(**{f"{link}__isnull": False})
                & _company_match(filters, company, copy, through)
                | models.Q(**{f"{link}__isnull": True}) & _company_match(filters, "company_id")
            )
        else:
            qs = qs.filter(_company_match(filters, company, copy, through))
    if filters.programme and programme is not None:
        lookup = f"{programme}__contains" if programme_contains else programme
        qs = qs.filter(**{lookup: filters.programme})
    if filters.officer and officer is not None:
        qs = qs.filter(**{officer: filters.officer})
    return qs


def filter_choices() -> dict[str, Any]:
    """The options of the filter form: programmes, business types (code, English and French
    names, id), officers (two queries)."""
    return {
        "programmes": Programme.choices,
        "business_types": list(
            BusinessType.objects.order_by("code").values_list("code", "name_en", "name_fr", "pk")
        ),
        "officers": list(
            User.objects.filter(role__in=[Role.OFFICER, Role.MANAGER], is_active=True)
            .order_by("full_name", "pk")
            .values_list("pk", "full_name")
        ),
    }

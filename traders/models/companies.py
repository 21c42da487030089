"""Companies, their sites and users, and the business types they declare."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel

business_number_validator = RegexValidator(
    r"^\d{9}([A-Z]{2}\d{4})?$",
    _(
        "Enter a business number of 9 digits, optionally followed by a programme account "
        "such as RM0001 (for example 123456789 or 123456789RM0001)."
    ),
)
country_code_validator = RegexValidator(
    r"^[A-Z]{2}$", _("Enter a two-letter ISO country code, such as CA or US.")
)


class Programme(models.TextChoices):
    PIP = "PIP", _("Partners in Protection")
    CSA = "CSA", _("Customs Self-Assessment")


class BusinessType(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_fr = models.CharField(_("name (French)"), max_length=100)

    class Meta:
        verbose_name = _("business type")
        verbose_name_plural = _("business types")
        ordering = ["code"]

    def __str__(self) -> str:
        from django.utils.translation import get_language

        return self.name_fr if (get_language() or "en").startswith("fr") else self.name_en


class Company(TimeStampedModel):
    SCOPE_COMPANY_FIELD = "pk"

    legal_name = models.CharField(_("legal name"), max_length=200)
    operating_name = models.CharField(_("operating name"), max_length=200, blank=True)
    business_number = models.CharField(
        _("business number"),
        max_length=15,
        unique=True,
        validators=[business_number_validator],
        help_text=_("9 digits, optionally with a programme account such as RM0001."),
    )
    country = models.CharField(
        _("country of residence"), max_length=2, default="CA", validators=[country_code_validator]
    )
    province = models.CharField(_("province or state"), max_length=40, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=12, blank=True)
    phone = models.CharField(_("telephone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    business_types = models.ManyToManyField(
        BusinessType, verbose_name=_("business types"), related_name="companies", blank=True
    )
    mra_sharing_consent = models.BooleanField(
        _("consents to share membership status with partner administrations"), default=False
    )

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["legal_name"]

    def __str__(self) -> str:
        return self.operating_name or self.legal_name

    @property
    def company_id(self) -> int:
        return self.pk


def business_types_key(type_ids: Iterable[int]) -> str:
    """A company's business types as copied onto the rows the dashboard counts: the type ids,
    sorted, each between bars (``|3|7|``), so that one type is the test ``contains="|3|"``;
    empty when the company has none."""
    ids = sorted(set(type_ids))
    return "".join(f"|{i}" for i in ids) + "|" if ids else ""


# The fields of CompanyCopy, each with the company's field it copies (None: the business types).
COMPANY_COPY_FIELDS = {
    "company_business_types": None,
    "company_country": "country",
    "company_province": "province",
}


# The columns the dashboard's filters test on applications and memberships (the copies, the
# programme, the officer), included in the indexes its figures read.
COVERING_FILTERS = [
    "company_business_types",
    "company_country",
    "company_province",
    "programme",
    "assigned_officer",
]


class CompanyCopy(models.Model):
    """A copy of the company's business types and place (country, province or state) on a
    row that the manager's dashboard counts (applications and memberships; revalidation
    cycles and action plans read their membership's), so that filtering the figures by a
    business type or a place is a test on each row read rather than a join on every company
    of the type or place (61% of the companies for the most common type, 40% for Ontario).

    Derived data owned by ``traders.reporting``: set by the services that create the row,
    rewritten by the services that change the company, rebuilt by ``manage.py
    reporting_rebuild`` and checked by ``manage.py reporting_check``. A plain save of an
    existing row never writes the copy, so a row loaded before a change cannot put the old
    values back."""

    company_business_types = models.CharField(
        _("company's business types"), max_length=200, blank=True, default="", editable=False
    )
    company_country = models.CharField(
        _("company's country"), max_length=2, blank=True, default="", editable=False
    )
    company_province = models.CharField(
        _("company's province or state"), max_length=40, blank=True, default="", editable=False
    )

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding and kwargs.get("update_fields") is None:
            deferred = self.get_deferred_fields()
            kwargs["update_fields"] = [
                f.attname
                for f in self._meta.concrete_fields
                if not f.primary_key
                and f.attname not in deferred
                and f.name not in COMPANY_COPY_FIELDS
            ]
        super().save(*args, **kwargs)


class Site(TimeStampedModel):
    SCOPE_COMPANY_FIELD = "company"

    class Kind(models.TextChoices):
        OFFICE = "office", _("Office")
        WAREHOUSE = "warehouse", _("Warehouse")
        TERMINAL = "terminal", _("Terminal or yard")
        PLANT = "plant", _("Manufacturing plant")
        OTHER = "other", _("Other")

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.CASCADE, related_name="sites"
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OFFICE)
    street_address = models.CharField(_("street address"), max_length=200)
    city = models.CharField(_("city"), max_length=100)
    province = models.CharField(_("province or state"), max_length=40, blank=True)
    country = models.CharField(
        _("country"), max_length=2, default="CA", validators=[country_code_validator]
    )
    postal_code = models.CharField(_("postal code"), max_length=12, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["company", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.city})"


class CompanyUser(TimeStampedModel):
    SCOPE_COMPANY_FIELD = "company"

    class CompanyRole(models.TextChoices):
        SIGNING_AUTHORITY = "signing_authority", _("Signing authority")
        CONTRIBUTOR = "contributor", _("Contributor")

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.CASCADE, related_name="user_links"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="company_links",
    )
    company_role = models.CharField(
        _("company role"),
        max_length=30,
        choices=CompanyRole.choices,
        default=CompanyRole.CONTRIBUTOR,
    )

    class Meta:
        verbose_name = _("company user")
        verbose_name_plural = _("company users")
        constraints = [
            models.UniqueConstraint(fields=["company", "user"], name="company_user_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.company} ({self.get_company_role_display()})"

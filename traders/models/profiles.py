"""Security profiles, their answers and the evidence files."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.files import upload_name
from core.models import StoredFile, TimeStampedModel

from .catalogues import CatalogueVersion, Requirement
from .companies import Company


class SecurityProfile(TimeStampedModel):
    """A company's answers to one catalogue version (for an application or a revalidation)."""

    SCOPE_COMPANY_FIELD = "company"

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.CASCADE, related_name="profiles"
    )
    catalogue = models.ForeignKey(
        CatalogueVersion, verbose_name=_("catalogue"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(
        _("submitted"),
        null=True,
        blank=True,
        help_text=_("Once submitted, the answers are frozen; a new version starts from a copy."),
    )
    confirmed_on = models.DateField(_("last confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("security profile")
        verbose_name_plural = _("security profiles")

    def __str__(self) -> str:
        return f"{self.company} / {self.catalogue}"


class ProfileAnswer(TimeStampedModel):
    SCOPE_COMPANY_FIELD = "profile__company"

    class Implementation(models.TextChoices):
        IMPLEMENTED = "implemented", _("Implemented")
        PARTIAL = "partial", _("Partially implemented")
        PLANNED = "planned", _("Planned")
        NOT_APPLICABLE = "not_applicable", _("Not applicable")

    profile = models.ForeignKey(
        SecurityProfile, verbose_name=_("profile"), on_delete=models.CASCADE, related_name="answers"
    )
    requirement = models.ForeignKey(
        Requirement, verbose_name=_("requirement"), on_delete=models.PROTECT, related_name="+"
    )
    implementation = models.CharField(
        _("implementation"), max_length=20, choices=Implementation.choices
    )
    description = models.TextField(_("how the company meets it"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("profile answer")
        verbose_name_plural = _("profile answers")
        constraints = [
            models.UniqueConstraint(fields=["profile", "requirement"], name="answer_unique")
        ]

    def __str__(self) -> str:
        return f"{self.requirement.code}: {self.get_implementation_display()}"


def evidence_upload_to(instance: EvidenceFile, filename: str) -> str:
    return upload_name(
        folder="evidence", company_id=instance.answer.profile.company_id, filename=filename
    )


class EvidenceFile(StoredFile):
    SCOPE_COMPANY_FIELD = "answer__profile__company"

    answer = models.ForeignKey(
        ProfileAnswer, verbose_name=_("answer"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("file"), upload_to=evidence_upload_to, max_length=300)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

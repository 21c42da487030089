"""The requirement catalogues: versions, areas and requirements."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel

from .companies import Programme


class CtpatCategory(models.TextChoices):
    SECURITY_VISION = "security_vision", _("Security Vision & Responsibility")
    RISK_ASSESSMENT = "risk_assessment", _("Risk Assessment")
    BUSINESS_PARTNERS = "business_partners", _("Business Partners")
    CYBERSECURITY = "cybersecurity", _("Cybersecurity")
    CONVEYANCE_IIT = "conveyance_iit", _("Conveyance & Instruments of International Traffic")
    SEAL_SECURITY = "seal_security", _("Seal Security")
    PROCEDURAL_SECURITY = "procedural_security", _("Procedural Security")
    AGRICULTURAL_SECURITY = "agricultural_security", _("Agricultural Security")
    PHYSICAL_SECURITY = "physical_security", _("Physical Security")
    PHYSICAL_ACCESS = "physical_access", _("Physical Access Controls")
    PERSONNEL_SECURITY = "personnel_security", _("Personnel Security")
    EDUCATION_TRAINING = "education_training", _("Education, Training & Awareness")


class WcoCondition(models.TextChoices):
    CUSTOMS_COMPLIANCE = (
        "customs_compliance",
        _("Demonstrated compliance with customs requirements"),
    )
    RECORDS_MANAGEMENT = "records_management", _("Satisfactory system for commercial records")
    FINANCIAL_VIABILITY = "financial_viability", _("Financial viability")
    CONSULTATION = "consultation", _("Consultation, co-operation and communication")
    EDUCATION_TRAINING = "education_training", _("Education, training and awareness")
    INFORMATION_EXCHANGE = (
        "information_exchange",
        _("Information exchange, access and confidentiality"),
    )
    CARGO_SECURITY = "cargo_security", _("Cargo security")
    CONVEYANCE_SECURITY = "conveyance_security", _("Conveyance security")
    PREMISES_SECURITY = "premises_security", _("Premises security")
    PERSONNEL_SECURITY = "personnel_security", _("Personnel security")
    TRADING_PARTNER_SECURITY = "trading_partner_security", _("Trading partner security")
    CRISIS_MANAGEMENT = "crisis_management", _("Crisis management and incident recovery")
    MEASUREMENT_IMPROVEMENT = "measurement_improvement", _("Measurement, analysis and improvement")


class CatalogueVersion(TimeStampedModel):
    """One published version of a programme's requirements. Never edited once published."""

    programme = models.CharField(_("programme"), max_length=3, choices=Programme.choices)
    version = models.CharField(_("version"), max_length=20)
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_fr = models.CharField(_("title (French)"), max_length=200)
    effective_from = models.DateField(_("in force from"))

    class Meta:
        verbose_name = _("catalogue version")
        verbose_name_plural = _("catalogue versions")
        ordering = ["programme", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "version"], name="catalogue_unique")
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.version}"


class RequirementArea(models.Model):
    catalogue = models.ForeignKey(
        CatalogueVersion,
        verbose_name=_("catalogue"),
        on_delete=models.PROTECT,
        related_name="areas",
    )
    code = models.CharField(_("code"), max_length=10)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("requirement area")
        verbose_name_plural = _("requirement areas")
        ordering = ["catalogue", "order"]
        constraints = [
            models.UniqueConstraint(fields=["catalogue", "code"], name="area_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        from django.utils.translation import get_language

        return self.name_fr if (get_language() or "en").startswith("fr") else self.name_en


class Requirement(models.Model):
    class Level(models.TextChoices):
        MUST = "must", _("Must")
        SHOULD = "should", _("Should")

    area = models.ForeignKey(
        RequirementArea,
        verbose_name=_("area"),
        on_delete=models.PROTECT,
        related_name="requirements",
    )
    code = models.CharField(_("code"), max_length=20)
    text_en = models.TextField(_("text (English)"))
    text_fr = models.TextField(_("text (French)"))
    level = models.CharField(_("level"), max_length=6, choices=Level.choices)
    evidence_required = models.BooleanField(_("evidence required"), default=False)
    ctpat_category = models.CharField(
        _("C-TPAT MSC category"), max_length=30, choices=CtpatCategory.choices
    )
    wco_condition = models.CharField(
        _("WCO SAFE condition"), max_length=30, choices=WcoCondition.choices
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")
        ordering = ["area__order", "order"]
        constraints = [
            models.UniqueConstraint(fields=["area", "code"], name="requirement_code_unique")
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def text(self) -> str:
        from django.utils.translation import get_language

        return self.text_fr if (get_language() or "en").startswith("fr") else self.text_en

    @property
    def is_mandatory(self) -> bool:
        return self.level == self.Level.MUST

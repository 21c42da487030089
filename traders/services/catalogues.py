"""Requirement catalogues: each version is loaded once from its data file and never edited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from ..models import CatalogueVersion, Requirement, RequirementArea


def catalogue_load(*, data: dict[str, Any]) -> CatalogueVersion:
    """Load one catalogue version from its data file. Loading the same version twice is a
    no-op: a published version is never rewritten."""
    existing = CatalogueVersion.objects.filter(
        programme=data["programme"], version=data["version"]
    ).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        catalogue = CatalogueVersion.objects.create(
            programme=data["programme"],
            version=data["version"],
            title_en=data["title_en"],
            title_fr=data["title_fr"],
            effective_from=dt.date.fromisoformat(data["effective_from"]),
        )
        for area_order, area_data in enumerate(data["areas"], start=1):
            area = RequirementArea.objects.create(
                catalogue=catalogue,
                code=area_data["code"],
                name_en=area_data["name_en"],
                name_fr=area_data["name_fr"],
                order=area_order,
            )
            Requirement.objects.bulk_create(
                Requirement(
                    area=area,
                    code=req["code"],
                    text_en=req["text_en"],
                    text_fr=req["text_fr"],
                    level=req["level"],
                    evidence_required=req["evidence_required"],
                    ctpat_category=req["ctpat_category"],
                    wco_condition=req["wco_condition"],
                    order=order,
                )
                for order, req in enumerate(area_data["requirements"], start=1)
            )
    return catalogue

"""Business types and the PIP catalogue, version 2024 (traders/catalogue_data/)."""

import datetime as dt
import json
from pathlib import Path

from django.db import migrations

BUSINESS_TYPES = [
    ("importer", "Importer", "Importateur"),
    ("exporter", "Exporter", "Exportateur"),
    ("highway_carrier", "Highway carrier", "Transporteur routier"),
    ("rail_carrier", "Rail carrier", "Transporteur ferroviaire"),
    ("marine_carrier", "Marine carrier", "Transporteur maritime"),
    ("air_carrier", "Air carrier", "Transporteur aérien"),
    ("customs_broker", "Customs broker", "Courtier en douane"),
    ("freight_forwarder", "Freight forwarder", "Transitaire"),
    ("warehouse_operator", "Warehouse operator", "Exploitant d'entrepôt"),
    ("shipping_agent", "Shipping agent", "Agent maritime"),
]

DATA = Path(__file__).resolve().parent.parent / "catalogue_data" / "pip_2024.json"


def forwards(apps, schema_editor):
    BusinessType = apps.get_model("traders", "BusinessType")
    for code, en, fr in BUSINESS_TYPES:
        BusinessType.objects.get_or_create(code=code, defaults={"name_en": en, "name_fr": fr})

    CatalogueVersion = apps.get_model("traders", "CatalogueVersion")
    RequirementArea = apps.get_model("traders", "RequirementArea")
    Requirement = apps.get_model("traders", "Requirement")
    data = json.loads(DATA.read_text(encoding="utf-8"))
    if CatalogueVersion.objects.filter(programme=data["programme"], version=data["version"]).exists():
        return
    catalogue = CatalogueVersion.objects.create(
        programme=data["programme"], version=data["version"], title_en=data["title_en"],
        title_fr=data["title_fr"], effective_from=dt.date.fromisoformat(data["effective_from"]),
    )
    for area_order, area_data in enumerate(data["areas"], start=1):
        area = RequirementArea.objects.create(
            catalogue=catalogue, code=area_data["code"], name_en=area_data["name_en"],
            name_fr=area_data["name_fr"], order=area_order,
        )
        Requirement.objects.bulk_create(
            Requirement(
                area=area, code=r["code"], text_en=r["text_en"], text_fr=r["text_fr"],
                level=r["level"], evidence_required=r["evidence_required"],
                ctpat_category=r["ctpat_category"], wco_condition=r["wco_condition"], order=order,
            )
            for order, r in enumerate(area_data["requirements"], start=1)
        )


class Migration(migrations.Migration):
    dependencies = [("traders", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

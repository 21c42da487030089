"""Fills the copies of each company's business types and place (CompanyCopy) on the rows
that exist, and indexes the companies of a business type by type."""

from collections import defaultdict

from django.db import migrations, models

COPIES = (
    ("traders", "Application"),
    ("traders", "Membership"),
    ("revalidation", "RevalidationCycle"),
    ("validations", "ActionPlan"),
)
CHUNK = 900


def backfill(apps, schema_editor):
    Company = apps.get_model("traders", "Company")
    types = defaultdict(set)
    for company_id, type_id in Company.business_types.through.objects.values_list(
        "company_id", "businesstype_id"
    ).iterator(chunk_size=10000):
        types[company_id].add(type_id)
    by_key = defaultdict(list)
    for company_id, type_ids in types.items():
        by_key["".join(f"|{i}" for i in sorted(type_ids)) + "|"].append(company_id)
    company = Company.objects.filter(pk=models.OuterRef("company_id"))
    for app_label, model_name in COPIES:
        model = apps.get_model(app_label, model_name)
        for key, companies in by_key.items():
            for start in range(0, len(companies), CHUNK):
                model.objects.filter(company_id__in=companies[start : start + CHUNK]).update(
                    company_business_types=key
                )
        model.objects.update(
            company_country=models.Subquery(company.values("country")[:1]),
            company_province=models.Subquery(company.values("province")[:1]),
        )


class Migration(migrations.Migration):
    dependencies = [
        ("traders", "0005_company_copy"),
        ("revalidation", "0002_company_copy"),
        ("validations", "0005_company_copy"),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
        migrations.RunSQL(
            "CREATE INDEX company_business_types_by_type"
            " ON traders_company_business_types (businesstype_id, company_id)",
            "DROP INDEX company_business_types_by_type",
        ),
    ]

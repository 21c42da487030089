"""Audit events record the company's business types and place (of objects that keep a copy
of them: applications, memberships, revalidation cycles, action plans), so that the
dashboard counts a decision under the types and place the company had when it was taken and
filters without a join. Existing events get what their company has now, the best record
there is."""

from collections import defaultdict

from django.db import migrations, models

COPIES = (
    ("traders", "application"),
    ("traders", "membership"),
    ("revalidation", "revalidationcycle"),
    ("validations", "actionplan"),
)
CHUNK = 900

# One UPDATE (a row updated twice in the transaction would queue the deferred foreign-key
# checks, and the trigger could not be enabled again before they ran).
BACKFILL_POSTGRESQL = """
ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only;
UPDATE core_auditevent AS e
SET company_business_types = coalesce(k.key, ''),
    company_country = c.country,
    company_province = c.province
FROM traders_company AS c
LEFT JOIN (
    SELECT company_id, '|' || string_agg(businesstype_id::text, '|' ORDER BY businesstype_id)
        || '|' AS key
    FROM traders_company_business_types GROUP BY company_id
) AS k ON k.company_id = c.id
WHERE e.company_id = c.id AND e.content_type_id = ANY(%s);
SET CONSTRAINTS ALL IMMEDIATE;
ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_append_only;
"""


def backfill(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    kinds = [ct.pk for ct in ContentType.objects.all() if (ct.app_label, ct.model) in COPIES]
    if not kinds:  # a new database: no events yet
        return
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKFILL_POSTGRESQL, params=[kinds])
        return
    Company = apps.get_model("traders", "Company")
    AuditEvent = apps.get_model("core", "AuditEvent")
    types = defaultdict(set)
    for company_id, type_id in Company.business_types.through.objects.values_list(
        "company_id", "businesstype_id"
    ):
        types[company_id].add(type_id)
    by_key = defaultdict(list)
    for company_id, type_ids in types.items():
        by_key["".join(f"|{i}" for i in sorted(type_ids)) + "|"].append(company_id)
    for key, companies in by_key.items():
        for start in range(0, len(companies), CHUNK):
            AuditEvent.objects.filter(
                company_id__in=companies[start : start + CHUNK], content_type_id__in=kinds
            ).update(company_business_types=key)
    company = Company.objects.filter(pk=models.OuterRef("company_id"))
    AuditEvent.objects.filter(company_id__isnull=False, content_type_id__in=kinds).update(
        company_country=models.Subquery(company.values("country")[:1]),
        company_province=models.Subquery(company.values("province")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0004_audit_action_time_company"),
        ("traders", "0006_company_copy_backfill"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="auditevent",
            name="audit_action_time_company",
        ),
        migrations.AddField(
            model_name="auditevent",
            name="company_business_types",
            field=models.CharField(
                blank=True, default="", max_length=200, verbose_name="company's business types"
            ),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="company_country",
            field=models.CharField(
                blank=True, default="", max_length=2, verbose_name="company's country"
            ),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="company_province",
            field=models.CharField(
                blank=True, default="", max_length=40, verbose_name="company's province or state"
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(
                fields=["action", "content_type", "occurred_at"],
                include=(
                    "company_id",
                    "company_business_types",
                    "company_country",
                    "company_province",
                ),
                name="audit_decisions_covering",
            ),
        ),
    ]

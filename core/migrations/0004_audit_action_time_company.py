from django.db import migrations, models


class Migration(migrations.Migration):
    """The decisions index carries the event's company, so that a dashboard filtered by the
    company's business type or place counts decisions from the index alone. The new index is
    built before the old one is dropped: the decisions never go without one."""

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0003_staff_and_decision_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(
                fields=["action", "content_type", "occurred_at"],
                include=("company_id",),
                name="audit_action_time_company",
            ),
        ),
        migrations.RemoveIndex(
            model_name="auditevent",
            name="audit_action_time",
        ),
    ]

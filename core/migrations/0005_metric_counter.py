import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    """MetricCounter moves from the audit app to the foundation: state only, its table stays."""

    dependencies = [
        ("workforce", "0004_idempotency"),
        ("audit", "0003_operations"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="MetricCounter",
                    fields=[
                        ("name", models.CharField(max_length=200, primary_key=True, serialize=False)),
                        ("value", models.BigIntegerField(default=0)),
                        ("updated_at", models.DateTimeField(default=django.utils.timezone.now)),
                    ],
                    options={"db_table": "audit_metriccounter"},
                ),
            ],
            database_operations=[],
        ),
    ]

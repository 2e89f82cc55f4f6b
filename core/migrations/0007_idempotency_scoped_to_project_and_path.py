import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """An Idempotency-Key is unique per (caller, project, method + path), not per caller alone.

    Records stored before have no project: from now on they match only requests made outside a project.
    """

    dependencies = [
        ("workforce", "0006_apikey_parent"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="idempotencyrecord",
            name="idempotency_caller_key_unique",
        ),
        migrations.AddField(
            model_name="idempotencyrecord",
            name="project",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="workforce.project",
            ),
        ),
        migrations.AddConstraint(
            model_name="idempotencyrecord",
            constraint=models.UniqueConstraint(
                fields=("caller", "project", "method_path", "key"),
                name="idempotency_caller_project_path_key_unique",
                nulls_distinct=False,
            ),
        ),
    ]

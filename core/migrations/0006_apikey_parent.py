import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """API keys remember the key that minted them (revoking or deleting a key takes its minted keys with it)."""

    dependencies = [
        ("workforce", "0005_metric_counter"),
    ]

    operations = [
        migrations.AddField(
            model_name="apikey",
            name="parent",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="minted",
                to="workforce.apikey",
            ),
        ),
    ]

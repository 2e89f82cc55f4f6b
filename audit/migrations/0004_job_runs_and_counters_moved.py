from django.db import migrations


class Migration(migrations.Migration):
    """JobRun and ScheduledJobState now belong to the jobs app, MetricCounter to core: state only."""

    dependencies = [
        ("audit", "0003_operations"),
        ("jobs", "0001_initial"),
        ("workforce", "0005_metric_counter"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="JobRun"),
                migrations.DeleteModel(name="ScheduledJobState"),
                migrations.DeleteModel(name="MetricCounter"),
            ],
            database_operations=[],
        ),
    ]

from django.db import migrations

OLD_TASK, NEW_TASK = "audit.tasks.retention_cleanup", "jobs.tasks.retention_cleanup"
# (old app label, new app label, model): permissions granted on the old content types keep working.
MOVED_MODELS = [
    ("audit", "jobs", "jobrun"),
    ("audit", "jobs", "scheduledjobstate"),
    ("audit", "workforce", "metriccounter"),
]


def forwards(apps, schema_editor):
    """Beat's schedule and the supervision state name the retention task by its new path; content types follow."""
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=OLD_TASK).update(task=NEW_TASK)
    apps.get_model("jobs", "ScheduledJobState").objects.filter(task=OLD_TASK).update(task=NEW_TASK)
    content_types = apps.get_model("contenttypes", "ContentType").objects
    for old, new, model in MOVED_MODELS:
        if not content_types.filter(app_label=new, model=model).exists():
            content_types.filter(app_label=old, model=model).update(app_label=new)


def backwards(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=NEW_TASK).update(task=OLD_TASK)
    apps.get_model("jobs", "ScheduledJobState").objects.filter(task=NEW_TASK).update(task=OLD_TASK)
    content_types = apps.get_model("contenttypes", "ContentType").objects
    for old, new, model in MOVED_MODELS:
        if not content_types.filter(app_label=old, model=model).exists():
            content_types.filter(app_label=new, model=model).update(app_label=old)


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0001_initial"),
        ("audit", "0004_job_runs_and_counters_moved"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]

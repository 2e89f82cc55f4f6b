import uuid

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    """JobRun and ScheduledJobState move from the audit app: state only, their tables stay."""

    initial = True

    dependencies = [
        ("audit", "0003_operations"),
        ("workforce", "0004_idempotency"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="JobRun",
                    fields=[
                        ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ("job", models.CharField(max_length=100)),
                        (
                            "trigger",
                            models.CharField(
                                default="schedule", help_text="schedule, manual, cascade or retry", max_length=20
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("queued", "Queued"),
                                    ("running", "Running"),
                                    ("succeeded", "Succeeded"),
                                    ("partial", "Partial"),
                                    ("failed", "Failed"),
                                    ("skipped", "Skipped"),
                                ],
                                default="queued",
                                max_length=20,
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("started_at", models.DateTimeField(blank=True, null=True)),
                        ("finished_at", models.DateTimeField(blank=True, null=True)),
                        ("duration_ms", models.PositiveIntegerField(blank=True, null=True)),
                        ("counts", models.JSONField(blank=True, default=dict)),
                        ("error", models.TextField(blank=True)),
                        ("task_id", models.CharField(blank=True, max_length=100)),
                        (
                            "account_scope",
                            models.ForeignKey(
                                blank=True,
                                db_index=False,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="workforce.accountscope",
                            ),
                        ),
                        (
                            "project",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="workforce.project",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "audit_jobrun",
                        "ordering": ["-created_at"],
                        "indexes": [
                            models.Index(fields=["project", "job", "-created_at"], name="jobrun_project_job_idx"),
                            models.Index(fields=["job", "-created_at"], name="jobrun_job_idx"),
                            models.Index(fields=["created_at"], name="jobrun_created_idx"),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="ScheduledJobState",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "name",
                            models.CharField(
                                help_text="PeriodicTask name, e.g. connectors_sync_cycle.", max_length=200, unique=True
                            ),
                        ),
                        ("task", models.CharField(blank=True, max_length=200)),
                        ("consecutive_failures", models.PositiveIntegerField(default=0)),
                        ("last_started_at", models.DateTimeField(blank=True, null=True)),
                        ("last_finished_at", models.DateTimeField(blank=True, null=True)),
                        ("last_status", models.CharField(blank=True, max_length=20)),
                        ("last_error", models.TextField(blank=True)),
                        ("last_success_at", models.DateTimeField(blank=True, null=True)),
                        ("last_failure_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "backoff_until",
                            models.DateTimeField(blank=True, help_text="Next run not before this time.", null=True),
                        ),
                        ("suspended_at", models.DateTimeField(blank=True, null=True)),
                        ("suspended_reason", models.CharField(blank=True, max_length=500)),
                        ("resumed_at", models.DateTimeField(blank=True, null=True)),
                        ("resumed_by", models.CharField(blank=True, max_length=200)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                    ],
                    options={
                        "db_table": "audit_scheduledjobstate",
                        "verbose_name": "scheduled job state",
                        "ordering": ["name"],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]

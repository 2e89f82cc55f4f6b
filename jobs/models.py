"""Background job runs (one row per run of any job) and the supervision state of the periodic jobs."""

import uuid

from django.db import models
from django.utils import timezone

from jobs.constants import JobStatus


class JobRun(models.Model):
    """One run of one background job (sync, embeddings, reconciliation, retention …)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    project = models.ForeignKey("workforce.Project", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    account_scope = models.ForeignKey(
        "workforce.AccountScope",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    job = models.CharField(max_length=100)
    trigger = models.CharField(max_length=20, default="schedule", help_text="schedule, manual, cascade or retry")
    status = models.CharField(max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    task_id = models.CharField(max_length=100, blank=True)
    task_name = models.CharField(
        max_length=200, blank=True, help_text="Celery task that runs it; its hard time limit bounds a dead run."
    )

    class Meta:
        db_table = "audit_jobrun"  # named when job runs lived in the audit app; metrics and docs name it so
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["project", "job", "-created_at"], name="jobrun_project_job_idx"),
            models.Index(fields=["job", "-created_at"], name="jobrun_job_idx"),
            # Retention deletes the oldest runs first and measures their age (jobs/retention.py).
            models.Index(fields=["created_at"], name="jobrun_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.status}"


class ScheduledJobState(models.Model):
    """Supervision of one periodic job (the django-celery-beat `PeriodicTask` of the same name).

    Written by the Celery signal handlers in `jobs/supervision.py`: consecutive failures, the
    backoff the next run waits for (mirrored into `PeriodicTask.start_time`, which beat honours) and the
    suspension after `JOB_SUSPEND_AFTER_FAILURES` failures in a row (the task is disabled until resumed).
    """

    name = models.CharField(max_length=200, unique=True, help_text="PeriodicTask name, e.g. connectors_sync_cycle.")
    task = models.CharField(max_length=200, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_status = models.CharField(max_length=20, blank=True)
    last_error = models.TextField(blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    backoff_until = models.DateTimeField(null=True, blank=True, help_text="Next run not before this time.")
    suspended_at = models.DateTimeField(null=True, blank=True)
    suspended_reason = models.CharField(max_length=500, blank=True)
    resumed_at = models.DateTimeField(null=True, blank=True)
    resumed_by = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "audit_scheduledjobstate"  # named when supervision lived in the audit app
        ordering = ["name"]
        verbose_name = "scheduled job state"

    def __str__(self) -> str:
        return f"{self.name} ({'suspended' if self.suspended else self.last_status or 'never run'})"

    @property
    def suspended(self) -> bool:
        return self.suspended_at is not None

"""Audit events and background job runs."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditEvent(models.Model):
    """Something a person or a job did. `project` is empty for events outside a project (logins)."""

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
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True, help_text="Username or job name, kept if the user goes.")
    action = models.CharField(max_length=100)
    status = models.CharField(max_length=20, default="ok")
    entity_type = models.CharField(max_length=100, blank=True)
    entity_id = models.CharField(max_length=200, blank=True)
    request_id = models.CharField(max_length=128, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["project", "action", "-created_at"], name="audit_project_action_idx")]

    def __str__(self) -> str:
        return f"{self.action} by {self.actor_label or 'system'}"


class JobStatus(models.TextChoices):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    PARTIAL = "partial"
    FAILED = "failed"
    SKIPPED = "skipped"


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

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["project", "job", "-created_at"], name="jobrun_project_job_idx"),
            models.Index(fields=["job", "-created_at"], name="jobrun_job_idx"),
            # Retention deletes the oldest runs first and measures their age (audit/retention.py).
            models.Index(fields=["created_at"], name="jobrun_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.status}"


class ScheduledJobState(models.Model):
    """Supervision of one periodic job (the django-celery-beat `PeriodicTask` of the same name).

    Written by the Celery signal handlers in `audit/supervision.py`: consecutive failures, the
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
        ordering = ["name"]
        verbose_name = "scheduled job state"

    def __str__(self) -> str:
        return f"{self.name} ({'suspended' if self.suspended else self.last_status or 'never run'})"

    @property
    def suspended(self) -> bool:
        return self.suspended_at is not None


class MetricCounter(models.Model):
    """A Prometheus counter shared by every process (web, worker, commands): `/metrics` reads it at scrape
    time, so each web process reports the same total (see `audit/counters.py`)."""

    name = models.CharField(max_length=200, primary_key=True)
    value = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.name} = {self.value}"

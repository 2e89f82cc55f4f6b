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
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.status}"

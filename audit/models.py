"""Audit events: who did what, when, in which project."""

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

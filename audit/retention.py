"""Retention of the audit events (registered from `AuditConfig.ready()`): aged by `created_at`."""

from audit.models import AuditEvent
from core.retention import RetentionTarget, retention_target_register


def retention_targets_register() -> None:
    """Audit events by `created_at` (RETENTION_AUDIT_EVENTS_DAYS)."""
    retention_target_register(
        RetentionTarget(
            table=AuditEvent._meta.db_table,
            queryset=AuditEvent.objects.all,
            age_field="created_at",
            days_setting="RETENTION_AUDIT_EVENTS_DAYS",
        )
    )

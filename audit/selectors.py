"""Reads over audit events, always for one project."""

from django.db.models import QuerySet

from audit.models import AuditEvent


def audit_events_for(*, project, action: str | None = None) -> QuerySet[AuditEvent]:
    queryset = AuditEvent.objects.filter(project=project).order_by("-created_at")
    if action:
        queryset = queryset.filter(action=action)
    return queryset

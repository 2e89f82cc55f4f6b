"""Reads over audit events and job runs, always for one project."""

from django.db.models import QuerySet

from audit.models import AuditEvent, JobRun


def audit_events_for(*, project, action: str | None = None) -> QuerySet[AuditEvent]:
    queryset = AuditEvent.objects.filter(project=project).order_by("-created_at")
    if action:
        queryset = queryset.filter(action=action)
    return queryset


def job_runs_for(*, project, job: str | None = None) -> QuerySet[JobRun]:
    queryset = JobRun.objects.filter(project=project).order_by("-created_at")
    if job:
        queryset = queryset.filter(job=job)
    return queryset

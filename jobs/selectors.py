"""Reads over job runs (always for one project) and the database's size."""

from django.db.models import QuerySet

from jobs.models import JobRun, JobStatus


def job_runs_for(*, project, job: str | None = None) -> QuerySet[JobRun]:
    queryset = JobRun.objects.filter(project=project).order_by("-created_at")
    if job:
        queryset = queryset.filter(job=job)
    return queryset


def job_names_for(*, project) -> list[str]:
    """The jobs that ran for the project, by name (one query)."""
    return list(JobRun.objects.filter(project=project).order_by("job").values_list("job", flat=True).distinct())


def job_run_active(*, project, job: str, since) -> JobRun | None:
    """The project's queued or running run of `job` created after `since` (older ones are presumed dead)."""
    return (
        job_runs_for(project=project, job=job)
        .filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING], created_at__gte=since)
        .first()
    )


def job_ran_since(*, project, jobs: list[str], since) -> bool:
    """Whether any of these jobs was queued for the project after `since`, whatever became of it."""
    return JobRun.objects.filter(project=project, job__in=jobs, created_at__gte=since).exists()


def latest_job_runs(*, project) -> list[JobRun]:
    """The newest run of each job of the project (one query)."""
    return list(JobRun.objects.filter(project=project).order_by("job", "-created_at").distinct("job"))


def storage_use() -> dict:
    """Database size against `STORAGE_BUDGET_GB`."""
    from django.conf import settings
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        database_bytes = cursor.fetchone()[0]
    budget_bytes = int(settings.STORAGE_BUDGET_GB * 1024**3)
    return {
        "database_bytes": database_bytes,
        "budget_bytes": budget_bytes,
        "usage_percent": round(100 * database_bytes / budget_bytes, 2) if budget_bytes else None,
    }


def job_run_summary(run: JobRun) -> dict:
    """What the API shows of a run."""
    return {
        "id": str(run.id),
        "job": run.job,
        "status": run.status,
        "trigger": run.trigger,
        "created_at": run.created_at,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "duration_ms": run.duration_ms,
        "counts": run.counts,
        "error": run.error,
    }

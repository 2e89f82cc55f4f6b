"""Celery tasks: thin wrappers that load rows by id and call one service."""

import logging

from celery import shared_task

from connectors.models import ConnectorConfig
from connectors.services import state as state_service
from connectors.services.retry import errors_retry_due
from connectors.services.schedule import configs_due
from connectors.services.state import AlreadyRunning
from connectors.services.sync import ConnectorNotConfigured, connector_sync
from core.models import Project
from jobs.models import JobRun, JobStatus
from jobs.services import job_run_begin, job_run_closed_on_error, job_run_finish, job_run_start

log = logging.getLogger("connectors.tasks")


@shared_task(acks_late=True, soft_time_limit=3600, time_limit=3700)
def connector_sync_task(project_id, source, streams=None, full=False, trigger="schedule", job_run_id=None):
    """Sync one connector of one project (idempotent; a concurrent run is skipped, not doubled)."""
    project = Project.objects.get(pk=project_id)
    job_run = JobRun.objects.filter(pk=job_run_id).first() if job_run_id else None
    try:
        run = connector_sync(
            project=project, source=source, streams=streams, full=full, trigger=trigger, job_run=job_run
        )
    except (AlreadyRunning, ConnectorNotConfigured) as exc:
        if job_run is not None:
            job_run_finish(run=job_run, status=JobStatus.SKIPPED, error=str(exc))
        return {"skipped": str(exc)}
    return {"run_id": str(run.id), "status": run.status}


@shared_task(acks_late=True, soft_time_limit=300, time_limit=360)
def connectors_sync_cycle():
    """Every 15 min: recover stale leases, then queue one sync task per due (project, connector)."""
    run = job_run_start(job="connectors_sync_cycle")
    with job_run_closed_on_error(run):
        recovered = state_service.leases_recover_all()
        due = configs_due()
        for config in due:
            connector_sync_task.delay(str(config.project_id), config.source, trigger="schedule")
    job_run_finish(run=run, status=JobStatus.SUCCEEDED, counts={"queued": len(due), "stale_recovered": recovered})
    return {"queued": len(due), "stale_recovered": recovered}


@shared_task(acks_late=True, soft_time_limit=1800, time_limit=1900)
def connector_errors_retry():
    """Every 5 min: retry connector errors whose backoff has passed."""
    run = job_run_start(job="connector_errors_retry")
    with job_run_closed_on_error(run):
        result = errors_retry_due()
    job_run_finish(run=run, status=JobStatus.SUCCEEDED, counts={k: v for k, v in result.items() if k != "retried"})
    return result


@shared_task(acks_late=True, soft_time_limit=3600, time_limit=3700)
def connectors_reconciliation_daily():
    """Daily: the full id walk and reconciliation for every project with enabled connectors."""
    from connectors.services.reconciliation import reconciliation_run

    run = job_run_start(job="connectors_reconciliation_daily")
    project_ids = ConnectorConfig.objects.filter(enabled=True).values_list("project_id", flat=True).distinct()
    results = {}
    with job_run_closed_on_error(run):
        for project in Project.objects.filter(pk__in=list(project_ids)):
            result = reconciliation_run(project=project)
            results[str(project.pk)] = result["summary"].completeness_pct
    job_run_finish(run=run, status=JobStatus.SUCCEEDED, counts={"projects": len(results), "completeness": results})
    return results


def _run_for_project(task, project_id, job_run_id, work) -> dict:
    """Run `work(project) -> (status, counts)` on the run queued for it; the run is closed whatever happens."""
    run = JobRun.objects.filter(pk=job_run_id).first()
    project = Project.objects.filter(pk=project_id).first()
    if run is None or project is None:
        if run is not None:
            job_run_finish(run=run, status=JobStatus.SKIPPED, error="project no longer exists")
        return {"skipped": "run or project no longer exists"}
    job_run_begin(run=run, task_id=task.request.id or "")
    with job_run_closed_on_error(run):
        status, counts = work(project)
    job_run_finish(run=run, status=status, counts=counts)
    return counts


def _errors_retry(project) -> tuple[str, dict]:
    result = errors_retry_due(project=project)
    counts = {k: v for k, v in result.items() if k != "retried"}
    return (JobStatus.PARTIAL if result["failed"] else JobStatus.SUCCEEDED), counts


def _reconcile(project) -> tuple[str, dict]:
    from connectors.services.reconciliation import reconciliation_run

    result = reconciliation_run(project=project)
    return JobStatus.SUCCEEDED, {"completeness_pct": result["summary"].completeness_pct}


@shared_task(bind=True, acks_late=True, soft_time_limit=1800, time_limit=1900)
def connector_errors_retry_project(self, project_id, job_run_id):
    """Scheduler tick: retry one project's due connector errors, recorded on the queued JobRun."""
    return _run_for_project(self, project_id, job_run_id, _errors_retry)


@shared_task(bind=True, acks_late=True, soft_time_limit=3600, time_limit=3700)
def connectors_reconciliation_project(self, project_id, job_run_id):
    """Scheduler tick: reconcile one project, recorded on the queued JobRun."""
    return _run_for_project(self, project_id, job_run_id, _reconcile)

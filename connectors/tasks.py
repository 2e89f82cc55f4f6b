"""Celery tasks: thin wrappers that run one service through the job lifecycle (`jobs.services.job_execute`)."""

from functools import partial

from celery import shared_task

from connectors.services import queue, webhook_apply
from jobs.services import job_execute


@shared_task(bind=True, acks_late=True, soft_time_limit=3600, time_limit=3700)
def connector_sync_task(self, project_id, source, streams=None, full=False, trigger="schedule", job_run_id=None):
    """Sync one connector of one project (idempotent; a concurrent run is skipped, not doubled)."""
    work = partial(queue.sync_work, source=source, streams=streams, full=full, trigger=trigger)
    return job_execute(
        job=f"{source}_sync", work=work, run_id=job_run_id, project_id=project_id, trigger=trigger, task_id=_id(self)
    )


@shared_task(bind=True, acks_late=True, soft_time_limit=300, time_limit=360)
def connectors_sync_cycle(self):
    """Every 15 min (beat): recover stale leases, then queue a sync of every due (project, connector)."""
    return job_execute(job="connectors_sync_cycle", work=queue.syncs_cycle, task_id=_id(self))


@shared_task(bind=True, acks_late=True, soft_time_limit=1800, time_limit=1900)
def connector_errors_retry(self):
    """Every 5 min (beat): retry connector errors whose backoff has passed."""
    return job_execute(job="connector_errors_retry", work=queue.errors_retry_work, task_id=_id(self))


@shared_task(bind=True, acks_late=True, soft_time_limit=3600, time_limit=3700)
def connectors_reconciliation_daily(self):
    """Daily (beat): the full id walk and reconciliation for every project with enabled connectors."""
    return job_execute(job="connectors_reconciliation_daily", work=queue.reconciliation_daily, task_id=_id(self))


@shared_task(bind=True, acks_late=True, soft_time_limit=3600, time_limit=3700)
def connector_resync_task(self, project_id, source, ids, job_run_id, actor=None):
    """Re-read exactly these records ({stream: [ids]}, the reconciliation diff's), recorded on the queued JobRun
    (idempotent: a second read writes nothing new)."""
    work = partial(queue.resync_work, source=source, ids=ids, actor=actor)
    return job_execute(
        job=f"{source}_sync", work=work, run_id=job_run_id, project_id=project_id, trigger="resync", task_id=_id(self)
    )


@shared_task(bind=True, acks_late=True, soft_time_limit=1800, time_limit=1900)
def connector_error_retry_task(self, project_id, error_id, job_run_id, actor=None):
    """A person's retry of one connector error (a dead letter): re-run its unit, record the outcome on its row and
    on the queued JobRun (idempotent: an error resolved since is not re-run)."""
    work = partial(queue.error_retry_work, error_id=error_id, actor=actor)
    return job_execute(
        job="connector_error_retry", work=work, run_id=job_run_id, project_id=project_id, trigger="manual",
        task_id=_id(self),
    )  # fmt: skip


@shared_task(bind=True, acks_late=True, soft_time_limit=1800, time_limit=1900)
def connector_errors_retry_project(self, project_id, job_run_id, limit=100, actor=None):
    """Scheduler tick or a person: retry one project's due connector errors, recorded on the queued JobRun."""
    work = partial(queue.errors_retry_work, limit=limit, actor=actor)
    return job_execute(
        job="connector_errors_retry", work=work, run_id=job_run_id, project_id=project_id, task_id=_id(self)
    )


@shared_task(bind=True, acks_late=True, soft_time_limit=3600, time_limit=3700)
def connectors_reconciliation_project(self, project_id, job_run_id, actor=None):
    """Scheduler tick or a person: reconcile one project, recorded on the queued JobRun."""
    work = partial(queue.reconciliation_work, actor=actor)
    return job_execute(
        job="connectors_reconciliation", work=work, run_id=job_run_id, project_id=project_id, task_id=_id(self)
    )


@shared_task(bind=True, acks_late=True, soft_time_limit=1800, time_limit=1900)
def connectors_deletions_sweep(self):
    """Every 30 min (beat): catch what the sources deleted between daily reconciliations, in every project."""
    return job_execute(job="connectors_deletions_sweep", work=queue.deletions_sweep_cycle, task_id=_id(self))


@shared_task(bind=True, acks_late=True, soft_time_limit=1800, time_limit=1900)
def connectors_deletions_sweep_project(self, project_id, job_run_id):
    """Scheduler tick: sweep one project for deletions, recorded on the queued JobRun."""
    return job_execute(
        job="connectors_deletions_sweep", work=queue.deletions_sweep_work, run_id=job_run_id, project_id=project_id,
        task_id=_id(self),
    )  # fmt: skip


@shared_task(acks_late=True, soft_time_limit=600, time_limit=660, expires=60)
def connectors_hook_failures_repair():
    """Every minute (beat): replay the after-commit hooks that failed (CRM mirror, chunks) whose backoff has passed.

    Idempotent: a repaired marker is gone, a replayed hook rewrites the same rows.
    """
    return queue.hook_failures_repair_job()


@shared_task(bind=True, acks_late=True, soft_time_limit=600, time_limit=660)
def webhook_deliveries_apply(self, endpoint_id):
    """On the `webhooks` queue: apply an endpoint's queued deliveries (the deliveries are the record, no JobRun)."""
    return webhook_apply.deliveries_apply(endpoint_id=endpoint_id)


def _id(task) -> str:
    return task.request.id or ""

"""Celery tasks of the jobs app: thin wrappers around one service each."""

from celery import shared_task

from jobs.retention import retention_cleanup_job
from jobs.sweeper import stale_work_sweep_job


@shared_task(bind=True, acks_late=True, soft_time_limit=900, time_limit=960)
def retention_cleanup(self):
    """Every 12 h (beat `retention_cleanup`): delete rows past their retention, oldest first, in batches.

    Idempotent (a rerun deletes only what is still overdue), so a redelivery after a worker crash is safe.
    """
    return retention_cleanup_job(task_id=self.request.id or "")


@shared_task(acks_late=True, soft_time_limit=50, time_limit=60, expires=60)
def stale_work_sweep():
    """Every 20 s (beat `stale_work_sweep`): recover stale leases and close job runs whose task is gone.

    Idempotent (what is closed stays closed); `expires` drops sweeps that waited in the queue behind a backlog,
    since the next one is never more than 20 s away.
    """
    return stale_work_sweep_job()

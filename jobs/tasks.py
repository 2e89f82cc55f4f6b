"""Celery tasks of the audit app: thin wrappers around one service each."""

from celery import shared_task

from jobs.retention import retention_cleanup_job


@shared_task(bind=True, acks_late=True, soft_time_limit=900, time_limit=960)
def retention_cleanup(self):
    """Every 12 h (beat `retention_cleanup`): delete rows past their retention, oldest first, in batches.

    Idempotent (a rerun deletes only what is still overdue), so a redelivery after a worker crash is safe.
    """
    return retention_cleanup_job(task_id=self.request.id or "")

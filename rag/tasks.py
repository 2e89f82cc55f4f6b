"""Celery tasks: thin wrappers that run one service through the job lifecycle (`jobs.services.job_execute`)."""

from functools import partial

from celery import shared_task

from jobs.services import job_execute
from rag.services.cascade import embeddings_cycle, embeddings_work
from rag.services.embeddings import JOB


@shared_task(bind=True, acks_late=True, soft_time_limit=300, time_limit=360)
def embeddings_run(self):
    """Every 20 min (beat): recover stale chunks, then queue one embeddings run per project with pending chunks."""
    return job_execute(job="embeddings_cycle", work=embeddings_cycle, task_id=self.request.id or "")


@shared_task(bind=True, acks_late=True, soft_time_limit=1700, time_limit=1800)
def embeddings_run_project(self, project_id, job_run_id=None, trigger="schedule", rebuild=False, requeue_failed=False):
    """Embed one project's pending chunks (optionally re-chunking everything or re-queueing failures first)."""
    work = partial(embeddings_work, rebuild=rebuild, requeue_failed=requeue_failed, trigger=trigger)
    return job_execute(
        job=JOB, work=work, run_id=job_run_id, project_id=project_id, trigger=trigger, task_id=self.request.id or ""
    )

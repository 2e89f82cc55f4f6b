"""Celery tasks: thin wrappers that load rows by id and call one service."""

from contextlib import nullcontext

from celery import shared_task

from core.models import Project
from jobs.models import JobRun, JobStatus
from jobs.services import job_run_closed_on_error, job_run_finish
from rag.services.cascade import embeddings_cycle
from rag.services.chunks import chunks_rebuild, chunks_requeue_failed
from rag.services.embeddings import embeddings_run as embeddings_run_service


@shared_task(acks_late=True, soft_time_limit=300, time_limit=360)
def embeddings_run():
    """Every 20 min: recover stale chunks, then queue one embeddings run per project with pending chunks."""
    return embeddings_cycle()


@shared_task(acks_late=True, soft_time_limit=1700, time_limit=1800)
def embeddings_run_project(project_id, job_run_id=None, trigger="schedule", rebuild=False, requeue_failed=False):
    """Embed one project's pending chunks (optionally re-chunking everything or re-queueing failures first)."""
    job_run = JobRun.objects.filter(pk=job_run_id).first() if job_run_id else None
    project = Project.objects.filter(pk=project_id).first()
    if project is None:
        if job_run is not None:
            job_run_finish(run=job_run, status=JobStatus.SKIPPED, error="project no longer exists")
        return {"skipped": "project no longer exists"}
    with job_run_closed_on_error(job_run) if job_run is not None else nullcontext():
        if rebuild:
            chunks_rebuild(project=project)
        if requeue_failed:
            chunks_requeue_failed(project=project)
    run, result = embeddings_run_service(project=project, trigger=trigger, job_run=job_run)
    return {"run_id": str(run.id), "status": run.status, **result.counts()}

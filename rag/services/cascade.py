"""Queueing embedding runs: manual triggers, the 20-minute cycle, and the cascade after a sync.

`embeddings_on_run_finished` is registered with `connectors.hooks.on_run_finished`: a sync that left
pending chunks queues an embeddings run for its project at once (unless one is already queued or running).
"""

import datetime as dt
import logging

from django.conf import settings
from django.utils import timezone

from connectors.hooks import RunFinished
from core.models import Project
from jobs.models import JobRun, JobStatus
from jobs.selectors import job_run_active
from jobs.services import QueueUnavailable, job_run_queue_and_dispatch, job_run_record
from rag.models import Chunk, ChunkStatus
from rag.services.embeddings import JOB, chunks_recover_stale
from rag.services.hnsw import hnsw_index_ensure

log = logging.getLogger("rag.cascade")


def embeddings_active_run(*, project) -> JobRun | None:
    """A queued or running embeddings run of the project that is not stale."""
    since = timezone.now() - dt.timedelta(seconds=settings.EMBEDDING_STALE_SECONDS)
    return job_run_active(project=project, job=JOB, since=since)


def embeddings_queue(*, project, trigger: str, rebuild: bool = False, requeue_failed: bool = False) -> JobRun:
    """Record a queued run and send `embeddings_run_project` (at once in autocommit, raising QueueUnavailable
    when the broker refuses; after commit inside a transaction — see `job_run_dispatch`)."""
    from rag.tasks import embeddings_run_project

    options = {"trigger": trigger, "rebuild": rebuild, "requeue_failed": requeue_failed}
    return job_run_queue_and_dispatch(
        job=JOB, project=project, trigger=trigger, task=embeddings_run_project, args=(str(project.pk),), kwargs=options
    )


def embeddings_on_run_finished(event: RunFinished) -> JobRun | None:
    """Hook: after a sync, embed the chunks it produced now rather than at the next 20-minute tick."""
    project = Project.objects.filter(pk=event.project_id).first()
    if project is None or not Chunk.objects.filter(project=project, status=ChunkStatus.PENDING).exists():
        return None
    active = embeddings_active_run(project=project)
    if active is not None:
        return active
    return _queue_quietly(project, trigger="cascade")


def embeddings_cycle() -> dict:
    """The scheduled job: recover stale chunks everywhere, keep the index, queue a run per project with work."""
    recovered = chunks_recover_stale()
    index = hnsw_index_ensure()
    project_ids = Chunk.objects.filter(status=ChunkStatus.PENDING).values_list("project_id", flat=True).distinct()
    queued = 0
    for project in Project.objects.filter(pk__in=list(project_ids)):
        if embeddings_active_run(project=project) is None and _queue_quietly(project):
            queued += 1
    counts = {"queued": queued, "stale_recovered": recovered, "hnsw_index": index}
    job_run_record(job="embeddings_cycle", status=JobStatus.SUCCEEDED, counts=counts)
    return counts


def _queue_quietly(project, trigger: str = "schedule") -> JobRun | None:
    """Queue a run; a broker refusal is logged (the run is closed as failed) and gives None."""
    try:
        return embeddings_queue(project=project, trigger=trigger)
    except QueueUnavailable:
        log.warning("broker unavailable: embeddings run for project %s not queued", project.pk)
        return None


def embeddings_tick(*, project, trigger: str = "tick", limit: int = 10) -> list[JobRun]:
    """Scheduler tick: queue an embeddings run now when the project has pending chunks and none is active."""
    if limit < 1 or not Chunk.objects.filter(project=project, status=ChunkStatus.PENDING).exists():
        return []
    if embeddings_active_run(project=project) is not None:
        return []
    return [embeddings_queue(project=project, trigger=trigger)]

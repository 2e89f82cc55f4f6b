"""Queueing embedding runs: manual triggers, the 20-minute cycle, and the cascade after a sync.

`embeddings_on_run_finished` is registered with `connectors.hooks.on_run_finished`: a sync that left
pending chunks queues an embeddings run for its project at once (unless one is already queued or running).
"""

import datetime as dt
import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone

from audit.services import audit_record
from connectors.hooks import RunFinished
from core.selectors import project_get, projects_with_ids
from jobs.constants import JobStatus
from jobs.selectors import job_run_active
from jobs.services import QueueUnavailable, job_queue
from rag.graph.build import graphs_backfill
from rag.models import Chunk, ChunkStatus
from rag.services.chunks import chunks_rebuild, chunks_requeue_failed
from rag.services.embeddings import JOB, chunks_recover_stale, embeddings_run
from rag.services.hnsw import hnsw_index_ensure

if TYPE_CHECKING:  # a type name only: runs are queued and read through jobs.services
    from jobs.models import JobRun

log = logging.getLogger("rag.cascade")

TASK = "rag.tasks.embeddings_run_project"  # queued by name: services never import the tasks that call them


def embeddings_active_run(*, project) -> "JobRun | None":
    """A queued or running embeddings run of the project that is not stale."""
    since = timezone.now() - dt.timedelta(seconds=settings.EMBEDDING_STALE_SECONDS)
    return job_run_active(project=project, job=JOB, since=since)


def embeddings_queue(
    *, project, trigger: str, rebuild: bool = False, requeue_failed: bool = False, actor=None, action: str = ""
) -> "JobRun":
    """Record a queued run and send `embeddings_run_project` (at once in autocommit, raising QueueUnavailable
    when the broker refuses; after commit inside a transaction — see `jobs.services.job_queue`). A person's
    request (`actor`, audited as `action`) is audited."""
    options = {"trigger": trigger, "rebuild": rebuild, "requeue_failed": requeue_failed}
    run = job_queue(job=JOB, project=project, trigger=trigger, task=TASK, args=(str(project.pk),), kwargs=options)
    if actor is not None:
        payload = {"rebuild": rebuild, "requeue_failed": requeue_failed}
        audit_record(
            action=action or "lightrag.refresh", actor=actor, project=project, entity_type="job_run",
            entity_id=str(run.id), payload=payload,
        )  # fmt: skip
    return run


def embeddings_work(*, project, run: "JobRun", rebuild: bool = False, requeue_failed: bool = False, trigger="schedule"):
    """What a queued embeddings run does: optionally re-chunk or re-queue failures, then embed (the embeddings
    service closes the run itself)."""
    if rebuild:
        chunks_rebuild(project=project)
    if requeue_failed:
        chunks_requeue_failed(project=project)
    embeddings_run(project=project, trigger=trigger, job_run=run)


def embeddings_on_run_finished(event: RunFinished) -> "JobRun | None":
    """Hook: after a sync, embed the chunks it produced now rather than at the next 20-minute tick."""
    project = project_get(event.project_id)
    if project is None or not Chunk.objects.filter(project=project, status=ChunkStatus.PENDING).exists():
        return None
    active = embeddings_active_run(project=project)
    if active is not None:
        return active
    return _queue_quietly(project, trigger="cascade")


def embeddings_cycle(*, run: "JobRun"):
    """The scheduled job: recover stale chunks everywhere, keep the index, queue a run per project with work."""
    recovered = chunks_recover_stale()
    index = hnsw_index_ensure()
    graphs = graphs_backfill()
    project_ids = Chunk.objects.filter(status=ChunkStatus.PENDING).values_list("project_id", flat=True).distinct()
    queued = 0
    for project in projects_with_ids(project_ids):
        if embeddings_active_run(project=project) is None and _queue_quietly(project):
            queued += 1
    return JobStatus.SUCCEEDED, {"queued": queued, "stale_recovered": recovered, "hnsw_index": index,
                                 "graphs_built": graphs}  # fmt: skip


def _queue_quietly(project, trigger: str = "schedule") -> "JobRun | None":
    """Queue a run; a broker refusal is logged (the run is closed as failed) and gives None."""
    try:
        return embeddings_queue(project=project, trigger=trigger)
    except QueueUnavailable:
        log.warning("broker unavailable: embeddings run for project %s not queued", project.pk)
        return None


def embeddings_tick(*, project, trigger: str = "tick", limit: int = 10) -> list["JobRun"]:
    """Scheduler tick: queue an embeddings run now when the project has pending chunks and none is active."""
    if limit < 1 or not Chunk.objects.filter(project=project, status=ChunkStatus.PENDING).exists():
        return []
    if embeddings_active_run(project=project) is not None:
        return []
    return [embeddings_queue(project=project, trigger=trigger)]

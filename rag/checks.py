"""LightRAG's checklist item, per project: ready chunks exist, nothing all-failed, the backlog is not old."""

import datetime as dt

from django.db.models import Min

from connectors.selectors import entity_counts
from core.checklist import FAIL, OK, WARN, Check, DoctorCheck, ago, short
from rag.models import Chunk, ChunkStatus
from rag.selectors import chunk_counts

EMBEDDINGS = "ready-embeddings-above-zero"
BACKLOG = "embedding-backlog"
BACKLOG_WARN_SECONDS = 2 * 20 * 60  # two embeddings_run cadences


def check_embeddings(project, now: dt.datetime) -> list[Check]:
    """Ready chunks exist when chunks do; nothing all-failed; the pending backlog is not old."""
    name = f"embeddings {project.name}"
    counts = chunk_counts(project=project)
    ready, pending, failed = counts["ready"], counts["pending"] + counts["processing"], counts["failed"]
    if not sum(counts.values()):
        if sum(entity_counts(project=project).values()):
            return [Check(name, WARN, "raw rows but no chunks: run `manage.py embed --rebuild`", EMBEDDINGS)]
        return [Check(name, OK, "no chunks yet (nothing synced)", EMBEDDINGS)]
    summary = f"{ready} ready, {pending} pending, {failed} failed"
    if not ready and failed:
        error = Chunk.objects.filter(project=project, status=ChunkStatus.FAILED).values_list("last_error", flat=True)
        return [Check(name, FAIL, f"{summary}: {short(error.first() or '')}", EMBEDDINGS)]
    oldest = Chunk.objects.filter(project=project, status=ChunkStatus.PENDING).aggregate(m=Min("updated_at"))["m"]
    if not ready:
        return [Check(name, WARN, f"{summary}, oldest pending {ago(oldest, now)}: not embedded yet", EMBEDDINGS)]
    if oldest is not None and (now - oldest).total_seconds() > BACKLOG_WARN_SECONDS:
        return [Check(name, WARN, f"{summary}, oldest pending {ago(oldest, now)}", BACKLOG)]
    if failed:
        return [Check(name, WARN, f"{summary}: re-queue with `manage.py embed --requeue-failed`", EMBEDDINGS)]
    return [Check(name, OK, summary, EMBEDDINGS)]


PROJECT_CHECKS = [DoctorCheck("embeddings", EMBEDDINGS, check_embeddings, per_project=True)]

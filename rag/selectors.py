"""Reads over LightRAG tables, always for one project."""

import datetime as dt

from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from jobs.selectors import job_run_summary, job_runs_for
from rag import outcomes
from rag.models import GROUP_OF, Chunk, ChunkStatus, QueryRun
from rag.providers import embedding_provider, llm_provider_name
from rag.services.embeddings import JOB


def chunk_counts(*, project) -> dict:
    """{pending, processing, ready, failed} chunk counts (one query)."""
    counts = dict.fromkeys(ChunkStatus.values, 0)
    for row in Chunk.objects.filter(project=project).values("status").annotate(n=Count("id")).order_by():
        counts[row["status"]] = row["n"]
    return counts


def source_counts(*, project) -> dict:
    """Per source type: distinct source records and chunks, with their `sourceFilter` group (one query)."""
    rows = (
        Chunk.objects.filter(project=project)
        .values("source_type")
        .annotate(chunks=Count("id"), sources=Count("source_id", distinct=True))
        .order_by("source_type")
    )
    return {
        row["source_type"]: {"group": GROUP_OF[row["source_type"]], "sources": row["sources"], "chunks": row["chunks"]}
        for row in rows
    }


def last_embedding_run(*, project) -> dict | None:
    run = job_runs_for(project=project, job=JOB).first()
    return job_run_summary(run) if run is not None else None


def lightrag_status(*, project) -> dict:
    """What `GET /api/lightrag/status` shows."""
    provider = embedding_provider()
    queries = QueryRun.objects.filter(project=project).aggregate(n=Coalesce(Count("id"), 0))
    return {
        "embeddings": chunk_counts(project=project),
        "sources": source_counts(project=project),
        "provider": provider.name,
        "model": provider.model,
        "dimensions": provider.dimensions,
        "answers": llm_provider_name(),
        "last_run": last_embedding_run(project=project),
        "query_runs": queries["n"],
    }


def query_outcomes(*, project, hours: int = 24) -> dict:
    """The project's LightRAG queries of the last `hours`: how many, how many failed or degraded (and their
    share), and each problem reason with its count (one query over `lightrag_query_runs`).

    A query that raised left no run row: those show on `/metrics` (reason `error`), not here."""
    conditions = outcomes.RUN_CONDITIONS
    degrading = Q()
    for reason in outcomes.DEGRADING:
        if reason in conditions:
            degrading |= conditions[reason]
    row = QueryRun.objects.filter(project=project, created_at__gt=timezone.now() - dt.timedelta(hours=hours)).aggregate(
        total=Count("id"),
        degraded=Count("id", filter=degrading),
        **{reason: Count("id", filter=condition) for reason, condition in conditions.items()},
    )
    reasons = [
        {"reason": reason, "label": outcomes.LABELS[reason], "count": row[reason]}
        for reason in outcomes.REASONS
        if row.get(reason)
    ]
    return {
        "hours": hours,
        "total": row["total"],
        "degraded": row["degraded"],
        "degraded_pct": 100 * row["degraded"] / row["total"] if row["total"] else None,
        "reasons": reasons,
    }

"""LightRAG on /metrics: gauges computed from the database at scrape time, and the shared counters of query
outcomes by mode and problem reason (every web process reports the same)."""

import functools
import logging

from django.db import connection
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from core.counters import counter_values, counters_add
from rag.constants import QUERY_MODES
from rag.models import ChunkStatus
from rag.outcomes import ERROR, REASONS, is_degrading

log = logging.getLogger("rag.metrics")
# Shared counter names: `app_rag_queries:<mode>`, `app_rag_queries_degraded:<mode>`,
# `app_rag_query_problems:<mode>:<reason>` (`:` ends the prefix, so one never reads another's rows).
QUERIES = "app_rag_queries:"
DEGRADED = "app_rag_queries_degraded:"
PROBLEMS = "app_rag_query_problems:"


def query_outcome_record(*, mode: str, reasons: list[str]) -> None:
    """Count one LightRAG query (any process): its mode, whether it failed or degraded, and each problem reason
    (`rag.outcomes.REASONS`; [] = a good query). One statement; never raises. Labels come from fixed sets
    only: an unknown mode or reason is logged, not exported."""

    if mode not in QUERY_MODES:
        log.warning("query outcome of unknown mode %r not counted", mode)
        return
    unknown = [reason for reason in reasons if reason not in REASONS]
    if unknown:
        log.warning("unknown query problem reasons %r not counted", unknown)
    known = [reason for reason in REASONS if reason in reasons]
    amounts = {f"{QUERIES}{mode}": 1, **{f"{PROBLEMS}{mode}:{reason}": 1 for reason in known}}
    if is_degrading(known):
        amounts[f"{DEGRADED}{mode}"] = 1
    counters_add(amounts)


def query_failures_counted(query):
    """Wraps `lightrag_query`: a query that raises is counted with reason `error`, then the error goes on."""

    @functools.wraps(query)
    def counted(*, params, **kwargs):
        try:
            return query(params=params, **kwargs)
        except Exception:
            query_outcome_record(mode=getattr(params, "mode", ""), reasons=[ERROR])
            raise

    return counted


def query_outcome_families():
    """The query outcome counters, every mode and (mode, reason) from 0 so the first event is an increase."""

    queries = CounterMetricFamily("app_rag_queries", "LightRAG queries by mode (all processes).", labels=["mode"])
    degraded = CounterMetricFamily(
        "app_rag_queries_degraded",
        "LightRAG queries that failed or ran degraded (error, or the embedding, chat or graph side unavailable), "
        "by mode (all processes).",
        labels=["mode"],
    )
    problems = CounterMetricFamily(
        "app_rag_query_problems",
        "Problems of LightRAG queries by mode and reason; a query may have several (all processes).",
        labels=["mode", "reason"],
    )
    values = counter_values("app_rag_quer")  # the three prefixes above, one query
    for mode in QUERY_MODES:
        queries.add_metric([mode], values.get(f"{QUERIES}{mode}", 0))
        degraded.add_metric([mode], values.get(f"{DEGRADED}{mode}", 0))
        for reason in REASONS:
            problems.add_metric([mode, reason], values.get(f"{PROBLEMS}{mode}:{reason}", 0))
    yield from (queries, degraded, problems)


def rag_families():
    """Chunks by status, the age of the oldest pending chunk, and queries of the last 24 h per project."""
    chunks = GaugeMetricFamily("app_rag_chunks", "LightRAG chunks by embedding status.", labels=["project", "status"])
    backlog = GaugeMetricFamily(
        "app_rag_embedding_backlog_age_seconds", "Age of the oldest pending chunk.", labels=["project"]
    )
    queries = GaugeMetricFamily(
        "app_rag_queries_24h", "LightRAG queries in the last 24 hours.", labels=["project", "degraded"]
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT project_id, status, count(*), "
            "extract(epoch FROM now() - min(updated_at)) "
            "FROM rag_chunks GROUP BY project_id, status"
        )
        for project_id, status, count, age in cursor.fetchall():
            chunks.add_metric([str(project_id), status], count)
            if status == ChunkStatus.PENDING and age is not None:
                backlog.add_metric([str(project_id)], float(age))
        cursor.execute(
            "SELECT project_id, degraded, count(*) FROM lightrag_query_runs "
            "WHERE created_at > now() - interval '24 hours' GROUP BY project_id, degraded"
        )
        for project_id, degraded, count in cursor.fetchall():
            queries.add_metric([str(project_id), "true" if degraded else "false"], count)
    yield from (chunks, backlog, queries)

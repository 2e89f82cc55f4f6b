"""LightRAG gauges computed from the database at scrape time (every web process reports the same)."""

from django.db import connection
from prometheus_client.core import GaugeMetricFamily

from rag.models import ChunkStatus


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

"""Per-project lexeme statistics for IDF weights in keyword search (PostgreSQL's ranking has no IDF).

Without IDF, "invoice" weighs as much as "4821" in "what happened with invoice 4821?", and the one chunk
with that number drowns among every chunk about invoices. `ts_stat` counts, per lexeme, the chunks that
contain it; only lexemes in at least `min_df` chunks are kept (the rest weigh as rare).
"""

import math

from django.db import connection
from django.utils import timezone

from rag.models import Chunk, SearchStats

REFRESH_CHANGE = 0.1  # refresh when the chunk count moved by more than 10 % since the last refresh
MAX_AGE_HOURS = 24


def min_df_for(chunk_count: int) -> int:
    """Lexemes in fewer chunks than this are not stored (0.2 % of the chunks, at least 2)."""
    return max(2, chunk_count // 500)


def search_stats_refresh(*, project) -> SearchStats:
    """Recount the project's common lexemes now."""
    count = Chunk.objects.filter(project=project).count()
    min_df = min_df_for(count)
    inner = f"SELECT search FROM rag_chunks WHERE project_id = '{project.pk}'"  # a UUID we hold, not user input
    with connection.cursor() as cursor:
        cursor.execute("SELECT word, ndoc FROM ts_stat(%s) WHERE ndoc >= %s", [inner, min_df])
        common = dict(cursor.fetchall())
    stats, _ = SearchStats.objects.update_or_create(
        project=project,
        defaults={
            "account_scope_id": project.account_scope_id,
            "chunk_count": count,
            "min_df": min_df,
            "common": common,
            "refreshed_at": timezone.now(),
        },
    )
    return stats


def search_stats_refresh_if_stale(*, project) -> bool:
    """Refresh when missing, older than a day, or when the chunk count moved by more than 10 %."""
    stats = SearchStats.objects.filter(project=project).only("chunk_count", "refreshed_at").first()
    count = Chunk.objects.filter(project=project).count()
    fresh = (
        stats is not None
        and abs(count - stats.chunk_count) <= REFRESH_CHANGE * max(stats.chunk_count, 1)
        and (timezone.now() - stats.refreshed_at).total_seconds() < MAX_AGE_HOURS * 3600
    )
    if fresh or count == 0:
        return False
    search_stats_refresh(project=project)
    return True


def idf(*, df: int | None, chunk_count: int, min_df: int) -> float:
    """BM25's IDF; a lexeme missing from the stats counts as half the storage threshold."""
    df = df if df is not None else max(1, min_df // 2)
    return math.log(1 + (chunk_count - df + 0.5) / (df + 0.5))

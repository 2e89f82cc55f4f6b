"""The two retrievers and their fusion, each reading one project's chunks only.

- Vector: cosine distance over the HNSW index, filtered by project (and source type / dates) with pgvector's
  iterative scan, so a selective filter still yields k rows; relaxed order is re-sorted here.
- Keyword: PostgreSQL full-text search (the `russian` configuration stems Russian and English words) ranked
  by per-project IDF and cover density, with trigram matching of misspelt words against titles
  (`rag.services.keyword`).
- Fusion: reciprocal-rank fusion, score = Σ 1 / (k + rank).
"""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction

from rag.services import keyword
from rag.services.embeddings import vector_literal
from rag.services.hits import Hit

RRF_K = 60


@dataclass(frozen=True)
class Filters:
    """Which chunks a query may see besides its project: source types and a time window."""

    source_types: tuple[str, ...] | None = None
    date_from: dt.datetime | None = None
    date_to: dt.datetime | None = None
    sources: tuple[tuple[str, str], ...] | None = None  # only these records' chunks (a local query)

    def sql(self) -> tuple[str, dict]:
        """` AND …` clauses on alias `c` with named parameters."""
        clauses, params = [], {}
        if self.source_types:
            clauses.append("c.source_type = ANY(%(f_types)s)")
            params["f_types"] = list(self.source_types)
        if self.date_from:
            clauses.append("c.occurred_at >= %(f_from)s")
            params["f_from"] = self.date_from
        if self.date_to:
            clauses.append("c.occurred_at < %(f_to)s")
            params["f_to"] = self.date_to
        if self.sources is not None:
            clauses.append(
                "(c.source_type, c.source_id) IN (SELECT * FROM unnest(%(f_stypes)s::text[], %(f_sids)s::text[]))"
            )
            params["f_stypes"] = [source_type for source_type, _ in self.sources]
            params["f_sids"] = [str(source_id) for _, source_id in self.sources]
        return "".join(f" AND {clause}" for clause in clauses), params


@dataclass(slots=True)
class Fused:
    id: int
    score: float
    ranks: dict = field(default_factory=dict)  # retriever name → 1-based rank
    source: tuple[str, str] | None = None  # the chunk's record, when a retriever said


def vector_search(*, project, vector: list[float], limit: int, filters: Filters = Filters()) -> list[Hit]:
    """The `limit` nearest ready chunks of the project by cosine distance (score = cosine similarity).

    Limited to some records (a local query), the distance is computed exactly over their chunks (found by the
    source index): a handful of records is cheaper to scan than to filter out of the HNSW graph."""
    where, params = filters.sql()
    if filters.sources is not None:
        sql = (
            "SELECT id, distance, source_type, source_id FROM (SELECT c.id, c.embedding <=> %(vector)s::vector AS "
            "distance, c.source_type, c.source_id FROM rag_chunks c "
            f"WHERE c.project_id = %(project)s AND c.embedding IS NOT NULL{where} OFFSET 0) s "
            "ORDER BY distance, id LIMIT %(limit)s"
        )
    else:
        sql = (
            "SELECT c.id, c.embedding <=> %(vector)s::vector AS distance, c.source_type, c.source_id FROM rag_chunks c "
            f"WHERE c.project_id = %(project)s AND c.embedding IS NOT NULL{where} "
            "ORDER BY c.embedding <=> %(vector)s::vector LIMIT %(limit)s"
        )
    params.update(vector=vector_literal(vector), project=project.pk, limit=limit)
    with transaction.atomic(), connection.cursor() as cursor:
        # These settings last until the end of this transaction only (one round trip for the three).
        cursor.execute(
            "SELECT set_config('jit', 'off', true), set_config('hnsw.iterative_scan', 'relaxed_order', true), "
            "set_config('hnsw.ef_search', %s, true)",
            [str(settings.RAG_HNSW_EF_SEARCH)],
        )
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    rows.sort(key=lambda row: (row[1], row[0]))  # relaxed order may be slightly unsorted
    return [
        Hit(chunk_id, 1.0 - distance, (source_type, source_id)) for chunk_id, distance, source_type, source_id in rows
    ]


FIRST_CHUNKS_SQL = """
SELECT DISTINCT ON (c.source_type, c.source_id) c.id, c.source_type, c.source_id
FROM rag_chunks c
JOIN unnest(%s::text[], %s::text[]) AS s(source_type, source_id)
  ON c.source_type = s.source_type AND c.source_id = s.source_id
WHERE c.project_id = %s AND c.status = 'ready'
ORDER BY c.source_type, c.source_id, c.ordinal
"""


def first_chunks(*, project, sources: list[tuple[str, str]]) -> list[Fused]:
    """Each record's first ready chunk, in the order of `sources` (a ranking made of records, not texts)."""
    if not sources:
        return []
    with connection.cursor() as cursor:
        cursor.execute(FIRST_CHUNKS_SQL, [[t for t, _ in sources], [i for _, i in sources], project.pk])
        found = {(source_type, source_id): chunk_id for chunk_id, source_type, source_id in cursor.fetchall()}
    return [Fused(found[source], 0.0, {}, source) for source in sources if source in found]


def keyword_search(*, project, query: str, limit: int, filters: Filters = Filters()) -> list[Hit]:
    """Chunks of the project matching the question's words, best first (see `rag.services.keyword`)."""
    return keyword.keyword_search(project=project, query=query, limit=limit, filters=filters)


def rrf_fuse(ranked: dict[str, list[Hit]], *, k: int = RRF_K, weights: dict | None = None) -> list[Fused]:
    """Reciprocal-rank fusion of several ranked lists (equal weights unless given; ties: lower chunk id first)."""
    weights = weights or {}
    scores: dict[int, float] = {}
    ranks: dict[int, dict] = {}
    sources: dict[int, tuple | None] = {}
    for name, hits in ranked.items():
        weight = weights.get(name, 1.0)
        for rank, hit in enumerate(hits, start=1):
            chunk_id = hit.id
            scores[chunk_id] = scores.get(chunk_id, 0.0) + weight / (k + rank)
            if chunk_id in ranks:
                ranks[chunk_id][name] = rank
            else:
                ranks[chunk_id], sources[chunk_id] = {name: rank}, hit.source
    order = sorted(scores, key=lambda chunk_id: (-scores[chunk_id], chunk_id))
    return [Fused(chunk_id, scores[chunk_id], ranks[chunk_id], sources[chunk_id]) for chunk_id in order]

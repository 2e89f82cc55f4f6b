"""Writing chunk drafts: one upsert that keeps embeddings of unchanged chunks, then surplus and gone deletions.

A chunk whose `content_hash` changed goes back to `pending` with its embedding, attempts and error cleared
(even while an embedding run holds it: that run's write checks the hash and skips it). Metadata-only changes
(title, link, author) are written without re-embedding. Rows that would not change are not rewritten.
"""

from dataclasses import dataclass

from django.db import connection

from rag.chunking.documents import ChunkDraft

_CHANGED = "rag_chunks.content_hash IS DISTINCT FROM excluded.content_hash"

UPSERT_SQL = f"""
INSERT INTO rag_chunks (project_id, account_scope_id, source_type, source_id, ordinal, title, text, url, author,
                        occurred_at, content_hash, token_count, meta, status, attempts, last_error,
                        embedding_model, created_at, updated_at)
SELECT %s, %s, d.source_type, d.source_id, d.ordinal, d.title, d.text, d.url, d.author, d.occurred_at,
       d.content_hash, d.token_count, d.meta::jsonb, 'pending', 0, '', '', now(), now()
FROM unnest(%s::text[], %s::text[], %s::int[], %s::text[], %s::text[], %s::text[], %s::text[], %s::timestamptz[],
            %s::text[], %s::int[], %s::text[])
     AS d(source_type, source_id, ordinal, title, text, url, author, occurred_at, content_hash, token_count, meta)
ON CONFLICT (project_id, source_type, source_id, ordinal) DO UPDATE SET
    title = excluded.title, text = excluded.text, url = excluded.url, author = excluded.author,
    occurred_at = excluded.occurred_at, meta = excluded.meta, token_count = excluded.token_count,
    content_hash = excluded.content_hash, updated_at = now(),
    status = CASE WHEN {_CHANGED} THEN 'pending' ELSE rag_chunks.status END,
    attempts = CASE WHEN {_CHANGED} THEN 0 ELSE rag_chunks.attempts END,
    last_error = CASE WHEN {_CHANGED} THEN '' ELSE rag_chunks.last_error END,
    claimed_at = CASE WHEN {_CHANGED} THEN NULL ELSE rag_chunks.claimed_at END,
    embedded_at = CASE WHEN {_CHANGED} THEN NULL ELSE rag_chunks.embedded_at END,
    embedding = CASE WHEN {_CHANGED} THEN NULL ELSE rag_chunks.embedding END
WHERE (rag_chunks.title, rag_chunks.text, rag_chunks.url, rag_chunks.author, rag_chunks.occurred_at,
       rag_chunks.meta, rag_chunks.content_hash)
      IS DISTINCT FROM (excluded.title, excluded.text, excluded.url, excluded.author, excluded.occurred_at,
                        excluded.meta, excluded.content_hash)
"""

SURPLUS_SQL = """
DELETE FROM rag_chunks c USING unnest(%s::text[], %s::int[]) AS d(source_id, kept)
WHERE c.project_id = %s AND c.source_type = %s AND c.source_id = d.source_id AND c.ordinal >= d.kept
"""

BATCH = 1000


@dataclass
class StoreResult:
    written: int = 0  # inserted or changed rows
    deleted: int = 0

    def add(self, other: "StoreResult") -> None:
        self.written += other.written
        self.deleted += other.deleted

    @property
    def changed(self) -> bool:
        return bool(self.written or self.deleted)


def chunks_write(*, project, source_type: str, drafts_by_source: dict[str, list[ChunkDraft]], gone) -> StoreResult:
    """Store the drafts of these sources (their full set of chunks) and delete the chunks of `gone` sources."""
    result = StoreResult()
    drafts = [draft for source_drafts in drafts_by_source.values() for draft in source_drafts]
    with connection.cursor() as cursor:
        for start in range(0, len(drafts), BATCH):
            cursor.execute(UPSERT_SQL, _upsert_params(project, drafts[start : start + BATCH]))
            result.written += cursor.rowcount
        kept = {source_id: len(source_drafts) for source_id, source_drafts in drafts_by_source.items()}
        kept.update({str(source_id): 0 for source_id in gone})
        if kept:
            cursor.execute(SURPLUS_SQL, [list(kept), list(kept.values()), project.pk, source_type])
            result.deleted += cursor.rowcount
    return result


def _upsert_params(project, drafts: list[ChunkDraft]) -> list:
    columns = [
        [d.source_type for d in drafts],
        [d.source_id for d in drafts],
        [d.ordinal for d in drafts],
        [d.title for d in drafts],
        [d.text for d in drafts],
        [d.url for d in drafts],
        [d.author for d in drafts],
        [d.occurred_at for d in drafts],
        [d.content_hash for d in drafts],
        [d.token_count for d in drafts],
        [d.meta_json() for d in drafts],
    ]
    return [project.pk, project.account_scope_id, *columns]

"""The HNSW index on chunk embeddings, and the bulk-load path that keeps big loads fast.

Inserting into a live HNSW index costs milliseconds per row; building it once over loaded rows is an order of
magnitude cheaper (STACK-NOTES). A run with a large backlog therefore drops the index, writes, and rebuilds
it with a large `maintenance_work_mem`. One such run at a time (an advisory lock); if a run dies half-way,
the next run's `hnsw_index_ensure()` builds the missing (or invalid) index again.
"""

import logging
from contextlib import contextmanager

from django.db import connection

from rag.models import HNSW_INDEX_NAME

log = logging.getLogger("rag.hnsw")
BULK_LOCK_KEY = 727_716_001  # pg advisory lock: "one bulk load of rag_chunks at a time"
MAINTENANCE_WORK_MEM = "1GB"
# Same definition as the model's HnswIndex (rag/models.py), so migrations and rebuilds agree.
INDEX_DEFINITION = "ON rag_chunks USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)"


def hnsw_index_state() -> str:
    """`valid`, `invalid` (a failed concurrent build) or `missing`."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indisvalid FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid WHERE c.relname = %s",
            [HNSW_INDEX_NAME],
        )
        row = cursor.fetchone()
    if row is None:
        return "missing"
    return "valid" if row[0] else "invalid"


def embedding_column_dimensions() -> int | None:
    """The dimension the `rag_chunks.embedding` column was created with."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT atttypmod FROM pg_attribute WHERE attrelid = 'rag_chunks'::regclass AND attname = 'embedding'"
        )
        row = cursor.fetchone()
    return row[0] if row and row[0] > 0 else None


def embedding_column_reset(*, dimensions: int) -> int:
    """Recreate the column with another dimension: every embedding is dropped and every chunk is pending again.

    For an install that changes EMBEDDING_DIMENSIONS (`manage.py embed --reset`); returns the chunks re-queued.
    """
    hnsw_index_drop()
    with connection.cursor() as cursor:
        if connection.in_atomic_block:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # PostgreSQL alters no table with pending checks
        cursor.execute(f"ALTER TABLE rag_chunks ALTER COLUMN embedding TYPE vector({int(dimensions)}) USING NULL")
        cursor.execute(
            "UPDATE rag_chunks SET status = 'pending', attempts = 0, embedded_at = NULL, claimed_at = NULL, "
            "embedding_model = '', updated_at = now()"
        )
        count = cursor.rowcount
    hnsw_index_build()
    return count


def hnsw_index_drop() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f'DROP INDEX IF EXISTS "{HNSW_INDEX_NAME}"')


def hnsw_index_build() -> None:
    """Build the index over the rows present (concurrently when outside a transaction, so writers go on)."""
    concurrently = "" if connection.in_atomic_block else "CONCURRENTLY"
    with connection.cursor() as cursor:
        if connection.in_atomic_block:
            # Deferred foreign-key checks of this transaction must run first: PostgreSQL refuses to index a
            # table with pending trigger events.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SELECT current_setting('maintenance_work_mem')")
        previous = cursor.fetchone()[0]
        cursor.execute(f"SET maintenance_work_mem = '{MAINTENANCE_WORK_MEM}'")
        try:
            cursor.execute(f'CREATE INDEX {concurrently} IF NOT EXISTS "{HNSW_INDEX_NAME}" {INDEX_DEFINITION}')
        finally:
            cursor.execute(f"SET maintenance_work_mem = '{previous}'")


def hnsw_index_ensure() -> str:
    """Build the index if it is missing or invalid; return what was found.

    A bulk load in progress (another session holds the lock) has dropped the index on purpose and will build
    it itself: leave it alone.
    """
    state = hnsw_index_state()
    if state == "valid":
        return state
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [BULK_LOCK_KEY])
        if not cursor.fetchone()[0]:
            return "bulk_load_in_progress"
    try:
        if state == "invalid":
            hnsw_index_drop()
        log.warning("HNSW index %s: rebuilding", state)
        hnsw_index_build()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [BULK_LOCK_KEY])
    return state


@contextmanager
def hnsw_bulk_load():
    """Drop the index for the duration of a big load and rebuild it after; yields whether it did.

    Yields False (and changes nothing) when another bulk load holds the lock.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [BULK_LOCK_KEY])
        acquired = cursor.fetchone()[0]
    if not acquired:
        yield False
        return
    try:
        hnsw_index_drop()
        yield True
    finally:
        try:
            hnsw_index_build()
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [BULK_LOCK_KEY])

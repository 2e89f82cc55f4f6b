"""Embedding runs: pending chunks → provider → ready, in provider-sized batches, with honest attempts.

Every claim of a chunk counts one attempt (`attempts + 1` in the claiming UPDATE, before the provider is
called), so a chunk that keeps failing — or whose worker keeps dying — reaches `EMBEDDING_MAX_ATTEMPTS`
and becomes `failed` with its last error instead of looping. Claims use `FOR UPDATE SKIP LOCKED`, so two
runs (a beat and a manual trigger) never embed the same chunk twice.
"""

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import connection

from jobs.constants import JobStatus
from jobs.services import job_run_finish, job_run_open
from rag.models import ChunkStatus
from rag.providers import ProviderError, embedding_provider
from rag.services import hnsw
from rag.services.search_stats import search_stats_refresh_if_stale

log = logging.getLogger("rag.embeddings")
JOB = "embeddings_run"
STALE_ERROR = "stale: the run processing this chunk stopped before finishing (worker lost?)"

CLAIM_SQL = """
WITH locked AS (
    SELECT id, token_count FROM rag_chunks
    WHERE project_id = %(project)s AND status = 'pending' {only}
    ORDER BY id LIMIT %(inputs)s
    FOR UPDATE SKIP LOCKED
), sized AS (
    SELECT id, sum(token_count) OVER (ORDER BY id) AS running FROM locked
)
UPDATE rag_chunks c
SET status = 'processing', attempts = c.attempts + 1, claimed_at = now(), updated_at = now()
FROM sized
WHERE c.id = sized.id AND sized.running <= %(tokens)s
RETURNING c.id, c.text, c.token_count, c.content_hash, c.attempts
"""

WRITE_SQL = """
UPDATE rag_chunks c
SET embedding = v.embedding::vector, status = 'ready', embedded_at = now(), claimed_at = NULL, last_error = '',
    embedding_model = %s, updated_at = now()
FROM unnest(%s::bigint[], %s::text[], %s::text[]) AS v(id, content_hash, embedding)
WHERE c.id = v.id AND c.status = 'processing' AND c.content_hash = v.content_hash
"""

FAIL_SQL = """
UPDATE rag_chunks
SET status = CASE WHEN attempts >= %s THEN 'failed' ELSE 'pending' END, last_error = %s, claimed_at = NULL,
    updated_at = now()
WHERE id = ANY(%s) AND status = 'processing'
RETURNING status
"""


@dataclass
class Claimed:
    id: int
    text: str
    token_count: int
    content_hash: str
    attempts: int


@dataclass
class RunResult:
    embedded: int = 0
    failed: int = 0  # chunks that used their last attempt in this run
    retry_later: int = 0  # chunks back to pending after an error
    tokens: int = 0
    batches: int = 0
    stale_recovered: int = 0
    requeued_model_change: int = 0
    bulk_index_rebuild: bool = False
    search_stats_refreshed: bool = False
    stopped: str = ""  # "", "budget" or the provider error that ended the run
    provider: str = ""

    def counts(self) -> dict:
        return asdict(self)


def vector_literal(vector: list[float]) -> str:
    return "[" + ",".join(map(str, vector)) + "]"


# ---------------------------------------------------------------- recovery and housekeeping


def chunks_recover_stale(*, project=None, stale_seconds: int | None = None) -> int:
    """Chunks left in `processing` by a run that died: back to pending (or failed when out of attempts)."""
    stale_seconds = stale_seconds if stale_seconds is not None else settings.EMBEDDING_STALE_SECONDS
    sql = (
        "UPDATE rag_chunks SET status = CASE WHEN attempts >= %s THEN 'failed' ELSE 'pending' END, "
        "last_error = %s, claimed_at = NULL, updated_at = now() "
        "WHERE status = 'processing' AND claimed_at < now() - make_interval(secs => %s)"
    )
    params = [settings.EMBEDDING_MAX_ATTEMPTS, STALE_ERROR, stale_seconds]
    if project is not None:
        sql += " AND project_id = %s"
        params.append(project.pk)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def chunks_requeue_model_change(*, project, label: str) -> int:
    """Ready chunks embedded by another provider, model or dimension must be embedded again."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE rag_chunks SET status = 'pending', embedding = NULL, embedded_at = NULL, attempts = 0, "
            "updated_at = now() WHERE project_id = %s AND status = 'ready' AND embedding_model <> %s",
            [project.pk, label],
        )
        return cursor.rowcount


def pending_count(*, project=None) -> int:
    sql = "SELECT count(*) FROM rag_chunks WHERE status = 'pending'"
    params = []
    if project is not None:
        sql += " AND project_id = %s"
        params.append(project.pk)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


# ---------------------------------------------------------------- one batch


# Only the chunks of some records: (source_type, source_id) pairs.
ONLY_SOURCES = "AND (source_type, source_id) IN (SELECT * FROM unnest(%(types)s::text[], %(ids)s::text[]))"


def batch_claim(*, project, max_inputs: int, max_tokens: int, sources: list[tuple[str, str]] | None = None):
    """Claim the next pending chunks (≤ max_inputs, ≤ max_tokens in total, of `sources` when given), counting one
    attempt each."""
    params = {"project": project.pk, "inputs": max_inputs, "tokens": max_tokens}
    if sources is not None:
        params.update(types=[t for t, _ in sources], ids=[i for _, i in sources])
    with connection.cursor() as cursor:
        cursor.execute(CLAIM_SQL.format(only=ONLY_SOURCES if sources is not None else ""), params)
        rows = cursor.fetchall()
    return sorted((Claimed(*row) for row in rows), key=lambda c: c.id)


def batch_write(*, chunks: list[Claimed], vectors: list[list[float]], label: str) -> int:
    """Store vectors of chunks still in the state they were claimed in (a re-chunked text is left pending)."""
    if not chunks:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            WRITE_SQL,
            [label, [c.id for c in chunks], [c.content_hash for c in chunks], [vector_literal(v) for v in vectors]],
        )
        return cursor.rowcount


def batch_fail(*, chunks: list[Claimed], error: str) -> tuple[int, int]:
    """Record an error on claimed chunks; return (now failed, back to pending)."""
    if not chunks:
        return 0, 0
    with connection.cursor() as cursor:
        cursor.execute(FAIL_SQL, [settings.EMBEDDING_MAX_ATTEMPTS, error[:2000], [c.id for c in chunks]])
        statuses = [row[0] for row in cursor.fetchall()]
    failed = statuses.count(ChunkStatus.FAILED)
    return failed, len(statuses) - failed


def embed_isolating(provider, chunks: list[Claimed]) -> tuple[list[tuple[Claimed, list[float]]], list[tuple]]:
    """Embed a batch; when the provider refuses an input, halve the batch until the bad ones stand alone.

    Returns ([(chunk, vector)], [(chunk, ProviderError)]); other provider errors propagate.
    """
    try:
        vectors = provider.embed([c.text for c in chunks])
    except ProviderError as exc:
        if exc.kind != ProviderError.INVALID_INPUT:
            raise
        if len(chunks) == 1:
            return [], [(chunks[0], exc)]
        middle = len(chunks) // 2
        left_ok, left_bad = embed_isolating(provider, chunks[:middle])
        right_ok, right_bad = embed_isolating(provider, chunks[middle:])
        return left_ok + right_ok, left_bad + right_bad
    return list(zip(chunks, vectors, strict=True)), []


def embeddings_batch(*, project, provider, result: RunResult, max_inputs: int, max_tokens: int, sources=None) -> bool:
    """Claim, embed and write one batch (of `sources`' chunks when given); return whether the run should go on."""
    chunks = batch_claim(project=project, max_inputs=max_inputs, max_tokens=max_tokens, sources=sources)
    if not chunks:
        return False
    result.batches += 1
    try:
        done, refused = embed_isolating(provider, chunks)
    except ProviderError as exc:
        failed, later = batch_fail(chunks=chunks, error=str(exc))
        result.failed, result.retry_later = result.failed + failed, result.retry_later + later
        result.stopped = str(exc)
        log.warning("embedding run for project %s stopped: %s", project.pk, exc)
        return False
    for chunk, exc in refused:
        failed, later = batch_fail(chunks=[chunk], error=str(exc))
        result.failed, result.retry_later = result.failed + failed, result.retry_later + later
    result.embedded += batch_write(chunks=[c for c, _ in done], vectors=[v for _, v in done], label=provider.label)
    result.tokens += sum(c.token_count for c in chunks)
    return True


def chunks_embed_now(*, project, sources: list[tuple[str, str]]) -> RunResult:
    """Embed the pending chunks of these records now, ahead of any backlog (a webhook's change: searchable in
    seconds). No JobRun: the delivery is the record; a provider failure leaves them pending for the next run."""
    provider = embedding_provider()
    result = RunResult(provider=provider.label)
    limits = {"max_inputs": settings.EMBEDDING_BATCH_MAX_INPUTS, "max_tokens": settings.EMBEDDING_BATCH_MAX_TOKENS}
    while sources and embeddings_batch(project=project, provider=provider, result=result, sources=sources, **limits):
        pass
    return result


# ---------------------------------------------------------------- a run


def embeddings_run(
    *,
    project,
    provider=None,
    trigger: str = "manual",
    job_run=None,
    token_budget: int | None = None,
    on_batch: Callable[[RunResult], None] | None = None,
):
    """Embed the project's pending chunks until none is left, the token budget is spent or the provider fails.

    Steps: recover stale `processing` chunks; re-queue chunks embedded by another provider/model/dimension;
    then claim → embed → write batches (≤ EMBEDDING_BATCH_MAX_INPUTS inputs, ≤ EMBEDDING_BATCH_MAX_TOKENS
    tokens); a rate limit, outage or misconfiguration ends the run with the batch's attempt counted; an input
    the provider refuses is isolated and charged alone. A big backlog is loaded with the HNSW index dropped
    and rebuilt after; keyword-search statistics are refreshed when the chunk count moved. Returns
    (JobRun, RunResult).
    """
    provider = provider or embedding_provider()
    run = job_run or job_run_open(job=JOB, project=project, trigger=trigger)
    result = RunResult(provider=provider.label)
    column = hnsw.embedding_column_dimensions()
    if column is not None and column != provider.dimensions:
        result.stopped = (
            f"misconfigured: the provider gives {provider.dimensions} dimensions but rag_chunks.embedding is "
            f"vector({column}); run `manage.py embed --reset` after changing EMBEDDING_DIMENSIONS"
        )
        return _finish(run, result), result
    try:
        result.stale_recovered = chunks_recover_stale(project=project)
        result.requeued_model_change = chunks_requeue_model_change(project=project, label=provider.label)
        hnsw.hnsw_index_ensure()
        _run_batches(project, provider, result, token_budget or settings.EMBEDDING_RUN_TOKEN_BUDGET, on_batch)
        result.search_stats_refreshed = search_stats_refresh_if_stale(project=project)
    except Exception as exc:
        log.exception("embedding run crashed for project %s", project.pk)
        result.stopped = f"internal error: {exc.__class__.__name__}: {exc}"
    return _finish(run, result), result


def _run_batches(project, provider, result: RunResult, budget: int, on_batch) -> None:
    bulk = settings.RAG_HNSW_BULK_THRESHOLD and pending_count(project=project) >= settings.RAG_HNSW_BULK_THRESHOLD
    if bulk and not connection.in_atomic_block:
        with hnsw.hnsw_bulk_load() as rebuilt:
            result.bulk_index_rebuild = rebuilt
            _loop(project, provider, result, budget, on_batch)
    else:
        _loop(project, provider, result, budget, on_batch)


def _loop(project, provider, result: RunResult, budget: int, on_batch) -> None:
    while True:
        remaining = budget - result.tokens
        max_tokens = min(settings.EMBEDDING_BATCH_MAX_TOKENS, remaining)
        if max_tokens <= 0:
            result.stopped = "budget"
            return
        more = embeddings_batch(
            project=project,
            provider=provider,
            result=result,
            max_inputs=settings.EMBEDDING_BATCH_MAX_INPUTS,
            max_tokens=max_tokens,
        )
        if on_batch is not None:
            on_batch(result)
        if not more:
            budget_short = max_tokens < settings.EMBEDDING_BATCH_MAX_TOKENS
            if not result.stopped and budget_short and pending_count(project=project):
                result.stopped = "budget"  # the next chunk does not fit in what is left of the budget
            return


def _finish(run, result: RunResult):
    provider_failed = result.stopped not in ("", "budget")
    status = JobStatus.SUCCEEDED
    if provider_failed:
        status = JobStatus.PARTIAL if result.embedded else JobStatus.FAILED
    error = result.stopped if provider_failed else ""
    return job_run_finish(run=run, status=status, counts=result.counts(), error=error)

"""Embedding runs through the real `openai` client against a local OpenAI-compatible server."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from jobs.models import JobRun
from rag.models import Chunk, ChunkStatus
from rag.providers import embedding_provider
from rag.providers.offline import embed_text
from rag.providers.openai_compat import OpenAIEmbeddings, make_client
from rag.services.chunks import chunks_requeue_failed
from rag.services.embeddings import embeddings_run
from tests.support.openai_fake import POISON

pytestmark = pytest.mark.django_db


def statuses(project) -> dict:
    counts = dict.fromkeys(ChunkStatus.values, 0)
    for status in Chunk.objects.filter(project=project).values_list("status", flat=True):
        counts[status] += 1
    return counts


def test_the_offline_provider_embeds_every_pending_chunk_and_records_the_run(studio_project):
    total = Chunk.objects.filter(project=studio_project).count()
    run, result = embeddings_run(project=studio_project)
    assert run.status == "succeeded"
    assert run.job == "embeddings_run"
    assert run.project_id == studio_project.pk
    assert result.embedded == total == run.counts["embedded"]
    assert statuses(studio_project)[ChunkStatus.READY] == total
    chunk = Chunk.objects.filter(project=studio_project).first()
    assert chunk.embedding_model == "offline:offline-hash-v2:1024"
    assert list(chunk.embedding) == pytest.approx(embed_text(chunk.text, 1024), abs=1e-6)


def test_the_openai_client_reads_base64_and_float_embeddings_from_a_compatible_server(fake_openai, settings):
    client = make_client(api_key="sk-test", base_url=fake_openai.url, timeout=5, max_retries=0)
    texts = ["Invoice #4821 is approved", "Счёт №4821 согласовали"]
    as_base64 = OpenAIEmbeddings(client=client, model="text-embedding-3-small", dimensions=64).embed(texts)
    as_float = OpenAIEmbeddings(client=client, model="m", dimensions=64, encoding_format="float").embed(texts)
    for left, right in zip(as_base64, as_float, strict=True):
        assert left == pytest.approx(right, abs=1e-6)
    bodies = [call["body"] for call in fake_openai.calls()]
    assert [b.get("encoding_format") for b in bodies] == ["base64", "float"]
    assert bodies[0]["dimensions"] == 64
    assert bodies[0]["input"] == texts


def test_a_run_through_the_openai_provider_respects_the_batch_limits(studio_project, fake_openai, settings):
    settings.EMBEDDING_BATCH_MAX_INPUTS = 7
    settings.EMBEDDING_BATCH_MAX_TOKENS = 1500
    run, result = embeddings_run(project=studio_project)
    assert run.status == "succeeded"
    assert statuses(studio_project)[ChunkStatus.PENDING] == 0
    tokens = dict(Chunk.objects.filter(project=studio_project).values_list("text", "token_count"))
    for call in fake_openai.calls():
        assert len(call["body"]["input"]) <= 7
        assert sum(tokens[text] for text in call["body"]["input"]) <= 1500
    assert result.batches == len(fake_openai.calls()) > 1
    assert Chunk.objects.filter(project=studio_project).first().embedding_model.startswith("openai:")


def test_the_per_run_token_budget_stops_the_run_and_leaves_the_rest_pending(studio_project, offline):
    run, result = embeddings_run(project=studio_project, token_budget=1000)
    assert run.status == "succeeded"
    assert result.stopped == "budget"
    assert 0 < result.tokens <= 1000
    assert statuses(studio_project)[ChunkStatus.PENDING] > 0


def test_a_429_is_retried_by_the_client_and_the_run_succeeds(studio_project, fake_openai):
    fake_openai.fail(status=429, times=1, headers={"retry-after-ms": "20"})
    run, result = embeddings_run(project=studio_project)
    assert run.status == "succeeded"
    assert result.failed == 0
    assert statuses(studio_project)[ChunkStatus.READY] == Chunk.objects.filter(project=studio_project).count()
    assert len(fake_openai.calls()) == result.batches + 1  # the rate-limited request was sent again
    assert set(Chunk.objects.filter(project=studio_project).values_list("attempts", flat=True)) == {1}


def test_an_outage_stops_the_run_counts_the_attempt_and_reaches_failed_at_the_limit(
    studio_project, fake_openai, settings
):
    settings.OPENAI_MAX_RETRIES = 0
    settings.EMBEDDING_BATCH_MAX_INPUTS = 4
    settings.EMBEDDING_MAX_ATTEMPTS = 3
    fake_openai.fail(status=500, times=1000)
    for attempt in (1, 2):
        run, result = embeddings_run(project=studio_project)
        assert run.status == "failed"
        assert "500" in run.error
        assert result.retry_later == 4
        assert result.failed == 0
        first = Chunk.objects.filter(project=studio_project).order_by("id")[:4]
        assert {c.attempts for c in first} == {attempt}
        assert {c.status for c in first} == {ChunkStatus.PENDING}
    run, result = embeddings_run(project=studio_project)
    assert result.failed == 4
    failed = Chunk.objects.filter(project=studio_project, status=ChunkStatus.FAILED)
    assert failed.count() == 4
    assert all("500" in c.last_error for c in failed)
    assert len(fake_openai.calls()) == 3  # one request per run: the outage stops each run at once

    fake_openai.reset()
    embeddings_run(project=studio_project)
    assert statuses(studio_project)[ChunkStatus.FAILED] == 4  # failed chunks wait for an operator
    assert chunks_requeue_failed(project=studio_project) == 4
    embeddings_run(project=studio_project)
    assert statuses(studio_project)[ChunkStatus.READY] == Chunk.objects.filter(project=studio_project).count()


def test_an_input_the_provider_refuses_is_isolated_and_the_rest_of_the_batch_is_embedded(
    studio_project, fake_openai, settings
):
    settings.EMBEDDING_MAX_ATTEMPTS = 1
    poisoned = Chunk.objects.filter(project=studio_project).order_by("id")[3]
    Chunk.objects.filter(pk=poisoned.pk).update(text=f"{poisoned.text} {POISON}")
    run, _result = embeddings_run(project=studio_project)
    assert run.status == "succeeded"
    poisoned.refresh_from_db()
    assert poisoned.status == ChunkStatus.FAILED
    assert "invalid_input (400)" in poisoned.last_error
    assert statuses(studio_project)[ChunkStatus.READY] == Chunk.objects.filter(project=studio_project).count() - 1


def test_stale_processing_chunks_are_recovered_and_out_of_attempts_ones_fail(studio_project, settings):
    chunks = list(Chunk.objects.filter(project=studio_project).order_by("id")[:2])
    long_ago = timezone.now() - dt.timedelta(seconds=settings.EMBEDDING_STALE_SECONDS + 60)
    Chunk.objects.filter(pk=chunks[0].pk).update(status=ChunkStatus.PROCESSING, claimed_at=long_ago, attempts=1)
    Chunk.objects.filter(pk=chunks[1].pk).update(
        status=ChunkStatus.PROCESSING, claimed_at=long_ago, attempts=settings.EMBEDDING_MAX_ATTEMPTS
    )
    fresh = Chunk.objects.filter(project=studio_project).order_by("id")[2]
    Chunk.objects.filter(pk=fresh.pk).update(status=ChunkStatus.PROCESSING, claimed_at=timezone.now(), attempts=1)

    _run, result = embeddings_run(project=studio_project)
    assert result.stale_recovered == 2
    recovered, exhausted, busy = (Chunk.objects.get(pk=c.pk) for c in (chunks[0], chunks[1], fresh))
    assert recovered.status == ChunkStatus.READY
    assert recovered.attempts == 2
    assert exhausted.status == ChunkStatus.FAILED
    assert exhausted.last_error.startswith("stale")
    assert busy.status == ChunkStatus.PROCESSING  # another worker is still on it


def test_a_chunk_rewritten_while_it_was_being_embedded_is_not_overwritten(studio_project, offline):
    from rag.services.embeddings import batch_claim, batch_write

    claimed = batch_claim(project=studio_project, max_inputs=1, max_tokens=10_000)
    with connection.cursor() as cursor:  # the chunk builder rewrites the text meanwhile
        cursor.execute(
            "UPDATE rag_chunks SET text = 'new', content_hash = 'x', status = 'pending' WHERE id = %s",
            [claimed[0].id],
        )
    assert batch_write(chunks=claimed, vectors=[embed_text("old", 1024)], label="offline:x:1024") == 0
    assert Chunk.objects.get(pk=claimed[0].id).status == ChunkStatus.PENDING


def test_switching_provider_re_embeds_chunks_of_the_old_model(studio_project, fake_openai, settings):
    settings.EMBEDDING_PROVIDER = "offline"
    embeddings_run(project=studio_project)
    settings.EMBEDDING_PROVIDER = "openai"
    _run, result = embeddings_run(project=studio_project)
    assert result.requeued_model_change == Chunk.objects.filter(project=studio_project).count() == result.embedded
    assert {embedding_provider().label} == set(
        Chunk.objects.filter(project=studio_project).values_list("embedding_model", flat=True)
    )


def test_every_run_leaves_a_job_run_row_with_its_counts(studio_project):
    embeddings_run(project=studio_project)
    embeddings_run(project=studio_project)
    runs = JobRun.objects.filter(project=studio_project, job="embeddings_run", trigger="manual").order_by("created_at")
    assert [r.status for r in runs] == ["succeeded", "succeeded"]
    assert runs[1].counts["embedded"] == 0
    assert runs[0].counts["embedded"] > 0


@pytest.mark.django_db(transaction=True)
def test_a_big_backlog_is_loaded_with_the_index_dropped_and_rebuilt_after(
    project, make_tenant, bind, sync_all, offline, settings
):
    from rag.services.hnsw import hnsw_index_state

    bind(project, make_tenant(seed="delta", messages=200), sources=["linear"])
    sync_all(project, sources=["linear"])
    settings.RAG_HNSW_BULK_THRESHOLD = 10
    run, result = embeddings_run(project=project)
    assert run.status == "succeeded"
    assert result.bulk_index_rebuild is True
    assert hnsw_index_state() == "valid"
    assert statuses(project)[ChunkStatus.READY] == Chunk.objects.filter(project=project).count()

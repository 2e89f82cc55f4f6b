"""The cascade after a sync, the 20-minute cycle, the Celery tasks, the management commands and the gauges."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from connectors.hooks import RunFinished
from jobs.models import JobRun
from rag.models import Chunk, ChunkStatus, QueryRun
from rag.services.cascade import embeddings_on_run_finished
from rag.services.embeddings import embeddings_run
from rag.services.hnsw import hnsw_index_drop, hnsw_index_state
from rag.tasks import embeddings_run as embeddings_cycle_task
from rag.tasks import embeddings_run_project
from workforce.celery import app

pytestmark = pytest.mark.django_db


def finished(project) -> RunFinished:
    return RunFinished(project_id=project.pk, source="chatwoot", run_id="r1", status="ok", counts={})


def test_a_sync_that_left_pending_chunks_queues_an_embeddings_run_at_once(
    project, make_tenant, bind, sync_all, offline, eager_tasks
):
    bind(project, make_tenant(seed="delta", messages=200), sources=["linear"])
    sync_all(project, sources=["linear"])  # the run-finished hook fires after commit, like in production
    cascade = JobRun.objects.get(project=project, job="embeddings_run", trigger="cascade")
    assert cascade.status == "succeeded"
    assert cascade.counts["embedded"] > 0
    assert not Chunk.objects.filter(project=project, status=ChunkStatus.PENDING).exists()


def test_no_cascade_without_pending_chunks_and_no_second_one_while_one_is_queued(studio_project, offline):
    JobRun.objects.filter(project=studio_project).delete()
    first = embeddings_on_run_finished(finished(studio_project))
    assert first is not None
    assert first.status == "queued"
    assert embeddings_on_run_finished(finished(studio_project)) == first
    embeddings_run(project=studio_project)
    JobRun.objects.filter(pk=first.pk).update(status="skipped")
    assert embeddings_on_run_finished(finished(studio_project)) is None


def test_the_cycle_queues_one_run_per_project_with_pending_chunks_and_recovers_stale_ones(
    studio_project, other_project, settings
):
    JobRun.objects.filter(job="embeddings_run").delete()
    long_ago = timezone.now() - dt.timedelta(
        seconds=settings.EMBEDDING_STALE_SECONDS + 3600
    )  # SQL now() is the test transaction start
    chunk = Chunk.objects.filter(project=studio_project).first()
    Chunk.objects.filter(pk=chunk.pk).update(status=ChunkStatus.PROCESSING, claimed_at=long_ago, attempts=1)
    hnsw_index_drop()
    counts = embeddings_cycle_task.apply().get()
    assert counts["queued"] == 1
    assert counts["stale_recovered"] == 1
    assert counts["hnsw_index"] == "missing"
    assert hnsw_index_state() == "valid"
    queued = JobRun.objects.get(job="embeddings_run", status="queued")
    assert queued.project == studio_project
    assert queued.trigger == "schedule"
    assert JobRun.objects.filter(job="embeddings_cycle", status="succeeded").exists()


def test_the_task_runs_the_queued_run_and_can_rechunk_first(studio_project):
    run = JobRun.objects.create(project=studio_project, account_scope_id=studio_project.account_scope_id,
                                job="embeddings_run", trigger="manual")  # fmt: skip
    Chunk.objects.filter(project=studio_project).delete()
    result = embeddings_run_project(str(studio_project.pk), str(run.id), trigger="manual", rebuild=True)
    run.refresh_from_db()
    assert run.status == "succeeded"
    assert result["embedded"] == Chunk.objects.filter(project=studio_project).count() > 0
    assert embeddings_run_project("00000000-0000-4000-8000-000000000000") == {
        "skipped": "run or project no longer exists"
    }


def test_the_embed_command_embeds_with_a_progress_bar_and_reports(studio_project):
    out = io.StringIO()
    call_command("embed", "--project", studio_project.name, stdout=out)
    assert "embedded" in out.getvalue()
    assert "chunks" in out.getvalue()
    assert not Chunk.objects.filter(project=studio_project).exclude(status=ChunkStatus.READY).exists()
    with pytest.raises(CommandError):
        call_command("embed", "--project", "no such project", stdout=io.StringIO())


def test_the_embed_command_fails_loudly_when_the_provider_is_down(studio_project, fake_openai, settings):
    settings.OPENAI_MAX_RETRIES = 0
    fake_openai.fail(status=503, times=10)
    with pytest.raises(CommandError, match="provider error"):
        call_command("embed", "--project", studio_project.name, "--no-progress", stdout=io.StringIO())


def test_the_ask_command_prints_the_answer_and_the_evidence(studio_project):
    embeddings_run(project=studio_project)
    out = io.StringIO()
    call_command("ask", "Safari contact form", "--project", str(studio_project.pk), stdout=out)
    text = out.getvalue()
    assert "[E1]" in text
    assert "http" in text
    assert "quality" in text
    assert QueryRun.objects.filter(project=studio_project, actor_label="manage.py ask").exists()


def test_chunk_gauges_are_exported_per_project_and_status(studio_project, api):
    embeddings_run(project=studio_project, token_budget=1000)
    text = api.get("/metrics").content.decode()
    assert f'app_rag_chunks{{project="{studio_project.pk}",status="ready"}}' in text
    assert f'app_rag_chunks{{project="{studio_project.pk}",status="pending"}}' in text
    assert f'app_rag_embedding_backlog_age_seconds{{project="{studio_project.pk}"}}' in text


def test_the_scheduled_task_name_resolves():
    app.loader.import_default_modules()
    assert "rag.tasks.embeddings_run" in app.tasks
    assert "rag.tasks.embeddings_run_project" in app.tasks


def test_a_changed_dimension_stops_runs_until_the_column_is_reset(studio_project, settings):
    settings.EMBEDDING_DIMENSIONS = 64
    run, result = embeddings_run(project=studio_project)
    assert run.status == "failed"
    assert "embed --reset" in run.error
    assert result.embedded == 0
    out = io.StringIO()
    call_command("embed", "--reset", "--project", studio_project.name, "--no-progress", stdout=out)
    assert "vector(64)" in out.getvalue()
    chunk = Chunk.objects.filter(project=studio_project).first()
    assert chunk.status == ChunkStatus.READY
    assert len(chunk.embedding) == 64


def test_chunks_are_browsable_and_requeueable_in_django_admin(studio_project, client, make_user):
    embeddings_run(project=studio_project)
    client.force_login(make_user("root", superuser=True))
    assert client.get("/admin/rag/chunk/").status_code == 200
    chunk = Chunk.objects.filter(project=studio_project).first()
    assert client.get(f"/admin/rag/chunk/{chunk.pk}/change/").status_code == 200
    response = client.post("/admin/rag/chunk/", {"action": "requeue", "_selected_action": [chunk.pk]})
    assert response.status_code == 302
    chunk.refresh_from_db()
    assert chunk.status == ChunkStatus.PENDING
    assert client.get("/admin/rag/queryrun/").status_code == 200
    assert client.get("/admin/rag/feedback/").status_code == 200

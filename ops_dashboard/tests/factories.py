"""Rows the dashboard panels read, built directly (the sync engine's own tests cover how they are written)."""

import datetime as dt
import itertools
import uuid

from django.test import Client
from django.utils import timezone

from connectors.models import (
    ConnectorConfig,
    ConnectorError,
    ConnectorSyncState,
    ReconciliationMetric,
    SyncRun,
    WebhookDelivery,
    WebhookEndpoint,
)
from core.selectors import ACTIVE_PROJECT_SESSION_KEY
from rag.models import Chunk, QueryRun

NOW = dt.datetime(2026, 11, 28, 14, 36, 58, tzinfo=dt.UTC)
_numbers = itertools.count(1)


def make_config(project, source: str, *, enabled: bool = True, interval: int = 15) -> ConnectorConfig:
    return ConnectorConfig.objects.create(
        project=project,
        source=source,
        base_url=f"http://127.0.0.1:9/{source}",
        secret="never-rendered-secret",
        enabled=enabled,
        sync_interval_minutes=interval,
    )


def make_state(project, source: str, **fields) -> ConnectorSyncState:
    return ConnectorSyncState.objects.create(project=project, source=source, **fields)


def stream_counts(fetched: int, **extra) -> dict:
    counts = {"fetched": fetched, "inserted": 0, "updated": 0, "unchanged": fetched, "failed": 0}
    return counts | extra


def make_sync_run(project, source: str, *, started_at=None, counts=None, status: str = "ok", **fields) -> SyncRun:
    started_at = started_at or timezone.now()
    finished = status != "running"
    return SyncRun.objects.create(
        project=project,
        source=source,
        status=status,
        started_at=started_at,
        finished_at=started_at + dt.timedelta(seconds=2) if finished else None,
        duration_ms=2000 if finished else None,
        counts=counts if counts is not None else {"messages": stream_counts(100)},
        **fields,
    )


def make_error(project, source: str = "linear", *, status: str = "open", stream: str = "cycles", **fields):
    number = next(_numbers)
    return ConnectorError.objects.create(
        project=project,
        source=source,
        stream=stream,
        dedupe_key=f"{stream}:page:{number}",
        unit={"stream": stream},
        error_kind="server_error",
        message=f"HTTP 500 from the source (case {number})",
        attempt=5 if status == "dead_letter" else 1,
        status=status,
        **fields,
    )


def make_metric(project, source: str, pct: float, *, created_at=None, missing_ids=(), **fields):
    return ReconciliationMetric.objects.create(
        project=project,
        run_id=uuid.uuid4(),
        source=source,
        total=100,
        missing=len(missing_ids),
        completeness_pct=pct,
        missing_ids=list(missing_ids),
        created_at=created_at or timezone.now(),
        **fields,
    )


def make_chunks(project, count: int, *, status: str = "pending") -> list[Chunk]:
    return Chunk.objects.bulk_create(
        Chunk(
            project=project,
            account_scope_id=project.account_scope_id,
            source_type="linear_issue",
            source_id=f"issue-{next(_numbers)}",
            ordinal=0,
            title="An issue",
            text="Issue text",
            content_hash=uuid.uuid4().hex,
            token_count=3,
            status=status,
        )
        for _ in range(count)
    )


def make_query_run(project, *, hours_ago: float = 1, error: str = "", evidence: int = 3, **stats) -> QueryRun:
    """A recorded LightRAG query as `lightrag_query` writes it: a vector-side failure starts `error` with
    "embedding provider:", a chat model failure sets `stats.llm_error`, an uncited model answer
    `stats.llm_answer_uncited`, nothing found `stats.evidence` 0."""
    return QueryRun.objects.create(
        project=project,
        account_scope_id=project.account_scope_id,
        query=f"question {next(_numbers)}",
        params={"mode": "mix"},
        degraded=error.startswith("embedding provider:") or bool(stats.get("llm_error")),
        error=error,
        stats={"evidence": evidence, **stats},
        created_at=timezone.now() - dt.timedelta(hours=hours_ago),
    )


def make_endpoint(project, source: str, *, registered_at=None, last_delivery_at=None) -> WebhookEndpoint:
    """The webhook endpoint of the project's config for `source` (which must exist)."""
    return WebhookEndpoint.objects.create(
        project=project,
        config=ConnectorConfig.objects.get(project=project, source=source),
        source=source,
        token_hash=uuid.uuid4().hex + uuid.uuid4().hex,
        token_prefix="tok12345",
        secret="never-rendered-secret",
        registered_at=registered_at,
        last_delivery_at=last_delivery_at,
    )


def make_delivery(endpoint, *, status: str = "applied", received_at=None, event_at=None, latency=None, **fields):
    """A delivery; `latency` (seconds) sets `applied_at` that long after `event_at` (or receipt, without one)."""
    received_at = received_at or timezone.now()
    if latency is not None:
        fields["applied_at"] = (event_at or received_at) + dt.timedelta(seconds=latency)
    return WebhookDelivery.objects.create(
        project=endpoint.project,
        endpoint=endpoint,
        source=endpoint.source,
        delivery_key=f"delivery-{next(_numbers)}",
        event="test.update",
        hints={"issues": ["1"]},
        status=status,
        received_at=received_at,
        event_at=event_at,
        **fields,
    )


def browser_for(user, project) -> Client:
    """A Django test client logged in as `user` with `project` active (pages and partials without the form)."""
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[ACTIVE_PROJECT_SESSION_KEY] = str(project.id)
    session.save()
    return client

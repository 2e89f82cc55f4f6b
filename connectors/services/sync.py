"""The sync engine: claim the lease, walk each stream page by page, commit rows with their cursor.

Per page, in one transaction: bulk upsert of the rows, the stream cursor, the lease heartbeat and the
progress. After commit: hooks (CRM mirror, chunks) and a throttled `connector_sync_progress` event. Hooks that
failed earlier (their `HookFailure` markers) are replayed at the end of every run of the connector.
A failing page records a connector error and stops that stream (its cursor stays where the last good
page left it); a failing item (one conversation's messages) is recorded and skipped; 401/403 pause
the connector without retries.
"""

import itertools
import logging
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass

from django.db import connection, transaction
from django.utils import timezone

from connectors import hooks
from connectors.constants import TombstoneReason
from connectors.models import RAW_MODELS, ConnectorConfig, ConnectorError, SyncRun, SyncStatus
from connectors.services import errors as error_service
from connectors.services import state as state_service
from connectors.services.id_checks import id_checks, ids_not_found, ids_seen
from connectors.services.tombstones import tombstones_apply, tombstones_revived, tombstones_written
from connectors.sources import Connector, Page, connector_for
from connectors.upsert import UpsertResult, raw_upsert
from core.errors import Conflict
from core.events import publish_on_commit
from core.http import AuthError, HttpError
from jobs.services import job_run_finish, job_run_open

log = logging.getLogger("connectors.sync")
PROGRESS_EVENT_SECONDS = 1.0


class ConnectorNotConfigured(Conflict):
    """No enabled connector is configured for this project."""

    code = "not_configured"


@dataclass
class StreamCounts:
    fetched: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    skipped: int = 0
    deleted: int = 0
    pages: int = 0
    ms: int = 0

    def add(self, result: UpsertResult) -> None:
        self.fetched += result.fetched
        self.inserted += len(result.inserted_ids)
        self.updated += len(result.updated_ids)
        self.unchanged += result.unchanged
        self.pages += 1


class SyncContext:
    """Everything one run needs while it walks its streams. A refresh (`connector_refresh`) has no run and no
    lease (`owner` None): it writes no cursor and announces no progress, and its pages are urgent."""

    def __init__(self, *, project, source, connector: Connector, state, owner, run, full, check_key="") -> None:
        self.project, self.source, self.connector = project, source, connector
        self.state, self.owner, self.run, self.full = state, owner, run, full
        self.check_key = check_key or str(run.id)  # one strike per check (see id_checks)
        self.urgent = owner is None  # chunks of an urgent page are embedded at once
        self.counts: dict[str, StreamCounts] = {}
        self.suspects: dict[str, set[str]] = {}  # per stream: ids under an id check, cleared when a page shows them
        self.last_event = 0.0
        self.on_page = None  # optional callback(stream, counts) for progress bars

    def progress(self, stream: str) -> dict:
        return {"run_id": str(self.run.id), "stream": stream, "counts": self.counts_payload()}

    def counts_payload(self) -> dict:
        return {name: asdict(counts) for name, counts in self.counts.items()}


def connector_sync(
    *,
    project,
    source: str,
    streams=None,
    full=False,
    trigger="manual",
    only_items=None,
    job_run=None,
    sleep=time.sleep,
    on_page=None,
    resync_ids=None,
) -> SyncRun:
    """Run one sync of one connector for one project; return the finished SyncRun.

    Raises `AlreadyRunning` when another live run holds the lease, `ConnectorNotConfigured` without an
    enabled config. `only_items` ({stream: [ids]}) re-runs just those items (dead-letter retries);
    `resync_ids` ({stream: [ids]}) re-reads exactly those records (reconciliation diff).
    """
    config = ConnectorConfig.objects.select_related("project").filter(project=project, source=source).first()
    if config is None or not config.enabled:
        raise ConnectorNotConfigured(f"{source} is not configured or not enabled for this project")
    owner = state_service.lease_owner_id()
    with transaction.atomic():
        run = SyncRun.objects.create(
            project=project,
            source=source,
            trigger=trigger,
            full=full,
            streams=list(streams or []),
            lease_owner=owner,
            job_run_id=job_run.pk if job_run is not None else None,
        )
        try:
            state = state_service.lease_claim(project=project, source=source, owner=owner, run=run)
        except state_service.AlreadyRunning:
            transaction.set_rollback(True)
            raise
    if job_run is None:
        job_run = job_run_open(job=f"{source}_sync", project=project, trigger=trigger)
        run.job_run_id = job_run.pk
        run.save(update_fields=["job_run_id"])
    connector = connector_for(config, sleep=sleep)
    ctx = SyncContext(project=project, source=source, connector=connector, state=state, owner=owner, run=run, full=full)
    ctx.on_page = on_page
    try:
        if resync_ids:
            status, error, paused = _walk_resync(ctx, resync_ids)
        else:
            status, error, paused = _walk_streams(ctx, streams=streams, only_items=only_items or {})
    except Exception as exc:
        log.exception("%s sync crashed for project %s", source, project.pk)
        status, error, paused = SyncStatus.FAILED, f"internal error: {exc.__class__.__name__}: {exc}", ""
    finally:
        connector.close()
    _repair_hooks(project, source, before=run.started_at)
    return _finish(ctx, job_run=job_run, status=status, error=error, paused=paused)


def _repair_hooks(project, source: str, *, before) -> None:
    """Replay the connector's failed after-commit hooks (`HookFailure` markers) from before this run, whatever
    their backoff: the rows they missed may be unchanged since, so no page of this run brought them again (a
    hook that failed during this run waits for the periodic repair). Never fails the sync."""
    try:
        tally = hooks.hook_failures_repair(project=project, source=source, due_only=False, created_before=before)
    except Exception:
        log.exception("repairing the failed hooks of %s for project %s failed", source, project.pk)
        return
    if any(tally.values()):
        log.info("%s sync of project %s: failed hooks %s", source, project.pk, tally)


def connector_refresh(
    *, project, source: str, changed: dict, removed: dict | None = None, full_items=(), check_key: str, sleep=time.sleep
) -> dict:
    """Re-read these records by id now, beside any running sync (no lease: cursors are not touched), through the
    normal page path; pages are urgent (their chunks embedded at once). `removed` ids the source announced
    deleted are tombstoned at once if a read confirms them gone; `full_items` (parent ids, e.g. conversations;
    also what `changed` names under an items stream) have their items re-read from the start. Returns the
    counts per stream; HttpError propagates."""
    config = ConnectorConfig.objects.select_related("project").filter(project=project, source=source).first()
    if config is None or not config.enabled:
        raise ConnectorNotConfigured(f"{source} is not configured or not enabled for this project")
    connector = connector_for(config, sleep=sleep)
    ctx = SyncContext(project=project, source=source, connector=connector, state=None, owner=None, run=None,
                      full=False, check_key=check_key)  # fmt: skip
    try:
        for stream, ids in connector.resolve_streams(removed or {}).items():
            _refresh_removed(ctx, stream, [str(i) for i in ids])
        changed = connector.resolve_streams(changed)
        items_streams = {spec.name for spec in connector.streams if spec.kind == "items"}
        # A hint for an items stream names parents whose items changed in place: re-read them whole.
        full_items = [*full_items, *(i for stream in items_streams for i in changed.pop(stream, []))]
        for stream, ids in changed.items():
            _refresh_stream(ctx, stream, [str(i) for i in ids], whole=set(full_items))
        if full_items:
            ctx.full = True
            _refresh_items(ctx, [str(i) for i in full_items])
    finally:
        connector.close()
    return ctx.counts_payload()


def _refresh_stream(ctx: SyncContext, stream: str, ids: list[str], *, whole: set[str]) -> None:
    """Re-read records of one stream; a parent of items brings its new items (those read `whole` come later)."""
    ctx.counts.setdefault(stream, StreamCounts())
    page = ctx.connector.fetch_by_ids(stream=stream, ids=ids)
    _commit(ctx, stream, page)
    if any(spec.parent == stream for spec in ctx.connector.streams):
        new_items = [str(row["external_id"]) for row in page.rows if str(row["external_id"]) not in whole]
        if new_items:
            _refresh_items(ctx, new_items)


def _refresh_items(ctx: SyncContext, parent_ids: list[str]) -> None:
    for spec in ctx.connector.streams:
        if spec.kind == "items":
            ctx.counts.setdefault(spec.name, StreamCounts())
            _sync_items(ctx, spec.name, only=parent_ids)


def _refresh_removed(ctx: SyncContext, stream: str, ids: list[str]) -> None:
    """The source said these are deleted: a read that finds them gone tombstones them now (no second strike);
    one that finds them (restored since, or a trash) stores what it read."""
    ctx.counts.setdefault(stream, StreamCounts())
    page = ctx.connector.fetch_by_ids(stream=stream, ids=ids)
    _commit(ctx, stream, Page(rows=page.rows, more=False))
    if page.skipped:
        applied = tombstones_apply(project=ctx.project, source=ctx.source, stream=stream, ids=page.skipped,
                                   reason=TombstoneReason.DELETED, urgent=True)  # fmt: skip
        ctx.counts[stream].deleted += len(applied.get(stream, []))


def _walk_streams(ctx: SyncContext, *, streams, only_items: dict) -> tuple[str, str, str]:
    """Sync the selected streams; return (status, error, paused_reason)."""
    selected = [spec for spec in ctx.connector.streams if not streams or spec.name in streams]
    failures = []
    for spec in selected:
        ctx.counts[spec.name] = StreamCounts()
        started = time.monotonic()
        try:
            if spec.kind == "items":
                ok = _sync_items(ctx, spec.name, only=only_items.get(spec.name))
            else:
                ok = _sync_pages(ctx, spec.name)
        except AuthError as exc:
            return SyncStatus.PAUSED, str(exc), f"misconfigured: {exc}"
        except state_service.LeaseLost as exc:
            return SyncStatus.FAILED, str(exc), ""
        finally:
            ctx.counts[spec.name].ms = int((time.monotonic() - started) * 1000)
        if not ok:
            failures.append(spec.name)
    if not failures:
        return SyncStatus.OK, "", ""
    status = SyncStatus.FAILED if len(failures) == len(selected) else SyncStatus.PARTIAL
    return status, f"streams failed: {', '.join(failures)}", ""


def _walk_resync(ctx: SyncContext, ids_by_stream: dict) -> tuple[str, str, str]:
    """Re-read the named records (a re-read conversation's messages from the start); those the source no longer
    has earn a strike (the second one tombstones them)."""
    failures = []
    for stream, ids in ids_by_stream.items():
        ctx.counts[stream] = StreamCounts()
        try:
            page = ctx.connector.fetch_by_ids(stream=stream, ids=[str(i) for i in ids])
            _commit_page(ctx, stream, page)
            if stream == "conversations" and any(s.kind == "items" for s in ctx.connector.streams):
                ctx.counts.setdefault("messages", StreamCounts())
                _sync_items(ctx, "messages", only=[row["external_id"] for row in page.rows])
        except AuthError as exc:
            return SyncStatus.PAUSED, str(exc), f"misconfigured: {exc}"
        except HttpError as exc:
            _record_failure(ctx, stream, dedupe_key=f"{stream}:resync", unit={"stream": stream}, exc=exc)
            failures.append(stream)
    if failures:
        return SyncStatus.PARTIAL, f"re-sync failed: {', '.join(failures)}", ""
    return SyncStatus.OK, "", ""


def _sync_pages(ctx: SyncContext, stream: str) -> bool:
    """Walk a `pages` stream from its stored cursor; return whether it completed."""
    walk_cursor = dict(ctx.state.cursors.get(stream) or {})
    continuation = None
    while True:
        try:
            page = ctx.connector.fetch_page(stream=stream, cursor=walk_cursor, state=continuation, full=ctx.full)
        except HttpError as exc:
            _record_failure(ctx, stream, dedupe_key=f"{stream}:page", unit={"stream": stream}, exc=exc)
            return False
        _commit_page(ctx, stream, page)
        if not page.more:
            break
        continuation = page.state
    error_service.errors_resolve(project=ctx.project, source=ctx.source, dedupe_keys=[f"{stream}:page"])
    return True


def _sync_items(ctx: SyncContext, stream: str, *, only=None) -> bool:
    """Walk an `items` stream: items are fetched by a few threads while this one commits them in batches.

    Each batch commits its items' rows together with each item's own cursor; a failing item is recorded
    and skipped, the rest go on.
    """
    unresolved = set(
        ConnectorError.objects.filter(
            project=ctx.project, source=ctx.source, stream=stream, status__in=error_service.UNRESOLVED
        ).values_list("dedupe_key", flat=True)
    )
    items = list(ctx.connector.items(stream=stream, full=ctx.full, only=only))
    batch, completed, ok = [], [], True
    for item, outcome in _fetch_items(ctx, stream, items):
        key = f"{stream}:{ctx.connector.item_key(stream=stream, item=item)}"
        if isinstance(outcome, HttpError):
            _commit_items(ctx, stream, batch)  # keep what was fetched before an auth error stops the run
            _record_failure(ctx, stream, dedupe_key=key, unit={"stream": stream, "item": _item_id(item)}, exc=outcome)
            ok = False
            continue
        batch.append((item, outcome))
        if key in unresolved:
            completed.append(key)
        if len(batch) >= ITEM_BATCH_ITEMS or sum(len(page.rows) for _, page in batch) >= ITEM_BATCH_ROWS:
            _commit_items(ctx, stream, batch)
    _commit_items(ctx, stream, batch)
    if completed:
        error_service.errors_resolve(project=ctx.project, source=ctx.source, dedupe_keys=completed)
    return ok


ITEM_FETCH_THREADS = 4
ITEM_BATCH_ITEMS = 100
ITEM_BATCH_ROWS = 2000


def _fetch_items(ctx: SyncContext, stream: str, items: list):
    """Yield (item, Page | HttpError) in order, fetching a bounded window ahead on worker threads."""

    def fetch(item):
        try:
            return ctx.connector.fetch_item_all(stream=stream, item=item, full=ctx.full)
        except HttpError as exc:
            return exc

    pool = ThreadPoolExecutor(max_workers=ITEM_FETCH_THREADS, thread_name_prefix=f"{ctx.source}-{stream}")
    try:
        pending, remaining = deque(), iter(items)
        for item in itertools.islice(remaining, ITEM_FETCH_THREADS * 4):
            pending.append((item, pool.submit(fetch, item)))
        while pending:
            item, future = pending.popleft()
            following = next(remaining, None)
            if following is not None:
                pending.append((following, pool.submit(fetch, following)))
            yield item, future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _commit_items(ctx: SyncContext, stream: str, batch: list) -> None:
    """One transaction for a batch of fetched items: their rows, their cursors, the heartbeat."""
    if not batch:
        return
    rows = [row for _, page in batch for row in page.rows]
    skipped = [ref for _, page in batch for ref in page.skipped]
    _commit(ctx, stream, Page(rows=rows, more=False, skipped=skipped), items=list(batch))
    if skipped:
        log.warning("%s %s %s vanished mid-sync (404); skipped", ctx.source, stream, skipped)
    batch.clear()


def _item_id(item) -> str:
    return str(getattr(item, "external_id", item))


def _commit_page(ctx: SyncContext, stream: str, page: Page) -> None:
    _commit(ctx, stream, page)


def _commit(ctx: SyncContext, stream: str, page: Page, *, items=None) -> None:
    """Rows, cursor (or the items' cursors), heartbeat and tombstones in one transaction; hooks and events after
    commit."""
    model = RAW_MODELS[(ctx.source, stream)]
    counts = ctx.counts[stream]
    with transaction.atomic():
        with connection.cursor() as cursor:
            # The cursor commits with its rows, so losing the last commit in a crash loses both: safe.
            cursor.execute("SET LOCAL synchronous_commit = off")
        result = raw_upsert(model=model, project=ctx.project, rows=page.rows)
        counts.deleted += _settle_deletions(ctx, stream, page, result)
        if items is not None:
            ctx.connector.items_committed(stream=stream, fetched=items)
        counts.add(result)
        counts.skipped += len(page.skipped)
        cursor_value = page.cursor if items is None and ctx.owner else None
        if ctx.owner:
            state_service.lease_heartbeat(
                state=ctx.state, owner=ctx.owner, stream=stream, cursor=cursor_value, progress=ctx.progress(stream)
            )
            _maybe_publish_progress(ctx, stream)
        event = hooks.PageCommitted(ctx.project.pk, ctx.source, stream, tuple(result.changed_ids), urgent=ctx.urgent)
        transaction.on_commit(lambda: hooks.page_committed(event))
    if cursor_value is not None:
        ctx.state.cursors[stream] = cursor_value
    if ctx.on_page is not None:
        ctx.on_page(stream, counts)


def _settle_deletions(ctx: SyncContext, stream: str, page: Page, result: UpsertResult) -> int:
    """In the page's transaction: rows written as tombstones leave every layer, revived ones bring their children
    back, ids seen again lose their strikes, and ids the source answered 404 for earn one (the second one
    tombstones them). Returns how many rows left."""
    project, source = ctx.project, ctx.source
    removed = 0
    if result.tombstoned_ids:
        written = tombstones_written(
            project=project, source=source, stream=stream, ids=result.tombstoned_ids, urgent=ctx.urgent
        )
        removed += len(written.get(stream, []))
    if result.revived:
        tombstones_revived(project=project, source=source, stream=stream, revived=result.revived)
    if stream not in ctx.suspects:
        ctx.suspects[stream] = set(id_checks(project=project, source=source, stream=stream))
    seen = ctx.suspects[stream].intersection(str(row["external_id"]) for row in page.rows)
    if seen:
        ids_seen(project=project, source=source, stream=stream, ids=seen)
        ctx.suspects[stream] -= seen
    if page.skipped:
        gone_stream = ctx.connector.stream_spec(stream).parent or stream
        confirmed = ids_not_found(project=project, source=source, stream=gone_stream, ids=page.skipped,
                                  check_key=ctx.check_key)  # fmt: skip
        applied = tombstones_apply(project=project, source=source, stream=gone_stream, ids=confirmed,
                                   reason=TombstoneReason.DELETED, urgent=ctx.urgent)  # fmt: skip
        removed += len(applied.get(gone_stream, []))
    return removed


def _maybe_publish_progress(ctx: SyncContext, stream: str) -> None:
    now = time.monotonic()
    if now - ctx.last_event < PROGRESS_EVENT_SECONDS:
        return
    ctx.last_event = now
    data = {"connector": ctx.source, "status": "running", **ctx.progress(stream)}
    publish_on_commit(project_id=ctx.project.pk, event_type="connector_sync_progress", data=data)


def _record_failure(ctx: SyncContext, stream: str, *, dedupe_key: str, unit: dict, exc: HttpError) -> None:
    ctx.counts[stream].failed += 1
    error_service.error_record(
        project=ctx.project,
        source=ctx.source,
        stream=stream,
        dedupe_key=dedupe_key,
        unit=unit,
        exc=exc,
        source_ref=unit.get("item", ""),
    )
    log.warning("%s %s failed (%s): %s", ctx.source, dedupe_key, getattr(exc, "kind", "error"), exc)
    if isinstance(exc, AuthError):
        raise exc


def _finish(ctx: SyncContext, *, job_run, status: str, error: str, paused: str) -> SyncRun:
    run = ctx.run
    with transaction.atomic():
        state_service.lease_release(state=ctx.state, owner=ctx.owner, status=status, error=error, paused_reason=paused)
        run.status, run.error, run.counts = status, error[:4000], ctx.counts_payload()
        run.finished_at = timezone.now()
        run.duration_ms = int((run.finished_at - run.started_at).total_seconds() * 1000)
        run.save(update_fields=["status", "error", "counts", "finished_at", "duration_ms"])
        job_status = {SyncStatus.OK: "succeeded", SyncStatus.PARTIAL: "partial"}.get(status, "failed")
        job_run_finish(run=job_run, status=job_status, counts={"sync_run": str(run.id), **run.counts}, error=error)
        data = {"connector": ctx.source, "status": status, "run_id": str(run.id), "counts": run.counts}
        publish_on_commit(project_id=ctx.project.pk, event_type="connector_sync_progress", data=data)
        finished = hooks.RunFinished(ctx.project.pk, ctx.source, run.id, status, run.counts)
        transaction.on_commit(lambda: hooks.run_finished(finished))
    return run

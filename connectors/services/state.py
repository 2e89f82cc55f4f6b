"""Sync state and its lease: claimed atomically, heartbeated with every page, recovered when stale."""

import datetime as dt
import json
import logging
import os
import socket
import uuid

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from connectors.models import ConnectorSyncState, SyncRun, SyncStatus
from core.errors import Conflict
from core.events import publish_on_commit
from jobs.services import job_runs_abandon

log = logging.getLogger("connectors.state")


class AlreadyRunning(Conflict):
    """Another run of the same connector holds a live lease."""

    code = "already_running"


class LeaseLost(Exception):
    """This run's lease was recovered by someone else (it went stale); stop writing."""


def lease_owner_id() -> str:
    """Who holds a lease: host, process and a random suffix (one per run)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def state_for(*, project, source: str) -> ConnectorSyncState:
    state, _ = ConnectorSyncState.objects.get_or_create(project=project, source=source)
    return state


def _stale_before() -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=settings.CONNECTOR_LEASE_STALE_SECONDS)


def _stale_lease() -> Q:
    """A `running` state whose holder stopped heartbeating, or never did (a row edited by hand, say)."""
    return Q(status=SyncStatus.RUNNING) & (
        Q(lease_heartbeat_at__lt=_stale_before()) | Q(lease_heartbeat_at__isnull=True)
    )


STALE_LEASE_ERROR = "stale_lease: the run stopped heartbeating (worker crashed or was killed)"


@transaction.atomic
def lease_recover_stale(*, state: ConnectorSyncState) -> bool:
    """Turn a dead run's lease into a `failed` state with reason `stale_lease`; return whether it did.

    In the same transaction the dead run's SyncRun and the JobRun recording it are closed as failed; after
    commit the dashboard hears `connector_sync_progress` (status `failed`, error `stale_lease`). A lease that is
    not stale (or was recovered already) changes nothing.
    """
    recovered = ConnectorSyncState.objects.filter(_stale_lease(), pk=state.pk).update(
        status=SyncStatus.FAILED,
        last_error=STALE_LEASE_ERROR,
        consecutive_failures=F("consecutive_failures") + 1,
        lease_owner="",
        lease_heartbeat_at=None,
        updated_at=timezone.now(),
    )
    if not recovered:
        return False
    state.refresh_from_db()
    run = SyncRun.objects.filter(pk=state.current_run_id).first() if state.current_run_id else None
    if run is not None:
        SyncRun.objects.filter(pk=run.pk, status=SyncStatus.RUNNING).update(
            status=SyncStatus.FAILED, error="stale_lease", finished_at=timezone.now()
        )
        if run.job_run_id:
            job_runs_abandon(ids=[run.job_run_id], error=STALE_LEASE_ERROR)
    data = {"connector": state.source, "status": SyncStatus.FAILED, "run_id": str(run.pk) if run else None,
            "error": "stale_lease"}  # fmt: skip
    publish_on_commit(project_id=state.project_id, event_type="connector_sync_progress", data=data)
    log.warning("recovered the stale %s lease of project %s (run %s)", state.source, state.project_id, data["run_id"])
    return True


def leases_recover_all() -> int:
    """Recover every stale lease (all projects); the stale-work sweep (every 20 s) and the sync cycle call it."""
    count = 0
    for state in ConnectorSyncState.objects.filter(_stale_lease()):
        count += lease_recover_stale(state=state)
    return count


def lease_live_job_runs() -> set:
    """Ids of the JobRuns of syncs whose lease is live (heartbeating): alive whatever their age."""
    live = ConnectorSyncState.objects.filter(status=SyncStatus.RUNNING, lease_heartbeat_at__gte=_stale_before())
    runs = SyncRun.objects.filter(pk__in=live.values("current_run_id"), job_run_id__isnull=False)
    return set(runs.values_list("job_run_id", flat=True))


@transaction.atomic
def lease_claim(*, project, source: str, owner: str, run: SyncRun) -> ConnectorSyncState:
    """Claim the connector for `owner` with a conditional UPDATE; refuse while another live run holds it."""
    state = state_for(project=project, source=source)
    lease_recover_stale(state=state)
    now = timezone.now()
    free = ~Q(status=SyncStatus.RUNNING) | _stale_lease()
    claimed = ConnectorSyncState.objects.filter(free, pk=state.pk).update(
        status=SyncStatus.RUNNING,
        lease_owner=owner,
        lease_heartbeat_at=now,
        last_attempt_at=now,
        current_run=run,
        progress={},
        updated_at=now,
    )
    if not claimed:
        raise AlreadyRunning(f"{source} sync is already running for this project")
    state.refresh_from_db()
    return state


def lease_heartbeat(*, state: ConnectorSyncState, owner: str, stream: str, cursor: dict | None, progress: dict):
    """Inside a page's transaction: store the stream cursor and progress, proving we still hold the lease."""
    cursor_patch = json.dumps({stream: cursor}) if cursor is not None else "{}"
    with connection.cursor() as sql:
        sql.execute(
            f"UPDATE {ConnectorSyncState._meta.db_table} "
            "SET cursors = cursors || %s::jsonb, progress = %s::jsonb, lease_heartbeat_at = now(), updated_at = now() "
            "WHERE id = %s AND lease_owner = %s AND status = 'running'",
            [cursor_patch, json.dumps(progress), state.pk, owner],
        )
        if sql.rowcount != 1:
            raise LeaseLost(f"lost the {state.source} lease")


def lease_release(*, state: ConnectorSyncState, owner: str, status: str, error: str = "", paused_reason: str = ""):
    """Finish the run: set the outcome, failure counters and free the lease."""
    now = timezone.now()
    state.refresh_from_db()
    if state.lease_owner != owner:
        return state
    state.status = status
    state.lease_owner = ""
    state.lease_heartbeat_at = None
    state.last_error = error[:4000]
    state.paused_reason = paused_reason
    if status == SyncStatus.OK:
        state.last_success_at = now
        state.consecutive_failures = 0
    else:
        state.consecutive_failures += 1
    state.save(
        update_fields=[
            "status",
            "lease_owner",
            "lease_heartbeat_at",
            "last_error",
            "paused_reason",
            "last_success_at",
            "consecutive_failures",
            "updated_at",
        ]
    )
    return state

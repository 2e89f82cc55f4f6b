"""Connector work for a worker: what is due, queueing it (one function per use case, called from every door)
and the work each queued run does.

Every door that starts a sync — the API, the scheduler tick, the 15-minute beat cycle, `manage.py sandbox
--sync`, the admin action — calls `sync_queue()`, so every sync leaves a queued `JobRun` that the API and the
Jobs page show from the moment it is asked for. The other long work a person asks for — retrying connector
errors or one dead letter, running reconciliation, re-syncing the reconciliation diff's ids — is queued the same
way (`*_queue()`, answered 202 by the API), never done inside a web request; each queued run's work
(`*_work()`) is idempotent, so a redelivered task does no harm. A person's request is audited by the work, with
the actor's name carried in the task.
"""

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone

from audit.services import audit_record
from connectors import hooks
from connectors.models import (
    ConnectorConfig,
    ConnectorError,
    ConnectorSyncState,
    ErrorStatus,
    ReconciliationMetric,
    SyncStatus,
    WebhookEndpoint,
)
from connectors.selectors import projects_with_enabled_connectors
from connectors.services import retry as retry_service
from connectors.services import state as state_service
from connectors.services.deletions import deletions_sweep
from connectors.services.errors import errors_due
from connectors.services.reconciliation import connector_resync, reconciliation_run
from connectors.services.retry import errors_retry_due
from connectors.services.state import AlreadyRunning, state_for
from connectors.services.sync import ConnectorNotConfigured, connector_sync
from connectors.services.webhooks import deliveries_waiting
from jobs.constants import JobStatus
from jobs.selectors import job_ran_since, job_run_active
from jobs.services import job_queue, job_run_record

if TYPE_CHECKING:  # a type name only: runs are queued and read through jobs.services
    from jobs.models import JobRun

# Celery task names (connectors/tasks.py registers them); queueing by name keeps services free of tasks.
SYNC_TASK = "connectors.tasks.connector_sync_task"
RESYNC_TASK = "connectors.tasks.connector_resync_task"
ERROR_RETRY_TASK = "connectors.tasks.connector_error_retry_task"
ERRORS_RETRY_TASK = "connectors.tasks.connector_errors_retry_project"
RECONCILIATION_TASK = "connectors.tasks.connectors_reconciliation_project"
DELETIONS_SWEEP_TASK = "connectors.tasks.connectors_deletions_sweep_project"

RECONCILIATION_EVERY = dt.timedelta(hours=24)
SWEEP_EVERY = dt.timedelta(minutes=30)
# Past the longest task time limit (syncs and reconciliation: ~1 h), a run still "queued"/"running" is dead.
ACTIVE_RUN_WINDOW = dt.timedelta(hours=2)


def configs_due(*, project=None, now: dt.datetime | None = None) -> list[ConnectorConfig]:
    """Enabled configs whose interval has passed and that are neither running (with a live lease) nor paused."""
    now = now or timezone.now()
    configs = ConnectorConfig.objects.filter(enabled=True).select_related("project")
    states = ConnectorSyncState.objects.all()
    if project is not None:
        configs, states = configs.filter(project=project), states.filter(project=project)
    by_key = {(s.project_id, s.source): s for s in states}
    live_webhooks = _configs_with_live_webhooks(now, project)
    due = []
    for config in configs:
        state = by_key.get((config.project_id, config.source))
        if state is not None and state.status == SyncStatus.PAUSED:
            continue
        if state is not None and state.status == SyncStatus.RUNNING and not state.lease_is_stale(now):
            continue
        minutes = config.sync_interval_minutes
        if config.pk in live_webhooks:  # changes arrive by webhook: the sync is the safety net
            minutes = max(minutes, settings.WEBHOOK_RELAXED_SYNC_MINUTES)
        last = state.last_attempt_at if state else None
        if last is None or now - last >= dt.timedelta(minutes=minutes):
            due.append(config)
    return due


def _configs_with_live_webhooks(now: dt.datetime, project=None) -> set:
    """Configs (of the project, or all) whose registered webhook delivered within the relaxed interval (empty
    when relaxing is off)."""
    minutes = settings.WEBHOOK_RELAXED_SYNC_MINUTES
    if not minutes:
        return set()
    endpoints = WebhookEndpoint.objects.filter(
        registered_at__isnull=False, last_delivery_at__gte=now - dt.timedelta(minutes=minutes)
    )
    if project is not None:
        endpoints = endpoints.filter(project=project)
    return set(endpoints.values_list("config_id", flat=True))


def _not_active(project, job: str) -> bool:
    """No queued or running run of `job` for the project: a second tick must not queue the work again."""
    return job_run_active(project=project, job=job, since=timezone.now() - ACTIVE_RUN_WINDOW) is None


def _refuse_while_active(project, job: str, what: str) -> None:
    """A person's request for work already queued or running for the project: 409 `already_running`."""
    if not _not_active(project, job):
        raise AlreadyRunning(f"{what} is already queued or running for this project.")


def _refuse_while_syncing(project, source: str) -> None:
    """Work that runs a sync of the connector cannot start while a live run holds its lease: 409."""
    state = state_for(project=project, source=source)
    if state.status == SyncStatus.RUNNING and not state.lease_is_stale():
        raise AlreadyRunning(f"{source} sync is running; retry when it finishes.")


def _actor_label(actor) -> str | None:
    """Who asked, as text a task can carry (a username or an API key's label)."""
    if actor is None or isinstance(actor, str):
        return actor
    return actor.get_username()


# ---------------------------------------------------------------- syncs


def sync_queue(
    *, project, source: str, trigger: str, streams: list[str] | None = None, full: bool = False, actor=None
) -> "JobRun | None":
    """Queue one sync of one connector: a queued JobRun and its task. None when a live run holds the lease.

    Raises QueueUnavailable (503) when the broker refuses. A person's request (`actor`) is audited.
    """
    state = state_for(project=project, source=source)
    if state.status == SyncStatus.RUNNING and not state.lease_is_stale():
        return None
    args = (str(project.pk), source, streams, full, trigger)
    run = job_queue(job=f"{source}_sync", project=project, trigger=trigger, task=SYNC_TASK, args=args)
    if actor is not None:
        audit_record(
            action="connector.sync_requested",
            actor=actor,
            project=project,
            entity_type="connector",
            entity_id=source,
            payload={"streams": streams or [], "full": full, "job_run": str(run.id)},
        )
    return run


def sync_work(*, project, run: "JobRun", source: str, streams=None, full=False, trigger="schedule"):
    """What a queued sync run does: the sync closes the run itself; a busy or unconfigured connector skips it."""
    try:
        connector_sync(project=project, source=source, streams=streams, full=full, trigger=trigger, job_run=run)
    except (AlreadyRunning, ConnectorNotConfigured) as exc:
        return JobStatus.SKIPPED, {"skipped": str(exc)}, str(exc)
    return None


def resync_queue(*, project, source: str, ids: dict[str, list[str]], actor=None) -> "JobRun":
    """A person re-syncs exactly these records (the reconciliation diff's ids): a queued sync run of the connector
    (trigger `resync`). 409 while a live run holds the connector's lease."""
    _refuse_while_syncing(project, source)
    return job_queue(job=f"{source}_sync", project=project, trigger="resync", task=RESYNC_TASK,
                     args=(str(project.pk), source, ids), kwargs={"actor": _actor_label(actor)})  # fmt: skip


def resync_work(*, project, run: "JobRun", source: str, ids: dict, actor: str | None = None):
    """What a queued re-sync does: re-read the records (the sync closes the run itself and audits it); a busy or
    unconfigured connector skips it. Idempotent: re-reading a record twice writes nothing new."""
    try:
        connector_resync(project=project, source=source, ids=ids, actor=actor or "resync", job_run=run)
    except (AlreadyRunning, ConnectorNotConfigured) as exc:
        return JobStatus.SKIPPED, {"skipped": str(exc)}, str(exc)
    return None


def syncs_cycle(*, run: "JobRun"):
    """The 15-minute beat job: recover stale leases, then queue a sync of every due connector of every project,
    and an applier for webhook deliveries left queued (a broker that refused them, a worker that died)."""
    recovered = state_service.leases_recover_all()
    due = configs_due()
    for config in due:
        sync_queue(project=config.project, source=config.source, trigger="schedule")
    waiting = deliveries_waiting()
    return JobStatus.SUCCEEDED, {"queued": len(due), "stale_recovered": recovered, "webhook_endpoints": waiting}


def leases_sweep() -> dict:
    """Part of the stale-work sweep (every 20 s): recover every stale lease, closing its runs."""
    return {"stale_leases_recovered": state_service.leases_recover_all()}


def hook_failures_repair_job() -> dict:
    """The periodic job (every minute): replay every failed after-commit hook whose retry time has come. A
    `JobRun` is recorded only when something was due (an idle minute records nothing)."""
    tally = hooks.hook_failures_repair(due_only=True)
    if any(tally.values()):
        status = JobStatus.PARTIAL if tally["failed"] else JobStatus.SUCCEEDED
        job_run_record(job="connectors_hook_failures_repair", status=status, counts=tally)
    return tally


def syncs_tick(*, project, trigger: str = "tick", limit: int = 10) -> list["JobRun"]:
    """Scheduler tick: queue a sync of each due connector of the project."""
    due = [config for config in configs_due(project=project) if _not_active(project, f"{config.source}_sync")]
    runs = [sync_queue(project=project, source=config.source, trigger=trigger) for config in due[:limit]]
    return [run for run in runs if run is not None]


# ---------------------------------------------------------------- error retries


def errors_retry_work(*, run: "JobRun", project=None, limit: int = 100, actor: str | None = None):
    """Retry connector errors whose backoff has passed (of one project, or of all); a person's request is audited."""
    result = errors_retry_due(project=project, limit=limit, actor=actor)
    counts = {key: value for key, value in result.items() if key != "retried"}
    partial = project is not None and result["failed"]
    return (JobStatus.PARTIAL if partial else JobStatus.SUCCEEDED), counts


def errors_retry_queue(*, project, limit: int = 100, actor=None) -> "JobRun":
    """A person asks to retry the project's due connector errors now: a queued run (409 while one is active)."""
    job = "connector_errors_retry"
    _refuse_while_active(project, job, "A retry of the connector errors")
    kwargs = {"limit": limit, "actor": _actor_label(actor)}
    return job_queue(job=job, project=project, trigger="manual", task=ERRORS_RETRY_TASK, args=(str(project.pk),),
                     kwargs=kwargs)  # fmt: skip


def error_retry_queue(*, error: ConnectorError, actor=None) -> "JobRun":
    """A person retries one connector error (a dead letter, or an open one) now: a queued run that re-runs its
    unit. 409 while the connector's sync holds the lease (the retry is a sync of that unit)."""
    _refuse_while_syncing(error.project, error.source)
    args, kwargs = (str(error.project_id), str(error.pk)), {"actor": _actor_label(actor)}
    return job_queue(job="connector_error_retry", project=error.project, trigger="manual", task=ERROR_RETRY_TASK,
                     args=args, kwargs=kwargs)  # fmt: skip


def error_retry_work(*, project, run: "JobRun", error_id: str, actor: str | None = None):
    """Re-run one error's unit and record the outcome on its row (audited). Idempotent: an error resolved since
    (by this run's first delivery, or by a later sync) is not re-run."""
    error = ConnectorError.objects.filter(project=project, pk=error_id).select_related("project").first()
    if error is None:
        return JobStatus.SKIPPED, {"error_id": error_id}, "the connector error no longer exists"
    if error.status == ErrorStatus.RESOLVED:
        return JobStatus.SUCCEEDED, _error_outcome(error, retry_service.RESOLVED)
    outcome = retry_service.dead_letter_retry(error=error, actor=actor or "retry")
    error.refresh_from_db()
    if outcome == retry_service.BUSY:
        detail = f"{error.source} sync is running; retry when it finishes"
        return JobStatus.SKIPPED, _error_outcome(error, outcome), detail
    if outcome == retry_service.RESOLVED:
        return JobStatus.SUCCEEDED, _error_outcome(error, outcome)
    return JobStatus.FAILED, _error_outcome(error, outcome), error.message


def _error_outcome(error: ConnectorError, outcome: str) -> dict:
    """What the run's counts (and its `job_completed` event) say of a retried error."""
    return {
        "error_id": str(error.pk),
        "connector": error.source,
        "stream": error.stream,
        "outcome": outcome,
        "status": error.status,
        "attempt": error.attempt,
        "message": error.message[:500],
    }


def errors_retry_tick(*, project, trigger: str = "tick", limit: int = 10) -> list["JobRun"]:
    """Scheduler tick: queue one retry of the project's due connector errors."""
    if limit < 1 or not errors_due(project=project, limit=1) or not _not_active(project, "connector_errors_retry"):
        return []
    job, args = "connector_errors_retry", (str(project.pk),)
    return [job_queue(job=job, project=project, trigger=trigger, task=ERRORS_RETRY_TASK, args=args)]


# ---------------------------------------------------------------- reconciliation


def reconciliation_due(*, project, now: dt.datetime | None = None) -> bool:
    """The project has enabled connectors and no reconciliation in the last 24 h."""
    if not ConnectorConfig.objects.filter(project=project, enabled=True).exists():
        return False
    since = (now or timezone.now()) - RECONCILIATION_EVERY
    return not ReconciliationMetric.objects.filter(project=project, created_at__gte=since).exists()


def reconciliation_work(*, project, run: "JobRun", actor: str | None = None):
    """Reconcile one project (a person's request is audited as theirs)."""
    result = reconciliation_run(project=project, actor=actor)
    summary = result["summary"]
    counts = {
        "reconciliation_run_id": result["run_id"],
        "completeness_pct": summary.completeness_pct,
        "total": summary.total,
        "missing": summary.missing,
        "duplicates": summary.duplicates,
        "deleted_at_source": summary.deleted_at_source,
    }
    return JobStatus.SUCCEEDED, counts


def reconciliation_queue(*, project, actor=None) -> "JobRun":
    """A person asks for the project's reconciliation now: a queued run (409 while one is active)."""
    job = "connectors_reconciliation"
    _refuse_while_active(project, job, "A reconciliation")
    return job_queue(job=job, project=project, trigger="manual", task=RECONCILIATION_TASK, args=(str(project.pk),),
                     kwargs={"actor": _actor_label(actor)})  # fmt: skip


def reconciliation_daily(*, run: "JobRun"):
    """The daily beat job: the full id walk and reconciliation of every project with enabled connectors."""
    results = {}
    for project in projects_with_enabled_connectors():
        results[str(project.pk)] = reconciliation_run(project=project)["summary"].completeness_pct
    return JobStatus.SUCCEEDED, {"projects": len(results), "completeness": results}


def reconciliation_tick(*, project, trigger: str = "tick", limit: int = 10) -> list["JobRun"]:
    """Scheduler tick: queue the project's reconciliation when its last one is older than a day."""
    if limit < 1 or not reconciliation_due(project=project) or not _not_active(project, "connectors_reconciliation"):
        return []
    args = (str(project.pk),)
    job = "connectors_reconciliation"
    return [job_queue(job=job, project=project, trigger=trigger, task=RECONCILIATION_TASK, args=args)]


# ---------------------------------------------------------------- deletion sweep


def deletions_sweep_work(*, project, run: "JobRun"):
    """Sweep one project: walk its sources' ids, ask for the unlisted ones, apply confirmed deletions."""
    summary = deletions_sweep(project=project, check_key=str(run.id))
    failed = any("error" in entry for entry in summary.values())
    return (JobStatus.PARTIAL if failed else JobStatus.SUCCEEDED), summary


def deletions_sweep_cycle(*, run: "JobRun"):
    """The 30-minute beat job: sweep every project with enabled connectors that is due."""
    due = [project for project in projects_with_enabled_connectors() if deletions_sweep_due(project=project)]
    results = {str(p.pk): deletions_sweep(project=p, check_key=str(run.id)) for p in due}
    return JobStatus.SUCCEEDED, {"projects": len(results), "sweeps": results}


def deletions_sweep_due(*, project, now: dt.datetime | None = None) -> bool:
    """Reconciled once (the first reconciliation does a sweep's work) and neither swept nor reconciled for 30 min."""
    if not ReconciliationMetric.objects.filter(project=project).exists():
        return False
    since = (now or timezone.now()) - SWEEP_EVERY
    return not job_ran_since(project=project, jobs=["connectors_deletions_sweep", "connectors_reconciliation"],
                             since=since)  # fmt: skip


def deletions_sweep_tick(*, project, trigger: str = "tick", limit: int = 10) -> list["JobRun"]:
    """Scheduler tick: queue the project's sweep when it is due and none is queued or running."""
    job = "connectors_deletions_sweep"
    if limit < 1 or not deletions_sweep_due(project=project) or not _not_active(project, job):
        return []
    return [job_queue(job=job, project=project, trigger=trigger, task=DELETIONS_SWEEP_TASK, args=(str(project.pk),))]

"""What the connectors' scheduled jobs find due, and starting it for one project now (scheduler tick)."""

import datetime as dt

from django.utils import timezone

from connectors.models import ConnectorConfig, ConnectorSyncState, ReconciliationMetric, SyncStatus
from connectors.services.errors import errors_due
from jobs.models import JobRun
from jobs.selectors import job_run_active
from jobs.services import job_run_queue_and_dispatch

RECONCILIATION_EVERY = dt.timedelta(hours=24)
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
    due = []
    for config in configs:
        state = by_key.get((config.project_id, config.source))
        if state is not None and state.status == SyncStatus.PAUSED:
            continue
        if state is not None and state.status == SyncStatus.RUNNING and not state.lease_is_stale(now):
            continue
        last = state.last_attempt_at if state else None
        if last is None or now - last >= dt.timedelta(minutes=config.sync_interval_minutes):
            due.append(config)
    return due


def _not_active(project, job: str) -> bool:
    """No queued or running run of `job` for the project: a second tick must not queue the work again."""
    return job_run_active(project=project, job=job, since=timezone.now() - ACTIVE_RUN_WINDOW) is None


def syncs_tick(*, project, trigger: str = "tick", limit: int = 10) -> list[JobRun]:
    """Queue a sync for each due connector of the project."""
    from connectors.tasks import connector_sync_task

    runs = []
    due = [config for config in configs_due(project=project) if _not_active(project, f"{config.source}_sync")]
    for config in due[:limit]:
        runs.append(
            job_run_queue_and_dispatch(
                job=f"{config.source}_sync",
                project=project,
                trigger=trigger,
                task=connector_sync_task,
                args=(str(project.pk), config.source, None, False, trigger),
            )
        )
    return runs


def errors_retry_tick(*, project, trigger: str = "tick", limit: int = 10) -> list[JobRun]:
    """Queue a retry of the project's connector errors whose backoff has passed (one run for all of them)."""
    from connectors.tasks import connector_errors_retry_project

    if limit < 1 or not errors_due(project=project, limit=1) or not _not_active(project, "connector_errors_retry"):
        return []
    return [
        job_run_queue_and_dispatch(
            job="connector_errors_retry",
            project=project,
            trigger=trigger,
            task=connector_errors_retry_project,
            args=(str(project.pk),),
        )
    ]


def reconciliation_due(*, project, now: dt.datetime | None = None) -> bool:
    """The project has enabled connectors and no reconciliation in the last 24 h."""
    if not ConnectorConfig.objects.filter(project=project, enabled=True).exists():
        return False
    since = (now or timezone.now()) - RECONCILIATION_EVERY
    return not ReconciliationMetric.objects.filter(project=project, created_at__gte=since).exists()


def reconciliation_tick(*, project, trigger: str = "tick", limit: int = 10) -> list[JobRun]:
    """Queue the project's reconciliation when its last one is older than a day."""
    from connectors.tasks import connectors_reconciliation_project

    if limit < 1 or not reconciliation_due(project=project) or not _not_active(project, "connectors_reconciliation"):
        return []
    return [
        job_run_queue_and_dispatch(
            job="connectors_reconciliation",
            project=project,
            trigger=trigger,
            task=connectors_reconciliation_project,
            args=(str(project.pk),),
        )
    ]

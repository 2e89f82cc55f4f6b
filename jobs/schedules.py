"""Every periodic job in one readable place. `schedules_ensure()` writes them to django-celery-beat
(idempotent; operators may then edit intervals or disable them in Django admin — their edits are kept)."""

from dataclasses import dataclass

from django.db import transaction


@dataclass(frozen=True)
class Schedule:
    name: str
    task: str
    every_seconds: int
    description: str
    # Dotted path of `f(*, project, trigger, limit) -> list[JobRun]` that starts this job's due work for one
    # project now (`POST /api/jobs/scheduler/tick`); None for jobs that are not per project.
    project_tick: str | None = None


SCHEDULES = (
    # Every 15 min: queue a sync for each due (project, connector); recover stale leases.
    Schedule(
        "connectors_sync_cycle",
        "connectors.tasks.connectors_sync_cycle",
        15 * 60,
        "Sync due connectors",
        "connectors.services.schedule.syncs_tick",
    ),
    # Every 5 min: retry connector errors whose backoff has passed.
    Schedule(
        "connector_errors_retry",
        "connectors.tasks.connector_errors_retry",
        5 * 60,
        "Retry connector errors",
        "connectors.services.schedule.errors_retry_tick",
    ),
    # Every 20 min (and right after a sync that left pending chunks): embed pending chunks.
    Schedule(
        "embeddings_run",
        "rag.tasks.embeddings_run",
        20 * 60,
        "Embed pending chunks",
        "rag.services.cascade.embeddings_tick",
    ),
    # Daily: walk every source's ids and reconcile them with raw and mirror rows.
    Schedule(
        "connectors_reconciliation_daily",
        "connectors.tasks.connectors_reconciliation_daily",
        24 * 3600,
        "Reconcile connectors",
        "connectors.services.schedule.reconciliation_tick",
    ),
    # Every 12 h: delete rows past their retention, oldest first, in batches (global, not per project).
    Schedule("retention_cleanup", "jobs.tasks.retention_cleanup", 12 * 3600, "Delete rows past retention"),
)

SCHEDULE_BY_TASK = {schedule.task: schedule for schedule in SCHEDULES}
SCHEDULE_BY_NAME = {schedule.name: schedule for schedule in SCHEDULES}


@transaction.atomic
def schedules_ensure() -> list[str]:
    """Create missing periodic tasks; return the names created."""
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    created = []
    for schedule in SCHEDULES:
        if PeriodicTask.objects.filter(name=schedule.name).exists():
            continue
        interval, _ = IntervalSchedule.objects.get_or_create(
            every=schedule.every_seconds, period=IntervalSchedule.SECONDS
        )
        PeriodicTask.objects.create(
            name=schedule.name, task=schedule.task, interval=interval, description=schedule.description
        )
        created.append(schedule.name)
    return created

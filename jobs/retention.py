"""Data retention (ARCHITECTURE §12): delete rows past their retention, oldest first, in batches.

Each app owns its tables and registers what may be deleted from them (`core/retention.py`:
`retention_target_register()`, from its `AppConfig.ready()`: `audit/retention.py`, `connectors/retention.py`,
`rag/retention.py`, job runs here); this module never names another app's models.

`retention_cleanup()` deletes, per table, at most `RETENTION_BATCH_SIZE` overdue rows, oldest first: it selects
their ids through the age index, then deletes those ids in one short transaction per table. The delete goes
through Django's deletion collector, so `on_delete` rules hold (a query run's feedback goes with it) while a
table without dependent rows gets a single `DELETE … WHERE id IN (…)`. Every run reports what it deleted, what
is still overdue and how far behind it is (`app_retention_cleanup_lag_days{table=…}`).
"""

import datetime as dt
import logging

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Min, QuerySet
from django.db.models.deletion import ProtectedError, RestrictedError
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily

from core.retention import RETENTION_TARGETS, RetentionTarget, retention_target_register
from jobs.models import JobRun, JobStatus

log = logging.getLogger("jobs.retention")

JOB = "retention_cleanup"
LAG_METRIC = "app_retention_cleanup_lag_days"


class RetentionCleanupFailed(Exception):
    """At least one table could not be cleaned (the others were; `result` and the JobRun hold the counts)."""

    def __init__(self, message: str, result: dict):
        super().__init__(message)
        self.result = result


def _lag_days(oldest: dt.datetime | None, days: int, now: dt.datetime) -> float:
    """Age of the oldest overdue row minus the retention, in days (0.0 when nothing is overdue)."""
    if oldest is None:
        return 0.0
    return round(max(0.0, (now - oldest).total_seconds() / 86400 - days), 3)


def _oldest(queryset: QuerySet, age_field: str) -> dt.datetime | None:
    return queryset.aggregate(oldest=Min(age_field))["oldest"]


def _delete_ids(target: RetentionTarget, ids: list, now: dt.datetime) -> int:
    """Delete the given rows if they are still deletable and overdue; return how many rows of the table went.

    Re-applying the target's rules inside the delete keeps a row that changed since its id was read (say, a
    run that became the connector's current run). `.only("pk")` keeps the collector from loading whole rows
    when a table has dependent rows (it then deletes those by foreign key, e.g. feedback by query run).
    """
    rows = target.overdue(now).filter(pk__in=ids).only("pk")
    _, per_model = rows.delete()
    return per_model.get(rows.model._meta.label, 0)


def _clean_table(target: RetentionTarget, *, batch_size: int, now: dt.datetime, dry_run: bool) -> dict:
    days = target.days()
    overdue = target.overdue(now)
    oldest_first = overdue.order_by(target.age_field, "pk")
    if dry_run:
        total = overdue.count()
        deleted = min(batch_size, total)
        next_oldest = list(oldest_first.values_list(target.age_field, flat=True)[batch_size : batch_size + 1])
        remaining, oldest = total - deleted, next_oldest[0] if next_oldest else None
    else:
        ids = list(oldest_first.values_list("pk", flat=True)[:batch_size])
        deleted = 0
        if ids:
            with transaction.atomic():
                deleted = _delete_ids(target, ids, now)
        remaining, oldest = overdue.count(), _oldest(overdue, target.age_field)
    return {"deleted": deleted, "remaining_overdue": remaining, "lag_days": _lag_days(oldest, days, now)}


def retention_cleanup(*, batch_size: int | None = None, now: dt.datetime | None = None, dry_run: bool = False) -> dict:
    """Delete up to `batch_size` overdue rows per registered table, oldest first.

    Returns `{"tables": {table: {"deleted", "remaining_overdue", "lag_days"}}}`; with `dry_run` nothing is
    deleted and the numbers say what a real run would do. A table that fails gets an `"error"` entry and the
    other tables are still cleaned.
    """
    batch_size = settings.RETENTION_BATCH_SIZE if batch_size is None else batch_size
    if batch_size < 0:
        raise ValueError("batch_size must not be negative")
    now = now or timezone.now()
    tables = {}
    for target in list(RETENTION_TARGETS.values()):
        try:
            tables[target.table] = _clean_table(target, batch_size=batch_size, now=now, dry_run=dry_run)
        except (DatabaseError, ProtectedError, RestrictedError) as exc:
            log.warning("retention cleanup of %s failed", target.table, exc_info=True)
            tables[target.table] = {"deleted": 0, "remaining_overdue": None, "lag_days": None, "error": str(exc)}
    result = {"tables": tables}
    if dry_run:
        result["dry_run"] = True
    return result


def retention_cleanup_job(*, batch_size: int | None = None, trigger: str = "schedule", task_id: str = "") -> dict:
    """One recorded run of the cleanup: a `JobRun` (job `retention_cleanup`, no project) with the result as counts.

    Any error closes the run as failed and propagates (so job supervision sees the failure).
    """
    from jobs.services import job_run_closed_on_error, job_run_finish, job_run_open

    run = job_run_open(job=JOB, trigger=trigger, task_id=task_id or "")
    with job_run_closed_on_error(run):
        result = retention_cleanup(batch_size=batch_size)
    errors = {table: entry["error"] for table, entry in result["tables"].items() if "error" in entry}
    if errors:
        message = "; ".join(f"{table}: {error}" for table, error in errors.items())
        job_run_finish(run=run, status=JobStatus.FAILED, counts=result, error=message)
        raise RetentionCleanupFailed(message, result)
    job_run_finish(run=run, status=JobStatus.SUCCEEDED, counts=result)
    return result


def retention_lag_days(now: dt.datetime | None = None) -> dict[str, float]:
    """Per registered table: age of its oldest overdue row minus its retention, in days (0.0 when none).

    One `min()` per table over its overdue rows, served by the index on the age column.
    """
    now = now or timezone.now()
    return {
        table: _lag_days(_oldest(target.overdue(now), target.age_field), target.days(), now)
        for table, target in list(RETENTION_TARGETS.items())
    }


def retention_families():
    """`app_retention_cleanup_lag_days{table=…}`: one sample per registered table (0 when nothing is overdue)."""
    family = GaugeMetricFamily(
        LAG_METRIC,
        "Days the oldest row past its retention is overdue (its age minus the retention); 0 when none is.",
        labels=["table"],
    )
    for table, lag in retention_lag_days().items():
        family.add_metric([table], lag)
    yield family


# ---------------------------------------------------------------- the jobs app's own table


def _job_runs_deletable() -> QuerySet:
    # A queued or running run is live work (or the record of a crash someone has to see): never deleted.
    return JobRun.objects.exclude(status__in=[JobStatus.QUEUED, JobStatus.RUNNING])


def job_runs_retention_register() -> None:
    """Finished job runs by `created_at` (RETENTION_JOB_RUNS_DAYS)."""
    retention_target_register(
        RetentionTarget(
            table=JobRun._meta.db_table,
            queryset=_job_runs_deletable,
            age_field="created_at",
            days_setting="RETENTION_JOB_RUNS_DAYS",
        )
    )

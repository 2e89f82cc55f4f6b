"""Dead work recovered by itself: runs whose task is gone are closed, stale leases are recovered.

A worker killed mid-task (SIGKILL, OOM, a lost machine) leaves its `JobRun` `queued` or `running`, and the
apps' own in-flight markers (a connector's sync lease) behind it. The `stale_work_sweep` job (every 20 s, beat)
finds them within a minute and closes them, so nothing stays `running` until someone asks again:

1. every registered sweeper runs (apps register theirs from `AppConfig.ready()`: the connectors recover stale
   sync leases, closing the SyncRun and its JobRun with reason `stale_lease`);
2. every job run past its bound is closed as failed:
   - `running` for longer than its task's hard time limit (Celery's `time_limit` of `task_name`, else
     `CELERY_TASK_TIME_LIMIT`) plus `GRACE_SECONDS`: the worker would have killed the task by then, so
     nothing runs it any more; a run whose task is unknown (started outside a task, e.g. `manage.py sync`)
     gets `UNKNOWN_TASK_SECONDS`;
   - `queued` for longer than `JOB_QUEUED_MAX_SECONDS` (3 h: past the broker's visibility timeout of 2 h, so
     a message redelivered after a crash still finds its run open): its message was lost;
   - except runs an app proves alive by a heartbeat of its own (a sync whose lease is fresh).

The sweep is idempotent: a closed run is never closed again, and a task redelivered after its run was given
up does nothing (`job_execute`). A sweep that found nothing records no `JobRun` (three a minute would bury
the others); job supervision still records every execution (`ScheduledJobState`).
"""

import datetime as dt
import logging
from collections.abc import Callable

from celery import current_app
from django.conf import settings
from django.utils import timezone

from jobs.models import JobRun, JobStatus
from jobs.services import job_run_record, job_runs_abandon

log = logging.getLogger("jobs.sweeper")

JOB = "stale_work_sweep"
EVERY_SECONDS = 20
GRACE_SECONDS = 60  # past a task's hard limit: the worker has killed it (or lost it) by then
UNKNOWN_TASK_SECONDS = 2 * 3600  # a run started outside a Celery task: past the longest task hard limit

# Each returns counts of what it recovered, e.g. {"stale_leases_recovered": 1}.
SWEEPERS: dict[str, Callable[[], dict]] = {}
# Each returns ids of open job runs proven alive by a heartbeat of their own (never closed by age).
LIVE_RUNS: dict[str, Callable[[], set]] = {}


def stale_sweeper_register(name: str, sweeper: Callable[[], dict]) -> None:
    """Run `sweeper()` on every sweep, before the job runs are checked (idempotent per name)."""
    SWEEPERS[name] = sweeper


def live_runs_register(name: str, live_runs: Callable[[], set]) -> None:
    """`live_runs()` names open job runs that a heartbeat proves alive (idempotent per name)."""
    LIVE_RUNS[name] = live_runs


def task_time_limit(task_name: str) -> int | None:
    """The hard time limit (seconds) of a registered Celery task, else the global one; None when unknown."""
    task = current_app.tasks.get(task_name) if task_name else None
    if task is None:
        return None
    return task.time_limit or current_app.conf.task_time_limit


def running_bound_seconds(run: JobRun) -> int:
    """How long `run` may be `running` before it is presumed dead."""
    limit = task_time_limit(run.task_name)
    return UNKNOWN_TASK_SECONDS if limit is None else int(limit) + GRACE_SECONDS


def job_runs_overdue(now: dt.datetime | None = None) -> list[tuple[JobRun, str]]:
    """Open runs past their bound, each with the reason it is presumed dead (two queries, plus the heartbeats)."""
    now = now or timezone.now()
    queued_bound = settings.JOB_QUEUED_MAX_SECONDS
    overdue = [
        (run, f"never started: queued for more than {queued_bound} s (its task message was lost)")
        for run in JobRun.objects.filter(
            status=JobStatus.QUEUED, created_at__lt=now - dt.timedelta(seconds=queued_bound)
        ).order_by("created_at")
    ]
    running = list(JobRun.objects.filter(status=JobStatus.RUNNING).order_by("created_at"))
    live = _live_run_ids() if running else set()
    for run in running:
        bound = running_bound_seconds(run)
        started = run.started_at or run.created_at
        if str(run.pk) not in live and now - started > dt.timedelta(seconds=bound):
            reason = f"task gone: running for more than {bound} s, past its hard time limit (worker killed?)"
            overdue.append((run, reason))
    return overdue


def _live_run_ids() -> set[str]:
    live: set[str] = set()
    for name, live_runs in list(LIVE_RUNS.items()):
        try:
            live |= {str(run_id) for run_id in live_runs()}
        except Exception:  # one app's broken probe must not stop the sweep: its runs are judged by age
            log.warning("live-run probe %s failed", name, exc_info=True)
    return live


def stale_work_sweep(*, now: dt.datetime | None = None) -> dict:
    """One sweep: the registered sweepers, then the job runs past their bound. Returns what it recovered."""
    counts: dict = {}
    for name, sweeper in list(SWEEPERS.items()):
        try:
            counts.update(sweeper())
        except Exception:  # the other sweepers and the job runs still get their turn
            log.exception("stale-work sweeper %s failed", name)
            counts[f"{name}_failed"] = 1
    closed = 0
    for run, reason in job_runs_overdue(now):
        closed += len(job_runs_abandon(ids=[run.pk], error=reason))
    counts["job_runs_closed"] = closed
    return counts


def stale_work_sweep_job(*, trigger: str = "schedule") -> dict:
    """The periodic job: sweep, and record a `JobRun` when the sweep recovered something."""
    counts = stale_work_sweep()
    if any(value for value in counts.values()):
        status = JobStatus.PARTIAL if any(key.endswith("_failed") for key in counts) else JobStatus.SUCCEEDED
        job_run_record(job=JOB, status=status, counts=counts, trigger=trigger)
    return counts

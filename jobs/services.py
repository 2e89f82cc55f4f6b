"""Job runs: one way to queue a job for a worker and one lifecycle for running it.

Every background job leaves a `JobRun` row, whichever door started it (API, scheduler tick, beat, command,
admin):

- `job_queue()` records a queued run and sends its Celery task (by the task's registered name, so a service
  never imports the tasks module that calls it back); the API answers 202 with the run's id.
- `job_execute()` is what a task does with it: begin the queued run (or start a new one for a scheduled job),
  do the work, close the run with the work's outcome — or as failed when the work raises.
- `job_run_open()` / `job_run_finish()` serve the services that close their run themselves, inside the
  transaction that commits their own outcome (a sync, an embeddings run).
- `job_runs_abandon()` closes runs whose task is gone (a killed worker) as failed; the stale-work sweeper
  (`jobs/sweeper.py`) and the connectors' lease recovery call it.

Every run records the Celery task that runs it (`task_name`): its hard time limit bounds how long the run can
be `running` while its task is alive.
"""

import logging
from collections.abc import Callable
from contextlib import contextmanager

from celery import current_app, current_task
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from core.errors import Unavailable
from core.events import publish_on_commit
from core.selectors import project_get
from jobs.models import JobRun, JobStatus

log = logging.getLogger("jobs.services")

# A run in one of these statuses is live work; any other status is final.
OPEN_STATUSES = (JobStatus.QUEUED, JobStatus.RUNNING)
MAX_DURATION_MS = 2**31 - 1  # the column's range (~24 days): a run found dead after longer shows that much

# What `job_execute`'s work returns: the run's status and counts, and optionally an error message.
Outcome = tuple[str, dict] | tuple[str, dict, str]


class QueueUnavailable(Unavailable):
    """The broker refused a task; its queued JobRun was closed as failed (the API answers 503)."""

    message = "The job queue is unavailable; try again shortly."


# ---------------------------------------------------------------- queueing


def job_queue(*, job: str, project, trigger: str, task: str, args: tuple = (), kwargs: dict | None = None) -> JobRun:
    """Record a queued run of `job` and send `task` (a registered Celery task name) to execute it.

    The task receives `args` with the run's id appended, and `kwargs`. In autocommit the task goes at once, and
    a broker refusal closes the run as failed and raises QueueUnavailable (503). Inside a transaction it goes
    after commit — a worker must not look for a row that is not committed (or never will be); a refusal then
    closes the run and is logged.
    """
    run = JobRun.objects.create(
        job=job,
        project=project,
        account_scope_id=project.account_scope_id if project is not None else None,
        trigger=trigger,
        status=JobStatus.QUEUED,
        task_name=task,
    )
    send = _sender(run, task, (*args, str(run.id)), kwargs or {})
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _send_quietly(run, send))
    else:
        send()
    return run


def task_send_quietly(*, task: str, args: tuple = ()) -> bool:
    """Send a task that keeps its own record (no JobRun: e.g. applying webhook deliveries, which are stored rows),
    after commit when inside a transaction; False (logged) when the broker refuses."""

    def send() -> bool:
        try:
            current_app.tasks[task].apply_async(args=args, retry=False)
        except OperationalError:
            log.warning("broker unavailable: %s not queued", task)
            return False
        return True

    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(send)
        return True
    return send()


def _sender(run: JobRun, task: str, args: tuple, kwargs: dict) -> Callable[[], None]:
    def send() -> None:
        try:
            current_app.tasks[task].apply_async(args=args, kwargs=kwargs, retry=False)
        except OperationalError as exc:
            job_run_finish(run=run, status=JobStatus.FAILED, error="broker unavailable")
            raise QueueUnavailable() from exc

    return send


def _send_quietly(run: JobRun, send: Callable[[], None]) -> None:
    try:
        send()
    except QueueUnavailable:
        log.warning("broker unavailable: %s run %s not queued", run.job, run.id)


# ---------------------------------------------------------------- running


def _running_task_name() -> str:
    """The Celery task executing this code (by a worker or eagerly), "" outside any task."""
    if not current_task:
        return ""
    return getattr(current_task, "name", "") or ""


def job_run_open(*, job: str, run: JobRun | None = None, project=None, trigger: str = "schedule", task_id: str = ""):
    """Start work: the queued `run` begins now, or — without one — a new running run of `job` is recorded."""
    now = timezone.now()
    if run is None:
        return JobRun.objects.create(
            job=job,
            project=project,
            account_scope_id=project.account_scope_id if project is not None else None,
            trigger=trigger,
            status=JobStatus.RUNNING,
            started_at=now,
            created_at=now,
            task_id=task_id,
            task_name=_running_task_name(),
        )
    run.status, run.started_at, run.task_id = JobStatus.RUNNING, now, task_id or run.task_id
    run.task_name = run.task_name or _running_task_name()
    run.save(update_fields=["status", "started_at", "task_id", "task_name"])
    return run


def job_run_finish(*, run: JobRun, status: str, counts: dict | None = None, error: str = "") -> JobRun:
    """Close a run with its outcome and announce it after commit."""
    run.finished_at = timezone.now()
    run.duration_ms = int((run.finished_at - (run.started_at or run.created_at)).total_seconds() * 1000)
    run.status = status
    run.counts = counts or {}
    run.error = error[:4000]
    run.save(update_fields=["finished_at", "duration_ms", "status", "counts", "error"])
    if run.project_id:
        event = {"job": run.job, "run_id": str(run.id), "status": status, "counts": run.counts}
        publish_on_commit(project_id=run.project_id, event_type="job_completed", data=event)
    return run


def job_runs_abandon(*, ids, error: str) -> list[JobRun]:
    """Close these runs as failed if they are still queued or running (their task is gone), and announce each.

    Each close is a conditional UPDATE, so a worker that finishes the run at the same moment wins or loses
    cleanly; a run already closed is left alone (calling this twice changes nothing). Returns the runs closed.
    """
    closed = []
    for run in JobRun.objects.filter(pk__in=list(ids), status__in=OPEN_STATUSES):
        now = timezone.now()
        duration_ms = int((now - (run.started_at or run.created_at)).total_seconds() * 1000)
        updated = JobRun.objects.filter(pk=run.pk, status=run.status).update(
            status=JobStatus.FAILED, finished_at=now, duration_ms=min(max(duration_ms, 0), MAX_DURATION_MS),
            error=error[:4000],
        )  # fmt: skip
        if not updated:
            continue
        run.refresh_from_db()
        closed.append(run)
        if run.project_id:
            event = {"job": run.job, "run_id": str(run.id), "status": run.status, "counts": run.counts}
            publish_on_commit(project_id=run.project_id, event_type="job_completed", data=event)
        log.warning("job run %s (%s) closed as failed: %s", run.id, run.job, error)
    return closed


@contextmanager
def job_run_closed_on_error(run: JobRun):
    """Inside: the job's work. An exception closes the run as failed (with its error) and propagates, so no
    run is left `running` by a crash the worker survived."""
    try:
        yield run
    except BaseException as exc:
        job_run_finish(run=run, status=JobStatus.FAILED, error=f"{type(exc).__name__}: {exc}")
        raise


def job_execute(
    *,
    job: str,
    work: Callable[..., Outcome | None],
    run_id: str | None = None,
    project_id: str | None = None,
    trigger: str = "schedule",
    task_id: str = "",
) -> dict:
    """The lifecycle of one run, as every task runs it.

    1. Load the queued run `run_id` and the project `project_id` (either may be absent: a scheduled job
       records a new run; a global job has no project). A run or project that is gone is skipped, and a
       queued run whose project is gone is closed as skipped. A run already closed (finished, or given up as
       dead by the sweeper) is not run again: a redelivered task does nothing.
    2. Begin the run, then call `work(project=…, run=…)` (`work(run=…)` for a global job).
    3. Close the run with the work's (status, counts[, error]); when the work returns None it closed the run
       itself. An exception closes it as failed and propagates.
    """
    run = JobRun.objects.filter(pk=run_id).first() if run_id else None
    if run is not None and run.status not in OPEN_STATUSES:
        return {"skipped": f"run {run.id} is already {run.status}"}
    project = project_get(project_id) if project_id else None
    if (run_id and run is None) or (project_id and project is None):
        if run is not None:
            job_run_finish(run=run, status=JobStatus.SKIPPED, error="project no longer exists")
        return {"skipped": "run or project no longer exists"}
    run = job_run_open(job=job, run=run, project=project, trigger=trigger, task_id=task_id)
    with job_run_closed_on_error(run):
        outcome = work(project=project, run=run) if project_id else work(run=run)
    if outcome is None:
        return {"run_id": str(run.id), "status": run.status, **run.counts}
    status, counts, *error = outcome
    job_run_finish(run=run, status=status, counts=counts, error=error[0] if error else "")
    return counts


@transaction.atomic
def job_run_record(*, job: str, project=None, status: str, counts=None, error: str = "", trigger="schedule"):
    """Record a run that already happened (start and finish in one go)."""
    run = job_run_open(job=job, project=project, trigger=trigger)
    return job_run_finish(run=run, status=status, counts=counts, error=error)

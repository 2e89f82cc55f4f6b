"""Job runs: queue, dispatch, begin, finish. Every background job records its runs through these."""

import logging
from contextlib import contextmanager

from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from jobs.models import JobRun, JobStatus

log = logging.getLogger("jobs.services")


class QueueUnavailable(Exception):
    """The broker refused a task; its queued JobRun was closed as failed."""


def job_run_start(*, job: str, project=None, trigger: str = "schedule", task_id: str = "") -> JobRun:
    """Record that a job started now."""
    now = timezone.now()
    return JobRun.objects.create(
        job=job,
        project=project,
        account_scope_id=project.account_scope_id if project is not None else None,
        trigger=trigger,
        status=JobStatus.RUNNING,
        started_at=now,
        created_at=now,
        task_id=task_id,
    )


def job_run_queue(*, job: str, project=None, trigger: str = "manual") -> JobRun:
    """Record a run that is queued for a worker (the API answers 202 with its id)."""
    return JobRun.objects.create(
        job=job,
        project=project,
        account_scope_id=project.account_scope_id if project is not None else None,
        trigger=trigger,
        status=JobStatus.QUEUED,
    )


def job_run_dispatch(*, run: JobRun, task, args: tuple = (), kwargs: dict | None = None) -> JobRun:
    """Send the Celery task that executes a queued `run`, once a worker can see the run's row.

    In autocommit the task goes at once, and a broker refusal closes the run as failed and raises
    QueueUnavailable (an API answers 503). Inside a transaction it goes after commit — a worker must not look
    for a row that is not committed (or never will be); a refusal then closes the run and is logged.
    """

    def send() -> None:
        try:
            task.apply_async(args=args, kwargs=kwargs or {}, retry=False)
        except OperationalError as exc:
            job_run_finish(run=run, status=JobStatus.FAILED, error="broker unavailable")
            raise QueueUnavailable(str(exc)) from exc

    def send_after_commit() -> None:
        try:
            send()
        except QueueUnavailable:
            log.warning("broker unavailable: %s run %s not queued", run.job, run.id)

    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(send_after_commit)
    else:
        send()
    return run


def job_run_queue_and_dispatch(
    *, job: str, project, trigger: str, task, args: tuple = (), kwargs: dict | None = None
) -> JobRun:
    """Record a queued run and send the task that executes it (the run id goes last in `args`)."""
    run = job_run_queue(job=job, project=project, trigger=trigger)
    return job_run_dispatch(run=run, task=task, args=(*args, str(run.id)), kwargs=kwargs)


def job_run_begin(*, run: JobRun, task_id: str = "") -> JobRun:
    """A queued run starts now."""
    run.status, run.started_at = JobStatus.RUNNING, timezone.now()
    run.task_id = task_id or run.task_id
    run.save(update_fields=["status", "started_at", "task_id"])
    return run


def job_run_finish(*, run: JobRun, status: str, counts: dict | None = None, error: str = "") -> JobRun:
    """Close a run with its outcome and announce it after commit."""
    from core.events import publish_on_commit

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


@transaction.atomic
def job_run_record(*, job: str, project=None, status: str, counts=None, error: str = "", trigger="schedule"):
    """Record a run that already happened (start and finish in one go)."""
    run = job_run_start(job=job, project=project, trigger=trigger)
    return job_run_finish(run=run, status=status, counts=counts, error=error)


@contextmanager
def job_run_closed_on_error(run: JobRun):
    """Inside: the job's work. An exception closes the run as failed (with its error) and propagates, so no
    run is left `running` by a crash the worker survived."""
    try:
        yield run
    except BaseException as exc:
        job_run_finish(run=run, status=JobStatus.FAILED, error=f"{type(exc).__name__}: {exc}")
        raise

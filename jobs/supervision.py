"""Supervision of the registered periodic jobs (`jobs/schedules.py`): their state, backoff, suspension and ticks.

Celery signals record every execution of a scheduled task (by beat, by hand or eagerly) in
`ScheduledJobState`. A failure pushes the next run back (base × 2^(failures−1), capped), mirrored into the
django-celery-beat `PeriodicTask.start_time`, which beat honours; `JOB_SUSPEND_AFTER_FAILURES` failures in a
row disable the task until someone resumes it (API or admin). A success clears both.
"""

import datetime as dt
import logging

from celery import signals
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from core.errors import NotFound
from jobs.models import JobRun, ScheduledJobState
from jobs.schedules import SCHEDULES

log = logging.getLogger("jobs.supervision")

ERROR_CHARS = 500


class UnknownJob(NotFound):
    """No scheduled job of that name."""

    def __init__(self, name: str) -> None:
        super().__init__(f"No scheduled job named {name!r}.")


def backoff_seconds(failures: int) -> int:
    """Seconds the next run waits after `failures` failures in a row."""
    if failures < 1:
        return 0
    base, cap = settings.JOB_BACKOFF_BASE_SECONDS, settings.JOB_BACKOFF_MAX_SECONDS
    return min(cap, base * 2 ** min(failures - 1, 30))


def _periodic_task(name: str):
    from django_celery_beat.models import PeriodicTask

    return PeriodicTask.objects.filter(name=name).first()


def _state(name: str) -> ScheduledJobState:
    schedule = SCHEDULES.by_name(name)
    state, _ = ScheduledJobState.objects.select_for_update().get_or_create(name=name, defaults={"task": schedule.task})
    return state


def job_started(name: str, now: dt.datetime | None = None) -> None:
    with transaction.atomic():
        state = _state(name)
        state.last_started_at, state.last_status = now or timezone.now(), "running"
        state.save(update_fields=["last_started_at", "last_status", "updated_at"])


def job_succeeded(name: str, now: dt.datetime | None = None) -> None:
    """A run succeeded: failures, backoff and suspension are cleared."""
    now = now or timezone.now()
    with transaction.atomic():
        state = _state(name)
        had_backoff = state.backoff_until is not None or state.suspended
        state.consecutive_failures, state.backoff_until = 0, None
        state.last_status, state.last_finished_at, state.last_success_at = "succeeded", now, now
        state.last_error, state.suspended_at, state.suspended_reason = "", None, ""
        state.save()
        if had_backoff:
            _periodic_task_update(name, start_time=None, enabled=True)


def job_failed(name: str, error: str, now: dt.datetime | None = None) -> ScheduledJobState:
    """A run failed: back off, and suspend after too many failures in a row."""
    now = now or timezone.now()
    with transaction.atomic():
        state = _state(name)
        state.consecutive_failures += 1
        state.last_status, state.last_finished_at, state.last_failure_at = "failed", now, now
        state.last_error = error[:ERROR_CHARS]
        state.backoff_until = now + dt.timedelta(seconds=backoff_seconds(state.consecutive_failures))
        suspend = state.consecutive_failures >= settings.JOB_SUSPEND_AFTER_FAILURES and not state.suspended
        if suspend:
            state.suspended_at = now
            state.suspended_reason = f"{state.consecutive_failures} consecutive failures; last: {state.last_error}"
        state.save()
        _periodic_task_update(name, start_time=state.backoff_until, enabled=False if suspend else None)
        if suspend:
            audit_record(
                action="job.suspended",
                actor="scheduler",
                status="warning",
                entity_type="job",
                entity_id=name,
                payload={"consecutive_failures": state.consecutive_failures, "last_error": state.last_error},
            )
            log.error("scheduled job %s suspended after %s failures", name, state.consecutive_failures)
    return state


def _periodic_task_update(name: str, *, start_time, enabled: bool | None) -> None:
    task = _periodic_task(name)
    if task is None:
        return
    task.start_time = start_time
    fields = ["start_time"]
    if enabled is not None:
        task.enabled = enabled
        fields.append("enabled")
    task.save(update_fields=fields)  # PeriodicTask.save bumps beat's change marker, so beat reloads


def job_resume(name: str, *, actor=None, project=None) -> ScheduledJobState:
    """Re-enable a suspended (or backed-off) job now; failures start again from zero."""
    if SCHEDULES.by_name(name) is None:
        raise UnknownJob(name)
    with transaction.atomic():
        state = _state(name)
        was_suspended = state.suspended
        state.consecutive_failures, state.backoff_until, state.last_status = 0, None, "resumed"
        state.suspended_at, state.suspended_reason = None, ""
        state.resumed_at = timezone.now()
        state.resumed_by = getattr(actor, "username", None) or str(actor or "")
        state.save()
        _periodic_task_update(name, start_time=None, enabled=True)
        audit_record(
            action="job.resumed",
            actor=actor,
            project=project,
            entity_type="job",
            entity_id=name,
            payload={"was_suspended": was_suspended},
        )
    return state


# ---------------------------------------------------------------- Celery signals


def _schedule_name(sender) -> str | None:
    schedule = SCHEDULES.by_task(getattr(sender, "name", None) or "")
    return schedule.name if schedule else None


def _quietly(func, *args) -> None:
    try:
        func(*args)
    except Exception:  # supervision must never turn a good run into a failed one
        log.warning("could not record scheduled job state", exc_info=True)


@signals.task_prerun.connect(dispatch_uid="jobs.supervision.prerun")
def _on_prerun(sender=None, **kwargs):
    if name := _schedule_name(sender):
        _quietly(job_started, name)


@signals.task_success.connect(dispatch_uid="jobs.supervision.success")
def _on_success(sender=None, **kwargs):
    if name := _schedule_name(sender):
        _quietly(job_succeeded, name)


@signals.task_failure.connect(dispatch_uid="jobs.supervision.failure")
def _on_failure(sender=None, exception=None, **kwargs):
    if name := _schedule_name(sender):
        _quietly(job_failed, name, f"{type(exception).__name__}: {exception}")


# ---------------------------------------------------------------- scheduler API


def _next_run_at(periodic, state: ScheduledJobState | None, now: dt.datetime):
    if periodic is None or not periodic.enabled:
        return None
    if periodic.last_run_at is None:
        # Beat counts a never-run interval from its own start, which only beat knows.
        return periodic.start_time
    every = dt.timedelta(seconds=periodic.interval.every * _PERIOD_SECONDS[periodic.interval.period])
    candidates = [periodic.last_run_at + every]
    if periodic.start_time:
        candidates.append(periodic.start_time)
    if state and state.backoff_until:
        candidates.append(state.backoff_until)
    return max(candidates)


def iso_duration(seconds: int) -> str:
    """900 → "PT15M", 86400 → "P1D" (ISO 8601)."""
    days, rest = divmod(int(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    clock = "".join(f"{value}{unit}" for value, unit in ((hours, "H"), (minutes, "M"), (secs, "S")) if value)
    return f"P{f'{days}D' if days else ''}{f'T{clock}' if clock else ''}" if seconds else "PT0S"


_PERIOD_SECONDS = {"days": 86400, "hours": 3600, "minutes": 60, "seconds": 1, "microseconds": 1e-6}


def scheduler_jobs(now: dt.datetime | None = None, *, show_errors: bool) -> list[dict]:
    """Every schedule with its cadence, enabled flag, supervision state, last and next run (3 queries).

    Schedules are global (shared by every project), so their error text may name other projects:
    `show_errors=False` (everyone but staff) gives `last_error` and `suspended_reason` as None (hidden).
    """
    from django_celery_beat.models import PeriodicTask

    now = now or timezone.now()
    periodic = {p.name: p for p in PeriodicTask.objects.filter(name__in=SCHEDULES.names()).select_related("interval")}
    states = {s.name: s for s in ScheduledJobState.objects.filter(name__in=SCHEDULES.names())}
    jobs = []
    for schedule in SCHEDULES:
        task, state = periodic.get(schedule.name), states.get(schedule.name)
        cadence = (
            int(task.interval.every * _PERIOD_SECONDS[task.interval.period])
            if task and task.interval
            else schedule.every_seconds
        )
        jobs.append(
            {
                "name": schedule.name,
                "task": schedule.task,
                "description": schedule.description,
                "cadence": iso_duration(cadence),
                "cadence_seconds": cadence,
                "installed": task is not None,
                "enabled": bool(task and task.enabled),
                "suspended": bool(state and state.suspended),
                "suspended_reason": (state.suspended_reason if state else "") if show_errors else None,
                "consecutive_failures": state.consecutive_failures if state else 0,
                "backoff_until": state.backoff_until if state else None,
                "last_run_at": (state.last_started_at if state else None) or (task.last_run_at if task else None),
                "last_success_at": state.last_success_at if state else None,
                "last_status": state.last_status if state else "",
                "last_error": (state.last_error if state else "") if show_errors else None,
                "next_run_at": _next_run_at(task, state, now),
                "per_project": schedule.project_tick is not None,
            }
        )
    return jobs


def scheduler_tick(*, project, limit: int = 10, trigger: str = "tick", actor=None) -> list[JobRun]:
    """Start now, for one project, what each per-project schedule finds due; at most `limit` runs in all.

    Suspended jobs are skipped: resuming is an explicit decision. A person's (or key's) tick is audited.
    """
    suspended = set(ScheduledJobState.objects.filter(suspended_at__isnull=False).values_list("name", flat=True))
    started: list[JobRun] = []
    for schedule in SCHEDULES:
        if schedule.project_tick is None or schedule.name in suspended or len(started) >= limit:
            continue
        started.extend(schedule.project_tick(project=project, trigger=trigger, limit=limit - len(started)))
    if actor is not None:
        payload = {"started": [tick_entry(run) for run in started], "limit": limit}
        audit_record(action="jobs.tick", actor=actor, project=project, payload=payload)
    return started


def tick_entry(run: JobRun) -> dict:
    """What the tick endpoint (and its audit event) says of a run it started."""
    return {"job": run.job, "run_id": str(run.id), "status": run.status}

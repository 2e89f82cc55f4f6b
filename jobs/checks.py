"""The jobs' checklist items: schedules installed and succeeding, beat dispatching, workers taking runs,
storage within budget, retention keeping up."""

import datetime as dt

from django.conf import settings
from django.db.models import Max
from django_celery_beat.models import PeriodicTask

from core.checklist import FAIL, OK, WARN, Check, DoctorCheck, ago, duration, short
from jobs.models import JobRun, JobStatus
from jobs.retention import retention_lag_days
from jobs.selectors import storage_use
from jobs.supervision import scheduler_jobs
from jobs.sweeper import JOB as SWEEP_JOB
from jobs.sweeper import job_runs_overdue

SCHEDULER = "scheduler-jobs-working"
RETENTION = "retention-lag"
STORAGE = "storage-near-budget"

STALE_CADENCES = 3  # a job whose last success is older than this many cadences is late
QUEUED_WARN_SECONDS = 10 * 60  # a run queued this long has no worker taking it
STORAGE_WARN_PCT = 80.0
RETENTION_WARN_DAYS = 1.0


def check_schedules(now: dt.datetime) -> list[Check]:
    """One check per registered schedule: installed, right task, not suspended, succeeding."""
    jobs = scheduler_jobs(now, show_errors=True)
    tasks = dict(PeriodicTask.objects.filter(name__in=[job["name"] for job in jobs]).values_list("name", "task"))
    return [_schedule_check(job, tasks.get(job["name"]), now) for job in jobs]


def _schedule_check(job: dict, periodic_task: str | None, now: dt.datetime) -> Check:
    name, cadence = f"job {job['name']}", job["cadence_seconds"]
    if not job["installed"]:
        return Check(name, FAIL, "no django-celery-beat schedule: run `manage.py bootstrap`", SCHEDULER)
    if periodic_task != job["task"]:
        return Check(name, FAIL, f"schedule runs {periodic_task!r}, expected {job['task']!r}", SCHEDULER)
    if job["suspended"]:
        detail = f"suspended after {job['consecutive_failures']} failures: {short(job['suspended_reason'])}"
        return Check(name, FAIL, f"{detail}; resume with POST /api/jobs/scheduler/{job['name']}/resume", SCHEDULER)
    if not job["enabled"]:
        return Check(name, WARN, "disabled in admin (django_celery_beat › periodic tasks)", SCHEDULER)
    if job["consecutive_failures"]:
        detail = f"{job['consecutive_failures']} failure(s) in a row: {short(job['last_error'])}"
        return Check(name, WARN, detail, SCHEDULER)
    every = f"every {duration(cadence)}"
    last = job["last_success_at"]
    if last is None:
        return Check(name, WARN, f"never succeeded ({every}): are beat and a worker running?", SCHEDULER)
    if (now - last).total_seconds() > STALE_CADENCES * cadence:
        return Check(name, WARN, f"last success {ago(last, now)} ({every})", SCHEDULER)
    return Check(name, OK, f"last success {ago(last, now)} ({every})", SCHEDULER)


def check_beat(now: dt.datetime) -> list[Check]:
    """Beat dispatched something within three cadences of the most frequent enabled schedule."""
    enabled = [job for job in scheduler_jobs(now, show_errors=True) if job["enabled"]]
    if not enabled:
        return [Check("beat", WARN, "no enabled schedule", SCHEDULER)]
    names = [job["name"] for job in enabled]
    last = PeriodicTask.objects.filter(name__in=names).aggregate(last=Max("last_run_at"))["last"]
    limit = STALE_CADENCES * min(job["cadence_seconds"] for job in enabled)
    if last is None:
        return [
            Check("beat", WARN, "beat has not dispatched any schedule yet: is exactly one beat running?", SCHEDULER)
        ]
    if (now - last).total_seconds() > limit:
        return [Check("beat", WARN, f"last dispatch {ago(last, now)}: is exactly one beat running?", SCHEDULER)]
    return [Check("beat", OK, f"last dispatch {ago(last, now)}", SCHEDULER)]


def check_workers(now: dt.datetime) -> list[Check]:
    """No job run waits in `queued` for long (no worker), and none is open past its bound (`jobs/sweeper.py`:
    running past its task's hard time limit, queued past `JOB_QUEUED_MAX_SECONDS`) — the stale-work sweep
    closes those within a minute, so one still open means the sweep is not running."""
    queued = JobRun.objects.filter(
        status=JobStatus.QUEUED, created_at__lt=now - dt.timedelta(seconds=QUEUED_WARN_SECONDS)
    ).count()
    overdue = job_runs_overdue(now)
    problems = []
    if queued:
        problems.append(f"{queued} run(s) queued for more than {duration(QUEUED_WARN_SECONDS)} (no worker?)")
    if overdue:
        jobs = ", ".join(sorted({run.job for run, _ in overdue}))
        problems.append(
            f"{len(overdue)} run(s) queued or running past their bound ({jobs}): the task is gone and "
            f"{SWEEP_JOB} has not closed them (is beat running?)"
        )
    if problems:
        return [Check("workers", WARN, "; ".join(problems), SCHEDULER)]
    return [Check("workers", OK, "no run waiting or stuck", SCHEDULER)]


def check_storage() -> list[Check]:
    use = storage_use()
    percent = use["usage_percent"] or 0.0
    detail = f"database {use['database_bytes'] / 1024**3:.2f} GB of {settings.STORAGE_BUDGET_GB:g} GB ({percent:.1f}%)"
    status = FAIL if percent >= 100 else WARN if percent >= STORAGE_WARN_PCT else OK
    return [Check("storage", status, detail, STORAGE)]


def check_retention(now: dt.datetime) -> list[Check]:
    lags = retention_lag_days(now)
    behind = {table: lag for table, lag in lags.items() if lag > RETENTION_WARN_DAYS}
    if behind:
        detail = ", ".join(f"{table} {lag:g} d" for table, lag in sorted(behind.items()))
        return [Check("retention", WARN, f"overdue rows: {detail}", RETENTION)]
    return [Check("retention", OK, f"{len(lags)} tables within retention", RETENTION)]


CHECKS = [
    DoctorCheck("schedules", SCHEDULER, check_schedules),
    DoctorCheck("beat", SCHEDULER, check_beat),
    DoctorCheck("workers", SCHEDULER, check_workers),
    DoctorCheck("storage", STORAGE, lambda now: check_storage()),
    DoctorCheck("retention", RETENTION, check_retention),
]

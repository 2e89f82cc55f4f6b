"""`manage.py doctor`: the operations checklist of `docs/operations/runbooks.md`, run automatically.

Each check is a plain function returning `Check`s (ok | warn | fail, a one-line detail and the runbook section
to read). `doctor_run()` runs the global checks (database, migrations, Redis, broker, metrics, live events,
schedules, beat, workers, storage, retention, accounts) and then the per-project checks (access, connectors,
connector errors, completeness, embeddings) for one project or every project.

Details never carry secrets: URLs are shown without their password, connector errors with the connector's
own secret blanked, exceptions by class name only.
"""

import datetime as dt
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

from core import health
from core.redis import redis_ping

OK, WARN, FAIL = "ok", "warn", "fail"
RUNBOOK = "docs/operations/runbooks.md"

# Runbook sections (GitHub heading anchors of docs/operations/runbooks.md).
HEALTH = "health-and-metrics-answer"
SESSION = "session-and-active-project"
SCHEDULER = "scheduler-jobs-working"
STUCK = "no-connector-stuck-in-running"
EMBEDDINGS = "ready-embeddings-above-zero"
REDIS = "redis-ping"
SSE = "sse-connections"
SYNC_FAILS = "connector-sync-fails"
DEAD_LETTERS = "dead-letters-growing"
COMPLETENESS = "completeness-drop-between-systems"
BACKLOG = "embedding-backlog"
RETENTION = "retention-lag"
STORAGE = "storage-near-budget"

FAILURES_FAIL_AT = 3  # failed runs in a row that make a connector a failure, not a warning (as the alert)
STALE_CADENCES = 3  # a job or connector whose last success is older than this many cadences is late
BACKLOG_WARN_SECONDS = 2 * 20 * 60  # two embeddings_run cadences
QUEUED_WARN_SECONDS = 10 * 60  # a run queued this long has no worker taking it
RUNNING_WARN_SECONDS = 2 * 3600  # past the longest task hard limit (syncs and reconciliation: 3700 s)
STORAGE_WARN_PCT = 80.0
RETENTION_WARN_DAYS = 1.0
DETAIL_CHARS = 160


@dataclass(frozen=True)
class Check:
    """One checklist item's outcome."""

    name: str
    status: str
    detail: str
    runbook_anchor: str

    @property
    def runbook(self) -> str:
        return f"{RUNBOOK}#{self.runbook_anchor}"

    def as_dict(self) -> dict:
        return {**asdict(self), "runbook": self.runbook}


def worst(checks: Iterable[Check]) -> str:
    """fail beats warn beats ok."""
    statuses = {check.status for check in checks}
    return FAIL if FAIL in statuses else WARN if WARN in statuses else OK


# ---------------------------------------------------------------- helpers


def _ago(moment: dt.datetime | None, now: dt.datetime) -> str:
    return "never" if moment is None else f"{_duration((now - moment).total_seconds())} ago"


def _duration(seconds: float) -> str:
    seconds = max(0, int(seconds))
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 2 * 3600:
        return f"{seconds // 60} min"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} d"


def safe_url(url: str | None) -> str:
    """The URL without its password (`redis://:***@host:6379/0`)."""
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}{port}"))


def _short(text: str, *, secret: str = "") -> str:
    """First line of `text`, without `secret`, cut to DETAIL_CHARS."""
    if secret and len(secret) >= 4:  # a one-letter "secret" would blank every such letter of the message
        text = text.replace(secret, "***")
    text = re.sub(r"\s+", " ", text or "").strip()
    return text if len(text) <= DETAIL_CHARS else text[: DETAIL_CHARS - 1] + "…"


def _from_health(name: str, result: dict, anchor: str) -> Check:
    status = {health.OK: OK, health.DEGRADED: WARN}.get(result["status"], FAIL)
    return Check(name, status, result["detail"], anchor)


# ---------------------------------------------------------------- platform


def check_database() -> list[Check]:
    return [_from_health("database", health.check_database(), HEALTH)]


def check_migrations() -> list[Check]:
    check = _from_health("migrations", health.check_migrations(), HEALTH)
    if check.status == FAIL:
        return [Check(check.name, FAIL, f"{check.detail}: run `manage.py migrate`", HEALTH)]
    return [check]


def check_redis() -> list[Check]:
    """Redis PING at REDIS_URL; without Redis (single-machine mode) a warning, not a failure."""
    url = settings.REDIS_URL
    if url is None:
        detail = "no Redis: single-machine mode (filesystem broker, no SSE fan-out, dashboard polls)"
        return [Check("redis", WARN, detail, REDIS)]
    if redis_ping(url):
        return [Check("redis", OK, f"PONG from {safe_url(url)}", REDIS)]
    return [Check("redis", FAIL, f"no PONG from {safe_url(url)}", REDIS)]


def check_broker() -> list[Check]:
    return [_from_health("broker", health.check_broker(), REDIS)]


def check_metrics() -> list[Check]:
    """`/metrics` renders with `app_up 1.0`, and every database-backed family source collects without error."""
    from prometheus_client import REGISTRY, generate_latest

    from core.collectors import FAMILY_SOURCES

    collector_log = logging.getLogger("core.metrics")
    level = collector_log.level
    collector_log.setLevel(logging.ERROR)  # broken sources are reported below, without their tracebacks
    try:
        text = generate_latest(REGISTRY).decode()
    finally:
        collector_log.setLevel(level)
    if not re.search(r"^app_up 1\.0$", text, re.MULTILINE):
        return [Check("metrics", FAIL, "/metrics does not report app_up 1.0", HEALTH)]
    broken = []
    for source in FAMILY_SOURCES:
        try:
            list(source())
        except Exception as exc:  # the scrape skips a broken source; say which panels it blanks
            broken.append(f"{getattr(source, '__name__', source)} ({exc.__class__.__name__})")
    if broken:
        return [Check("metrics", WARN, f"app_up 1.0, but these sources fail: {', '.join(broken)}", HEALTH)]
    families = len(re.findall(r"^# TYPE app_", text, re.MULTILINE))
    return [Check("metrics", OK, f"app_up 1.0, {families} app_* families", HEALTH)]


def check_live_events() -> list[Check]:
    """SSE fan-out is configured and one event publishes (on a channel no page listens to)."""
    from core.events import publish

    if not getattr(settings, "EVENTSTREAM_REDIS", None):
        detail = "no EVENTSTREAM_REDIS (single-machine mode): worker events never reach pages; they poll"
        return [Check("live events", WARN, detail, SSE)]
    if not publish(project_id="doctor", event_type="doctor_ping", data={"ping": True}):
        return [Check("live events", WARN, "publishing a test event failed (see the log; pages poll)", SSE)]
    return [Check("live events", OK, "test event published through Redis fan-out", SSE)]


def check_accounts() -> list[Check]:
    from django.contrib.auth import get_user_model

    admins = get_user_model().objects.filter(is_active=True, is_superuser=True).count()
    if not admins:
        return [Check("accounts", WARN, "no active superuser: run `manage.py bootstrap`", SESSION)]
    return [Check("accounts", OK, f"{admins} active superuser(s)", SESSION)]


# ---------------------------------------------------------------- jobs


def check_schedules(now: dt.datetime) -> list[Check]:
    """One check per schedule of `workforce/schedules.py`: installed, right task, not suspended, succeeding."""
    from django_celery_beat.models import PeriodicTask

    from jobs.supervision import scheduler_jobs

    jobs = scheduler_jobs(now)
    tasks = dict(PeriodicTask.objects.filter(name__in=[job["name"] for job in jobs]).values_list("name", "task"))
    return [_schedule_check(job, tasks.get(job["name"]), now) for job in jobs]


def _schedule_check(job: dict, periodic_task: str | None, now: dt.datetime) -> Check:
    name, cadence = f"job {job['name']}", job["cadence_seconds"]
    if not job["installed"]:
        return Check(name, FAIL, "no django-celery-beat schedule: run `manage.py bootstrap`", SCHEDULER)
    if periodic_task != job["task"]:
        return Check(name, FAIL, f"schedule runs {periodic_task!r}, expected {job['task']!r}", SCHEDULER)
    if job["suspended"]:
        detail = f"suspended after {job['consecutive_failures']} failures: {_short(job['suspended_reason'])}"
        return Check(name, FAIL, f"{detail}; resume with POST /api/jobs/scheduler/{job['name']}/resume", SCHEDULER)
    if not job["enabled"]:
        return Check(name, WARN, "disabled in admin (django_celery_beat › periodic tasks)", SCHEDULER)
    if job["consecutive_failures"]:
        detail = f"{job['consecutive_failures']} failure(s) in a row: {_short(job['last_error'])}"
        return Check(name, WARN, detail, SCHEDULER)
    every = f"every {_duration(cadence)}"
    last = job["last_success_at"]
    if last is None:
        return Check(name, WARN, f"never succeeded ({every}): are beat and a worker running?", SCHEDULER)
    if (now - last).total_seconds() > STALE_CADENCES * cadence:
        return Check(name, WARN, f"last success {_ago(last, now)} ({every})", SCHEDULER)
    return Check(name, OK, f"last success {_ago(last, now)} ({every})", SCHEDULER)


def check_beat(now: dt.datetime) -> list[Check]:
    """Beat dispatched something within three cadences of the most frequent enabled schedule."""
    from django.db.models import Max
    from django_celery_beat.models import PeriodicTask

    from jobs.supervision import scheduler_jobs

    enabled = [job for job in scheduler_jobs(now) if job["enabled"]]
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
        return [Check("beat", WARN, f"last dispatch {_ago(last, now)}: is exactly one beat running?", SCHEDULER)]
    return [Check("beat", OK, f"last dispatch {_ago(last, now)}", SCHEDULER)]


def check_workers(now: dt.datetime) -> list[Check]:
    """No job run waits in `queued` for long (no worker) or stays `running` past every task's time limit."""
    from jobs.models import JobRun, JobStatus

    queued = JobRun.objects.filter(
        status=JobStatus.QUEUED, created_at__lt=now - dt.timedelta(seconds=QUEUED_WARN_SECONDS)
    ).count()
    running = JobRun.objects.filter(
        status=JobStatus.RUNNING, started_at__lt=now - dt.timedelta(seconds=RUNNING_WARN_SECONDS)
    ).count()
    problems = []
    if queued:
        problems.append(f"{queued} run(s) queued for more than {_duration(QUEUED_WARN_SECONDS)} (no worker?)")
    if running:
        problems.append(f"{running} run(s) 'running' for more than {_duration(RUNNING_WARN_SECONDS)} (worker killed?)")
    if problems:
        return [Check("workers", WARN, "; ".join(problems), SCHEDULER)]
    return [Check("workers", OK, "no run waiting or stuck", SCHEDULER)]


def check_storage() -> list[Check]:
    from jobs.selectors import storage_use

    use = storage_use()
    percent = use["usage_percent"] or 0.0
    detail = f"database {use['database_bytes'] / 1024**3:.2f} GB of {settings.STORAGE_BUDGET_GB:g} GB ({percent:.1f}%)"
    status = FAIL if percent >= 100 else WARN if percent >= STORAGE_WARN_PCT else OK
    return [Check("storage", status, detail, STORAGE)]


def check_retention(now: dt.datetime) -> list[Check]:
    from jobs.retention import retention_lag_days

    lags = retention_lag_days(now)
    behind = {table: lag for table, lag in lags.items() if lag > RETENTION_WARN_DAYS}
    if behind:
        detail = ", ".join(f"{table} {lag:g} d" for table, lag in sorted(behind.items()))
        return [Check("retention", WARN, f"overdue rows: {detail}", RETENTION)]
    return [Check("retention", OK, f"{len(lags)} tables within retention", RETENTION)]


# ---------------------------------------------------------------- per project


def check_project_access(project) -> list[Check]:
    """The project has an owner (membership or scope owner), so someone can select it and act."""
    from core.models import Membership, Role

    name = f"project {project.name}"
    owners = Membership.objects.filter(project=project, role=Role.OWNER).count()
    scope_owners = project.account_scope.owners.count()
    if owners or scope_owners:
        return [Check(name, OK, f"{owners} owner membership(s), {scope_owners} scope owner(s)", SESSION)]
    members = Membership.objects.filter(project=project).count()
    detail = f"no owner membership ({members} other member(s)): only superusers can manage it"
    return [Check(name, WARN, detail, SESSION)]


def check_connectors(project, now: dt.datetime) -> list[Check]:
    """Per configured connector: not stuck in `running`, not failing, synced within three intervals."""
    from connectors.selectors import connector_states

    checks = []
    for entry in connector_states(project=project):
        config, state = entry["config"], entry["state"]
        if config is None:
            continue
        checks.append(_connector_check(f"connector {project.name}/{entry['source']}", config, state, now))
    if not checks:
        return [Check(f"connectors {project.name}", WARN, "no connector configured: nothing syncs", SYNC_FAILS)]
    return checks


def _connector_check(name: str, config, state, now: dt.datetime) -> Check:
    from connectors.models import SyncStatus

    if not config.enabled:
        return Check(name, OK, "disabled", SYNC_FAILS)
    if state is None or (state.status == SyncStatus.IDLE and state.last_attempt_at is None):
        return Check(name, WARN, "configured but never synced: is the worker running?", SYNC_FAILS)
    if state.status == SyncStatus.RUNNING:
        return _running_check(name, state, now)
    error = _short(state.last_error, secret=config.secret)
    if state.status == SyncStatus.PAUSED:
        return Check(name, WARN, f"paused: {_short(state.paused_reason, secret=config.secret) or error}", SYNC_FAILS)
    if state.consecutive_failures >= FAILURES_FAIL_AT:
        return Check(name, FAIL, f"{state.consecutive_failures} failed runs in a row: {error}", SYNC_FAILS)
    interval = config.sync_interval_minutes * 60
    late = state.last_success_at is None or (now - state.last_success_at).total_seconds() > STALE_CADENCES * interval
    detail = f"state {state.status}, last success {_ago(state.last_success_at, now)} (every {_duration(interval)})"
    if state.consecutive_failures or state.status in (SyncStatus.FAILED, SyncStatus.PARTIAL):
        return Check(name, WARN, f"{detail}; {state.consecutive_failures} failure(s) in a row: {error}", SYNC_FAILS)
    return Check(name, WARN if late else OK, detail, SYNC_FAILS)


def _running_check(name: str, state, now: dt.datetime) -> Check:
    window = settings.CONNECTOR_LEASE_STALE_SECONDS
    if state.lease_is_stale(now):  # a running state that never heartbeat counts as stale too
        detail = (
            f"stuck in running: last heartbeat {_ago(state.lease_heartbeat_at, now)} (stale after "
            f"{_duration(window)}), lease {state.lease_owner or 'none'}"
        )
        return Check(name, FAIL, detail, STUCK)
    return Check(name, OK, f"running, heartbeat {_ago(state.lease_heartbeat_at, now)}", STUCK)


def check_connector_errors(project) -> list[Check]:
    """Dead letters need a person (retry or resolve); open errors retry by themselves."""
    from django.db.models import Count

    from connectors.models import ErrorStatus
    from connectors.selectors import connector_errors

    rows = (
        connector_errors(project=project)
        .exclude(status=ErrorStatus.RESOLVED)
        .values("status", "source")
        .annotate(n=Count("id"))
        .order_by("source")
    )
    dead = {row["source"]: row["n"] for row in rows if row["status"] == ErrorStatus.DEAD_LETTER}
    open_errors = sum(row["n"] for row in rows if row["status"] == ErrorStatus.OPEN)
    name = f"errors {project.name}"
    if dead:
        per_source = ", ".join(f"{source} {n}" for source, n in dead.items())
        detail = f"{sum(dead.values())} dead letter(s) ({per_source}); {open_errors} open error(s) retrying"
        return [Check(name, WARN, detail, DEAD_LETTERS)]
    return [Check(name, OK, f"no dead letters; {open_errors} open error(s) retrying", DEAD_LETTERS)]


def check_completeness(project) -> list[Check]:
    """The latest reconciliation of each connector is at or above the threshold."""
    from connectors.selectors import reconciliation_latest

    threshold = settings.CONNECTOR_RECONCILIATION_MIN_COMPLETENESS_PCT
    latest = reconciliation_latest(project=project)
    name = f"completeness {project.name}"
    if not latest:
        return [Check(name, OK, "no reconciliation yet (daily job)", COMPLETENESS)]
    low = [metric for metric in latest if metric.completeness_pct < threshold]
    if low:
        detail = ", ".join(
            f"{m.source} {m.completeness_pct:.1f}% ({m.missing} missing, {m.duplicates} duplicates)" for m in low
        )
        return [Check(name, WARN, f"below {threshold:g}%: {detail}", COMPLETENESS)]
    lowest = min(latest, key=lambda metric: metric.completeness_pct)
    return [Check(name, OK, f"lowest {lowest.source} {lowest.completeness_pct:.1f}% (≥ {threshold:g}%)", COMPLETENESS)]


def check_embeddings(project, now: dt.datetime) -> list[Check]:
    """Ready chunks exist when chunks do; nothing all-failed; the pending backlog is not old."""
    from django.db.models import Min

    from connectors.selectors import entity_counts
    from rag.models import Chunk, ChunkStatus
    from rag.selectors import chunk_counts

    name = f"embeddings {project.name}"
    counts = chunk_counts(project=project)
    ready, pending, failed = counts["ready"], counts["pending"] + counts["processing"], counts["failed"]
    if not sum(counts.values()):
        if sum(entity_counts(project=project).values()):
            return [Check(name, WARN, "raw rows but no chunks: run `manage.py embed --rebuild`", EMBEDDINGS)]
        return [Check(name, OK, "no chunks yet (nothing synced)", EMBEDDINGS)]
    summary = f"{ready} ready, {pending} pending, {failed} failed"
    if not ready and failed:
        error = Chunk.objects.filter(project=project, status=ChunkStatus.FAILED).values_list("last_error", flat=True)
        return [Check(name, FAIL, f"{summary}: {_short(error.first() or '')}", EMBEDDINGS)]
    oldest = Chunk.objects.filter(project=project, status=ChunkStatus.PENDING).aggregate(m=Min("updated_at"))["m"]
    if not ready:
        return [Check(name, WARN, f"{summary}, oldest pending {_ago(oldest, now)}: not embedded yet", EMBEDDINGS)]
    if oldest is not None and (now - oldest).total_seconds() > BACKLOG_WARN_SECONDS:
        return [Check(name, WARN, f"{summary}, oldest pending {_ago(oldest, now)}", BACKLOG)]
    if failed:
        return [Check(name, WARN, f"{summary}: re-queue with `manage.py embed --requeue-failed`", EMBEDDINGS)]
    return [Check(name, OK, summary, EMBEDDINGS)]


# ---------------------------------------------------------------- running them


def _guarded(name: str, anchor: str, function: Callable[[], list[Check]]) -> list[Check]:
    """Run one check; a crash is that check's failure (by exception class: messages may hold secrets)."""
    try:
        return function()
    except Exception as exc:  # the doctor must report every item, not stop at the first broken one
        return [Check(name, FAIL, f"check crashed: {exc.__class__.__name__}", anchor)]


def doctor_run(*, project=None, now: dt.datetime | None = None) -> list[Check]:
    """Every check, global first, then per project (`project`, or every project when None).

    Stops after the database check when the database does not answer, and after Redis and the broker when
    migrations are missing: every other check reads tables the migrations create.
    """
    from core.models import Project

    now = now or timezone.now()
    checks = _guarded("database", HEALTH, check_database)
    if worst(checks) == FAIL:
        return checks
    schema = _guarded("migrations", HEALTH, check_migrations)
    checks += schema + _guarded("redis", REDIS, check_redis) + _guarded("broker", REDIS, check_broker)
    if worst(schema) == FAIL:
        return checks
    global_checks = [
        ("metrics", HEALTH, check_metrics),
        ("live events", SSE, check_live_events),
        ("accounts", SESSION, check_accounts),
        ("schedules", SCHEDULER, lambda: check_schedules(now)),
        ("beat", SCHEDULER, lambda: check_beat(now)),
        ("workers", SCHEDULER, lambda: check_workers(now)),
        ("storage", STORAGE, check_storage),
        ("retention", RETENTION, lambda: check_retention(now)),
    ]
    for name, anchor, function in global_checks:
        checks += _guarded(name, anchor, function)
    if project is not None:
        return checks + project_checks(project, now)
    try:
        projects = list(Project.objects.select_related("account_scope").order_by("name"))
    except DatabaseError as exc:
        return [*checks, Check("projects", FAIL, f"cannot list projects: {exc.__class__.__name__}", SESSION)]
    for item in projects:
        checks += project_checks(item, now)
    return checks


def project_checks(project, now: dt.datetime) -> list[Check]:
    """The per-project part of the checklist."""
    label = project.name
    return [
        *_guarded(f"project {label}", SESSION, lambda: check_project_access(project)),
        *_guarded(f"connectors {label}", SYNC_FAILS, lambda: check_connectors(project, now)),
        *_guarded(f"errors {label}", DEAD_LETTERS, lambda: check_connector_errors(project)),
        *_guarded(f"completeness {label}", COMPLETENESS, lambda: check_completeness(project)),
        *_guarded(f"embeddings {label}", EMBEDDINGS, lambda: check_embeddings(project, now)),
    ]

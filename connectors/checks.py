"""The connectors' checklist items, per project: not stuck, not failing, synced recently; no dead letters
waiting for a person; no after-commit hook failing; completeness at or above the threshold."""

import datetime as dt

from django.conf import settings
from django.db.models import Count

from connectors.models import ErrorStatus, SyncStatus
from connectors.selectors import connector_errors, connector_states, hook_failures, reconciliation_latest
from core.checklist import FAIL, OK, WARN, Check, DoctorCheck, ago, duration, short

STUCK = "no-connector-stuck-in-running"
HOOKS = "failed-after-commit-hooks"
SYNC_FAILS = "connector-sync-fails"
DEAD_LETTERS = "dead-letters-growing"
COMPLETENESS = "completeness-drop-between-systems"

FAILURES_FAIL_AT = 3  # failed runs in a row that make a connector a failure, not a warning (as the alert)
STALE_CADENCES = 3  # a connector whose last success is older than this many intervals is late


def check_connectors(project, now: dt.datetime) -> list[Check]:
    """Per configured connector: not stuck in `running`, not failing, synced within three intervals."""
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
    if not config.enabled:
        return Check(name, OK, "disabled", SYNC_FAILS)
    if state is None or (state.status == SyncStatus.IDLE and state.last_attempt_at is None):
        return Check(name, WARN, "configured but never synced: is the worker running?", SYNC_FAILS)
    if state.status == SyncStatus.RUNNING:
        return _running_check(name, state, now)
    error = short(state.last_error, secret=config.secret)
    if state.status == SyncStatus.PAUSED:
        return Check(name, WARN, f"paused: {short(state.paused_reason, secret=config.secret) or error}", SYNC_FAILS)
    if state.consecutive_failures >= FAILURES_FAIL_AT:
        return Check(name, FAIL, f"{state.consecutive_failures} failed runs in a row: {error}", SYNC_FAILS)
    interval = config.sync_interval_minutes * 60
    late = state.last_success_at is None or (now - state.last_success_at).total_seconds() > STALE_CADENCES * interval
    detail = f"state {state.status}, last success {ago(state.last_success_at, now)} (every {duration(interval)})"
    if state.consecutive_failures or state.status in (SyncStatus.FAILED, SyncStatus.PARTIAL):
        return Check(name, WARN, f"{detail}; {state.consecutive_failures} failure(s) in a row: {error}", SYNC_FAILS)
    return Check(name, WARN if late else OK, detail, SYNC_FAILS)


def _running_check(name: str, state, now: dt.datetime) -> Check:
    window = settings.CONNECTOR_LEASE_STALE_SECONDS
    if state.lease_is_stale(now):  # a running state that never heartbeat counts as stale too
        detail = (
            f"stuck in running: last heartbeat {ago(state.lease_heartbeat_at, now)} (stale after "
            f"{duration(window)}), lease {state.lease_owner or 'none'}"
        )
        return Check(name, FAIL, detail, STUCK)
    return Check(name, OK, f"running, heartbeat {ago(state.lease_heartbeat_at, now)}", STUCK)


def check_connector_errors(project) -> list[Check]:
    """Dead letters need a person (retry or resolve); open errors retry by themselves."""
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


def check_hook_failures(project) -> list[Check]:
    """After-commit hooks that failed leave the mirror or the chunks behind until a repair succeeds."""
    markers = hook_failures(project=project)
    name = f"hooks {project.name}"
    if not markers:
        return [Check(name, OK, "no failed after-commit hook", HOOKS)]
    exhausted = [marker for marker in markers if marker.next_retry_at is None]
    worst_one = max(markers, key=lambda marker: marker.attempts)
    detail = (
        f"{len(markers)} failed hook(s) awaiting repair, {len(exhausted)} past their retries; e.g. "
        f"{worst_one.hook} on {worst_one.source}/{worst_one.stream or 'run'} ({worst_one.attempts} failure(s)): "
        f"{short(worst_one.error)}"
    )
    return [Check(name, FAIL if exhausted else WARN, detail, HOOKS)]


PROJECT_CHECKS = [
    DoctorCheck("connectors", SYNC_FAILS, check_connectors, per_project=True),
    DoctorCheck("errors", DEAD_LETTERS, lambda project, now: check_connector_errors(project), per_project=True),
    DoctorCheck("hooks", HOOKS, lambda project, now: check_hook_failures(project), per_project=True),
    DoctorCheck("completeness", COMPLETENESS, lambda project, now: check_completeness(project), per_project=True),
]

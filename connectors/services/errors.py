"""Connector errors: one row per failing unit, backoff 30 s × 2^(attempt−1) capped at 6 h, dead letter at
attempt `CONNECTOR_MAX_RETRIES`, auto-resolved when a later run covers the unit."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from connectors.models import ConnectorError, ErrorStatus
from core.http import AuthError, HttpError

UNRESOLVED = (ErrorStatus.OPEN, ErrorStatus.DEAD_LETTER)


def backoff_seconds(attempt: int) -> int:
    """Seconds before retry number `attempt` (1-based): 30, 60, 120, … capped at 6 h."""
    base = settings.CONNECTOR_RETRY_BASE_SECONDS
    return min(base * 2 ** (max(attempt, 1) - 1), settings.CONNECTOR_RETRY_MAX_SECONDS)


def error_kind(exc: BaseException) -> str:
    return exc.kind if isinstance(exc, HttpError) else "internal"


def _history_entry(outcome: str, message: str, attempt: int) -> dict:
    return {
        "at": timezone.now().isoformat(),
        "outcome": outcome,
        "attempt": attempt,
        "message": message[:500],
    }


@transaction.atomic
def error_record(
    *,
    project,
    source: str,
    stream: str,
    dedupe_key: str,
    unit: dict,
    exc: BaseException,
    source_ref: str = "",
) -> ConnectorError:
    """Record a failure of one unit: a new row, or the next attempt on the unresolved one."""
    now = timezone.now()
    message = str(exc)[:2000]
    kind = error_kind(exc)
    row = (
        ConnectorError.objects.select_for_update()
        .filter(project=project, source=source, dedupe_key=dedupe_key, status__in=UNRESOLVED)
        .first()
    )
    if row is None:
        row = ConnectorError(
            project=project,
            source=source,
            stream=stream,
            dedupe_key=dedupe_key,
            unit=unit,
            attempt=0,
            source_ref=source_ref,
            created_at=now,
        )
    row.attempt += 1
    row.error_kind, row.message, row.updated_at = kind, message, now
    row.history = [*row.history, _history_entry("failed", message, row.attempt)][-50:]
    _schedule(row, exc)
    row.save()
    return row


def _schedule(row: ConnectorError, exc: BaseException) -> None:
    """When to retry: never for auth (the connector is paused), dead letter at the limit, else backoff."""
    if isinstance(exc, AuthError):
        row.next_retry_at = None
        return
    if row.attempt >= settings.CONNECTOR_MAX_RETRIES:
        row.status = ErrorStatus.DEAD_LETTER
        row.next_retry_at = None
        return
    wait = backoff_seconds(row.attempt)
    retry_after = getattr(exc, "retry_after", None)
    if retry_after:
        wait = max(wait, int(retry_after) + 1)
    row.next_retry_at = timezone.now() + dt.timedelta(seconds=wait)


def errors_resolve(*, project, source: str, dedupe_keys: list[str], how: str = "covered by a later run") -> int:
    """Resolve unresolved errors whose units a run has just completed; keep their history."""
    now = timezone.now()
    rows = list(
        ConnectorError.objects.filter(project=project, source=source, dedupe_key__in=dedupe_keys, status__in=UNRESOLVED)
    )
    for row in rows:
        row.status, row.resolved_at, row.updated_at, row.next_retry_at = ErrorStatus.RESOLVED, now, now, None
        row.history = [*row.history, _history_entry("resolved", how, row.attempt)][-50:]
    ConnectorError.objects.bulk_update(rows, ["status", "resolved_at", "updated_at", "next_retry_at", "history"])
    return len(rows)


def error_mark_resolved(*, error: ConnectorError, how: str) -> ConnectorError:
    """An operator resolves an error by hand (admin action)."""
    errors_resolve(project=error.project, source=error.source, dedupe_keys=[error.dedupe_key], how=how)
    error.refresh_from_db()
    return error


def errors_due(*, project=None, now: dt.datetime | None = None, limit: int = 100):
    """Open errors whose retry time has come, oldest first."""
    queryset = ConnectorError.objects.filter(
        status=ErrorStatus.OPEN, next_retry_at__isnull=False, next_retry_at__lte=now or timezone.now()
    ).select_related("project")
    if project is not None:
        queryset = queryset.filter(project=project)
    return list(queryset.order_by("next_retry_at")[:limit])

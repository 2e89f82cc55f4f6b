"""Durable markers of failed after-commit hooks (`HookFailure`): written when a hook raises, read and settled by
the repairs in `connectors.hooks`.

A page's rows are committed before its hooks run, so a hook that fails (the CRM mirror, the chunk builder) would
leave the mirror or the chunks behind for good: nothing touches those rows again until they change at the
source. The marker names what was missed; the repair replays the hook for exactly that.
"""

import datetime as dt
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from connectors.models import HookFailure

log = logging.getLogger("connectors.hooks")

MAX_IDS = 5000  # more ids than this in one marker: replay the whole stream instead
ERROR_CHARS = 2000


def hook_name(hook) -> str:
    """The dotted name a marker keeps of a hook (module and qualified name)."""
    return f"{getattr(hook, '__module__', '')}.{getattr(hook, '__qualname__', repr(hook))}"


def backoff_seconds(attempts: int) -> int:
    """Wait before the next repair after `attempts` failures: base × 2^(attempts−1), capped (connector backoff)."""
    base, cap = settings.CONNECTOR_RETRY_BASE_SECONDS, settings.CONNECTOR_RETRY_MAX_SECONDS
    return min(cap, base * 2 ** min(max(attempts, 1) - 1, 30))


def _next_retry(attempts: int, now: dt.datetime) -> dt.datetime | None:
    """None once the attempts are used up: only a sync of the connector (or an operator) tries again."""
    if attempts >= settings.HOOK_REPAIR_MAX_ATTEMPTS:
        return None
    return now + dt.timedelta(seconds=backoff_seconds(attempts))


def _merge_ids(marker: HookFailure, ids) -> None:
    if marker.whole_stream:
        return
    merged = sorted({*marker.record_ids, *(str(i) for i in ids)})
    if len(merged) > MAX_IDS:
        marker.record_ids, marker.whole_stream = [], True
    else:
        marker.record_ids = merged


def hook_failure_record(
    *, project_id, source: str, stream: str, hook: str, kind: str, ids=(), urgent=False, payload=None, exc
) -> HookFailure:
    """Record that `hook` failed for these records (a new marker, or more ids on the hook's existing one).

    The first repair is due at once (the next periodic run); later ones back off (`backoff_seconds`).
    """
    now = timezone.now()
    error = f"{type(exc).__name__}: {exc}"[:ERROR_CHARS]
    key = {"project_id": project_id, "source": source, "stream": stream, "hook": hook}
    with transaction.atomic():
        marker = HookFailure.objects.select_for_update().filter(**key).first()
        if marker is None:
            try:
                with transaction.atomic():
                    marker = HookFailure(**key, kind=kind, error=error, next_retry_at=now, created_at=now,
                                         updated_at=now, urgent=urgent, payload=payload or {})  # fmt: skip
                    _merge_ids(marker, ids)
                    marker.save()
                    return marker
            except IntegrityError:  # a concurrent failure of the same hook created it: add to that one
                marker = HookFailure.objects.select_for_update().get(**key)
        _merge_ids(marker, ids)
        marker.urgent = marker.urgent or urgent
        marker.payload = payload or marker.payload
        marker.error, marker.updated_at = error, now
        if marker.next_retry_at is None:  # exhausted, and failing again: a new failure earns a new try
            marker.next_retry_at = now
        marker.save()
    return marker


def hook_failures_pending(
    *, project=None, source: str | None = None, due: dt.datetime | None = None, created_before=None
):
    """Markers to repair, oldest first (a mirror's accounts before what links to them): of one connector, or
    all; with `due`, only those whose retry time has come; with `created_before`, only older ones."""
    queryset = HookFailure.objects.all()
    if created_before is not None:
        queryset = queryset.filter(created_at__lt=created_before)
    if project is not None:
        queryset = queryset.filter(project=project)
    if source is not None:
        queryset = queryset.filter(source=source)
    if due is not None:
        queryset = queryset.filter(next_retry_at__isnull=False, next_retry_at__lte=due)
    return list(queryset.order_by("created_at", "pk"))


def hook_failure_claim(marker: HookFailure) -> HookFailure | None:
    """Inside the repair's transaction: lock the marker (None when another repair holds it, or it is gone)."""
    return HookFailure.objects.select_for_update(skip_locked=True).filter(pk=marker.pk).first()


def hook_failure_failed_again(marker: HookFailure, exc: BaseException) -> HookFailure:
    """A repair failed: count it, keep the error, back off (or stop retrying by schedule at the cap)."""
    now = timezone.now()
    marker.attempts += 1
    marker.error = f"{type(exc).__name__}: {exc}"[:ERROR_CHARS]
    marker.next_retry_at, marker.updated_at = _next_retry(marker.attempts, now), now
    marker.save(update_fields=["attempts", "error", "next_retry_at", "updated_at"])
    log.warning("repair of hook %s for %s/%s failed (%s attempts): %s", marker.hook, marker.source,
                marker.stream or "run", marker.attempts, marker.error)  # fmt: skip
    return marker

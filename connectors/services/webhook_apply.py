"""Applying webhook deliveries: coalesce what they name, re-read it by id, let every layer follow.

One applier per endpoint at a time (a PostgreSQL advisory lock); it claims every queued delivery of its endpoint,
unions the records they name (the same record changed 50 times is read once), re-reads them through the
connector's normal client and page path (`connector_refresh`: mirror, chunks embedded at once, tombstones,
events), and marks the deliveries applied — or failed with the error, for the periodic sync to cover. A re-read
gives the source's current state, so a late or out-of-order delivery cannot bring an older version back.
"""

import datetime as dt
import time
from contextlib import contextmanager

from django.db import connection, transaction
from django.utils import timezone

from connectors.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from connectors.services.sync import ConnectorNotConfigured, connector_refresh
from core.http import HttpError

CLAIM_BATCH = 500
STRANDED_AFTER = dt.timedelta(minutes=15)  # past the applier task's time limit


def deliveries_apply(*, endpoint_id, sleep=time.sleep) -> dict:
    """Apply every queued delivery of one endpoint (and those that arrive meanwhile); returns counts."""
    endpoint = WebhookEndpoint.objects.select_related("project", "config").filter(pk=endpoint_id).first()
    if endpoint is None:
        return {"skipped": "no such endpoint"}
    totals = {"deliveries": 0, "failed": 0}
    while True:
        with _endpoint_lock(endpoint) as held:
            if not held:  # another applier drains this endpoint, and looks again after it lets go
                return {**totals, "skipped": "busy"}
            _requeue_stranded(endpoint)
            while batch := _claim(endpoint):
                failed = _apply(endpoint, batch, sleep)
                totals["deliveries"] += len(batch)
                totals["failed"] += len(batch) if failed else 0
        if not WebhookDelivery.objects.filter(endpoint=endpoint, status=DeliveryStatus.QUEUED).exists():
            return totals


@contextmanager
def _endpoint_lock(endpoint):
    key = f"webhook:{endpoint.pk}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(hashtext(%s))", [key])
        held = cursor.fetchone()[0]
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(hashtext(%s))", [key])


def _requeue_stranded(endpoint) -> None:
    """Deliveries an applier claimed and never finished (its worker died): queued again (we hold the lock)."""
    stranded = timezone.now() - STRANDED_AFTER
    WebhookDelivery.objects.filter(endpoint=endpoint, status=DeliveryStatus.APPLYING, received_at__lt=stranded).update(
        status=DeliveryStatus.QUEUED
    )


def _claim(endpoint) -> list[WebhookDelivery]:
    with transaction.atomic():
        queued = WebhookDelivery.objects.select_for_update(skip_locked=True).filter(
            endpoint=endpoint, status=DeliveryStatus.QUEUED
        )
        batch = list(queued.order_by("id")[:CLAIM_BATCH])
        WebhookDelivery.objects.filter(pk__in=[d.pk for d in batch]).update(status=DeliveryStatus.APPLYING)
    return batch


def _union(batch: list[WebhookDelivery], field: str) -> dict[str, list[str]]:
    merged: dict[str, set[str]] = {}
    for delivery in batch:
        for stream, ids in (getattr(delivery, field) or {}).items():
            merged.setdefault(stream, set()).update(str(i) for i in ids)
    return {stream: sorted(ids) for stream, ids in merged.items()}


def _apply(endpoint, batch: list[WebhookDelivery], sleep) -> bool:
    """Re-read what the batch names; mark it applied (or failed). Returns whether it failed."""
    ids = [d.pk for d in batch]
    try:
        connector_refresh(
            project=endpoint.project,
            source=endpoint.source,
            changed=_union(batch, "hints"),
            removed=_union(batch, "removed"),
            check_key=f"webhook:{ids[0]}",
            sleep=sleep,
        )
    except (HttpError, ConnectorNotConfigured) as exc:
        error = f"{exc.__class__.__name__}: {exc}"[:2000]
        WebhookDelivery.objects.filter(pk__in=ids).update(status=DeliveryStatus.FAILED, error=error)
        return True
    WebhookDelivery.objects.filter(pk__in=ids).update(status=DeliveryStatus.APPLIED, applied_at=timezone.now())
    return False

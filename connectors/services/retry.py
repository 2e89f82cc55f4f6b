"""Retrying connector errors: re-run exactly the failed unit and record the outcome on the same row."""

import time

from audit.services import audit_record
from connectors.models import ConnectorError, ErrorStatus
from connectors.services import errors as error_service
from connectors.services.state import AlreadyRunning
from connectors.services.sync import ConnectorNotConfigured, connector_sync
from connectors.sources import REGISTRY

RESOLVED, FAILED, BUSY = "resolved", "failed", "busy"


class BadUnit(ValueError):
    """A stored unit names an item that is not a record id of its source: never sent to the source."""


def _unit_item_valid(source: str, item) -> bool:
    connector = REGISTRY.get(source)
    return connector is not None and connector.valid_id(item)


def error_retry(*, error: ConnectorError, sleep=time.sleep) -> str:
    """Re-run the unit behind `error` now; return resolved, failed or busy (another run holds the lease)."""
    unit = error.unit or {}
    stream = unit.get("stream") or error.stream
    only_items = {stream: [unit["item"]]} if unit.get("item") else None
    if only_items and not _unit_item_valid(error.source, unit["item"]):
        exc = BadUnit(f"{unit['item']!r} is not a record id of {error.source}: not retried")
        error_service.error_record(project=error.project, source=error.source, stream=stream,
                                   dedupe_key=error.dedupe_key, unit=unit, exc=exc)  # fmt: skip
        return FAILED
    try:
        connector_sync(
            project=error.project,
            source=error.source,
            streams=[stream],
            trigger="retry",
            only_items=only_items,
            sleep=sleep,
        )
    except AlreadyRunning:
        return BUSY
    except ConnectorNotConfigured as exc:
        error_service.error_record(
            project=error.project,
            source=error.source,
            stream=stream,
            dedupe_key=error.dedupe_key,
            unit=unit,
            exc=exc,
        )
        return FAILED
    error.refresh_from_db()
    return RESOLVED if error.status == ErrorStatus.RESOLVED else FAILED


def dead_letter_retry(*, error: ConnectorError, actor, sleep=time.sleep) -> str:
    """A person retries one dead letter now: re-run its unit, record the outcome on the row, audit it."""
    outcome = error_retry(error=error, sleep=sleep)
    if outcome != BUSY:
        audit_record(
            action="connector.dead_letter_retry",
            actor=actor,
            project=error.project,
            entity_type="connector_error",
            entity_id=str(error.id),
            status="ok" if outcome == RESOLVED else "failed",
            payload={"outcome": outcome},
        )
    return outcome


def errors_retry_due(*, project=None, limit: int = 100, sleep=time.sleep, actor=None) -> dict:
    """Retry every due error (of one project, or all); return the tally. A person's request is audited."""
    due = error_service.errors_due(project=project, limit=limit)
    retried = []
    for error in due:
        retried.append({"id": str(error.id), "outcome": error_retry(error=error, sleep=sleep)})
    result = {
        "due": len(due),
        "succeeded": sum(1 for r in retried if r["outcome"] == RESOLVED),
        "failed": sum(1 for r in retried if r["outcome"] == FAILED),
        "retried": retried,
    }
    if actor is not None:
        tally = {key: value for key, value in result.items() if key != "retried"}
        audit_record(action="connector.errors_retry", actor=actor, project=project, payload=tally)
    return result

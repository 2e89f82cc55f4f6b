"""Finding what the sources deleted, without webhooks: walk their ids, ask for the rest by id, apply tombstones.

Per stream a check walks every id the source lists and compares it with the stored rows:

- `missing`: the source lists it, we hold no live row (never synced, or tombstoned and back at the source);
- a stored live row no list shows is asked for by id (bounded per run, least recently asked first; one known
  readable by id is asked again after a day):
  readable → `not_listable` (present: e.g. an anonymous Chatwoot contact, which `GET /contacts` leaves out);
  404 or left out of the answer → a strike; the second strike of a later check tombstones it
  (`deleted_applied`, bounded per connector per run) — until then it is `deleted_pending`;
  anything else (5xx, timeout, 401) stops the asking: the rest are `unverified` and nothing is deleted;
- `stale`: listed records the source changed in ways no cursor sees (a Chatwoot conversation touched by a
  deleted message): re-read with all their messages.

The sweep (`deletions_sweep`, every 30 min) and the daily reconciliation run the same check; the
reconciliation also compares the mirror and stores the figures. A dry run asks the same questions and changes
nothing.
"""

import datetime as dt
import time
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from audit.services import audit_record
from connectors.constants import TombstoneReason
from connectors.models import ConnectorConfig, IdCheck
from connectors.selectors import raw_rows
from connectors.services.id_checks import STRIKES_TO_DELETE, id_checks, ids_found_by_id, ids_not_found, ids_seen
from connectors.services.state import AlreadyRunning
from connectors.services.sync import connector_sync
from connectors.services.tombstones import descendants, tombstones_apply
from connectors.sources import connector_for
from core.http import HttpError

PROBE_BATCH = 25  # ids per by-id read: an error loses at most this batch's answers
# A record known readable by id only is asked again after a day (a deleted anonymous contact is found within one).
PRESENT_RECHECK = dt.timedelta(hours=24)


@dataclass
class StreamCheck:
    """What one stream's check found (ids without the stream prefix)."""

    listed: int = 0
    held: set[str] = field(default_factory=set)  # listed and live here
    missing: list[str] = field(default_factory=list)
    deleted_applied: list[str] = field(default_factory=list)
    deleted_pending: list[str] = field(default_factory=list)
    not_listable: list[str] = field(default_factory=list)
    unverified: list[str] = field(default_factory=list)
    repeated: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    children_removed: int = 0

    def summary(self) -> dict:
        return {
            "listed": self.listed,
            "missing": len(self.missing),
            "deleted_applied": len(self.deleted_applied),
            "deleted_pending": len(self.deleted_pending),
            "children_removed": self.children_removed,
            "not_listable": len(self.not_listable),
            "unverified": len(self.unverified),
            "reread": len(self.stale),
        }


@dataclass
class ConnectorCheck:
    source: str
    streams: dict[str, StreamCheck] = field(default_factory=dict)
    error: str = ""
    # Dry run: rows that would leave with a parent this check would delete (a real run tombstones them).
    doomed: dict[str, set[str]] = field(default_factory=dict)

    @property
    def applied(self) -> int:
        return sum(len(check.deleted_applied) for check in self.streams.values())


def connector_check(*, project, config, check_key: str, apply: bool = True, actor=None, sleep=time.sleep):
    """Check one connector's streams against the source; with `apply`, record strikes and apply tombstones."""
    connector = connector_for(config, sleep=sleep)
    checker = _Checker(connector, project, str(check_key), apply)
    try:
        for stream in connector.reconciled_streams:
            checker.result.streams[stream] = checker.stream(stream)
    except HttpError as exc:
        checker.result.error = f"id walk failed: {exc}"
    finally:
        connector.close()
    if apply:
        _reread_stale(project, config.source, checker.result, sleep)
        _audit(project, checker.result, check_key, actor)
    return checker.result


class _Checker:
    """One check of one connector: its streams in order, the tombstone budget they share."""

    def __init__(self, connector, project, check_key: str, apply: bool) -> None:
        self.connector, self.project, self.check_key, self.apply = connector, project, check_key, apply
        self.source = connector.source
        self.budget = settings.DELETIONS_MAX_PER_RUN
        self.result = ConnectorCheck(self.source)

    def stream(self, stream: str) -> StreamCheck:
        walked = list(self.connector.list_ids(stream=stream))
        listed = set(walked)
        check = StreamCheck(listed=len(listed), repeated=sorted(i for i, n in Counter(walked).items() if n > 1))
        stored = raw_rows(project=self.project, source=self.source, stream=stream, include_deleted=True)
        reasons = dict(stored.values_list("external_id", "deleted_reason"))
        live = {i for i, reason in reasons.items() if not reason} - self.result.doomed.get(stream, set())
        check.held = live & listed
        # A row we tombstoned as deleted that the source lists again is missing (the next sync revives it); one
        # the source itself marks (a trashed issue, listed with `includeArchived`) is held as it should be.
        check.missing = sorted(i for i in listed if reasons.get(i, TombstoneReason.DELETED) == TombstoneReason.DELETED)
        checks = id_checks(project=self.project, source=self.source, stream=stream)
        if self.apply:
            ids_seen(project=self.project, source=self.source, stream=stream, ids=listed & set(checks))
        self._ask_unlisted(stream, check, sorted(live - listed), checks)
        if stream in self.connector.versioned_streams and check.held:
            versions = dict(stored.filter(external_id__in=check.held).values_list("external_id", "source_updated_at"))
            stale = self.connector.stale_by_version(stream=stream, stored=versions)
            check.stale = stale[: settings.DELETION_REREADS_PER_RUN]
        return check

    def _ask_unlisted(self, stream: str, check: StreamCheck, unlisted: list[str], checks: dict) -> None:
        """Ask the source for stored rows its lists did not show: present, gone, pending or unverified."""
        recent = timezone.now() - PRESENT_RECHECK
        fresh = {i for i in unlisted if _known_present(checks.get(i)) and checks[i].checked_at >= recent}
        order = sorted((i for i in unlisted if i not in fresh), key=lambda i: _asking_order(checks.get(i)))
        limit = settings.DELETION_PROBES_PER_RUN
        present, not_found, unanswered = _probe(self.connector, stream, order[:limit])
        for external_id in [*unanswered, *order[limit:], *fresh]:  # not asked (or unanswered): what we knew stands
            known = checks.get(external_id)
            if _known_present(known):
                check.not_listable.append(external_id)
            elif known is not None:
                check.deleted_pending.append(external_id)
            else:
                check.unverified.append(external_id)
        check.not_listable += present
        if self.apply:
            self._apply(stream, check, present, not_found)
        else:
            self._foresee(stream, check, [i for i in not_found if _would_confirm(checks.get(i), self.check_key)])
        self.budget -= len(check.deleted_applied)
        applied = set(check.deleted_applied)
        check.deleted_pending += [i for i in not_found if i not in applied]

    def _apply(self, stream: str, check: StreamCheck, present: list[str], not_found: list[str]) -> None:
        where = {"project": self.project, "source": self.source, "stream": stream, "check_key": self.check_key}
        ids_found_by_id(ids=present, **where)
        confirmed = ids_not_found(ids=not_found, **where)
        removed = tombstones_apply(project=self.project, source=self.source, stream=stream,
                                   ids=confirmed[: self.budget], reason=TombstoneReason.DELETED)  # fmt: skip
        check.deleted_applied = removed.pop(stream, [])
        check.children_removed = sum(len(ids) for ids in removed.values())

    def _foresee(self, stream: str, check: StreamCheck, confirmed: list[str]) -> None:
        """Dry run: what `_apply` would tombstone, and the rows that would leave with it."""
        check.deleted_applied = confirmed[: self.budget]
        doomed = descendants(project=self.project, source=self.source, stream=stream, ids=check.deleted_applied)
        check.children_removed = sum(len(ids) for ids in doomed.values())
        for child_stream, ids in doomed.items():
            self.result.doomed.setdefault(child_stream, set()).update(ids)


def _known_present(known: IdCheck | None) -> bool:
    return known is not None and known.outcome == IdCheck.PRESENT


def _asking_order(known: IdCheck | None) -> tuple:
    """Never asked first, then suspected gone, then known present (least recently asked first)."""
    if known is None:
        return (0, 0.0)
    return (1 if known.outcome == IdCheck.NOT_FOUND else 2, known.checked_at.timestamp())


def _would_confirm(known: IdCheck | None, check_key: str) -> bool:
    """Dry run: would this 404 be the confirming strike (the rule of `id_checks.ids_not_found`)?"""
    if known is None or known.outcome != IdCheck.NOT_FOUND:
        return False
    if known.strikes >= STRIKES_TO_DELETE:
        return True  # confirmed before, held back by the per-check bound
    gap = dt.timedelta(seconds=settings.DELETION_CONFIRM_AFTER_SECONDS)
    counts = known.check_key != check_key and timezone.now() - known.checked_at >= gap
    return counts and known.strikes + 1 >= STRIKES_TO_DELETE


def _probe(connector, stream: str, ids: list[str]) -> tuple[list[str], list[str], list[str]]:
    """(readable, not found, unanswered): reads by id in small batches; an error stops the asking."""
    present, not_found = [], []
    for start in range(0, len(ids), PROBE_BATCH):
        batch = ids[start : start + PROBE_BATCH]
        try:
            page = connector.fetch_by_ids(stream=stream, ids=batch)
        except HttpError:
            return present, not_found, ids[start:]
        gone = {str(i) for i in page.skipped}
        present += [i for i in batch if i not in gone]
        not_found += [i for i in batch if i in gone]
    return present, not_found, []


def _reread_stale(project, source: str, result: ConnectorCheck, sleep) -> None:
    """Re-read (with all their messages) the records the source touched without moving any cursor."""
    stale = {stream: check.stale for stream, check in result.streams.items() if check.stale}
    if not stale:
        return
    try:
        connector_sync(project=project, source=source, trigger="deletion_check", resync_ids=stale, full=True,
                       sleep=sleep)  # fmt: skip
    except AlreadyRunning:  # a sync holds the lease: the next check re-reads them
        for check in result.streams.values():
            check.stale = []


def _audit(project, result: ConnectorCheck, check_key: str, actor) -> None:
    if not result.applied:
        return
    audit_record(
        action="connector.deletions_applied",
        actor=actor or "deletion check",
        project=project,
        entity_type="connector",
        entity_id=result.source,
        payload={
            "check": str(check_key),
            "streams": {stream: check.summary() for stream, check in result.streams.items()},
            "ids": {stream: check.deleted_applied[:50] for stream, check in result.streams.items()},
        },
    )


def deletions_sweep(*, project, check_key: str, actor=None, sleep=time.sleep) -> dict:
    """The scheduled sweep: check every enabled connector of the project and apply what is confirmed."""
    configs = ConnectorConfig.objects.filter(project=project, enabled=True).select_related("project")
    summary = {}
    for config in configs.order_by("source"):
        result = connector_check(project=project, config=config, check_key=check_key, actor=actor, sleep=sleep)
        summary[config.source] = {
            "applied": result.applied,
            "pending": sum(len(c.deleted_pending) for c in result.streams.values()),
            "reread": sum(len(c.stale) for c in result.streams.values()),
            **({"error": result.error} if result.error else {}),
        }
    return summary

"""Tombstones: a record the source no longer has leaves every layer in one transaction, and comes back whole.

A tombstone is `deleted_at` + `deleted_reason` on the raw row; the rows the source deletes with it (a
conversation's messages, an issue's comments, a record's notes: `Connector.children`) share it. In the same
transaction the removal hooks take out what other apps built from those rows (the CRM mirror closes the deal,
the chunks and their vectors go), and a `data_changed` event follows the commit. A row the source shows again
is revived by the upsert; its children tombstoned with it (same `deleted_at`) are revived here.
"""

from django.db import transaction
from django.utils import timezone

from connectors import hooks
from connectors.models import RAW_MODELS, IdCheck
from connectors.sources import REGISTRY
from core.events import publish_on_commit


def tombstones_apply(*, project, source: str, stream: str, ids, reason: str, urgent=False) -> dict[str, list[str]]:
    """Tombstone these live rows and their children now; returns what left, per stream."""
    with transaction.atomic():
        removed = _cascade(project, source, stream, [str(i) for i in ids], reason=reason, at=timezone.now())
        _announce(project, source, removed, reason, urgent)
    return removed


def tombstones_written(*, project, source: str, stream: str, ids, urgent=False) -> dict[str, list[str]]:
    """Rows the upsert just wrote as tombstones (their payload says deleted): their children follow, and every
    layer lets them go. Call inside the page's transaction."""
    rows = RAW_MODELS[(source, stream)].objects.filter(project=project, external_id__in=[str(i) for i in ids])
    groups: dict[tuple, list[str]] = {}
    for external_id, at, reason in rows.values_list("external_id", "deleted_at", "deleted_reason"):
        groups.setdefault((at, reason), []).append(external_id)
    everything: dict[str, list[str]] = {}
    for (at, reason), parents in groups.items():
        removed = {stream: parents}
        _merge(removed, _cascade_children(project, source, stream, parents, reason=reason, at=at))
        _announce(project, source, removed, reason, urgent)
        _merge(everything, removed)
    return everything


def tombstones_revived(*, project, source: str, stream: str, revived: dict[str, object]) -> None:
    """Children tombstoned together with these just-revived rows (the same `deleted_at`) come back too."""
    for external_id, at in revived.items():
        _revive_children(project, source, stream, [external_id], at)


def descendants(*, project, source: str, stream: str, ids) -> dict[str, list[str]]:
    """Live rows the source deletes together with these (their children, the children's children…), per stream."""
    found: dict[str, list[str]] = {}
    for child in REGISTRY[source].children.get(stream, ()):
        rows = RAW_MODELS[(source, child.stream)].objects.filter(
            project=project, deleted_reason="", **{f"{child.column}__in": list(ids)}, **dict(child.where)
        )
        child_ids = list(rows.values_list("external_id", flat=True))
        if child_ids:
            _merge(found, {child.stream: child_ids})
            _merge(found, descendants(project=project, source=source, stream=child.stream, ids=child_ids))
    return found


def _cascade(project, source: str, stream: str, ids: list[str], *, reason: str, at) -> dict[str, list[str]]:
    live = RAW_MODELS[(source, stream)].objects.filter(project=project, external_id__in=ids, deleted_reason="")
    newly = list(live.values_list("external_id", flat=True))
    if not newly:
        return {}
    removed = {stream: newly}
    _merge(removed, _cascade_children(project, source, stream, newly, reason=reason, at=at))
    _tombstone(project, source, {stream: newly}, reason=reason, at=at)
    return removed


def _cascade_children(project, source: str, stream: str, parents: list[str], *, reason: str, at) -> dict:
    children = descendants(project=project, source=source, stream=stream, ids=parents)
    _tombstone(project, source, children, reason=reason, at=at)
    return children


def _tombstone(project, source: str, ids_by_stream: dict[str, list[str]], *, reason: str, at) -> None:
    for stream, ids in ids_by_stream.items():
        rows = RAW_MODELS[(source, stream)].objects.filter(project=project, external_id__in=ids, deleted_reason="")
        rows.update(deleted_at=at, deleted_reason=reason)


def _revive_children(project, source: str, stream: str, parents: list[str], at) -> None:
    for child in REGISTRY[source].children.get(stream, ()):
        rows = RAW_MODELS[(source, child.stream)].objects.filter(
            project=project, deleted_at=at, **{f"{child.column}__in": parents}, **dict(child.where)
        )
        ids = list(rows.values_list("external_id", flat=True))
        if ids:
            rows.update(deleted_at=None, deleted_reason="")
            _revive_children(project, source, child.stream, ids, at)


def _merge(into: dict[str, list[str]], more: dict[str, list[str]]) -> None:
    for stream, ids in more.items():
        into.setdefault(stream, []).extend(ids)


def _announce(project, source: str, removed: dict[str, list[str]], reason: str, urgent: bool) -> None:
    """Settle their id checks, let every layer remove them (this transaction), tell the dashboard after commit."""
    if not removed:
        return
    for stream, ids in removed.items():
        IdCheck.objects.filter(project=project, source=source, stream=stream, external_id__in=ids).delete()
    removed_ids = {stream: tuple(ids) for stream, ids in removed.items()}
    event = hooks.RecordsRemoved(project.pk, source, removed_ids, reason, urgent)
    hooks.records_removed(event)
    data = {"what": "deletions", "connector": source, "removed": {stream: len(ids) for stream, ids in removed.items()}}
    publish_on_commit(project_id=project.pk, event_type="data_changed", data=data)

"""What other apps run when connector data changes (the CRM mirror, the chunk builder, cascades).

Apps register callables in their `AppConfig.ready()`. Page and run hooks run after commit, so a rolled-back
page announces nothing; a failing one never fails the sync, and leaves a durable marker (`HookFailure`: the
hook and the records it missed) that a repair replays later — the next sync of the connector repairs all of its
markers, the periodic `connectors_hook_failures_repair` the due ones (with backoff and an attempt cap) — and
that goes once the replay succeeds. Removal hooks run inside the transaction that tombstones the rows, so a
record leaves every layer (mirror, chunks, vectors) at once or not at all: a failing one rolls the tombstone
back.
"""

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from django.db import transaction
from django.utils import timezone

from connectors import hook_failures
from connectors.models import RAW_MODELS

log = logging.getLogger("connectors.hooks")
REPLAY_BATCH = 1000  # ids per replayed page event


@dataclass(frozen=True)
class PageCommitted:
    """A committed page: which live rows of which stream changed (inserted, updated or revived). An urgent page
    (a webhook's re-read) has its chunks embedded at once, not by the next embedding run."""

    project_id: object
    source: str
    stream: str
    changed_ids: tuple[str, ...] = ()
    urgent: bool = False


@dataclass(frozen=True)
class RecordsRemoved:
    """Rows just tombstoned for one reason (the source deleted or trashed them), per stream, children included."""

    project_id: object
    source: str
    removed: dict[str, tuple[str, ...]] = field(default_factory=dict)
    reason: str = ""
    urgent: bool = False  # a webhook's: what is left of a parent document is embedded at once


@dataclass(frozen=True)
class RunFinished:
    """A finished sync run with its per-stream counts."""

    project_id: object
    source: str
    run_id: object
    status: str
    counts: dict = field(default_factory=dict)


PAGE_HOOKS: list[Callable[[PageCommitted], None]] = []
REMOVAL_HOOKS: list[Callable[[RecordsRemoved], None]] = []
RUN_HOOKS: list[Callable[[RunFinished], None]] = []
# (project, source, stream) -> set of external ids present downstream (the CRM mirror), or None if not mirrored.
MIRROR_LOOKUPS: list[Callable] = []


def on_mirror_lookup(lookup: Callable) -> Callable:
    if lookup not in MIRROR_LOOKUPS:
        MIRROR_LOOKUPS.append(lookup)
    return lookup


def mirrored_ids(project, source: str, stream: str) -> set[str] | None:
    """Ids of this stream present in a downstream mirror; None when no mirror keeps this stream."""
    for lookup in MIRROR_LOOKUPS:
        ids = lookup(project, source, stream)
        if ids is not None:
            return ids
    return None


def on_page_committed(hook: Callable[[PageCommitted], None]) -> Callable:
    if hook not in PAGE_HOOKS:
        PAGE_HOOKS.append(hook)
    return hook


def on_records_removed(hook: Callable[[RecordsRemoved], None]) -> Callable:
    if hook not in REMOVAL_HOOKS:
        REMOVAL_HOOKS.append(hook)
    return hook


def on_run_finished(hook: Callable[[RunFinished], None]) -> Callable:
    if hook not in RUN_HOOKS:
        RUN_HOOKS.append(hook)
    return hook


def _call_all(hooks: list, event) -> None:
    for hook in list(hooks):
        try:
            hook(event)
        except Exception as exc:  # a downstream consumer must not break the sync that feeds it
            log.exception("hook %s failed for %s", getattr(hook, "__name__", hook), event)
            _record_failure(hook, event, exc)


def _record_failure(hook, event, exc: Exception) -> None:
    """Leave the marker a repair replays; a marker that cannot be written (the database is down) is logged."""
    common = {"project_id": event.project_id, "source": event.source, "hook": hook_failures.hook_name(hook), "exc": exc}
    try:
        if isinstance(event, PageCommitted):
            hook_failures.hook_failure_record(**common, stream=event.stream, kind="page", ids=event.changed_ids,
                                              urgent=event.urgent)  # fmt: skip
        else:
            payload = {**asdict(event), "project_id": str(event.project_id), "run_id": str(event.run_id)}
            hook_failures.hook_failure_record(**common, stream="", kind="run", payload=payload)
    except Exception:
        log.exception("could not record the failure of hook %s", common["hook"])


def page_committed(event: PageCommitted) -> None:
    _call_all(PAGE_HOOKS, event)


def run_finished(event: RunFinished) -> None:
    _call_all(RUN_HOOKS, event)


def records_removed(event: RecordsRemoved) -> None:
    """Inside the tombstoning transaction: every consumer removes what it built from these rows (no guard)."""
    for hook in list(REMOVAL_HOOKS):
        hook(event)


# ---------------------------------------------------------------- repairs of failed hooks


def _registered(kind: str, name: str):
    hooks = PAGE_HOOKS if kind == "page" else RUN_HOOKS
    return next((hook for hook in hooks if hook_failures.hook_name(hook) == name), None)


def _replay(hook, marker) -> None:
    """Call the hook again with what it missed: the page's records (in batches), or the finished run."""
    if marker.kind == "run":
        payload = marker.payload
        hook(RunFinished(marker.project_id, marker.source, payload.get("run_id"), payload.get("status", ""),
                         payload.get("counts") or {}))  # fmt: skip
        return
    ids = list(marker.record_ids)
    if marker.whole_stream:
        model = RAW_MODELS[(marker.source, marker.stream)]
        ids = list(model.objects.filter(project_id=marker.project_id, deleted_at__isnull=True)
                   .order_by("external_id").values_list("external_id", flat=True))  # fmt: skip
    for start in range(0, len(ids), REPLAY_BATCH):
        batch = tuple(str(i) for i in ids[start : start + REPLAY_BATCH])
        hook(PageCommitted(marker.project_id, marker.source, marker.stream, batch, urgent=marker.urgent))


def hook_failure_repair(marker) -> bool | None:
    """Replay one marker's hook; True (marker removed) when it succeeded, False when it failed again (counted,
    backed off), None when another repair holds it or it is gone. The replay's writes commit with the marker's
    removal, or roll back with its failure."""
    hook = _registered(marker.kind, marker.hook)
    with transaction.atomic():
        claimed = hook_failures.hook_failure_claim(marker)
        if claimed is None:
            return None
        try:
            if hook is None:
                raise LookupError(f"hook {claimed.hook} is no longer registered")
            with transaction.atomic():
                _replay(hook, claimed)
        except Exception as exc:
            hook_failures.hook_failure_failed_again(claimed, exc)
            return False
        claimed.delete()
    log.info("repaired hook %s for %s/%s", marker.hook, marker.source, marker.stream or "run")
    return True


def hook_failures_repair(
    *, project=None, source: str | None = None, due_only: bool = True, created_before=None
) -> dict:
    """Repair the markers of one connector (a sync: all those older than the run, whatever their backoff) or
    every due one (the periodic job). Returns {"repaired", "failed", "busy"}."""
    due = timezone.now() if due_only else None
    tally = {"repaired": 0, "failed": 0, "busy": 0}
    pending = hook_failures.hook_failures_pending(project=project, source=source, due=due,
                                                  created_before=created_before)  # fmt: skip
    for marker in pending:
        outcome = hook_failure_repair(marker)
        tally["busy" if outcome is None else "repaired" if outcome else "failed"] += 1
    return tally

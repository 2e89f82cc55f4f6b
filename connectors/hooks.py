"""What other apps run when connector data changes (the CRM mirror, the chunk builder, cascades).

Apps register callables in their `AppConfig.ready()`. Page and run hooks run after commit, so a rolled-back
page announces nothing; a failing one is logged and never fails the sync. Removal hooks run inside the
transaction that tombstones the rows, so a record leaves every layer (mirror, chunks, vectors) at once or not at
all: a failing one rolls the tombstone back.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger("connectors.hooks")


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
        except Exception:  # a downstream consumer must not break the sync that feeds it
            log.exception("hook %s failed for %s", getattr(hook, "__name__", hook), event)


def page_committed(event: PageCommitted) -> None:
    _call_all(PAGE_HOOKS, event)


def run_finished(event: RunFinished) -> None:
    _call_all(RUN_HOOKS, event)


def records_removed(event: RecordsRemoved) -> None:
    """Inside the tombstoning transaction: every consumer removes what it built from these rows (no guard)."""
    for hook in list(REMOVAL_HOOKS):
        hook(event)

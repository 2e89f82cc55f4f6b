"""Cross-system reconciliation: ids the source reports (a full id walk) vs raw rows vs mirror rows.

Per connector and run it stores, over the records the source has (`total` = listed + readable only by id):
`missing` (the source has it, we do not: raw or mirror), `deleted_at_source` (gone at the source: tombstoned
by this run, or pending a confirming check — see `connectors.services.deletions`), `not_listable` (no list shows
it, a read by id does: present), `duplicates`, `orphans`, the ids behind each (bounded), and
`completeness_pct = 100 × (total − missing) / total` (100 when total is 0): what we lack, not what the sources
removed. A portfolio row sums them. History is append-only. A dry run asks the same and stores nothing.
"""

import time
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Count

from audit.services import audit_record
from connectors import hooks
from connectors.models import PORTFOLIO, ConnectorConfig, ReconciliationMetric, SyncRun
from connectors.selectors import raw_rows
from connectors.services.deletions import ConnectorCheck, connector_check
from connectors.services.sync import connector_sync
from core.events import publish_on_commit


def completeness_pct(total: int, missing: int) -> float:
    """100 × (total − missing) / total, 100 when total is 0, never below 0."""
    if total <= 0:
        return 100.0
    return round(max(0.0, 100.0 * (total - missing) / total), 2)


@dataclass
class Tally:
    """Counts and ids for one connector while it is being reconciled."""

    total: int = 0
    missing: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    not_listable: int = 0
    duplicates: list[str] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)
    details: dict = field(default_factory=dict)

    def metric(self, *, project, source: str, run_id, error: str = "") -> ReconciliationMetric:
        cap = settings.RECONCILIATION_MAX_IDS
        return ReconciliationMetric(
            project=project,
            account_scope_id=project.account_scope_id,
            run_id=run_id,
            source=source,
            total=self.total,
            missing=len(self.missing),
            deleted_at_source=len(self.deleted),
            not_listable=self.not_listable,
            duplicates=len(self.duplicates),
            orphans=len(self.orphans),
            completeness_pct=0.0 if error else completeness_pct(self.total, len(self.missing)),
            missing_ids=self.missing[:cap],
            deleted_ids=self.deleted[:cap],
            duplicate_ids=self.duplicates[:cap],
            orphan_ids=self.orphans[:cap],
            details=self.details,
            error=error,
        )


def _tally_stream(tally: Tally, project, source: str, stream: str, check) -> None:
    """One stream's check, plus the mirror: a record held in raw but not mirrored is missing too."""
    mirror = hooks.mirrored_ids(project, source, stream)
    not_in_mirror = sorted(check.held - mirror) if mirror is not None else []
    tally.total += check.listed + len(check.not_listable)
    tally.missing += [f"{stream}:{i}" for i in (*check.missing, *not_in_mirror)]
    tally.deleted += [f"{stream}:{i}" for i in (*check.deleted_applied, *check.deleted_pending)]
    tally.not_listable += len(check.not_listable)
    tally.duplicates += [f"{stream}:{i}" for i in check.repeated]
    tally.details[stream] = {**check.summary(), "not_in_mirror": len(not_in_mirror)}


def _duplicate_emails(tally: Tally, project, source: str, stream: str) -> None:
    rows = raw_rows(project=project, source=source, stream=stream).exclude(email="")
    emails = rows.values("email").annotate(n=Count("id")).filter(n__gt=1).values_list("email", flat=True)
    repeated = rows.filter(email__in=list(emails)).order_by("email", "external_id")
    tally.duplicates += [f"{stream}:{i}" for i in repeated.values_list("external_id", flat=True)]


def _orphans(tally: Tally, project, source: str) -> None:
    if source == "attio":
        companies = raw_rows(project=project, source="attio", stream="companies").values("external_id")
        deals = raw_rows(project=project, source="attio", stream="deals").exclude(company_external_id__in=companies)
        tally.orphans += [f"deals:{i}" for i in deals.values_list("external_id", flat=True)]
    elif source == "chatwoot":
        contacts = raw_rows(project=project, source="chatwoot", stream="contacts").values("external_id")
        conversations = raw_rows(project=project, source="chatwoot", stream="conversations").exclude(
            contact_external_id__in=contacts
        )
        tally.orphans += [f"conversations:{i}" for i in conversations.values_list("external_id", flat=True)]


def _reconcile_connector(project, config, run_id, sleep, *, apply: bool, actor, checks: dict) -> ReconciliationMetric:
    check: ConnectorCheck = connector_check(
        project=project, config=config, check_key=str(run_id), apply=apply, actor=actor, sleep=sleep
    )
    checks[config.source] = check
    tally = Tally()
    for stream, stream_check in check.streams.items():
        _tally_stream(tally, project, config.source, stream, stream_check)
    if check.error:
        return tally.metric(project=project, source=config.source, run_id=run_id, error=check.error)
    email_streams = {"chatwoot": "contacts", "attio": "people"}
    if config.source in email_streams:
        _duplicate_emails(tally, project, config.source, email_streams[config.source])
    _orphans(tally, project, config.source)
    return tally.metric(project=project, source=config.source, run_id=run_id)


def _portfolio(project, run_id, metrics: list[ReconciliationMetric]) -> ReconciliationMetric:
    total, missing = sum(m.total for m in metrics), sum(m.missing for m in metrics)
    return ReconciliationMetric(
        project=project,
        account_scope_id=project.account_scope_id,
        run_id=run_id,
        source=PORTFOLIO,
        total=total,
        missing=missing,
        deleted_at_source=sum(m.deleted_at_source for m in metrics),
        not_listable=sum(m.not_listable for m in metrics),
        duplicates=sum(m.duplicates for m in metrics),
        orphans=sum(m.orphans for m in metrics),
        completeness_pct=completeness_pct(total, missing),
    )


def reconciliation_run(*, project, actor=None, sleep=time.sleep, dry_run: bool = False) -> dict:
    """Walk every enabled connector's ids, apply confirmed deletions, compare, store the metrics; audit
    completeness below threshold. `dry_run` changes nothing and stores nothing."""
    run_id = uuid.uuid4()
    configs = ConnectorConfig.objects.filter(project=project, enabled=True).select_related("project")
    actor, checks = actor or "reconciliation", {}
    metrics = [
        _reconcile_connector(project, config, run_id, sleep, apply=not dry_run, actor=actor, checks=checks)
        for config in configs.order_by("source")
    ]
    portfolio = _portfolio(project, run_id, metrics)
    if not dry_run:
        _store(project, run_id, metrics, portfolio, actor)
    return {"run_id": str(run_id), "metrics": [*metrics, portfolio], "summary": portfolio, "checks": checks}


def _store(project, run_id, metrics: list[ReconciliationMetric], portfolio, actor) -> None:
    threshold = settings.CONNECTOR_RECONCILIATION_MIN_COMPLETENESS_PCT
    with transaction.atomic():
        ReconciliationMetric.objects.bulk_create([*metrics, portfolio])
        for metric in metrics:
            if metric.completeness_pct < threshold:
                audit_record(
                    action="reconciliation.completeness_low",
                    actor=actor,
                    project=project,
                    status="warning",
                    entity_type="connector",
                    entity_id=metric.source,
                    payload={
                        "completeness_pct": metric.completeness_pct,
                        "threshold": threshold,
                        "missing": metric.missing,
                        "deleted_at_source": metric.deleted_at_source,
                    },
                )
        audit_record(
            action="reconciliation.run",
            actor=actor,
            project=project,
            payload={"run_id": str(run_id), "portfolio_pct": portfolio.completeness_pct},
        )
        data = {"what": "reconciliation", "run_id": str(run_id), "completeness_pct": portfolio.completeness_pct}
        publish_on_commit(project_id=project.pk, event_type="data_changed", data=data)


def connector_resync(*, project, source: str, ids: dict[str, list[str]], actor, job_run=None) -> SyncRun:
    """Re-read exactly the listed records now (the reconciliation diff's ids), audited; `job_run` is the queued
    run recording it (the sync closes it).

    Raises AlreadyRunning (409) when another run of the connector holds the lease.
    """
    run = connector_sync(project=project, source=source, trigger="resync", resync_ids=ids, full=True, job_run=job_run)
    audit_record(
        action="connector.resync",
        actor=actor,
        project=project,
        entity_type="connector",
        entity_id=source,
        payload={"ids": sum(len(v) for v in ids.values()), "run_id": str(run.id)},
    )
    return run


def parse_resync_ids(ids: list[str], *, streams: tuple[str, ...], valid_id) -> dict[str, list[str]]:
    """["deals:<uuid>", …] → {"deals": ["<uuid>"]}; raises ValueError naming a bad entry: an unknown stream, or an
    id that is not one of the source's (`valid_id`: Chatwoot numbers, Linear and Attio UUIDs)."""
    grouped: dict[str, list[str]] = {}
    for entry in ids:
        stream, _, external_id = str(entry).partition(":")
        if stream not in streams or not external_id:
            raise ValueError(f"{entry!r} is not 'stream:id' with stream in {', '.join(streams)}")
        if not valid_id(external_id):
            raise ValueError(f"{entry!r}: {external_id!r} is not a record id of this source")
        grouped.setdefault(stream, []).append(external_id)
    return grouped
